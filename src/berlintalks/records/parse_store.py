"""Each record file's outcome kept on disk between builds, by the digest of its bytes.

`berlintalks build` with a cache folder parses and validates only the record files whose
bytes it has not seen before: at 10,000 claims parsing is most of the check. An entry is
one file's outcome (its record, with the positions of its values), pickled, a row of one
SQLite file keyed by a hash of berlintalks' code, the kind of record, the file's path and the
digest of its bytes, so an entry is only ever taken for the very bytes it was made from, by
the very code that made it.
As in `ParseCache`, only files that loaded without a finding are kept.

The folder is the cache folder of built pages (`site.page_store`), outside the repository,
which only berlintalks writes. Still, an entry is read back with an unpickler that makes
nothing but the records' own data classes and enums, dates and sets: a damaged or planted
entry is a miss (the file is parsed again), never code run.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import pickle
import sqlite3
import sys
from pathlib import Path
from typing import Any

from ..code import code_digest
from ..sqlite_file import connect
from .load import Loaded, ParseCache
from .positions import positions_from_rows

FILE = "records.sqlite"
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
    """A `ParseCache` whose outcomes are rows of one SQLite file, ``records.sqlite``.

    One file rather than one per record: creating eleven thousand small files cost a
    10,000-claim build more than parsing them. New outcomes are written, and the rows this
    load did not ask for removed, in one transaction by `keep_only_used`, so a killed build
    leaves the file as the build before left it.
    """

    def __init__(self, folder: Path) -> None:
        """The rows in ``folder`` (a cache folder `page_store.DiskStore` has opened);
        OSError when the file is a link, which is never followed, or not usable."""
        super().__init__()
        self.path = folder / FILE
        self.used: set[str] = set()  # the rows this load asked for
        self.new: dict[str, bytes] = {}  # the outcomes parsed in this load, pickled
        # Each record of this load, by identity, with the key of its file's outcome: what
        # the record was made from, which the kept pages fingerprint it by (`memo_store`).
        self.keys: dict[int, tuple[Any, str]] = {}
        self._prefix = f"berlintalks-records-1\0{code_digest()}\0".encode()
        self._db = connect(
            self.path,
            ["CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, data BLOB NOT NULL)"],
            "SELECT key, data FROM entries LIMIT 1",
        )

    def _key(self, rel: str, record_type: type, digest: bytes) -> str:
        named = f"{record_type.__module__}.{record_type.__qualname__}\0{rel}\0".encode()
        return hashlib.sha256(self._prefix + named + digest).hexdigest()

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
        self.keys[id(loaded.record)] = (loaded.record, key)
        return digest, loaded

    def _read(self, key: str) -> Loaded | None:
        try:
            row = self._db.execute("SELECT data FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None or not isinstance(row[0], bytes) or len(row[0]) > _MAX_ENTRY:
                return None
            loaded = _Unpickler(io.BytesIO(row[0])).load()
        except Exception:  # damaged or not ours: parse the file again
            return None
        return loaded if isinstance(loaded, Loaded) else None

    def keep(self, rel: str, record_type: type, digest: bytes, loaded: Loaded) -> None:
        if loaded.findings or loaded.record is None:
            return
        key = self._key(rel, record_type, digest)
        self.new[key] = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
        self.keys[id(loaded.record)] = (loaded.record, key)

    def forget_all_but(self, present: set[tuple[str, type]]) -> None:
        """Nothing to forget in memory; `keep_only_used` removes the rows no load used."""

    def keep_only_used(self) -> None:
        """Write the new outcomes, remove the rows this load did not ask for, and close."""
        db = self._db
        try:
            with db:
                db.executemany(
                    "INSERT OR REPLACE INTO entries (key, data) VALUES (?, ?)", self.new.items()
                )
                db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
                db.executemany("INSERT INTO used (key) VALUES (?)", ((k,) for k in self.used))
                db.execute("DELETE FROM entries WHERE key NOT IN (SELECT key FROM used)")
        except sqlite3.Error:
            pass  # a full disk, say: the next load parses what was not kept, never wrong
        finally:
            self.new = {}
            db.close()
