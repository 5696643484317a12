"""Record files to validated records, with a finding for everything that does not fit the model."""

from __future__ import annotations

import difflib
import functools
import gc
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from ..boundary import NotRegular, OutsideBoundary, TooLarge, read_bytes
from ..checks.registry import declare
from ..finding import Finding, Severity
from .model import (
    COUNT_MAX,
    FIGURE_MAX,
    SLUG_MAX,
    SLUG_RE,
    Claim,
    FieldSpec,
    KnowledgeBase,
    Path_,
    Pos,
    Positions,
    Publication,
    Source,
    field_specs,
)
from .urls import WebUrl, check_web_url
from .yaml import DECEPTIVE, MAX_FILE_BYTES, LongNumber, ParseError, parse

FOLDERS: dict[str, type] = {"claims": Claim, "sources": Source, "publications": Publication}
# How a message names a record of each type.
WHAT: dict[type, str] = {Claim: "a claim", Source: "a source", Publication: "a publication"}
SUFFIX = ".yaml"

# Ids become file names. Windows opens a device, not a file, for these names with any
# extension (`con.yaml` is the console), so a checkout or a build there would hang or fail.
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(10)]
)

_UTF16_32_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}

_S = Severity.ERROR
declare(
    "BT008",
    _S,
    "The file cannot be a record",
    """
    Record files live in claims/ or sources/, end in `.yaml`, and are named by the record's
    id: lowercase letters, digits and single hyphens (e.g. `us-pressed-donetsk-withdrawal`).
    Rename the file.
    """,
    group="files",
    exemptable=False,
)
declare(
    "BT009",
    _S,
    "A file or link points outside the knowledge base, or cannot be read",
    """
    berlintalks reads only files inside the repository. A symbolic link that leads elsewhere
    could expose files of the machine running the build, so it is refused. Replace the link
    with the file itself.
    """,
    group="files",
    exemptable=False,
)
declare(
    "BT101",
    _S,
    "A required key is missing",
    "Every claim needs id, title, statement, status, date, topics and attributions; every "
    "source needs id, name, kind and reliability; nested entries need their own required "
    "keys. Add the key.",
    group="schema",
    exemptable=False,
)
declare(
    "BT102",
    _S,
    "Unknown key",
    "The key is not part of the model, usually a typo. The message suggests the closest "
    "known key; `berlintalks schema claim` lists them all.",
    group="schema",
    exemptable=False,
)
declare(
    "BT103",
    _S,
    "A value has the wrong type",
    """
    A text field holds a number or a list, a list field holds a single value, and so on.
    YAML reads unquoted `yes`, `no`, `on`, `off`, `true` and `false` as booleans and bare
    numbers as numbers: put such values in quotes.
    """,
    group="schema",
    exemptable=False,
)
declare(
    "BT104",
    _S,
    "A value is not one of the allowed choices",
    "status, kind, reliability and relation types take fixed values; the message lists them "
    "and suggests the closest.",
    group="schema",
    exemptable=False,
)
declare(
    "BT105",
    _S,
    "Not a real calendar date",
    "Dates are written YYYY-MM-DD and must exist (no 30 February).",
    group="schema",
    exemptable=False,
)
declare(
    "BT106",
    _S,
    "Not a valid id",
    f"""
    Ids, topic slugs and references are lowercase letters, digits and single hyphens, at most
    {SLUG_MAX} characters, e.g. `zaporizhzhia-npp`. They become file names and addresses on
    the site, so nothing else is accepted.
    """,
    group="schema",
    exemptable=False,
)
declare(
    "BT107",
    _S,
    "A URL that cannot become a link",
    """
    Only http and https addresses become links on the site; `javascript:`, `data:` and other
    schemes could run code in a reader's browser. Give the full https address. Refused too,
    because the text shown and the place the link leads to would differ: user info before
    the host (`https://www.google.com@evil.example/` leads to evil.example), spaces, control
    and invisible characters (zero-width spaces, the BOM, direction controls), a port that is
    not a number from 0 to 65535, an empty host or an empty part of one, dots other than `.`
    in the host (`。`, `．`), and a host part that mixes scripts (a Cyrillic `а` in
    `аpple.com`; Latin with Chinese, Japanese or Korean is fine, as Unicode TS #39 allows).
    An internationalised host such as `münchen.de` is shown as written and linked in its
    ASCII form (`xn--mnchen-3ya.de`).
    """,
    group="schema",
    exemptable=False,
)
declare(
    "BT108",
    _S,
    "An archive path that is not a plain file under archive/",
    """
    An archive is a plain text file under the folder `archive/`, named by a path relative to
    the root such as `archive/afp-2025-12-15.txt`: no leading `/`, no `..`, no dotfile or
    dot-folder anywhere in it (`.git/config` holds a CI token, `.env` files hold secrets), and
    no symbolic link on the way. Anything else is refused unread, so no other file of the
    repository or the machine can be shown as the "closest passage" of a missed quote. Move
    the snapshot into `archive/` and give its path.
    """,
    group="schema",
    exemptable=False,
)
declare(
    "BT109",
    _S,
    "An empty list where entries are required",
    "A claim needs at least one topic and at least one attribution.",
    group="schema",
    exemptable=False,
)
declare(
    "BT110",
    _S,
    "A figure needs exactly one of value or values",
    "Give `value: 90` for a single number, or `values: [50, 50]` for a split, not both and "
    "not neither.",
    group="schema",
    exemptable=False,
)
declare(
    "BT111",
    _S,
    "The id differs from the file name",
    "A record's id is its file name without `.yaml`, so links and file names agree. Make the "
    "two the same.",
    group="schema",
    exemptable=False,
)
declare(
    "BT112",
    _S,
    "Two records have the same id",
    "Ids are unique within claims and within sources, even across subfolders. Rename one.",
    group="schema",
    exemptable=False,
)

