"""What a built site holds, file by file, kept in the cache folder to know the site again.

A file's entry is its identity as the system reports it (inode, size, times of modification
and of change, in nanoseconds) with, for a generated page, the key of its output
(`page_store`). Writing a file, renaming it or changing its mode sets its change time, which
no program can set back: a file whose identity is the one recorded holds the bytes it held
when it was recorded. A site is known by its folder's device and inode, which stay with it
when it is renamed.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path

FILE = "trees.json"
_FORMAT = "berlintalks-trees-1"
# Some 150 bytes a file: 50,000 claims make about 10 MB; a larger file is not one we wrote.
_MAX = 256 * 1024 * 1024

Identity = tuple[int, int, int, int]
Entry = tuple[Identity, "str | None"]  # the file's identity, the key of its output
Files = dict[str, Entry]  # by path under the site's folder, with "/" between parts


def identity(info: os.stat_result) -> Identity:
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def tree_id(folder: Path) -> str | None:
    """The folder's device and inode, or None when it is missing or not a real folder."""
    try:
        info = folder.lstat()
    except OSError:
        return None
    return f"{info.st_dev}:{info.st_ino}" if stat.S_ISDIR(info.st_mode) else None


def walk(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under ``folder`` with its own status (links are not followed, nor
    entered), folders before what they hold."""
    todo = [("", str(folder))]
    while todo:
        rel, path = todo.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = f"{rel}{entry.name}"
                info = entry.stat(follow_symlinks=False)
                yield name, info
                if stat.S_ISDIR(info.st_mode):
                    todo.append((f"{name}/", entry.path))


def read_trees(cache: Path) -> dict[str, Files]:
    """The sites recorded in ``cache``, by `tree_id`; nothing when the file is missing, a
    link, too large or not one we wrote."""
    try:
        fd = os.open(cache / FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX:
            return {}
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = json.loads(f.read(_MAX + 1))
    except (OSError, ValueError, RecursionError):
        return {}
    finally:
        os.close(fd)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return {}
    trees = data.get("trees")
    if not isinstance(trees, dict):
        return {}
    return {tid: _files(files) for tid, files in trees.items() if isinstance(files, dict)}


def _files(raw: Mapping[str, object]) -> Files:
    out: Files = {}
    for path, entry in raw.items():
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], list)):
            continue
        ident, key = entry
        ok_key = key is None or isinstance(key, str)
        if ok_key and len(ident) == 4 and all(type(n) is int for n in ident):
            out[path] = ((ident[0], ident[1], ident[2], ident[3]), key)
    return out


def write_trees(cache: Path, trees: Mapping[str, Files]) -> None:
    """Keep ``trees`` for the next build; a file that cannot be written only costs it the
    use of the site before last."""
    data = json.dumps({"format": _FORMAT, "trees": trees}, separators=(",", ":"))
    tmp = cache / f".{FILE}.{secrets.token_hex(4)}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        with os.fdopen(os.open(tmp, flags, 0o600), "wb") as f:
            f.write(data.encode())
        os.replace(tmp, cache / FILE)  # replaces a link put there, never follows it
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def record(folder: Path, keys: Mapping[str, str]) -> Files:
    """Every file under ``folder`` with its identity and, from ``keys``, its output's key."""
    files: Files = {}
    for path, info in walk(folder):
        if stat.S_ISREG(info.st_mode):
            files[path] = (identity(info), keys.get(path))
    return files
