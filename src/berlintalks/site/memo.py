"""Pages kept between the rebuilds of one `serve`, with what each one read.

A rebuild after one saved record would otherwise render every page again. While a page (a
claim, source, publication or topic, a part of a list; a claim's entry in the JSON exports)
is made, the values it reads from what every page shares (the knowledge base's records by
id, the relation graph, the grades, the findings, the histories, ...) are noted with the
value read: the lookups go through `Recorded` mappings and lists, which note each read.
The next rebuild makes the page again only when its view (the record and what is made for
it alone) differs, or one of those reads now gives a different value; otherwise it takes
the page as it was.

A read that is not a lookup by key, a membership test or a length (iterating over a
whole mapping or list) notes the whole of it, so the page is rendered again whenever any
of it changes: slower, never stale. Values are compared with ``==``: records are frozen
dataclasses, compared field by field. Everything else a template sees is the same in
every rebuild (the documentation tables, the filters) or is in `RenderMemo.scope`: the
templates' files and the site's configuration, a change to which drops every page kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..checks import KeptGrades

MISSING = object()  # what a lookup of a key that is not there noted
_WHOLE = "whole"
_ITEM = "item"
_HAS = "has"
_LEN = "len"  # how many: a count of the claims shown does not depend on which claims


@dataclass(slots=True)
class Recorder:
    """Where the reads of the page being rendered go; None between pages."""

    reads: list[tuple[str, str, Any, Any]] | None = None

    def note(self, name: str, op: str, key: Any, value: Any) -> None:
        if self.reads is not None:
            self.reads.append((name, op, key, value))

    def recording(self, render: Callable[[], Any]) -> tuple[Any, list[tuple[str, str, Any, Any]]]:
        """What ``render()`` makes, and the reads it noted."""
        self.reads = []
        try:
            return render(), self.reads
        finally:
            self.reads = None


class RecordedMapping(Mapping[Any, Any]):
    """A read-only view of ``data`` that notes every read in ``recorder``."""

    __slots__ = ("_data", "_name", "_rec")

    def __init__(self, name: str, data: Mapping[Any, Any], recorder: Recorder) -> None:
        self._name, self._data, self._rec = name, data, recorder

    def __getitem__(self, key: Any) -> Any:
        value = self._data[key]  # a defaultdict's default, as the template would get it
        self._rec.note(self._name, _ITEM, key, value)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        value = self._data.get(key, MISSING)
        self._rec.note(self._name, _ITEM, key, value)
        return default if value is MISSING else value

    def __contains__(self, key: object) -> bool:
        found = key in self._data
        self._rec.note(self._name, _HAS, key, found)
        return found

    def __iter__(self) -> Iterator[Any]:
        self._rec.note(self._name, _WHOLE, None, self._data)
        return iter(self._data)

    def __len__(self) -> int:
        n = len(self._data)
        self._rec.note(self._name, _LEN, None, n)
        return n


class RecordedList(Sequence[Any]):
    """A read-only view of the list ``data``: its length is noted as a length, every other
    read (iterating, an item, a membership test) as the whole list."""

    __slots__ = ("_data", "_name", "_rec")

    def __init__(self, name: str, data: list[Any], recorder: Recorder) -> None:
        self._name, self._data, self._rec = name, data, recorder

    def _whole(self) -> None:
        self._rec.note(self._name, _WHOLE, None, list(self._data))

    def __iter__(self) -> Iterator[Any]:
        self._whole()
        return iter(self._data)

    def __reversed__(self) -> Iterator[Any]:
        self._whole()
        return reversed(self._data)

    def __contains__(self, value: object) -> bool:
        self._whole()
        return value in self._data

    def __getitem__(self, index: Any) -> Any:
        self._whole()
        return self._data[index]

    def __len__(self) -> int:
        n = len(self._data)
        self._rec.note(self._name, _LEN, None, n)
        return n


class RecordedGraph:
    """The relation graph, noting each claim's links read through ``of``, and each key read
    of its mappings (the claims citing a source, each in `graph.citations`): the list of
    sources counts each one's citations, and a claim added would otherwise make every
    part of it again."""

    __slots__ = ("_graph", "_rec")

    def __init__(self, graph: Any, recorder: Recorder) -> None:
        self._graph, self._rec = graph, recorder

    def of(self, cid: str) -> Any:
        value = self._graph.of(cid)
        self._rec.note("graph.of", _ITEM, cid, value)
        return value

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._graph, name)
        if isinstance(value, Mapping):
            return RecordedMapping(f"graph.{name}", value, self._rec)
        self._rec.note(f"graph.{name}", _WHOLE, None, value)
        return value


def recorded(name: str, value: Any, recorder: Recorder) -> Any:
    """``value`` wrapped to note its reads, for the containers a page may read from."""
    if isinstance(value, Mapping):
        return RecordedMapping(name, value, recorder)
    if isinstance(value, list):
        return RecordedList(name, value, recorder)
    return value


def value_now(shared: Mapping[str, Any], name: str, op: str, key: Any) -> Any:
    """What the read ``(name, op, key)`` gives in this rebuild's shared values."""
    if name == "graph.of":
        return shared["graph"].of(key)
    head, _, attr = name.partition(".")
    data = shared[head]
    if attr:
        data = getattr(data, attr)
    if op == _WHOLE:
        return list(data) if isinstance(data, list) else data
    if op == _LEN:
        return len(data)
    if op == _HAS:
        return key in data
    if isinstance(data, defaultdict):
        # The default a template got, without adding the key as a lookup would.
        return data[key] if key in data else data.default_factory()  # type: ignore[misc]
    if isinstance(data, Counter):
        return data[key]
    return data.get(key, MISSING)