_BOOL_HINT = "YAML reads unquoted yes/no/on/off/true/false as a boolean: put the value in quotes"

# The control characters each kind of text field refuses: tabs and line breaks are allowed
# only where the text may run over several lines. A one-line field may end in the line break
# a block scalar (`|`) leaves; the single-line check says the rest.
# The same patterns go into the JSON Schema, so they are written for Python and ECMA alike.
CONTROL_PATTERNS = {
    "text": r"[\x00-\x08\x0b-\x1f\x7f-\x9f]",
    "line": r"[\x00-\x09\x0b-\x1f\x7f-\x9f]",
}
CONTROL_PATTERN = r"[\x00-\x1f\x7f-\x9f]"
_CONTROLS = {kind: re.compile(p) for kind, p in CONTROL_PATTERNS.items()}
_CONTROL = re.compile(CONTROL_PATTERN)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, LongNumber):
        return f"a number written with {len(value):,} characters"
    if isinstance(value, int) and abs(value) >= FIGURE_MAX:
        # Never the digits: an int of more than 4,300 of them cannot be turned into text.
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    return "text"


# Each did-you-mean search compares the word with every choice; a file of 50,000 unknown
# keys would spend seconds on them. Each word is searched once, and only the first
# SUGGESTIONS_MAX words of a load are searched at all: the editor fixes those first.
SUGGESTIONS_MAX = 50
_suggested: dict[tuple[str, tuple[str, ...]], str | None] = {}


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    key = (word, tuple(choices))
    if key not in _suggested:
        if len(_suggested) >= SUGGESTIONS_MAX:
            return ""
        close = difflib.get_close_matches(word, key[1], n=1, cutoff=0.6)
        _suggested[key] = close[0] if close else None
    close_word = _suggested[key]
    return f" — did you mean '{close_word}'?" if close_word else ""


def _short(text: str, limit: int = 60) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slug_problem(value: str) -> str | None:
    """Why ``value`` cannot be an id (a file name and an address), or None when it can."""
    # Length first: the pattern then never scans a megabyte of hostile text.
    if len(value) > SLUG_MAX or not SLUG_RE.match(value):
        return f"use lowercase letters, digits and single hyphens (at most {SLUG_MAX} characters)"
    if value in WINDOWS_DEVICES:
        return (
            f"'{value}' is a device name on Windows, where no file can be called {value}.yaml; "
            "choose a longer id"
        )
    return None


