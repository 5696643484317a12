"""Where each value of a record sits in its file: positions for findings to point at."""

from __future__ import annotations

from collections.abc import Mapping
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
        # Pickled as rows of plain values (the cache of parsed records): through the
        # dataclass state protocol, making the forty-odd Pos of a record again cost most of
        # what parsing the file costs.
        return (positions_from_rows, (self.file, _rows(self.values), _rows(self.keys)))


Row = tuple[Path_, str, int, int]


def _rows(table: Mapping[Path_, Pos]) -> list[Row]:
    return [(path, pos.file, pos.line, pos.column) for path, pos in table.items()]


def positions_from_rows(file: str, values: list[Row], keys: list[Row]) -> Positions:
    """The `Positions` that `Positions.__reduce__` gave as rows."""
    return Positions(
        file,
        {path: Pos(f, line, column) for path, f, line, column in values},
        {path: Pos(f, line, column) for path, f, line, column in keys},
    )
