"""Record files to validated records, with a finding for everything that does not fit the model."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..boundary import NotRegular, OutsideBoundary, TooLarge, read_bytes
from ..finding import Finding
from ..gcpause import without_cycle_collector
from .claim import Claim
from .codes import (
    DUPLICATE_ID,
    EMPTY_FILE,
    ID_NOT_FILE_NAME,
    NOT_A_RECORD_FILE,
    NOT_ONE_MAPPING,
    NOT_UTF8,
    OVER_LIMIT,
    UNREADABLE_FILE,
)
from .knowledge_base import KnowledgeBase
from .layout import (
    _LINK,
    FOLDERS,
    MAX_FOLDER_DEPTH,
    SUFFIX,
    WHAT,
    WINDOWS_DEVICES,
    record_files,
    record_parts,
    short,
    shown,
    slug_problem,
)
from .limits import MAX_FILE_BYTES
from .load_two import in_two
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
from .yaml import ParseError, parse

__all__ = [
    "CONTROL_PATTERN",
    "CONTROL_PATTERNS",
    "FOLDERS",
    "MAX_FOLDER_DEPTH",
    "SUFFIX",
    "WHAT",
    "WINDOWS_DEVICES",
    "Loaded",
    "ParseCache",
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
            return Finding.at(
                Pos(rel, 1, 1), NOT_UTF8, f"the file is {name} text; save it as UTF-8"
            )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return Finding.at(
            Pos(rel, line, col),
            NOT_UTF8,
            f"byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8",
        )


@dataclass(slots=True)
class ParseCache:
    """Each record file's outcome as last loaded, by its path and the digest of its bytes.

    For a caller that loads the same records again and again: `serve` rebuilds on every
    save, and parsing and validating every file was most of each rebuild's check. A file is
    still read on every load and its outcome reused only when its bytes are the very bytes
    parsed before, so no clock or file date is trusted. Only files that loaded without a
    finding are kept: a finding's did-you-mean depends on the files before it in the same
    load (a budget per load), so a file with findings is parsed afresh each time, as
    without the cache. In memory only; dropping it at any time only costs a full parse.
    """

    files: dict[tuple[str, type], tuple[bytes, Loaded]] = field(default_factory=dict)
    # How many files the last load parsed; the others were taken from the cache.
    parsed: int = 0

    def outcome(self, rel: str, record_type: type, data: bytes) -> tuple[bytes, Loaded | None]:
        """The digest of ``data`` and the outcome kept for exactly those bytes, if any."""
        digest = hashlib.sha256(data).digest()
        kept = self.files.get((rel, record_type))
        if kept is not None and kept[0] == digest:
            return digest, kept[1]
        self.parsed += 1
        return digest, None

    def keep(self, rel: str, record_type: type, digest: bytes, loaded: Loaded) -> None:
        if loaded.findings or loaded.record is None:
            self.files.pop((rel, record_type), None)
        else:
            self.files[(rel, record_type)] = (digest, loaded)

    def forget_all_but(self, present: set[tuple[str, type]]) -> None:
        """Drop the files a load no longer found (deleted, renamed, or now unreadable)."""
        for key in self.files.keys() - present:
            del self.files[key]


def load_file(root: Path, path: Path, record_type: type, cache: ParseCache | None = None) -> Loaded:
    """Read, parse and validate one record file; never raises for bad content.

    With ``cache``, a file whose bytes are those of its kept outcome is not parsed again.
    """
    return _load_at(root, path.relative_to(root).parts, record_type, cache)


def _load_at(
    root: Path, parts: tuple[str, ...], record_type: type, cache: ParseCache | None
) -> Loaded:
    """`load_file` of the file at ``parts`` below ``root``."""
    posix = "/".join(parts)
    rel = shown(posix)
    start = Pos(rel, 1, 1)
    name = parts[-1]
    stem = name[: -len(SUFFIX)]
    problem = slug_problem(stem)
    if problem is not None:
        return Loaded(
            None,
            None,
            [
                Finding.at(
                    start,
                    NOT_A_RECORD_FILE,
                    f"'{short(shown(name))}' is not a valid record file name: {problem}",
                )
            ],
        )
    data = _read(root, parts)
    if isinstance(data, str):
        code = OVER_LIMIT if data.startswith("the file is") else UNREADABLE_FILE
        return Loaded(stem, None, [Finding.at(start, code, data)])
    if cache is None:
        return _parse_file(data, rel, name, record_type)
    # Keyed by the path as it is, not as shown: showing escapes, and two names may look alike.
    digest, kept = cache.outcome(posix, record_type, data)
    if kept is not None:
        return kept
    loaded = _parse_file(data, rel, name, record_type)
    cache.keep(posix, record_type, digest, loaded)
    return loaded


def _parse_file(data: bytes, rel: str, name: str, record_type: type) -> Loaded:
    """One record file's bytes to its record and findings: the same bytes, the same outcome."""
    start = Pos(rel, 1, 1)
    stem = name[: -len(SUFFIX)]
    text = _decode(data, rel)
    if isinstance(text, Finding):
        return Loaded(stem, None, [text])
    if not text.strip():
        return Loaded(
            stem,
            None,
            [Finding.at(start, EMPTY_FILE, "the file is empty; fill it in or delete it")],
        )
    try:
        parsed = parse(text, rel)
    except ParseError as exc:
        return Loaded(
            stem, None, [Finding.at(Pos(rel, exc.line, exc.column), exc.kind, exc.message)]
        )
    findings = [Finding.at(Pos(rel, p.line, p.column), p.kind, p.message) for p in parsed.problems]
    what = WHAT[record_type]
    if not isinstance(parsed.value, dict):
        findings.append(
            Finding.at(
                start,
                NOT_ONE_MAPPING,
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
                ID_NOT_FILE_NAME,
                f"id '{kwargs['id']}' differs from the file name '{name}'; make them the same",
            )
        )
    if findings or kwargs is None:
        return Loaded(stem, None, findings)
    return Loaded(stem, record_type(**kwargs, path=rel, positions=parsed.positions), findings)