def shown(rel: str) -> str:
    """A path as it can be printed: undecodable bytes and control characters escaped."""
    if rel.isprintable():  # nothing to escape, as for nearly every path: skip the scan
        return rel
    text = os.fsencode(rel).decode("utf-8", "backslashreplace")
    return "".join(
        c.encode("unicode_escape").decode("ascii") if unicodedata.category(c) == "Cc" else c
        for c in text
    )


# A record type's specs never change: read them once, not for every mapping of every file.
_specs_of = functools.cache(field_specs)


@dataclass(slots=True)
class _Validator:
    positions: Positions
    findings: list[Finding]

    def error(self, pos: Pos, code: str, message: str) -> None:
        self.findings.append(Finding.at(pos, code, message))

    def error_at(self, path: Path_, code: str, message: str) -> None:
        """A finding at the value ``path``; its position is looked up only now, when needed."""
        self.error(self.positions.at(*path), code, message)

    def wrong_type(self, path: Path_, name: str, expected: str, value: Any) -> None:
        hint = f"; {_BOOL_HINT}" if isinstance(value, bool) else ""
        self.error_at(path, "BT103", f"'{name}' must be {expected}, not {_describe(value)}{hint}")

    def record(self, record: type, value: Any, path: Path_, what: str) -> dict[str, Any] | None:
        """The keyword arguments for ``record``, or None when the mapping is invalid."""
        if not isinstance(value, dict):
            self.wrong_type(path, what, "a mapping of keys", value)
            return None
        specs = _specs_of(record)
        ok = True
        for key in value:
            if key not in specs:
                ok = False
                self.error(
                    self.positions.key(*path, key),
                    "BT102",
                    f"unknown key '{_short(str(key))}' in {what}{_suggest(str(key), list(specs))}",
                )
        kwargs: dict[str, Any] = {}
        for name, fs in specs.items():
            if name not in value or value[name] is None:
                if fs.required:
                    ok = False
                    self.error_at(
                        path,
                        "BT101",
                        f"{what} is missing the required key '{name}' ({fs.doc.rstrip('.')})",
                    )
                continue
            good, converted = self.value(fs, value[name], (*path, name), name)
            ok = ok and good
            kwargs[name] = converted
        if record.__name__ == "Figure" and ok and ("value" in kwargs) == bool(kwargs.get("values")):
            ok = False
            self.error_at(
                path,
                "BT110",
                "a figure needs exactly one of 'value' (a number) or 'values' (a list of numbers)",
            )
        return kwargs if ok else None

    def value(self, fs: FieldSpec, value: Any, path: Path_, name: str) -> tuple[bool, Any]:
        kind = fs.kind
        if isinstance(value, LongNumber):
            if kind == "count":
                want = f"a count is a whole number from 1 to {COUNT_MAX:,}"
            elif kind == "number":
                want = "figures lie within ±10^15"
            else:
                want = "text goes in quotes"
            self.error_at(path, "BT103", f"'{name}' holds {_describe(value)}; {want}")
            return False, None
        if kind in ("line", "text", "slug", "ref", "url", "path", "enum"):
            if not isinstance(value, str):
                expected = "one of " + ", ".join(fs.choices) if kind == "enum" else "text"
                self.wrong_type(path, name, expected, value)
                return False, None
            if not value.strip():
                # A required key cannot simply be dropped, so the advice differs.
                fix = "write the text" if fs.required else "write the text or remove the key"
                self.error_at(path, "BT103", f"'{name}' is empty; {fix}")
                return False, None
            hidden = DECEPTIVE.search(value)
            if hidden:
                # However it is written (raw or as a "\u2028" escape), a reader of the page
                # or of the diff would not see this character do its work.
                self.error_at(
                    path,
                    "BT103",
                    f"'{name}' holds U+{ord(hidden.group()):04X}, an invisible line break or "
                    "text-direction control; remove it",
                )
                return False, None
            control = self.control(value, kind)
            if control is not None:
                self.error_at(path, "BT103", f"'{name}' {control}")
                return False, None
        if kind == "line" and "\n" in value.strip():
            self.error_at(path, "BT103", f"'{name}' must be a single line")
            return False, None
        if kind in ("slug", "ref"):
            problem = slug_problem(value)
            if problem is not None:
                self.error_at(
                    path,
                    "BT106",
                    f"'{_short(value)}' is not a valid id for '{name}': {problem}",
                )
                return False, None
        elif kind == "enum":
            if value not in fs.choices:
                self.error_at(
                    path,
                    "BT104",
                    f"'{_short(value)}' is not a valid {name}{_suggest(value, fs.choices)} "
                    f"(choose one of: {', '.join(fs.choices)})",
                )
                return False, None
        elif kind == "url":
            checked = check_web_url(value)
            if not isinstance(checked, WebUrl):
                self.error_at(path, "BT107", f"'{_short(value)}' cannot be a link: {checked}")
                return False, None
        elif kind == "path":
            p = value.replace("\\", "/")
            if p.startswith("/") or ".." in p.split("/") or ":" in p or "\\" in value:
                self.error_at(
                    path,
                    "BT108",
                    f"archive path '{_short(value)}' must be relative to the root and stay "
                    "inside it",
                )
                return False, None
        elif kind == "date":
            return self.date(value, path, name)
        elif kind == "count":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= COUNT_MAX:
                self.wrong_type(path, name, f"a whole number from 1 to {COUNT_MAX:,}", value)
                return False, None
            if fs.maximum is not None and value > fs.maximum:
                self.wrong_type(path, name, f"a whole number from 1 to {fs.maximum}", value)
                return False, None
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.wrong_type(path, name, "a number", value)
                return False, None
            # Floats only: math.isfinite turns an int into a float, which overflows.
            if isinstance(value, float) and not math.isfinite(value):
                self.error_at(path, "BT103", f"'{name}' must be a finite number, not {value}")
                return False, None
            if abs(value) > FIGURE_MAX:
                self.error_at(
                    path,
                    "BT103",
                    f"'{name}' is {_describe(value)}, beyond ±10^15; check it, or give it in a "
                    "larger unit (millions, billions)",
                )
                return False, None
        elif kind == "list":
            return self.list(fs, value, path, name)
        elif kind == "object":
            assert fs.record is not None
            kwargs = self.record(fs.record, value, path, f"'{name}'")
            return (False, None) if kwargs is None else (True, fs.record(**kwargs))
        return True, value

    @staticmethod
    def control(value: str, kind: str) -> str | None:
        """Why ``value`` may not hold one of its control characters, or None.

        The value as decoded: the raw file holds none (BT001), but a double-quoted scalar
        can write any of them as an escape (`"\\e[2K"`, `"\\x9b"`, `"\\0"`).
        """
        m = _CONTROLS.get(kind, _CONTROL).search(value)
        if m is not None:
            c = m.group()
            if c in "\t\n":
                why = "tabs and line breaks belong only in text that may run over several lines"
            else:
                why = "it can act on a terminal or a spreadsheet, and no reader would see it"
            return (
                f"holds the control character U+{ord(c):04X}: {why}; remove it (in double "
                f"quotes it may be written as an escape, such as \\x{ord(c):02x})"
            )
        return None

    def date(self, value: Any, path: Path_, name: str) -> tuple[bool, Any]:
        if isinstance(value, datetime):
            self.error_at(
                path,
                "BT105",
                f"'{name}' must be a date (YYYY-MM-DD) without a time",
            )
            return False, None
        if isinstance(value, date):
            return True, value
        if isinstance(value, str):
            try:
                if len(value) == 10:
                    return True, date.fromisoformat(value)
            except ValueError:
                pass
            self.error_at(
                path,
                "BT105",
                f"'{_short(value)}' is not a real calendar date; write it as YYYY-MM-DD",
            )
            return False, None
        self.wrong_type(path, name, "a date (YYYY-MM-DD)", value)
        return False, None

    def list(self, fs: FieldSpec, value: Any, path: Path_, name: str) -> tuple[bool, Any]:
        if fs.single and isinstance(value, str):
            value = [value]  # `via: afp` is `via: [afp]`; its position is the key's value
        if not isinstance(value, list):
            self.wrong_type(path, name, "a list", value)
            return False, None
        if len(value) < fs.min_items:
            self.error_at(
                path,
                "BT109",
                f"'{name}' needs at least {fs.min_items} entr{'y' if fs.min_items == 1 else 'ies'}",
            )
            return False, None
        assert fs.item is not None
        ok, items = True, []
        for i, item in enumerate(value):
            good, converted = self.value(fs.item, item, (*path, i), f"{name}[{i}]")
            ok = ok and good
            items.append(converted)
        return ok, tuple(items)


