"""What every record file shares: its path, the positions of its values, its accepted findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import item_of, spec
from .positions import Pos, Positions


@dataclass(frozen=True, slots=True)
class Exemption:
    rule: str = spec("line", "The code of the finding accepted on this record.", required=True)
    reason: str = spec("text", "Why the finding is accepted: shown on the page.", required=True)


# The keys every record file shares, written once. They stay fields of each record class,
# not of a base dataclass: a base's fields would come first, and the order of the fields is
# the order of the keys in the JSON Schema and in the skeleton of `berlintalks new`.
def exceptions_field() -> Any:
    return spec(
        "list",
        "Findings of the checker accepted on this record, each with a reason.",
        item=item_of("object", record=Exemption),
    )


def path_field() -> Any:
    return field(default="", metadata={"internal": True})


def positions_field() -> Any:
    return field(default=None, compare=False, repr=False, metadata={"internal": True})


class RecordFile:
    """What claims, sources and publications share as records read from a file."""

    # Empty, so the slotted record dataclasses get no instance dict through this base.
    __slots__ = ()
    positions: Positions | None

    def pos(self, *path: str | int) -> Pos:
        """Where the value at ``path`` sits in the record's file."""
        assert self.positions is not None
        return self.positions.at(*path)
