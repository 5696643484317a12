"""Record files to validated records, with a finding for everything that does not fit the model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..boundary import NotRegular, OutsideBoundary, TooLarge, read_bytes
from ..checks.registry import declare
from ..finding import Finding, Severity
from ..gcpause import without_cycle_collector
from .claim import Claim
from .fields import SLUG_MAX
from .knowledge_base import KnowledgeBase
from .layout import (
    _LINK,
    FOLDERS,
    MAX_FOLDER_DEPTH,
    SUFFIX,
    WHAT,
    WINDOWS_DEVICES,
    record_files,
    short,
    shown,
    slug_problem,
)
from .positions import Pos
from .publication import Publication
from .source import Source
from .validate import (
    CONTROL_PATTERN,
    CONTROL_PATTERNS,
    _Validator,
    describe,
    suggested,
)
from .yaml import MAX_FILE_BYTES, ParseError, parse

__all__ = [
    "CONTROL_PATTERN",
    "CONTROL_PATTERNS",
    "FOLDERS",
    "MAX_FOLDER_DEPTH",
    "SUFFIX",
    "WHAT",
    "WINDOWS_DEVICES",
    "Loaded",
    "load",
    "load_file",
    "record_files",
    "shown",
    "slug_problem",
    "without_cycle_collector",
]

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
                    f"'{short(shown(path.name))}' is not a valid record file name: {problem}",
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
                f"the file must hold one mapping of keys ({what}), not {describe(parsed.value)}",
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


@without_cycle_collector
def load(
    root: Path, progress: Callable[[int, int], None] | None = None
) -> tuple[KnowledgeBase, list[Finding]]:
    """Load every record under ``root``; the findings cover every file that did not fit.

    ``progress(done, total)`` is called as each file is taken up, for a progress bar.
    """
    findings: list[Finding] = []
    suggested.clear()  # the did-you-mean budget is per load
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
