"""JSON Schemas (Draft 2020-12) of claim, source and publication files, from the model."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..boundary import (
    ARCHIVE_DIR,
    NotRegular,
    OutsideBoundary,
    TooLarge,
    read_bytes,
    write_atomic,
)
from ..records import (
    CLAIM_KIND_DOCS,
    CONTROL_PATTERN,
    CONTROL_PATTERNS,
    COUNT_MAX,
    DECEPTIVE,
    FIGURE_MAX,
    FOLDERS,
    KIND_DOCS,
    PUBLICATION_KIND_DOCS,
    QUALIFIER_DOCS,
    RELATION_DOCS,
    RELIABILITY_DOCS,
    SLUG_MAX,
    SLUG_RE,
    STATUS_DOCS,
    SUFFIX,
    WINDOWS_DEVICES,
    Claim,
    FieldSpec,
    Publication,
    Source,
    field_specs,
    record_files,
    slug_problem,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"
RECORDS: dict[str, type] = {"claim": Claim, "source": Source, "publication": Publication}
FOLDER_OF: dict[str, str] = {"claim": "claims", "source": "sources", "publication": "publications"}
SCHEMA_DIR = "schemas"

# JSON Schema regexes are ECMA-262; each of these means the same in Python's `re`.
# The id pattern, less the names Windows reserves for devices, which the checker refuses too.
SLUG_PATTERN = f"^(?!(?:{'|'.join(sorted(WINDOWS_DEVICES))})$){SLUG_RE.pattern[1:]}"
NOT_BLANK = r"\S"
ONE_LINE = r"^\s*[^\n]*\S[^\n]*\s*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# An http(s) URL without user info, backslashes or invisible characters, and with a port
# of at most 65535; the checker (urls.py) also refuses hosts that mix scripts.
_PORT = r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5]?[0-9]{0,4}))?"
_INVISIBLE = r"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
WEB_URL = (
    rf"^(?![\s\S]*[{_INVISIBLE}])[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@\\:\[\]\u3002\uff0e\uff61]+){_PORT}([/?#]\S*)?$"
)
# A plain file under archive/: no empty, hidden, `.` or `..` component, no colon or backslash.
ARCHIVE_PATH = rf"^{ARCHIVE_DIR}(?:/[^/.:\\\x00][^/:\\\x00]*)+$"

_CHOICE_DOCS: tuple[Mapping[str, str], ...] = (
    STATUS_DOCS,
    KIND_DOCS,
    RELIABILITY_DOCS,
    RELATION_DOCS,
    CLAIM_KIND_DOCS,
    PUBLICATION_KIND_DOCS,
    QUALIFIER_DOCS,
)


@dataclass(frozen=True, slots=True)
class Ids:
    """The record ids an editor may refer to: file names in claims/, sources/, publications/."""

    claim: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    publication: tuple[str, ...] = ()

    @property
    def speaker(self) -> tuple[str, ...]:
        """What an attribution's source may name: a source, or a publication in its own voice."""
        return tuple(sorted({*self.source, *self.publication}))


def existing_ids(root: Path) -> Ids:
    """Ids from file names only, so a record that does not validate can still be referred to."""
    found: dict[str, set[str]] = {}
    for folder in FOLDERS:
        stems = found.setdefault(folder, set())
        for path, misfit in record_files(root, folder):
            stem = path.name[: -len(SUFFIX)]
            if misfit is None and slug_problem(stem) is None:
                stems.add(stem)
    return Ids(
        claim=tuple(sorted(found["claims"])),
        source=tuple(sorted(found["sources"])),
        publication=tuple(sorted(found["publications"])),
    )


def choice_docs(choices: Sequence[str]) -> list[str] | None:
    for docs in _CHOICE_DOCS:
        if set(docs) == set(choices):
            return [docs[c] for c in choices]
    return None


def _value(fs: FieldSpec, ids: Ids) -> dict[str, Any]:
    """The schema of one value, without its description."""
    out = _plain_value(fs, ids)
    if fs.kind in ("line", "text", "url", "path"):
        # The checker refuses invisible line breaks, direction controls and control
        # characters (tabs and line breaks only where the field may hold several lines).
        control = CONTROL_PATTERNS.get(fs.kind, CONTROL_PATTERN)
        out["not"] = {"pattern": f"{control}|{DECEPTIVE.pattern}"}
    return out


