"""A source: who or what speaks or carries reports, and how reliable it is."""

from __future__ import annotations

from dataclasses import dataclass

from .enums import Kind, Reliability
from .fields import spec
from .positions import Positions
from .record_file import Exemption, RecordFile, exceptions_field, path_field, positions_field


@dataclass(frozen=True, slots=True)
class Source(RecordFile):
    id: str = spec("slug", "The source's id: the file's name without .yaml.", required=True)
    name: str = spec("line", "Who or what it is, as readers know it.", required=True)
    kind: str = spec("enum", "What kind of source it is.", required=True, choices=tuple(Kind))
    reliability: str = spec(
        "enum",
        "Reliability on the Admiralty scale, A (completely reliable) to F (cannot be judged).",
        required=True,
        choices=tuple(Reliability),
    )
    reliability_reason: str | None = spec(
        "line",
        "The basis of the reliability grade, in one line; shown on the source page. Required.",
        expected=True,
    )
    role: str | None = spec("line", "Their role or position, in a few words.")
    description: str | None = spec("text", "A sentence or two on who or what this is.")
    affiliation: str | None = spec(
        "ref", "The source (organisation, government) this one belongs to.", ref="source"
    )
    url: str | None = spec(
        "url", "A home page (http or https, no user info, one script per host part)."
    )
    archive: str | None = spec(
        "path", "Path, relative to the root, of a plain-text snapshot of what the source published."
    )
    exceptions: tuple[Exemption, ...] = exceptions_field()
    path: str = path_field()
    positions: Positions | None = positions_field()
