"""Where the theme's output of generated pages is kept between builds (see `page_keys`).

Material's page template is the largest cost of a build (about 40% at 1,000 claims), and for
a page whose inputs did not change it gives the same text as the build before. The plugin
looks each page's key up in a store: when an entry is there, the theme's `main.html` hands it
on unchanged instead of rendering the page again; otherwise the output is kept for the next
build.

Two stores: `MemoryStore` for the rebuilds of one `serve`, `DiskStore` for `build`, in a
cache folder of its own (see `cache_dir_problem` for where it may be). Either keeps only the
entries the last build used, so it holds one site's pages, and either can be deleted at any
time: a build without its entries renders every page, and gives the same bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from .rendered import pack, unpack

# The tag a cache folder carries (https://bford.info/cachedir/), which backup tools honour.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This folder holds berlintalks' cache of built pages; it is safe to delete.\n"
)
_ENTRY = re.compile(r"[0-9a-f]{64}")
# An entry is one page's output; a bigger file is not one berlintalks wrote.
_MAX_ENTRY = 64 * 1024 * 1024


class Store(Protocol):
    def get(self, key: str) -> str | None: ...

    def put(self, key: str, text: str) -> None: ...

    def keep_only(self, used: set[str]) -> None: ...


class MemoryStore:
    """Entries in memory, compressed (a page's output is mostly the theme's repeated markup)."""

    def __init__(self) -> None:
        self._entries: dict[str, bytes] = {}

    def get(self, key: str) -> str | None:
        data = self._entries.get(key)
        return None if data is None else unpack(data)

    def put(self, key: str, text: str) -> None:
        self._entries[key] = pack(text)

    def keep_only(self, used: set[str]) -> None:
        self._entries = {k: v for k, v in self._entries.items() if k in used}


class DiskStore:
    """Entries as files ``pages/<2 hex>/<64 hex>`` in a folder that carries `CACHEDIR_TAG`.

    A file that cannot be read, is not a regular file, or does not decompress to UTF-8 is a
    miss, and is replaced by the fresh output. Each entry is written to a temporary file and
    renamed into place, so a killed build leaves whole entries or none. Problems writing
    (a full disk, say) only end the keeping of entries; the build goes on.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.pages = folder / "pages"
        self.failed: OSError | None = None

    @classmethod
    def open(cls, folder: Path) -> DiskStore:
        """The store in ``folder``, made (with its tag) if missing; OSError if not usable."""
        problem = folder_problem(folder)
        if problem:
            raise OSError(problem)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tag = folder / "CACHEDIR.TAG"
        if not tag.exists():
            _write_new(tag, CACHEDIR_TAG.encode())
        for path in (folder, folder / "pages"):
            if path.is_symlink():
                raise OSError(f"{path} is a symbolic link; a cache folder is never followed")
        (folder / "pages").mkdir(exist_ok=True, mode=0o700)
        return cls(folder)

    def _path(self, key: str) -> Path:
        return self.pages / key[:2] / key

    def get(self, key: str) -> str | None:
        try:
            fd = os.open(self._path(key), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_ENTRY:
                return None
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(_MAX_ENTRY + 1)
            return unpack(data)
        except (OSError, zlib.error, UnicodeDecodeError):
            return None
        finally:
            os.close(fd)

    def put(self, key: str, text: str) -> None:
        if self.failed is not None:
            return
        path = self._path(key)
        try:
            if path.parent.is_symlink():
                return
            path.parent.mkdir(exist_ok=True, mode=0o700)
            tmp = path.parent / f".{key}.{secrets.token_hex(4)}.tmp"
            _write_new(tmp, pack(text))
            os.replace(tmp, path)
        except OSError as exc:
            self.failed = exc

    def keep_only(self, used: set[str]) -> None:
        """Remove the entries this build did not use: files named as entries, nothing else."""
        for path in self._entries():
            if path.name not in used:
                with contextlib.suppress(OSError):
                    path.unlink()

    def _entries(self) -> Iterator[Path]:
        try:
            shards = list(os.scandir(self.pages))
        except OSError:
            return
        for shard in shards:
            if not shard.is_dir(follow_symlinks=False) or len(shard.name) != 2:
                continue
            try:
                names = list(os.scandir(shard.path))
            except OSError:
                continue
            for entry in names:
                named = _ENTRY.fullmatch(entry.name) or (
                    entry.name.startswith(".") and entry.name.endswith(".tmp")
                )
                if named and entry.is_file(follow_symlinks=False):
                    yield Path(entry.path)


def _write_new(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)


def folder_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be a cache folder: a link, a file, or a folder of someone else's."""
    try:
        info = folder.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"{folder}: {exc.strerror or exc}"
    if stat.S_ISLNK(info.st_mode):
        return f"{folder} is a symbolic link; a cache folder is never followed"
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} exists and is not a folder"
    tag = folder / "CACHEDIR.TAG"
    try:
        ours = not tag.is_symlink() and tag.read_text(encoding="utf-8") == CACHEDIR_TAG
    except (OSError, UnicodeDecodeError):
        ours = False
    if not ours and any(folder.iterdir()):
        return (
            f"{folder} is not empty and is not a berlintalks cache (no CACHEDIR.TAG of ours); "
            "choose an empty or new folder"
        )
    return None


def cache_dir_problem(folder: Path, root: Path) -> str | None:
    """Why ``folder`` may not hold the cache of the repository at ``root``, or None.

    Not inside the repository: a pull request can commit any file there, and an entry it
    committed under a page's key would be published as that page.
    """
    where = Path(os.path.abspath(folder))
    top = root.resolve()
    for base in (Path(os.path.abspath(root)), top):
        if where == base or base in where.parents:
            return (
                f"the cache folder {folder} is inside the repository, where a pull request "
                "could put entries into it; choose a folder outside it"
            )
    try:
        resolved = where.parent.resolve() / where.name
    except OSError:
        resolved = where
    if resolved == top or top in resolved.parents:
        return f"the cache folder {folder} leads into the repository; choose a folder outside it"
    return folder_problem(where)


def cache_dir(given: str | None, root: Path, off: bool = False) -> Path | None:
    """``given`` (``--cache-dir``), else $BERLINTALKS_CACHE_DIR, else `default_cache_dir`."""
    if off:
        return None
    given = given or os.environ.get("BERLINTALKS_CACHE_DIR")
    return Path(given) if given else default_cache_dir(root)


def default_cache_dir(root: Path) -> Path:
    """``$XDG_CACHE_HOME/berlintalks/<root>`` (``~/.cache`` without it), one folder a root."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:16]
    return Path(base) / "berlintalks" / name