@dataclass(frozen=True, slots=True)
class Loaded:
    """One file's outcome: the record (None when invalid), its id, and what was found."""

    id: str | None
    record: Claim | Source | Publication | None
    findings: list[Finding]


def _read(root: Path, parts: tuple[str, ...]) -> bytes | str:
    """The file's bytes, or why they cannot be read; never more than the size limit.

    Read through the boundary: no link is followed, a FIFO or device that slipped in cannot
    hang the check, and a file that grows after the size check still cannot fill memory.
    """
    try:
        return read_bytes(root, parts, MAX_FILE_BYTES)
    except TooLarge as exc:
        if exc.size is None:
            return f"the file is over {MAX_FILE_BYTES:,} bytes; records may be at most that"
        return f"the file is {exc.size:,} bytes; records may be at most {MAX_FILE_BYTES:,}"
    except NotRegular:
        return "this is not a regular file; a record is a plain text file"
    except OutsideBoundary:
        return _LINK
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"


def _decode(data: bytes, rel: str) -> str | Finding:
    for bom, name in _UTF16_32_BOMS.items():
        if data.startswith(bom):
            return Finding.at(Pos(rel, 1, 1), "BT002", f"the file is {name} text; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Finding.at(
            Pos(rel, line, col),
            "BT002",
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        )


