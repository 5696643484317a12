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
from urllib.parse import urlsplit

from .findings import Finding, Severity
from .model import (
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
from .parse import DECEPTIVE, MAX_FILE_BYTES, ParseError, parse
from .registry import declare

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
    "A URL that is not http or https",
    """
    Only http and https addresses become links on the site; `javascript:`, `data:` and other
    schemes could run code in a reader's browser. Give the full https address.
    """,
    group="schema",
    exemptable=False,
)
declare(
    "BT108",
    _S,
    "An archive path that leaves the knowledge base",
    "An archive is a relative path inside the repository, such as `archive/afp-2025-12-15.txt`, "
    "without `..` or a leading `/`.",
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


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
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


def _suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


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
            if not _is_web_url(value):
                self.error_at(
                    path,
                    "BT107",
                    f"'{_short(value)}' is not an http or https address; only those become links",
                )
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
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                self.wrong_type(path, name, "a whole number of at least 1", value)
                return False, None
            if fs.maximum is not None and value > fs.maximum:
                self.wrong_type(path, name, f"a whole number from 1 to {fs.maximum}", value)
                return False, None
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.wrong_type(path, name, "a number", value)
                return False, None
            if isinstance(value, float) and not math.isfinite(value):
                self.error_at(path, "BT103", f"'{name}' must be a finite number")
                return False, None
        elif kind == "list":
            return self.list(fs, value, path, name)
        elif kind == "object":
            assert fs.record is not None
            kwargs = self.record(fs.record, value, path, f"'{name}'")
            return (False, None) if kwargs is None else (True, fs.record(**kwargs))
        return True, value

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


# Whitespace (as str.isspace sees it) or a control character: no part of a link.
_NOT_IN_URL = re.compile(r"[\s\x00-\x1f]")


def _is_web_url(value: str) -> bool:
    if _NOT_IN_URL.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


@dataclass(frozen=True, slots=True)
class Loaded:
    """One file's outcome: the record (None when invalid), its id, and what was found."""

    id: str | None
    record: Claim | Source | Publication | None
    findings: list[Finding]


def _read(path: Path) -> bytes | str:
    """The file's bytes, or why they cannot be read; never more than the size limit.

    Opened without blocking and checked to be a regular file, so a FIFO or device that
    slipped in cannot hang the check; read with a bound, so a file that grows after the
    size check still cannot fill memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    # Plain reads on the descriptor: a buffered file object per record cost more than the read.
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return "this is not a regular file; a record is a plain text file"
        if info.st_size > MAX_FILE_BYTES:
            return f"the file is {info.st_size:,} bytes; records may be at most {MAX_FILE_BYTES:,}"
        chunks: list[bytes] = []
        left = MAX_FILE_BYTES + 1
        while left > 0 and (chunk := os.read(fd, left)):
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    finally:
        os.close(fd)
    if len(data) > MAX_FILE_BYTES:
        return f"the file is over {MAX_FILE_BYTES:,} bytes; records may be at most that"
    return data


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
    rel = shown(path.relative_to(root).as_posix())
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
    data = _read(path)
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


@dataclass(frozen=True, slots=True)
class _Entry:
    """A name found under a records folder, with what the directory listing told of it."""

    parts: tuple[str, ...]  # relative to the records folder
    path: str
    link: bool
    folder: bool  # a folder, or a link to one


def _misfit(entry: _Entry, real_root: Path, folder: str) -> Finding | None:
    """Why ``entry`` is no record file (a finding), or None when it should be loaded."""
    rel = shown("/".join((folder, *entry.parts)))
    here = Pos(rel, 1, 1)
    for part in entry.parts[:-1]:
        if slug_problem(part) is not None:
            return Finding.at(
                here,
                "BT008",
                f"folder name '{_short(shown(part))}' is not allowed here: use lowercase letters, "
                "digits and single hyphens",
            )
    name = entry.parts[-1]
    if entry.link:
        try:
            target = Path(entry.path).resolve(strict=False)
        except (OSError, RuntimeError):  # a loop of links: Python 3.11 raises RuntimeError
            return Finding.at(
                here, "BT009", "this symbolic link loops back on itself; replace it with a file"
            )
        if not target.is_relative_to(real_root):
            return Finding.at(
                here,
                "BT009",
                "this symbolic link points outside the knowledge base; replace it with "
                "the file itself",
            )
    if name.endswith(".yml") and name != ".yml":
        return Finding.at(
            here, "BT008", f"record files end in .yaml: rename it to {name[:-4]}.yaml"
        )
    if name.endswith(SUFFIX) and name != SUFFIX and entry.folder:
        return Finding.at(
            here, "BT008", "this is a folder named like a record file; a record is a file"
        )
    return None


def _wanted(name: str) -> bool:
    # A hidden .yaml file is reported, not skipped: `..\..\x.yaml` must not pass unseen. Emacs
    # lock files (.#x.yaml) are the one hidden kind an editor leaves beside records.
    if name.startswith("."):
        return name.endswith((SUFFIX, ".yml")) and not name.startswith(".#")
    return True


def _listing(base: str, parts: tuple[str, ...], out: list[_Entry]) -> None:
    # os.scandir rather than os.walk and Path checks: the listing already says which names
    # are folders and links, where asking again cost two system calls per record.
    try:
        with os.scandir(base) as it:
            entries = list(it)
    except OSError:
        return
    for e in entries:
        link = e.is_symlink()
        try:
            folder = e.is_dir()
        except OSError:
            folder = False
        here = (*parts, e.name)
        if folder:
            # A folder called x.yaml is reported rather than searched: it was meant to be a
            # record; a linked folder is reported, never followed.
            if e.name.endswith(SUFFIX) or link:
                out.append(_Entry(here, e.path, link, True))
            elif not e.name.startswith("."):
                _listing(e.path, here, out)
        elif _wanted(e.name):
            out.append(_Entry(here, e.path, link, False))


def record_files(root: Path, folder: str) -> Iterator[tuple[Path, Finding | None]]:
    """Every candidate record file under ``root/folder``, sorted, with a finding for misfits."""
    base = root / folder
    if not base.is_dir():
        return
    real_root = root.resolve()
    found: list[_Entry] = []
    _listing(str(base), (), found)
    found.sort(key=lambda e: e.parts)
    for entry in found:
        misfit = _misfit(entry, real_root, folder)
        if misfit is not None:
            yield Path(entry.path), misfit
        elif entry.parts[-1].endswith(SUFFIX) and not entry.folder:
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
