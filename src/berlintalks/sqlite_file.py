"""One SQLite file of a cache folder, opened for berlintalks' own use."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path


def connect(path: Path, tables: Sequence[str], probe: str) -> sqlite3.Connection:
    """The file at ``path`` opened with ``tables`` made if missing; one that is a link (never
    followed) or not a plain file is refused with OSError, and one that ``probe`` cannot
    query (damaged, or another kind of file) is made anew."""
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise OSError(f"{path} is not a plain file; a cache folder is never followed")
    for attempt in range(2):
        try:
            db = sqlite3.connect(path, isolation_level="DEFERRED")
        except sqlite3.Error as exc:  # the folder is missing, or not writable
            raise OSError(f"{path}: {exc}") from exc
        try:
            for table in tables:
                db.execute(table)
            db.execute(probe).fetchall()
            return db
        except sqlite3.DatabaseError as exc:
            db.close()
            if attempt:
                raise OSError(f"{path}: {exc}") from exc
            path.unlink()  # our own file, named as ours, in the cache folder: made anew
    raise AssertionError("unreachable")