def load_file(root: Path, path: Path, record_type: type) -> Loaded:
    """Read, parse and validate one record file; never raises for bad content."""
    relpath = path.relative_to(root)
    rel = shown(relpath.as_posix())
    start = Pos(rel, 1, 1)
    stem = path.name[: -len(SUFFIX)]
    problem = slug_problem(stem)
    if problem is not None:
        return Loaded(
            None,
            None,
            [
                Finding.at(
                    start,
                    "BT008",
                    f"'{_short(shown(path.name))}' is not a valid record file name: {problem}",
                )
            ],
        )
    data = _read(root, relpath.parts)
    if isinstance(data, str):
        code = "BT007" if data.startswith("the file is") else "BT009"
        return Loaded(stem, None, [Finding.at(start, code, data)])
    text = _decode(data, rel)
    if isinstance(text, Finding):
        return Loaded(stem, None, [text])
    if not text.strip():
        return Loaded(
            stem, None, [Finding.at(start, "BT003", "the file is empty; fill it in or delete it")]
        )
    try:
        parsed = parse(text, rel)
    except ParseError as exc:
        return Loaded(
            stem, None, [Finding.at(Pos(rel, exc.line, exc.column), exc.code, exc.message)]
        )
    findings = [Finding.at(Pos(rel, p.line, p.column), p.code, p.message) for p in parsed.problems]
    what = WHAT[record_type]
    if not isinstance(parsed.value, dict):
        findings.append(
            Finding.at(
                start,
                "BT004",
                f"the file must hold one mapping of keys ({what}), not {_describe(parsed.value)}",
            )
        )
        return Loaded(stem, None, findings)
    v = _Validator(parsed.positions, findings)
    kwargs = v.record(record_type, parsed.value, (), what)
    if kwargs is not None and kwargs["id"] != stem:
        findings.append(
            Finding.at(
                parsed.positions.at("id"),
                "BT111",
                f"id '{kwargs['id']}' differs from the file name '{path.name}'; make them the same",
            )
        )
    if findings or kwargs is None:
        return Loaded(stem, None, findings)
    return Loaded(stem, record_type(**kwargs, path=rel, positions=parsed.positions), findings)


# Deeper than any filing of records by year and month needs; the walk stops here instead of
# descending a pull request's thousand nested folders.
MAX_FOLDER_DEPTH = 16

_LINK = (
    "this is a symbolic link; berlintalks follows no links in the repository: replace it "
    "with the file itself"
)