def _in_two(root: Path, listed: dict[str, list[Any]], jobs: int) -> Iterator[Loaded] | None:
    """The outcome of each listed file, in order, a second process parsing a share of them
    (`load_two`); None with one job."""
    if jobs < 2:
        return None
    files = [
        (where, record_type)
        for folder, record_type in FOLDERS.items()
        for where, misfit in listed[folder]
        if misfit is None
    ]
    return in_two(len(files), lambda n: _load_at(root, files[n][0], files[n][1], None))


@without_cycle_collector
def load(
    root: Path,
    progress: Callable[[int, int], None] | None = None,
    cache: ParseCache | None = None,
    jobs: int = 2,
) -> tuple[KnowledgeBase, list[Finding]]:
    """Load every record under ``root``; the findings cover every file that did not fit.

    ``progress(done, total)`` is called as each file is taken up, for a progress bar.
    ``cache`` keeps each file's outcome for the next load of the same records; the findings
    and records are the same with it or without it. ``jobs``: 2 lets a second process parse
    a share of the files when there is no cache (`load_two`); the outcome is the same.
    """
    findings: list[Finding] = []
    suggested.clear()  # the did-you-mean budget is per load
    parts: dict[str, tuple[dict[str, Any], set[str]]] = {}
    # Listed before any is read, so a progress bar knows the total from the start.
    listed = {folder: list(record_parts(root, folder)) for folder in FOLDERS}
    present: set[tuple[str, type]] = set()
    if cache is not None:
        cache.parsed = 0
    total = sum(len(files) for files in listed.values())
    done = 0
    outcomes = _in_two(root, listed, jobs) if cache is None else None
    for folder, record_type in FOLDERS.items():
        records: dict[str, Any] = {}
        broken: set[str] = set()
        seen: dict[str, str] = {}
        for where, misfit in listed[folder]:
            done += 1
            if progress is not None:
                progress(done, total)
            if misfit is not None:
                findings.append(misfit)
                continue
            posix = "/".join(where)
            present.add((posix, record_type))
            if outcomes is not None:
                loaded = next(outcomes)
            else:
                loaded = _load_at(root, where, record_type, cache)
            findings.extend(loaded.findings)
            if loaded.id is None:
                continue
            rel = shown(posix)
            if loaded.id in seen:
                findings.append(
                    Finding.at(
                        Pos(rel, 1, 1),
                        DUPLICATE_ID,
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
    if cache is not None:
        cache.forget_all_but(present)
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
