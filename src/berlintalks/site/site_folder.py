"""The folder a build writes: marked as berlintalks', swapped into place, its leftovers removed.

A build writes into a fresh folder beside the site and swaps it in only once it succeeded,
so a failed build leaves the last good site; the mark tells a folder berlintalks built
(which it may replace or remove) from anything else, and its lock tells a build still
under way from one that was killed.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .. import __version__
from .tree_record import walk

try:
    import fcntl
except ImportError:  # Windows: leftovers are recognised by their age instead
    fcntl = None  # type: ignore[assignment]

# The file every build writes into its output: only a folder holding it is replaced.
MARK = ".berlintalks-site"


# A reader that began looking up a path in the site just before the exchange ends its
# lookup in the old folder (the name was resolved, the file not yet): deleting that folder
# at once made such a lookup miss a page about once in a few thousand swaps.
_GRACE_S = 0.1


def swap(fresh: Path, target: Path) -> None:
    """Put the folder ``fresh`` at ``target`` and delete whatever was there."""
    old = put_in_place(fresh, target)
    if old is not None:
        remove_replaced(old)


def remove_replaced(old: Path) -> None:
    """Delete the folder `put_in_place` moved aside, once lookups begun in it have ended."""
    time.sleep(_GRACE_S)
    shutil.rmtree(old, ignore_errors=True)


def put_in_place(fresh: Path, target: Path) -> Path | None:
    """Put the folder ``fresh`` at ``target``; where what was there is now, if anything.

    Where the system can exchange two folders in one step (Linux), a reader or a killed
    build never sees ``target`` missing, and the old folder is left at ``fresh``'s path;
    elsewhere it is moved aside first.
    """
    if not target.exists():
        fresh.rename(target)
        return None
    if exchange(fresh, target):
        return fresh
    # The old site keeps its mark under the new name, so a build killed before it is
    # removed leaves a folder the next build recognises as its own and removes.
    old = target.parent / f".{target.name}-old-{secrets.token_hex(4)}"
    target.rename(old)
    fresh.rename(target)
    return old


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(done == 0)


def is_built_site(folder: Path) -> bool:
    """True when ``folder`` carries the mark every berlintalks build writes into its output."""
    mark = folder / MARK
    try:
        if not stat.S_ISREG(mark.lstat().st_mode):
            return False
        with mark.open("rb") as f:
            return f.read(12) == b"berlintalks "
    except OSError:
        return False


@contextmanager
def marked(folder: Path) -> Iterator[None]:
    """Write the mark into ``folder`` and hold it locked until the block ends."""
    fd = os.open(folder / MARK, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, f"berlintalks {__version__}\n".encode())
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield
    finally:
        os.close(fd)


def _abandoned(folder: Path) -> bool:
    """True when no running build holds ``folder``'s mark (or, without locks, it is a day old)."""
    try:
        fd = os.open(folder / MARK, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if fcntl is None:
            return time.time() - os.fstat(fd).st_mtime > 86400
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True
    finally:
        os.close(fd)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove the temporary folders of builds of ``target`` that were killed; the removed ones.

    Only folders named as a build names them, that are real folders (not links) and carry
    the mark of a berlintalks build no running build holds: anything else stays.
    """
    removed = []
    for prefix in (f".{target.name}-new-", f".{target.name}-old-", f".{target.name}-project-"):
        for path in sorted(target.parent.glob(glob.escape(prefix) + "*")):
            if not stat.S_ISDIR(path.lstat().st_mode):
                continue
            if is_built_site(path) and _abandoned(path):
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
    return removed


def readable(site: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask: the site is for a web server to read.

    ``mkdtemp`` makes its folder 0700, which a server running as another user cannot enter.
    """
    os.chmod(site, 0o755)
    # Each entry's own status, links never followed nor entered; a mode changed only where it
    # differs (under the usual umask, nowhere): 22,000 entries at 10,000 claims.
    for name, info in walk(site):
        if stat.S_ISLNK(info.st_mode):
            continue
        mode = 0o755 if stat.S_ISDIR(info.st_mode) else 0o644
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(os.path.join(site, name), mode)