def _plain_value(fs: FieldSpec, ids: Ids) -> dict[str, Any]:
    kind = fs.kind
    if kind == "line":
        return {"type": "string", "pattern": ONE_LINE}
    if kind == "text":
        return {"type": "string", "pattern": NOT_BLANK}
    if kind == "slug":
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX}
    if kind == "ref":
        assert fs.ref is not None
        known = getattr(ids, fs.ref)
        if known:
            # An enum, not a pattern: editors offer these ids as completions across files.
            return {"type": "string", "enum": list(known)}
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX}
    if kind == "enum":
        out: dict[str, Any] = {"type": "string", "enum": list(fs.choices)}
        docs = choice_docs(fs.choices)
        if docs:
            # Read by the YAML language server to explain each choice in the completion list.
            out["enumDescriptions"] = docs
        return out
    if kind == "date":
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if kind == "url":
        return {"type": "string", "format": "uri", "pattern": WEB_URL}
    if kind == "path":
        return {"type": "string", "pattern": ARCHIVE_PATH}
    if kind == "count":
        out = {"type": "integer", "minimum": 1, "maximum": COUNT_MAX}
        if fs.maximum is not None:
            out["maximum"] = min(fs.maximum, COUNT_MAX)
        return out
    if kind == "number":
        return {"type": "number", "minimum": -FIGURE_MAX, "maximum": FIGURE_MAX}
    if kind == "list":
        assert fs.item is not None
        out = {"type": "array", "items": _value(fs.item, ids)}
        if fs.min_items:
            out["minItems"] = fs.min_items
        if fs.single:
            # `via: afp` is read as `via: [afp]`.
            return {"anyOf": [_value(fs.item, ids), out]}
        return out
    if kind == "object":
        assert fs.record is not None
        return {"$ref": f"#/$defs/{fs.record.__name__}"}
    raise ValueError(f"no JSON Schema for field kind {kind!r}")


def _property(fs: FieldSpec, ids: Ids) -> dict[str, Any]:
    schema = {"description": fs.doc, **_value(fs, ids)}
    if fs.example is not None:
        schema["examples"] = [fs.example]
    if fs.default is not None:
        schema["default"] = fs.default
    if not fs.required:
        # The loader treats `key:` with no value as an absent optional key; so does the schema.
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        if "type" in schema:
            schema["type"] = [schema["type"], "null"]
        elif "anyOf" in schema:
            schema["anyOf"] = [*schema["anyOf"], {"type": "null"}]
        else:
            schema = {"description": fs.doc, "anyOf": [_value(fs, ids), {"type": "null"}]}
    return schema


def _object(record: type, ids: Ids, defs: dict[str, Any]) -> dict[str, Any]:
    specs = field_specs(record)
    for fs in specs.values():
        nested = fs.record or (fs.item.record if fs.item else None)
        if nested is not None and nested.__name__ not in defs:
            defs[nested.__name__] = {}  # reserve the name before recursing
            defs[nested.__name__] = _object(nested, ids, defs)
    out: dict[str, Any] = {
        "type": "object",
        "properties": {name: _property(fs, ids) for name, fs in specs.items()},
        # Keys a rule requires (a rationale, a publication) are required here too, so an
        # editor's YAML language server flags them while typing.
        "required": [name for name, fs in specs.items() if fs.required or fs.expected],
        "additionalProperties": False,
    }
    if record.__name__ == "Figure":
        # Exactly one of a single value or a non-empty list of values, as the loader requires.
        out["oneOf"] = [
            {"required": ["value"], "properties": {"value": {"type": "number"}}},
            {"required": ["values"], "properties": {"values": {"type": "array", "minItems": 1}}},
        ]
    return out


def schema_for(kind: str, ids: Ids | None = None) -> dict[str, Any]:
    """The JSON Schema of a claim, source or publication file; references list ``ids``."""
    record = RECORDS[kind]
    defs: dict[str, Any] = {}
    body = _object(record, ids or Ids(), defs)
    folder = FOLDER_OF[kind]
    schema: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"berlintalks {kind}",
        "description": f"One {kind} of the berlintalks knowledge base: a file {folder}/<id>.yaml. "
        "Generated by `berlintalks schema --write`; do not edit by hand.",
        **body,
    }
    if defs:
        schema["$defs"] = dict(sorted(defs.items()))
    return schema


def dumps(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def schema_path(root: Path, kind: str) -> Path:
    return root / SCHEMA_DIR / f"{kind}.schema.json"


def expected_files(root: Path) -> dict[Path, str]:
    """Every schema file with the text it should hold for the records now under ``root``."""
    ids = existing_ids(root)
    return {schema_path(root, kind): dumps(schema_for(kind, ids)) for kind in RECORDS}


# Far beyond any schema berlintalks writes; a link or a huge file in schemas/ is not read.
_SCHEMA_MAX_BYTES = 4 * 1024 * 1024


def _current(root: Path, path: Path) -> str | None:
    """The text of a schema file now, or None when there is none; refuses links."""
    try:
        return read_bytes(root, path.relative_to(root).parts, _SCHEMA_MAX_BYTES).decode(
            "utf-8", "replace"
        )
    except (FileNotFoundError, TooLarge):
        return None
    except NotRegular as exc:
        raise OutsideBoundary(exc.rel, f"{exc.reason}; the schema is written there") from None
    except OSError:
        return None


def stale_files(root: Path) -> list[Path]:
    """The schema files under ``root`` that are missing or differ from what the records imply.

    Raises `OutsideBoundary` when a schema file or schemas/ is a link: it is not read.
    """
    return [path for path, text in expected_files(root).items() if _current(root, path) != text]


def write_all(root: Path) -> list[Path]:
    """Write the schema files that changed; returns those written.

    Each is written to a temporary file beside it and renamed into place, never through a
    link (`OutsideBoundary`, which the command reports as a one-line error).
    """
    written = []
    for path, text in expected_files(root).items():
        if _current(root, path) == text:
            continue
        write_atomic(root, path.relative_to(root).parts, text.encode("utf-8"))
        written.append(path)
    return written