@dataclass(frozen=True, slots=True)
class Kept:
    """A page as rendered, with its view and what it read: the number of each read in
    `RenderMemo.reads`, and each read of a key that cannot be hashed (its name, kind and
    key) with the value it gave."""

    view: Any
    numbers: tuple[int, ...]
    unhashed: tuple[tuple[tuple[str, str, Any], Any], ...]
    page: Any  # what the renderer makes of it (its body, headings, links)


def _compared(
    shared: Mapping[str, Any], read: tuple[str, str, Any], value: Any
) -> tuple[Any, bool]:
    """What ``read`` gives in this rebuild, and whether that is ``value`` (or equal to it);
    `MISSING` and False when it cannot be read."""
    try:
        now = value_now(shared, *read)
        return now, now is value or bool(now == value)
    except (KeyError, AttributeError, TypeError):
        return MISSING, False


class PageMemo(Protocol):
    """What the renderer asks of kept pages: `RenderMemo`, or `memo_store.DiskRenderMemo`."""

    reused: int

    def start(self, scope: Any) -> None: ...

    def page(
        self,
        path: str,
        view: Any,
        shared: Mapping[str, Any],
        recorder: Recorder,
        render: Callable[[], Any],
    ) -> Any: ...

    def finish(self) -> None: ...


@dataclass(slots=True)
class RenderMemo:
    """The pages (and JSON entries) of the last rebuild, by key; state `serve`'s plugin keeps.

    Every read of a hashable key is numbered once, with the value it gave in the last
    rebuild and the pages that made it. A rebuild asks each read once what it gives now
    (some 70,000 reads at 10,000 claims), and only the pages of the reads that changed are
    made again: after the last rebuild every kept page's reads gave the values kept here,
    whether the page was made then or found unchanged.
    """

    scope: Any = None
    pages: dict[str, Kept] = field(default_factory=dict)
    reused: int = 0
    used: set[str] = field(default_factory=set)  # the keys asked for in this rebuild
    reads: list[tuple[str, str, Any]] = field(default_factory=list)  # (name, kind, key)
    numbers: dict[tuple[str, str, Any], int] = field(default_factory=dict)  # by read
    values: list[Any] = field(default_factory=list)  # what each read gave, by number
    readers: list[set[str]] = field(default_factory=list)  # the pages that made each read
    # The kept pages one of whose reads gave another value than they read, until they are
    # made again: kept across a rebuild that failed before it came to them.
    stale: set[str] = field(default_factory=set)
    compared: bool = False  # whether this rebuild has asked the reads (at its first page)
    grades: KeptGrades = field(default_factory=KeptGrades)  # every claim's, as last made

    def start(self, scope: Any) -> None:
        """Begin a rebuild; everything kept is dropped when ``scope`` differs from the last."""
        if scope != self.scope:
            self.pages, self.reads, self.numbers, self.values, self.readers = {}, [], {}, [], []
            self.stale = set()
            self.scope = scope
        self.reused = 0
        self.used = set()
        self.compared = False

    def _changed(self, shared: Mapping[str, Any]) -> set[str]:
        """The kept pages one of whose reads gives another value in ``shared`` than it gave
        in the last rebuild; each read takes the value it gives now."""
        changed: set[str] = set()
        values, readers = self.values, self.readers
        for number, read in enumerate(self.reads):
            if not readers[number]:
                continue
            now, same = _compared(shared, read, values[number])
            if not same:
                changed |= readers[number]
                values[number] = now
        return changed

    def page(
        self,
        path: str,
        view: Any,
        shared: Mapping[str, Any],
        recorder: Recorder,
        render: Callable[[], Any],
    ) -> Any:
        """The page at ``path``: as kept when nothing it read changed, else ``render()``,
        run with ``recorder`` noting what it reads."""
        if not self.compared:
            self.stale |= self._changed(shared)
            self.compared = True
        self.used.add(path)
        kept = self.pages.get(path)
        if (
            kept is not None
            and path not in self.stale
            and kept.view == view
            and all(_compared(shared, read, value)[1] for read, value in kept.unhashed)
        ):
            self.reused += 1
            return kept.page
        page, reads = recorder.recording(render)
        if kept is not None:
            self._forget(path, kept)
        self.pages[path] = self._kept(path, view, reads, page)
        self.stale.discard(path)
        return page

    def _kept(
        self, path: str, view: Any, reads: list[tuple[str, str, Any, Any]], page: Any
    ) -> Kept:
        """The page at ``path`` with its reads, each numbered once (a claim page looks up
        each source several times); its number's value is the one it gave."""
        numbers: dict[int, None] = {}
        unhashed: list[tuple[tuple[str, str, Any], Any]] = []
        for name, op, key, value in reads:
            read = (name, op, key)
            try:
                number = self.numbers.get(read)
            except TypeError:
                unhashed.append((read, value))
                continue
            if number is None:
                number = self.numbers[read] = len(self.reads)
                self.reads.append(read)
                self.values.append(value)
                self.readers.append(set())
            else:
                self.values[number] = value
            numbers[number] = None
            self.readers[number].add(path)
        return Kept(view, tuple(numbers), tuple(unhashed), page)

    def _forget(self, path: str, kept: Kept) -> None:
        for number in kept.numbers:
            self.readers[number].discard(path)
        self.stale.discard(path)

    def finish(self) -> None:
        """Forget what this rebuild did not ask for: the pages of records that are gone."""
        for path in [p for p in self.pages if p not in self.used]:
            self._forget(path, self.pages.pop(path))
