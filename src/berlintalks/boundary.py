"""The filesystem boundary: every path berlintalks reads or writes, confined to the repository.

A pull request can change any file of the repository, links included, so a path is never
trusted because of where it points. Every path is taken relative to the root, walked one
component at a time, and refused (`OutsideBoundary`) when it is absolute, holds `..`, or
passes through a symbolic link anywhere, the top folder (`claims` → `/`) included. Nothing
is ever followed out of the repository, and nothing inside it either: a link is refused, not
resolved.

What berlintalks reads, relative to the root:

- record files: `claims/**/<id>.yaml` and `sources/**/<id>.yaml` (`load.record_files`
  lists them, `read_bytes` reads them, at most 1 MiB each);
- archive snapshots: plain files under the one folder `archive/` named by a source's
  `archive` key, never a dotfile or a dot-folder (`archive_problem`, then `read_bytes`,
  at most 16 MiB);
- the site's inputs: `templates/`, `docs/` and `mkdocs.yml`, read by the build;
- schema files under `schemas/`, to tell whether they are out of date;
- git objects, through git itself (`diff`, the history on the site), never as files.

What it writes: the site folder it owns (`build`), `schemas/<kind>.schema.json`
(`schema --write`, `new`), one new record file (`new`), and the export folder given to
`export --out`. Writes go through `write_atomic`: a temporary file in the same folder,
renamed into place, and refused when the target or any folder above it is a link.

The walk checks each component with `lstat` and opens the last one with `O_NOFOLLOW`. That
answers what a pull request can commit; it does not defend against another process on the
same machine swapping folders during the walk, which no pull request can do.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import secrets
import stat
from pathlib import Path, PurePath

ARCHIVE_DIR = "archive"

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = (
    os.O_RDONLY
    | _NOFOLLOW
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO named like a file must not hang the read
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_WRITE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | _NOFOLLOW
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_ABSOLUTE = "is an absolute path; give it relative to the root"


class OutsideBoundary(Exception):
    """A path berlintalks refuses to read or write; the message is one line saying why."""

    def __init__(self, rel: str, reason: str) -> None:
        super().__init__(f"{rel} {reason}")
        self.rel = rel
        self.reason = reason


class NotRegular(OutsideBoundary):
    """The path is inside the repository but is a folder, FIFO, device or socket."""


class TooLarge(Exception):
    """The file is over the size limit; ``size`` is None when it grew past it while read."""

    def __init__(self, size: int | None, limit: int) -> None:
        super().__init__(f"{size if size is not None else 'over'} bytes, limit {limit}")
        self.size = size
        self.limit = limit


def printable(rel: str) -> str:
    """A path as it can be printed on one line: control characters and odd bytes escaped."""
    if rel.isprintable():
        return rel
    text = os.fsencode(rel).decode("utf-8", "backslashreplace")
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def parts_of(rel: str | PurePath | tuple[str, ...]) -> tuple[str, ...]:
    """The components of a path relative to the root, or `OutsideBoundary` if it leaves it."""
    if isinstance(rel, tuple):
        parts, text = rel, "/".join(rel)
    elif isinstance(rel, PurePath):
        if rel.is_absolute() or rel.anchor:
            raise OutsideBoundary(printable(str(rel)), _ABSOLUTE)
        parts, text = rel.parts, rel.as_posix()
    else:
        if rel.startswith("/"):
            raise OutsideBoundary(printable(rel), _ABSOLUTE)
        parts, text = tuple(rel.split("/")), rel
    if not parts:
        raise OutsideBoundary("''", "is no path")
    for part in parts:
        if part in ("", ".", ".."):
            raise OutsideBoundary(
                printable(text), "holds '..', '.' or '//'; give a plain relative path"
            )
        if "\\" in part or ":" in part or "\0" in part:
            raise OutsideBoundary(
                printable(text), "holds a backslash, colon or NUL, which no path may hold"
            )
    return parts


def _link(rel: tuple[str, ...]) -> OutsideBoundary:
    return OutsideBoundary(
        printable("/".join(rel)),
        "is a symbolic link; berlintalks follows no links in the repository: "
        "replace it with the file or folder itself",
    )


def _walk(root: str, parts: tuple[str, ...], last_is_folder: bool) -> str | None:
    """Check ``root/parts`` component by component: the path, or None where it stops existing.

    Strings rather than `Path` objects: this runs once per record, where pathlib's joins
    cost more than the system calls.
    """
    path = root
    for i, part in enumerate(parts):
        path = os.path.join(path, part)
        try:
            info = os.lstat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if stat.S_ISLNK(info.st_mode):
            raise _link(parts[: i + 1])
        if (last_is_folder or i < len(parts) - 1) and not stat.S_ISDIR(info.st_mode):
            raise NotRegular(printable("/".join(parts[: i + 1])), "is not a folder")
    return path


def inside(root: Path, rel: str | PurePath | tuple[str, ...]) -> Path:
    """``root/rel``, refused when it leaves the root or any existing component is a link.

    Components that do not exist yet are allowed (a file about to be written): nothing is
    there to follow. Other errors of the walk (permission, a name too long) are the
    ``OSError`` they are.
    """
    parts = parts_of(rel)
    _walk(os.fspath(root), parts, last_is_folder=False)
    return root.joinpath(*parts)


def read_bytes(root: Path, rel: str | PurePath | tuple[str, ...], limit: int) -> bytes:
    """The bytes of the regular file ``root/rel``, at most ``limit`` of them.

    Raises `OutsideBoundary` for a path that leaves the root or passes a link, `NotRegular`
    for a folder, FIFO or device, `TooLarge` over ``limit`` (checked before reading, and the
    read itself bounded, so a file that grows meanwhile cannot fill memory), and ``OSError``
    when the file cannot be opened.
    """
    parts = parts_of(rel)
    base = os.fspath(root)
    # The last component is left to O_NOFOLLOW where the system has it: one call fewer
    # per record, and no gap between looking and opening.
    _walk(base, parts if not _NOFOLLOW else parts[:-1], last_is_folder=False)
    path = os.path.join(base, *parts)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK) and os.path.islink(path):
            raise _link(parts) from None
        raise
    # Plain reads on the descriptor: a buffered file object per record cost more than the read.
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(printable("/".join(parts)), "is not a regular file")
        if info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0 and (chunk := os.read(fd, left)):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise TooLarge(None, limit)
    return data


def tree_digest(folder: Path, limit: int = 16 * 1024 * 1024) -> str:
    """A hash of every file under ``folder`` by path and bytes, for telling that it changed.

    Files are read as `read_bytes` reads them: a link, a FIFO or a file over ``limit`` is
    hashed by its name and what it is, never followed, waited on or read.
    """
    h = hashlib.sha256()
    if folder.is_symlink() or not folder.is_dir():
        h.update(b"not a folder")
        return h.hexdigest()
    for top, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(top, name), folder)
            try:
                data = read_bytes(folder, rel, limit)
            except (OutsideBoundary, TooLarge, OSError) as exc:
                data = type(exc).__name__.encode()
            h.update(rel.encode("utf-8", "surrogateescape") + b"\0" + data + b"\0")
    return h.hexdigest()


def _folder(root: Path, parts: tuple[str, ...]) -> Path:
    """``root/parts``, made where missing, each component a real folder and no link."""
    path = root
    for i, part in enumerate(parts):
        path = path / part
        with contextlib.suppress(FileExistsError):
            os.mkdir(path)
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            raise _link(parts[: i + 1])
        if not stat.S_ISDIR(info.st_mode):
            raise NotRegular(printable("/".join(parts[: i + 1])), "is not a folder")
    return path


def write_atomic(
    root: Path, rel: str | PurePath | tuple[str, ...], data: bytes, *, exclusive: bool = False
) -> Path:
    """Write ``data`` to ``root/rel`` through a temporary file renamed into place.

    Missing folders are made. Refused (`OutsideBoundary`) when the target or a folder above
    it is a link or not what it should be; with ``exclusive``, ``FileExistsError`` when the
    target exists, even if it appeared a moment ago. A reader never sees half a file, and a
    link is never written through.
    """
    parts = parts_of(rel)
    inside(root, parts)
    folder = _folder(root, parts[:-1])
    target = folder / parts[-1]
    mode = 0o666  # less the umask, as for any file the user makes
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise _link(parts)
        if not stat.S_ISREG(info.st_mode):
            raise NotRegular(printable("/".join(parts)), "is not a regular file")
        if exclusive:
            raise FileExistsError(errno.EEXIST, "File exists", str(target))
        mode = stat.S_IMODE(info.st_mode)
    temp = folder / f".{parts[-1]}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temp, _WRITE_FLAGS, mode)
    try:
        try:
            if info is not None and os.chmod in os.supports_fd:
                os.chmod(fd, mode)  # the replaced file's mode, not the umask's
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if exclusive:
            # A hard link fails when the name exists, whatever it is: no overwrite, ever.
            try:
                os.link(temp, target, follow_symlinks=False)
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links: check, then rename
                if os.path.lexists(target):
                    raise FileExistsError(errno.EEXIST, "File exists", str(target)) from None
                os.replace(temp, target)
        else:
            # rename() replaces a name, never what a link at that name points to.
            os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
    return target


def archive_problem(rel: str) -> str | None:
    """Why ``rel`` cannot name an archive snapshot, or None when its form is fine.

    Snapshots are plain files under the one folder `archive/`. Anything else in the
    repository (`.git/config` holds a CI token, `.env` files hold secrets) must not become
    the "closest passage" of a missed quote in a pull-request annotation.
    """
    try:
        parts = parts_of(rel)
    except OutsideBoundary as exc:
        return exc.reason
    if len(parts) < 2 or parts[0] != ARCHIVE_DIR:
        return f"is not under {ARCHIVE_DIR}/; snapshots are plain text files in that folder"
    hidden = next((p for p in parts if p.startswith(".")), None)
    if hidden is not None:
        return (
            f"passes through the hidden name '{printable(hidden)}'; snapshots are never "
            "dotfiles or inside dot-folders"
        )
    return None
