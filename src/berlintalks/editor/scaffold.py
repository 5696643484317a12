"""Commented skeletons of new claim, source and publication files, from the model's field docs."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..boundary import OutsideBoundary, inside, write_atomic
from ..records import (
    FOLDERS,
    SUFFIX,
    FieldSpec,
    field_specs,
    record_files,
    slug_problem,
)
from ..records.kinds import kind_of
from ..records.layout import FOLDER_OF, RECORD_TYPES
from .schema import choice_docs, schema_path

KINDS = RECORD_TYPES
# The key that --title fills: a claim's headline, a source's name, a publication's title.
TITLE_KEY: dict[str, str] = {"claim": "title", "source": "name", "publication": "title"}
WIDTH = 92


class ScaffoldError(Exception):
    """The new file cannot be written; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    relative: str


def _quote(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar, whatever the title holds.
    return json.dumps(text, ensure_ascii=False)


def _wrap(text: str, indent: str) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(indent) + 2 + len(line) + 1 + len(word) > WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return [f"{indent}# {ln}" for ln in lines]


def _explain(name: str, fs: FieldSpec, indent: str) -> list[str]:
    need = "required" if fs.required or fs.expected else "optional"
    if fs.kind == "list" and fs.min_items:
        need = f"required, at least {fs.min_items}"
    text = f"{name} ({need}): {fs.doc}"
    if fs.example is not None:
        text += f" Example: {fs.example}."
    out = _wrap(text, indent)
    docs = choice_docs(fs.choices) if fs.choices else None
    if docs:
        width = max(len(c) for c in fs.choices)
        out += [f"{indent}#   {c:<{width}}  {d}" for c, d in zip(fs.choices, docs, strict=True)]
    elif fs.choices:
        out += _wrap("One of: " + ", ".join(fs.choices) + ".", indent)
    return out


def _placeholder(fs: FieldSpec) -> str:
    return kind_of(fs).placeholder


def _object_lines(record: type, indent: str, values: dict[str, str]) -> list[str]:
    out: list[str] = []
    for name, fs in field_specs(record).items():
        out += _explain(name, fs, indent)
        if fs.kind == "list" and fs.item is not None and fs.item.record is not None:
            entry = _entry(_object_lines(fs.item.record, indent + "    ", {}))
            block = [f"{indent}{name}:", *entry]
            out += block if fs.required else [_comment_out(ln) for ln in block]
        elif fs.required or fs.expected:
            out.append(f"{indent}{name}: {values.get(name, _placeholder(fs))}")
        else:
            out.append(f"{indent}# {name}: {_placeholder(fs)}")
    return out


def _entry(body: list[str]) -> list[str]:
    """Turn the first key line of an entry into a list item (`  - key: ...`)."""
    out, started = [], False
    for ln in body:
        if not started and not ln.lstrip().startswith("#"):
            indent = ln[: len(ln) - len(ln.lstrip())]
            out.append(f"{indent[:-2]}- {ln.lstrip()}")
            started = True
        else:
            out.append(ln)
    return out


def _comment_out(line: str) -> str:
    # One "# " at the start of each line: removing it restores a valid block.
    return line if line.lstrip().startswith("#") else f"# {line}"


def skeleton(kind: str, rid: str, title: str | None = None, schema_ref: str | None = None) -> str:
    """The text of a new record file: every key explained, required values left empty."""
    record = KINDS[kind]
    values = {"id": rid}
    if title is not None:
        values[TITLE_KEY[kind]] = _quote(title)
    head = []
    if schema_ref:
        head.append(f"# yaml-language-server: $schema={schema_ref}")
    head += _wrap(
        f'A new {kind}. Fill in every empty value ("" or []), then run `berlintalks check`. '
        'To use an optional key, remove the "# " in front of it (and of its indented lines). '
        "A long text can span several lines: write `key: >-` and continue on indented lines.",
        "",
    )
    return "\n".join([*head, "", *_object_lines(record, "", values)]) + "\n"


def validate_id(rid: str) -> None:
    problem = slug_problem(rid)
    if problem is not None:
        raise ScaffoldError(f"{rid!r} is not a valid id: {problem}")


def existing_file(root: Path, folder: str, rid: str) -> Path | None:
    """The file that already holds ``rid`` in ``folder``, in any subfolder, as .yaml or .yml."""
    for path, _misfit in record_files(root, folder):
        if path.stem == rid and path.suffix in (SUFFIX, ".yml"):
            return path
    return None


def create(root: Path, kind: str, rid: str, title: str | None = None) -> Written:
    """Write ``<folder>/<rid>.yaml`` under ``root``; never overwrites a file."""
    if kind not in KINDS:
        raise ScaffoldError(f"cannot create a {kind!r}; choose claim, source or publication")
    validate_id(rid)
    if title is not None and (not title.strip() or "\n" in title.strip()):
        raise ScaffoldError("--title must be one line of text")
    folder = FOLDER_OF[kind]
    assert folder in FOLDERS
    if (found := existing_file(root, folder, rid)) is not None:
        rel = found.relative_to(root).as_posix()
        raise ScaffoldError(f"the {kind} id {rid!r} is already used by {rel}; choose another id")
    rel = f"{folder}/{rid}{SUFFIX}"
    try:
        # Refused before anything is written: the record's folder, and the schemas that
        # `new` refreshes afterwards, must hold no link.
        inside(root, rel)
        for other in KINDS:
            inside(root, schema_path(root, other).relative_to(root))
        schema_file = schema_path(root, kind)
        ref = None
        if schema_file.is_file():
            ref = os.path.relpath(schema_file, root / folder).replace(os.sep, "/")
        text = skeleton(kind, rid, title, ref).encode("utf-8")
        # exclusive: fail rather than overwrite, even if the file appeared since the check above.
        path = write_atomic(root, rel, text, exclusive=True)
    except OutsideBoundary as exc:
        raise ScaffoldError(str(exc)) from None
    except FileExistsError:
        raise ScaffoldError(f"{rel} already exists; choose another id") from None
    except OSError as exc:
        raise ScaffoldError(f"cannot write {rel}: {exc.strerror or exc}") from None
    return Written(path, path.relative_to(root).as_posix())
