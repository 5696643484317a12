"""The site before last, kept in the cache folder and brought up to date instead of written anew.

After one changed record at 10,000 claims, writing every page into a fresh folder and
deleting the old site were a third of an incremental build. A build with a cache folder
keeps there the site it replaced (the spare), with the record of its files (`tree_record`).
The next build has MkDocs write into its fresh folder only what it makes (the pages whose
output changed, the theme's files, the exports), and not the pages the spare already holds
as the new site has them. Then the fresh files are moved into the spare, the spare's files
the new site lacks are removed, and the spare is exchanged with the site in one step, as a
fresh folder is; the site it replaced is the next build's spare.

Only a file whose identity is the one recorded is taken to hold what it held; anything else
in the spare (a file changed or added, a link) is replaced or removed, never followed. The
spare's record is dropped before the spare is changed, so a build killed midway leaves a
spare no build trusts, which the next one removes. A lock keeps two builds from sharing it;
without locks, or with the site on another file system, every build writes a fresh folder.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..gcpause import without_cycle_collector
from .site_folder import MARK, put_in_place, remove_replaced
from .tree_record import Files, identity, read_trees, record, tree_id, walk, write_trees

try:
    import fcntl
except ImportError:
    fcntl = None  # type: ignore[assignment]

SPARE = "spare"
_LOCK = "spare.lock"


@dataclass(slots=True)
class Spare:
    """One build's use of the cache folder's spare; the plugin fills in the last two fields."""

    cache: Path
    lock: int  # held until `release`
    trees: dict[str, Files]
    folder: Path | None = None  # the spare, when this build can use it
    good: Files = field(default_factory=dict)  # its files that are as recorded
    stale: list[str] = field(default_factory=list)  # its other entries, but folders
    dirs: list[str] = field(default_factory=list)  # its folders
    keys: dict[str, str] = field(default_factory=dict)  # a generated page's file: its key
    kept: set[str] = field(default_factory=set)  # the spare's files the new site has as they are

    def keep(self, path: str, key: str) -> bool:
        """Keep the spare's file at ``path`` when it is the output of ``key``; whether it is."""
        entry = self.good.get(path)
        if self.folder is None or entry is None or entry[1] != key:
            return False
        self.kept.add(path)
        return True


@without_cycle_collector
def take_spare(cache: Path, target: Path) -> Spare | None:
    """The spare of ``cache`` locked for one build of ``target``; None without a lock."""
    if fcntl is None:
        return None
    try:
        fd = os.open(cache / _LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:  # another build holds it
        os.close(fd)
        return None
    spare = Spare(cache, fd, read_trees(cache))
    folder = cache / SPARE
    recorded = spare.trees.get(tree_id(folder) or "")
    try:
        same_disk = folder.lstat().st_dev == target.parent.lstat().st_dev
    except OSError:
        return spare  # no spare yet
    if recorded is None or not same_disk:
        _remove(folder)
        return spare
    for path, info in walk(folder):
        entry = recorded.get(path)
        if stat.S_ISDIR(info.st_mode):
            spare.dirs.append(path)
        elif stat.S_ISREG(info.st_mode) and entry is not None and entry[0] == identity(info):
            spare.good[path] = entry
        else:
            spare.stale.append(path)
    spare.folder = folder
    return spare


def release(spare: Spare) -> None:
    os.close(spare.lock)


@without_cycle_collector
def settle(spare: Spare, fresh: Path, target: Path) -> None:
    """Put the site built in ``fresh`` at ``target``, through the spare where there is one,
    and keep the site it replaces as the next spare."""
    made = record(fresh, spare.keys)
    if spare.folder is not None and fewer_kept(len(spare.kept), len(made)):
        _give_kept(spare, spare.folder, fresh, made)
        spare.folder = None
    if spare.folder is not None:
        files = _assemble(spare, spare.folder, fresh, made)
        built = spare.folder
    else:
        files = made
        built = fresh
    new_id = tree_id(built)
    old_id = tree_id(target)
    old = put_in_place(built, target)
    if built is not fresh:
        shutil.rmtree(fresh, ignore_errors=True)  # by now its mark and empty folders
    trees = {new_id: files} if new_id else {}
    slot = spare.cache / SPARE
    before = spare.trees.get(old_id or "")
    if old is not None and before is not None:
        try:
            if old != slot:
                old.rename(slot)  # the slot is free: its spare was used, or removed
            trees[old_id] = before  # type: ignore[index]
            old = None
        except OSError:
            pass
    if old is not None:
        remove_replaced(old)
    write_trees(spare.cache, trees)


def fewer_kept(kept: int, made: int) -> bool:
    """Whether to move the ``kept`` files of the spare into the fresh folder rather than
    the ``made`` files of the fresh folder into the spare: whichever are fewer (most pages
    made anew after a change to the templates, say, or a small site). Either way the rest
    of the spare is removed and the site replaced becomes the spare."""
    return kept < made


def _give_kept(spare: Spare, folder: Path, fresh: Path, made: Files) -> None:
    """Move the files kept in the spare ``folder`` into ``fresh``, noting them in ``made``,
    and remove the spare."""
    _forget(spare, folder)
    dirs: set[str] = set()
    for path in spare.kept:
        _room(fresh, path, dirs)
        os.replace(folder / path, fresh / path)
        made[path] = (identity((fresh / path).lstat()), spare.good[path][1])
    _remove(folder)


def _forget(spare: Spare, folder: Path) -> None:
    """Drop the spare's record: from here on it is not as recorded."""
    spare.trees.pop(tree_id(folder) or "", None)
    write_trees(spare.cache, spare.trees)


def _assemble(spare: Spare, folder: Path, fresh: Path, made: Files) -> Files:
    """Make the spare ``folder`` the site built in ``fresh``, whose files are ``made``; the
    record of its files."""
    _forget(spare, folder)
    dirs = set(spare.dirs)
    files: Files = {}
    for path in made:
        dest = folder / path
        _room(folder, path, dirs)
        if path == MARK:  # fresh's mark stays, held, until the build ends
            tmp = folder / f".{MARK}.{secrets.token_hex(4)}"
            shutil.copyfile(fresh / path, tmp)
            os.replace(tmp, dest)
        else:
            try:
                os.replace(fresh / path, dest)
            except IsADirectoryError:  # a folder of the spare where the site has a file
                shutil.rmtree(dest)
                os.replace(fresh / path, dest)
        files[path] = (identity(dest.lstat()), spare.keys.get(path))
    for path in spare.kept:
        files[path] = spare.good[path]
    needed = {str(p) for path in files for p in PurePosixPath(path).parents}
    for path in [*spare.good, *spare.stale]:
        if path not in files and path not in needed:
            _remove(folder / path)
    for path in sorted(spare.dirs, key=lambda p: p.count("/"), reverse=True):
        if path not in needed:
            _remove(folder / path)
    return files


def _room(folder: Path, path: str, made: set[str]) -> None:
    """Real folders in ``folder`` for each folder on the way to ``path``."""
    parts = path.split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if rel in made:
            continue
        here = folder / rel
        if os.path.lexists(here) and not stat.S_ISDIR(os.lstat(here).st_mode):
            here.unlink()  # a file or a link where a folder goes: removed, never followed
        if not os.path.lexists(here):
            here.mkdir()
            os.chmod(here, 0o755)
        made.add(rel)


def _remove(path: Path) -> None:
    """Remove a file, a link (not what it points to) or a folder of the cache's spare."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
