"""The generated pages of the last build kept in the cache folder, with what each one read.

`serve` keeps its pages in memory between rebuilds (`memo.RenderMemo`); `berlintalks build`
with a cache folder keeps them here, in ``renders.sqlite``, for the next build. A page is
kept with the fingerprint of its view and of every value it read (`fingerprint`), the values
themselves being the records, which would be written once per page that read them. The next
build works out once what each read gives now; a page whose view and reads all give what
they gave is taken as it was, and every other page is rendered and kept anew.

The file holds no pickle: text, JSON and digests, and each page's HTML packed as
`rendered.pack` packs it. A page whose view or reads have no fingerprint, or whose read keys
are not plain JSON, is rendered in every build. Nothing is written until `save`, which the
plugin calls once a build has succeeded, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from array import array
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..code import code_digest
from ..sqlite_file import connect
from .fingerprint import Fingerprints, NoFingerprint
from .memo import MISSING, Recorder, value_now
from .rendered import Heading, PackedHtml, SearchEntry, pack, unpack

FILE = "renders.sqlite"
_TABLES = (
    "CREATE TABLE IF NOT EXISTS scope (id INTEGER PRIMARY KEY CHECK (id = 0), value BLOB)",
    "CREATE TABLE IF NOT EXISTS reads (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " op TEXT NOT NULL, key TEXT NOT NULL, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, view BLOB NOT NULL,"
    " reads BLOB NOT NULL, body BLOB NOT NULL, meta TEXT NOT NULL)",
)
_PROBE = (
    "SELECT s.value, r.id, r.name, r.op, r.key, r.value, p.path, p.view, p.reads, p.body,"
    " p.meta FROM scope s, reads r, pages p LIMIT 1"
)
_ID = "I"  # the read numbers of a page, as an array of unsigned ints
_SIZE = array(_ID).itemsize
_LAST_NUMBER = 2 ** (8 * _SIZE) // 4  # far more reads than any build makes
_MISSING_PRINT = b"\0missing"


@dataclass(frozen=True, slots=True)
class Made:
    """A page just rendered, as it is kept: the fingerprints of its view and of each read
    (name, kind, key as JSON), its text packed, the rest as JSON."""

    view: bytes
    reads: list[tuple[str, str, str, bytes]]
    body: bytes
    meta: str


@dataclass(frozen=True, slots=True)
class _Row:
    view: bytes
    reads: bytes  # `array(_ID)` of read numbers


class DiskRenderMemo:
    """`memo.RenderMemo`'s part for `berlintalks build`, its pages kept in ``renders.sqlite``."""

    def __init__(self, folder: Path) -> None:
        """The pages kept in ``folder`` (a cache folder `page_store.DiskStore` opened);
        OSError when the file is a link, which is never followed, or cannot be used."""
        self._path = folder / FILE
        self._db = connect(self._path, _TABLES, _PROBE)
        # A second process renders and reads kept pages through its own connection (one
        # is never used across a fork), and writes nothing.
        self._owner = os.getpid()
        self._reader: tuple[int, sqlite3.Connection] | None = None
        self.reused = 0
        self._prints = Fingerprints()
        self._scope: bytes | None = None
        self._kept_scope: bytes | None = None
        # The pages and reads of the build before, by path and by number.
        self._pages: dict[str, _Row] = {}
        self._reads: dict[int, tuple[str, str, Any, bytes]] = {}
        self._numbers: dict[tuple[str, str, str, bytes], int] = {}
        self._next = 1
        self._same: dict[int, bool] = {}  # each read's outcome in this build
        self._taken: set[str] = set()  # pages of the build before taken as they were
        self._made: dict[str, tuple[_Row, bytes, str]] = {}  # pages made and kept this build
        self._printed: dict[tuple[str, str, Any], tuple[Any, bytes]] = {}
        self._new_reads: list[tuple[int, str, str, str, bytes]] = []
        # In a second process (`render_two`): the pages it made, or took as kept (None),
        # to send with them.
        self.sent: dict[str, Made | None] = {}
        try:
            self._load()
        except (sqlite3.Error, ValueError, TypeError):
            self._pages, self._reads, self._numbers = {}, {}, {}  # as if none were kept

    def _load(self) -> None:
        db = self._db
        scope = db.execute("SELECT value FROM scope WHERE id = 0").fetchone()
        self._kept_scope = scope[0] if scope else None
        for number, name, op, key, value in db.execute("SELECT * FROM reads"):
            if not isinstance(number, int) or not 0 < number < _LAST_NUMBER:
                continue  # not a number this file's pages can hold
            self._reads[number] = (name, op, json.loads(key), value)
            self._numbers[(name, op, key, value)] = number
            self._next = max(self._next, number + 1)
        for path, view, reads in db.execute("SELECT path, view, reads FROM pages"):
            if isinstance(view, bytes) and isinstance(reads, bytes) and not len(reads) % _SIZE:
                self._pages[path] = _Row(view, reads)

    def seed(self, records: Mapping[int, tuple[Any, str]]) -> None:
        """Fingerprint each record by the key of its file (`Fingerprints.seed`), rather
        than field by field in every build that reads it."""
        for record, made_from in records.values():
            self._prints.seed(record, made_from)

    def start(self, scope: Any) -> None:
        """Begin a build; what was kept is dropped when ``scope`` (the templates' files, the
        site's configuration) or berlintalks' code differs from the last build's."""
        try:
            self._scope = self._prints.of((code_digest(), scope))
        except NoFingerprint:
            self._scope = None
        if self._scope is None or self._scope != self._kept_scope:
            self._pages = {}
        self.reused = 0

    def page(
        self,
        path: str,
        view: Any,
        shared: Mapping[str, Any],
        recorder: Recorder,
        render: Callable[[], Any],
    ) -> Any:
        """The page at ``path``: as kept when nothing it read changed, else ``render()``."""
        view_print = self._print(view)
        row = self._pages.get(path)
        owner = os.getpid() == self._owner
        if row is not None and row.view == view_print:
            page = self._kept_page(path) if self._unchanged(row.reads, shared) else None
            if page is not None:
                if owner:
                    self.adopt(path, None)
                else:
                    self.sent[path] = None  # taken as kept: the build keeps its row
                return page
        page, reads = recorder.recording(render)
        if view_print is not None and self._scope is not None:
            made = self._made_row(view_print, reads, page)
            if made is not None and owner:
                self.adopt(path, made)
            elif made is not None:
                self.sent[path] = made  # a second process: sent with the page
        return page

    def finish(self) -> None:
        """Nothing to do: `save` keeps the pages this build asked for."""

    def _print(self, value: Any) -> bytes | None:
        try:
            return self._prints.of(value)
        except (NoFingerprint, RecursionError):
            return None

    def _unchanged(self, numbers: bytes, shared: Mapping[str, Any]) -> bool:
        same = self._same
        for number in array(_ID, numbers):
            outcome = same.get(number)
            if outcome is None:
                outcome = same[number] = self._read_same(number, shared)
            if not outcome:
                return False
        return True

    def _read_same(self, number: int, shared: Mapping[str, Any]) -> bool:
        read = self._reads.get(number)
        if read is None:
            return False
        name, op, key, kept = read
        try:
            now = value_now(shared, name, op, key)
        except (KeyError, AttributeError, TypeError):
            return False
        return self._value_print(name, op, key, now) == kept

    def _value_print(self, name: str, op: str, key: Any, value: Any) -> bytes | None:
        if value is MISSING:
            return _MISSING_PRINT
        # Pages read the same value again and again: a whole list is noted as a new copy
        # each time, equal to the one before (compared item by item, identity first).
        known = self._printed.get((name, op, key))
        if known is not None and (known[0] is value or known[0] == value):
            return known[1]
        made = self._print(value)
        if made is not None:
            self._printed[(name, op, key)] = (value, made)
        return made

    def _made_row(self, view: bytes, reads: list[Any], page: Any) -> Made | None:
        """What keeps a page just rendered; None when it cannot be kept."""
        encoded = _encode(page)
        if encoded is None:
            return None
        printed = []
        for name, op, key, value in reads:
            if not isinstance(key, (str, int, float, bool, type(None))):
                return None
            value_print = self._value_print(name, op, key, value)
            if value_print is None:
                return None
            printed.append((name, op, json.dumps(key), value_print))
        return Made(view, printed, *encoded)

    def adopt(self, path: str, made: Made | None) -> None:
        """Keep the page at ``path`` as ``made`` gives it, here or in a second process;
        None: as the build before kept it."""
        if made is None:
            self._taken.add(path)
            self.reused += 1
            return
        numbers = array(_ID)
        for name, op, text, value_print in made.reads:
            number = self._numbers.get((name, op, text, value_print))
            if number is None:
                number = self._numbers[(name, op, text, value_print)] = self._next
                self._next += 1
                self._reads[number] = (name, op, json.loads(text), value_print)
                self._new_reads.append((number, name, op, text, value_print))
            self._same[number] = True  # read in this build, from what it shares
            numbers.append(number)
        self._made[path] = (_Row(made.view, numbers.tobytes()), made.body, made.meta)

    def _connection(self) -> sqlite3.Connection:
        pid = os.getpid()
        if pid == self._owner:
            return self._db
        if self._reader is None or self._reader[0] != pid:
            if self._path.is_symlink():
                raise sqlite3.OperationalError("renders.sqlite became a link")
            uri = f"{self._path.resolve().as_uri()}?mode=ro"
            self._reader = (pid, sqlite3.connect(uri, uri=True))
        return self._reader[1]

    def _kept_page(self, path: str) -> Any:
        try:
            found = (
                self._connection()
                .execute("SELECT body, meta FROM pages WHERE path = ?", (path,))
                .fetchone()
            )
            return None if found is None else _decode(*found)
        except (sqlite3.Error, zlib.error, ValueError, TypeError, KeyError):
            return None  # damaged: rendered again

    def save(self) -> None:
        """Keep the pages of this build, and only those; then close. A build that failed
        closes without saving, leaving the pages of the build before."""
        if os.getpid() != self._owner:
            return
        db = self._db
        try:
            with db:
                if self._scope != self._kept_scope:
                    db.execute("DELETE FROM pages")
                    db.execute("DELETE FROM reads")
                    db.execute("INSERT OR REPLACE INTO scope VALUES (0, ?)", (self._scope,))
                    self._new_reads = [(n, *self._read_row(n)) for n in self._referenced()]
                db.execute("CREATE TEMP TABLE taken (path TEXT PRIMARY KEY)")
                db.executemany("INSERT INTO taken VALUES (?)", ((p,) for p in self._taken))
                db.execute("DELETE FROM pages WHERE path NOT IN (SELECT path FROM taken)")
                db.executemany(
                    "INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?)",
                    (
                        (path, row.view, row.reads, body, meta)
                        for path, (row, body, meta) in self._made.items()
                    ),
                )
                db.executemany(
                    "INSERT OR REPLACE INTO reads VALUES (?, ?, ?, ?, ?)", self._new_reads
                )
                used = self._referenced()
                db.execute("CREATE TEMP TABLE used (id INTEGER PRIMARY KEY)")
                db.executemany("INSERT INTO used VALUES (?)", ((n,) for n in used))
                db.execute("DELETE FROM reads WHERE id NOT IN (SELECT id FROM used)")
        except sqlite3.Error:
            pass  # a full disk, say: the next build renders what was not kept, never wrong
        finally:
            self.close()

    def _read_row(self, number: int) -> tuple[str, str, str, bytes]:
        name, op, key, printed = self._reads[number]
        return name, op, json.dumps(key), printed

    def _referenced(self) -> set[int]:
        rows = [self._pages[p] for p in self._taken] + [row for row, _, _ in self._made.values()]
        used: set[int] = set()
        for row in rows:
            used.update(array(_ID, row.reads))
        return used

    def close(self) -> None:
        if os.getpid() == self._owner:
            self._db.close()