@dataclass(frozen=True, slots=True)
class _Entry:
    """A name found under a records folder, with what the directory listing told of it."""

    parts: tuple[str, ...]  # relative to the records folder
    path: str
    kind: str  # "file", "folder", "link", "other" (FIFO, device, socket), "deep", "unlisted"
    note: str = ""  # why a folder could not be listed


def _windows_problem(name: str) -> str | None:
    """Why Windows cannot check out a file called ``name``, or None."""
    if name.endswith((".", " ")):
        which = "dot" if name.endswith(".") else "space"
        fixed = name.rstrip(". ")
        fix = f": rename it to {_short(shown(fixed))}" if fixed else ""
        return f"it ends in a {which}, which Windows drops from file names{fix}"
    base = name.split(".", 1)[0].rstrip(" ").lower()
    if base in WINDOWS_DEVICES:
        return f"'{base}' is a device name on Windows, where no file can be called so: rename it"
    return None


def _is_record_name(name: str) -> bool:
    return name.endswith(SUFFIX) and slug_problem(name[: -len(SUFFIX)]) is None


def _misfit(entry: _Entry, folder: str) -> Finding | None:
    """Why ``entry`` is no record file (a finding), or None when it should be loaded."""
    rel = shown("/".join((folder, *entry.parts)))
    here = Pos(rel, 1, 1)
    name = entry.parts[-1]
    label = _short(shown(name))
    if entry.kind == "link":
        return Finding.at(here, "BT009", _LINK)
    if entry.kind == "unlisted":
        return Finding.at(here, "BT009", f"cannot list this folder: {entry.note}")
    if entry.kind == "deep":
        return Finding.at(
            here,
            "BT008",
            f"folders nest more than {MAX_FOLDER_DEPTH} deep here; keep records at most "
            f"{MAX_FOLDER_DEPTH} folders below {folder}/",
        )
    if entry.kind == "folder":
        if name.endswith(SUFFIX) and name != SUFFIX:
            return Finding.at(
                here, "BT008", "this is a folder named like a record file; a record is a file"
            )
        if slug_problem(name) is not None:
            return Finding.at(
                here,
                "BT008",
                f"folder name '{label}' is not allowed here: use lowercase letters, digits and "
                f"single hyphens, and no name Windows reserves for a device (its files are not "
                "read)",
            )
        return None
    if name.endswith(SUFFIX):
        return None  # the file name is checked as the record's id when it is loaded
    problem = _windows_problem(name)
    if problem is not None:
        return Finding.at(here, "BT008", f"'{label}' is not a record file: {problem}")
    if name.endswith(".yml") and name != ".yml":
        return Finding.at(
            here, "BT008", f"record files end in .yaml: rename it to {name[:-4]}.yaml"
        )
    return Finding.at(
        here,
        "BT008",
        f"'{label}' is not a record file: records are named <id>.yaml; rename it, or move it "
        f"out of {folder}/",
    )


# Vim's swap files and Emacs' lock files of a record being edited: left beside records by
# the editor, never committed, and harmless on Windows (they start with a dot).
_SWAP = re.compile(r"\.(?P<name>.+)\.sw[a-p]")


def _wanted(name: str) -> bool:
    if name.startswith(".#"):
        return not _is_record_name(name[2:])
    swap = _SWAP.fullmatch(name)
    return swap is None or not _is_record_name(swap.group("name"))


def _kind(e: os.DirEntry[str]) -> str:
    try:
        if e.is_symlink():
            return "link"
        if e.is_dir(follow_symlinks=False):
            return "folder"
        return "file" if e.is_file(follow_symlinks=False) else "other"
    except OSError:
        return "other"


def _listing(base: str) -> list[_Entry]:
    """Every entry under ``base``, walked with a stack: no depth of folders can overflow it."""
    out: list[_Entry] = []
    todo: list[tuple[str, tuple[str, ...]]] = [(base, ())]
    while todo:
        path, parts = todo.pop()
        # os.scandir rather than os.walk and Path checks: the listing already says which
        # names are folders and links, where asking again cost two system calls per record.
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            out.append(_Entry(parts, path, "unlisted", str(exc.strerror or exc)))
            continue
        for e in entries:
            if not _wanted(e.name):
                continue
            here = (*parts, e.name)
            kind = _kind(e)
            entry = _Entry(here, e.path, kind)
            # A linked folder is reported, never followed; a folder with a name that is not
            # allowed is reported, not searched.
            if kind == "folder" and _misfit(entry, "") is None:
                if len(here) > MAX_FOLDER_DEPTH:
                    out.append(_Entry(here, e.path, "deep"))
                else:
                    todo.append((e.path, here))
                continue
            out.append(entry)
    return out


