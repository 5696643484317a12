"""Where each value of a record sits in its file: positions for findings to point at."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


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