def _encode(page: Any) -> tuple[bytes, str] | None:
    """A page as `page` gives it (a rendered page's body, headings, title, links and search
    entries; the text of an entry of the exports; or a claim's rows of the data package), as
    its packed text and the rest as JSON."""
    if isinstance(page, str):
        return pack(page), "null"
    if isinstance(page, tuple) and page and all(isinstance(p, str) for p in page):
        # A claim's rows of the data package's tables; as JSON escaped to ASCII, which
        # gives back any text, a lone surrogate included.
        return pack(json.dumps(list(page))), '"rows"'
    if isinstance(page, tuple) and len(page) == 5 and isinstance(page[0], str):
        body, headings, title, links, search = page
        meta = {
            "h": [[h.level, h.id, h.name] for h in headings],
            "t": title,
            "l": list(links),
            "s": None if search is None else [[e.anchor, e.title, e.text] for e in search],
        }
        packed = pack(body)
        meta["z"] = _digest(packed)
        return packed, json.dumps(meta, ensure_ascii=False)
    return None


def _digest(packed: bytes) -> str:
    return hashlib.blake2b(packed, digest_size=16).hexdigest()


def _decode(body: bytes, meta: str) -> Any:
    rest = json.loads(meta)  # `_encode` packed the text as `rendered.pack` does
    if rest is None:
        return unpack(body)  # an entry of the exports, joined with the others
    if rest == "rows":
        rows = json.loads(unpack(body))
        if not isinstance(rows, list) or not all(isinstance(r, str) for r in rows):
            raise ValueError("a claim's rows are not the ones kept")
        return tuple(rows)
    if not isinstance(rest, dict) or rest.get("z") != _digest(body):
        raise ValueError("a page's text is not the one kept")
    # Handed to MkDocs packed (`rendered.PackedHtml`), so checked here by its digest, which
    # catches a damaged file for a tenth of the cost of unpacking it.
    text = PackedHtml(body)
    headings = tuple(Heading(int(level), str(i), str(name)) for level, i, name in rest["h"])
    found = rest["s"]
    search = None if found is None else tuple(SearchEntry(*entry) for entry in found)
    return text, headings, str(rest["t"]), tuple(str(link) for link in rest["l"]), search