def record_files(root: Path, folder: str) -> Iterator[tuple[Path, Finding | None]]:
    """Every candidate record file under ``root/folder``, sorted, with a finding for misfits.

    Nothing behind a link is listed or read, the records folder itself included.
    """
    base = root / folder
    here = Pos(folder, 1, 1)
    try:
        info = os.lstat(base)
    except FileNotFoundError:
        return
    except OSError as exc:
        yield base, Finding.at(here, "BT009", f"cannot read {folder}/: {exc.strerror or exc}")
        return
    if stat.S_ISLNK(info.st_mode):
        yield (
            base,
            Finding.at(
                here,
                "BT009",
                f"{folder}/ is a symbolic link; berlintalks follows no links, so it reads none "
                "of the files behind it: replace the link with the folder itself",
            ),
        )
        return
    if not stat.S_ISDIR(info.st_mode):
        yield base, Finding.at(here, "BT008", f"{folder} must be a folder of record files")
        return
    found = _listing(str(base))
    found.sort(key=lambda e: e.parts)
    for entry in found:
        misfit = _misfit(entry, folder)
        if misfit is not None:
            yield Path(entry.path), misfit
        elif entry.kind != "folder":
            yield Path(entry.path), None


_F = TypeVar("_F", bound=Callable[..., Any])


def without_cycle_collector(fn: _F) -> _F:
    """Run ``fn`` with Python's cycle collector paused, and restore it after.

    Loading allocates hundreds of thousands of small objects, none in a reference cycle, so
    each collection rescans a growing heap for nothing: a sixth of load time at 10,000 claims
    (`python benchmarks/bench.py --sizes 10000`), and the rules that run over the loaded
    records would pay the same. Memory is still freed by reference counting.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper  # type: ignore[return-value]


@without_cycle_collector
def load(
    root: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[KnowledgeBase, list[Finding]]:
    """Load every record under ``root``; the findings cover every file that did not fit.

    ``progress(done, total)`` is called as each file is taken up, for a progress bar.
    """
    findings: list[Finding] = []
    _suggested.clear()  # the did-you-mean budget is per load
    parts: dict[str, tuple[dict[str, Any], set[str]]] = {}
    # Listed before any is read, so a progress bar knows the total from the start.
    listed = {folder: list(record_files(root, folder)) for folder in FOLDERS}
    total = sum(len(files) for files in listed.values())
    done = 0
    for folder, record_type in FOLDERS.items():
        records: dict[str, Any] = {}
        broken: set[str] = set()
        seen: dict[str, str] = {}
        for path, misfit in listed[folder]:
            done += 1
            if progress is not None:
                progress(done, total)
            if misfit is not None:
                findings.append(misfit)
                continue
            loaded = load_file(root, path, record_type)
            findings.extend(loaded.findings)
            if loaded.id is None:
                continue
            rel = shown(path.relative_to(root).as_posix())
            if loaded.id in seen:
                findings.append(
                    Finding.at(
                        Pos(rel, 1, 1),
                        "BT112",
                        f"id '{loaded.id}' is already used by {seen[loaded.id]}; rename one",
                    )
                )
                continue
            seen[loaded.id] = rel
            if loaded.record is None:
                broken.add(loaded.id)
            else:
                records[loaded.id] = loaded.record
        parts[folder] = (records, broken)
    kb = KnowledgeBase(
        root=str(root),
        claims=parts["claims"][0],
        sources=parts["sources"][0],
        broken_claims=frozenset(parts["claims"][1]),
        broken_sources=frozenset(parts["sources"][1]),
        publications=parts["publications"][0],
        broken_publications=frozenset(parts["publications"][1]),
    )
    return kb, findings
