"""Each record file's outcome kept on disk between builds, by the digest of its bytes.

`berlintalks build` with a cache folder parses and validates only the record files whose
bytes it has not seen before: at 10,000 claims parsing is most of the check. An entry is
one file's outcome (its record, with the positions of its values), pickled, named by a hash
of berlintalks' code, the kind of record, the file's path and the digest of its bytes, so an
entry is only ever taken for the very bytes it was made from, by the very code that made it.
As in `ParseCache`, only files that loaded without a finding are kept.

The folder is the cache folder of built pages (`site.page_store`), outside the repository,
which only berlintalks writes. Still, an entry is read back with an unpickler that makes
nothing but the records' own data classes and enums, dates and sets: a damaged or planted
entry is a miss (the file is parsed again), never code run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import hashlib
import io
import os
import pickle
import re
import secrets
import stat
import sys
from pathlib import Path
from typing import Any

from ..code import code_digest
from .load import Loaded, ParseCache
from .positions import positions_from_rows

FOLDER = "records"
_ENTRY = re.compile(r"[0-9a-f]{64}")
# A record file is at most 1 MiB; its outcome pickled is a few times that at most.
_MAX_ENTRY = 16 * 1024 * 1024
_SAFE_GLOBALS = {
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("datetime", "date"),
}


class _Unpickler(pickle.Unpickler):
    """Makes only the records' data classes and enums, `positions_from_rows`, dates, sets."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _SAFE_GLOBALS:
            return super().find_class(module, name)
        if module.startswith("berlintalks.records.") and module in sys.modules:
            found = getattr(sys.modules[module], name, None)
            if found is positions_from_rows:
                return found
            if isinstance(found, type) and (
                dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)
            ):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not part of a kept record")


class DiskParseCache(ParseCache):
    """A `ParseCache` whose outcomes are files ``records/<2 hex>/<64 hex>`` in ``folder``."""

    def __init__(self, folder: Path) -> None:
        """The entries in ``folder`` (a cache folder `page_store.DiskStore` has opened);
        OSError when its records folder is a link, which is never followed."""
        super().__init__()
        self.folder = folder / FOLDER
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symbolic link; a cache folder is never followed")
        self.used: set[str] = set()  # the entries this load asked for
        self.failed: OSError | None = None  # why entries stopped being written, if they did
        self._prefix = f"berlintalks-records-1\0{code_digest()}\0".encode()

    def _key(self, rel: str, record_type: type, digest: bytes) -> str:
        named = f"{record_type.__module__}.{record_type.__qualname__}\0{rel}\0".encode()
        return hashlib.sha256(self._prefix + named + digest).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def outcome(self, rel: str, record_type: type, data: bytes) -> tuple[bytes, Loaded | None]:
        digest = hashlib.sha256(data).digest()
        key = self._key(rel, record_type, digest)
        self.used.add(key)
        loaded = self._read(key)
        if (
            loaded is None
            or not isinstance(loaded.record, record_type)
            or loaded.findings
            or getattr(loaded.record, "positions", None) is None
        ):
            self.parsed += 1
            return digest, None
        return digest, loaded

    def _read(self, key: str) -> Loaded | None:
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
            loaded = _Unpickler(io.BytesIO(data)).load()
        except Exception:  # damaged or not ours: parse the file again
            return None
        finally:
            os.close(fd)
        return loaded if isinstance(loaded, Loaded) else None

    def keep(self, rel: str, record_type: type, digest: bytes, loaded: Loaded) -> None:
        if loaded.findings or loaded.record is None or self.failed is not None:
            return
        key = self._key(rel, record_type, digest)
        path = self._path(key)
        try:
            if path.parent.is_symlink():
                return
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = path.parent / f".{key}.{secrets.token_hex(4)}.tmp"
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(tmp, flags, 0o600)
            try:
                os.write(fd, pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL))
            finally:
                os.close(fd)
            os.replace(tmp, path)
        except OSError as exc:
            self.failed = exc

    def forget_all_but(self, present: set[tuple[str, type]]) -> None:
        """Nothing to forget in memory; `keep_only_used` removes the entries on disk."""

    def keep_only_used(self) -> None:
        """Remove the entries this load did not ask for: files named as entries, nothing else."""
        try:
            shards = list(os.scandir(self.folder))
        except OSError:
            return
        for shard in shards:
            if len(shard.name) != 2 or not shard.is_dir(follow_symlinks=False):
                continue
            with contextlib.suppress(OSError):
                for entry in os.scandir(shard.path):
                    named = _ENTRY.fullmatch(entry.name) or (
                        entry.name.startswith(".") and entry.name.endswith(".tmp")
                    )
                    unused = named and entry.name not in self.used
                    if unused and entry.is_file(follow_symlinks=False):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
