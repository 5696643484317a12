"""Where each value of a record sits in its file: positions for findings to point at."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a value starts in its file (1-based line and column)."""

    file: str
    line: int
    column: int


Path_ = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Positions:
    """Side table of where each value (and each mapping key) of a record sits in its file."""

    file: str
    values: Mapping[Path_, Pos]
    keys: Mapping[Path_, Pos]

    def at(self, *path: str | int) -> Pos:
        """The position of the value at ``path``, or of its nearest present ancestor."""
        p: Path_ = tuple(path)
        while p:
            if p in self.values:
                return self.values[p]
            p = p[:-1]
        return self.values.get((), Pos(self.file, 1, 1))

    def key(self, *path: str | int) -> Pos:
        """The position of the key naming ``path`` (falls back to its value)."""
        return self.keys.get(tuple(path)) or self.at(*path)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the JSON text of its rows (the cache of parsed records), read only when
        # a finding asks where a value is: through the dataclass state protocol, making the
        # forty-odd Pos of a record again cost most of what parsing the file costs, and two
        # thirds of reading a record back even as rows.
        return (positions_from_rows, (self.file, _rows(self.values), _rows(self.keys)))


def _rows(table: Mapping[Path_, Pos]) -> str:
    if isinstance(table, _Table) and table.text is not None:
        return table.text
    rows = [(path, pos.file, pos.line, pos.column) for path, pos in table.items()]
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


class _Table(Mapping[Path_, Pos]):
    """A table of positions held as the JSON text of its rows until it is first read."""

    __slots__ = ("_table", "text")

    def __init__(self, text: str) -> None:
        self.text: str | None = text
        self._table: dict[Path_, Pos] | None = None

    def _made(self) -> dict[Path_, Pos]:
        if self._table is None:
            try:
                rows = json.loads(self.text or "[]")
                self._table = {tuple(path): Pos(f, line, col) for path, f, line, col in rows}
            except (ValueError, TypeError, RecursionError):
                # A damaged cache row: findings point at the file's first line, never fail.
                self._table = {}
            self.text = None
        return self._table

    def __getitem__(self, path: Path_) -> Pos:
        return self._made()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._made()

    def __iter__(self) -> Iterator[Path_]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def positions_from_rows(file: str, values: str, keys: str) -> Positions:
    """The `Positions` that `Positions.__reduce__` gave as the JSON text of its rows."""
    if not isinstance(file, str) or not isinstance(values, str) or not isinstance(keys, str):
        raise TypeError("positions are kept as texts")
    return Positions(file, _Table(values), _Table(keys))
