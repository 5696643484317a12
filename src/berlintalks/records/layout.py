"""Where records live: each record type's folder, the file names, and the walk listing them."""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..finding import Finding
from .claim import Claim
from .codes import NOT_A_RECORD_FILE, UNREADABLE_FILE
from .fields import SLUG_MAX, SLUG_RE
from .positions import Pos
from .publication import Publication
from .source import Source

# The one map of record folders to record types; every other table below is read off it.
FOLDERS: dict[str, type] = {"claims": Claim, "sources": Source, "publications": Publication}
# A record type's singular name, as commands and schema files spell it (`new claim`).
NAMES: dict[type, str] = {Claim: "claim", Source: "source", Publication: "publication"}
RECORD_TYPES: dict[str, type] = {NAMES[t]: t for t in FOLDERS.values()}
FOLDER_OF: dict[str, str] = {NAMES[t]: folder for folder, t in FOLDERS.items()}
# How a message names a record of each type.
WHAT: dict[type, str] = {t: f"a {name}" for t, name in NAMES.items()}
SUFFIX = ".yaml"

# Ids become file names. Windows opens a device, not a file, for these names with any
# extension (`con.yaml` is the console), so a checkout or a build there would hang or fail.
WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{d}{n}" for d in ("com", "lpt") for n in range(10)]
)


def short(text: str, limit: int = 60) -> str:
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
        fix = f": rename it to {short(shown(fixed))}" if fixed else ""
        return f"it ends in a {which}, which Windows drops from file names{fix}"
    base = name.split(".", 1)[0].rstrip(" ").lower()
    if base in WINDOWS_DEVICES:
        return f"'{base}' is a device name on Windows, where no file can be called so: rename it"
    return None


def _is_record_name(name: str) -> bool:
    return name.endswith(SUFFIX) and slug_problem(name[: -len(SUFFIX)]) is None


def _misfit(entry: _Entry, folder: str) -> Finding | None:
    """Why ``entry`` is no record file (a finding), or None when it should be loaded."""
    if entry.kind == "file" and entry.parts[-1].endswith(SUFFIX):
        return None  # the common case, before any message is made
    rel = shown("/".join((folder, *entry.parts)))
    here = Pos(rel, 1, 1)
    name = entry.parts[-1]
    label = short(shown(name))
    if entry.kind == "link":
        return Finding.at(here, UNREADABLE_FILE, _LINK)
    if entry.kind == "unlisted":
        return Finding.at(here, UNREADABLE_FILE, f"cannot list this folder: {entry.note}")
    if entry.kind == "deep":
        return Finding.at(
            here,
            NOT_A_RECORD_FILE,
            f"folders nest more than {MAX_FOLDER_DEPTH} deep here; keep records at most "
            f"{MAX_FOLDER_DEPTH} folders below {folder}/",
        )
    if entry.kind == "folder":
        if name.endswith(SUFFIX) and name != SUFFIX:
            return Finding.at(
                here,
                NOT_A_RECORD_FILE,
                "this is a folder named like a record file; a record is a file",
            )
        if slug_problem(name) is not None:
            return Finding.at(
                here,
                NOT_A_RECORD_FILE,
                f"folder name '{label}' is not allowed here: use lowercase letters, digits and "
                f"single hyphens, and no name Windows reserves for a device (its files are not "
                "read)",
            )
        return None
    if name.endswith(SUFFIX):
        return None  # the file name is checked as the record's id when it is loaded
    problem = _windows_problem(name)
    if problem is not None:
        return Finding.at(here, NOT_A_RECORD_FILE, f"'{label}' is not a record file: {problem}")
    if name.endswith(".yml") and name != ".yml":
        return Finding.at(
            here, NOT_A_RECORD_FILE, f"record files end in .yaml: rename it to {name[:-4]}.yaml"
        )
    return Finding.at(
        here,
        NOT_A_RECORD_FILE,
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
    for parts, misfit in record_parts(root, folder):
        yield root.joinpath(*parts), misfit


def record_parts(root: Path, folder: str) -> Iterator[tuple[tuple[str, ...], Finding | None]]:
    """`record_files`, each path as its parts below ``root``: a load of 10,000 records made
    and took apart a `Path` for each file, a tenth of its time when nothing was parsed."""
    base = root / folder
    here = Pos(folder, 1, 1)
    try:
        info = os.lstat(base)
    except FileNotFoundError:
        return
    except OSError as exc:
        yield (
            (folder,),
            Finding.at(here, UNREADABLE_FILE, f"cannot read {folder}/: {exc.strerror or exc}"),
        )
        return
    if stat.S_ISLNK(info.st_mode):
        yield (
            (folder,),
            Finding.at(
                here,
                UNREADABLE_FILE,
                f"{folder}/ is a symbolic link; berlintalks follows no links, so it reads none "
                "of the files behind it: replace the link with the folder itself",
            ),
        )
        return
    if not stat.S_ISDIR(info.st_mode):
        yield (
            (folder,),
            Finding.at(here, NOT_A_RECORD_FILE, f"{folder} must be a folder of record files"),
        )
        return
    found = _listing(str(base))
    found.sort(key=lambda e: e.parts)
    for entry in found:
        misfit = _misfit(entry, folder)
        if misfit is not None:
            yield (folder, *entry.parts), misfit
        elif entry.kind != "folder":
            yield (folder, *entry.parts), None
