"""The records of the knowledge base: the one source of truth for fields, types and enums."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, Literal

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
# Figures are amounts people read, and a count is a number of parts: far inside these bounds,
# which keep every value printable and every sum exact enough, in the checks, the pages and
# the exports alike.
FIGURE_MAX = 10**15  # written "±10^15" in the field docs and messages
COUNT_MAX = 10_000

FieldKind = Literal[
    "line",
    "text",
    "slug",
    "date",
    "count",
    "number",
    "url",
    "enum",
    "ref",
    "path",
    "list",
    "object",
]


class Status(StrEnum):
    CONFIRMED = "confirmed"
    REPORTED = "reported"
    DISPUTED = "disputed"
    DENIED = "denied"
    UNVERIFIED = "unverified"


STATUS_DOCS: dict[str, str] = {
    "confirmed": "On the record by a party with first-hand knowledge, or carried by two "
    "independent sources.",
    "reported": "Carried by media on anonymous or second-hand attribution; not confirmed on "
    "the record.",
    "disputed": "Contradicted on the record by another party.",
    "denied": "Denied on the record by the party it concerns.",
    "unverified": "Not public and cannot be checked.",
}


class Kind(StrEnum):
    OUTLET = "outlet"
    PERSON = "person"
    ANONYMOUS = "anonymous"
    DOCUMENT = "document"
    ORGANIZATION = "organization"


KIND_DOCS: dict[str, str] = {
    "outlet": "A news organisation that carries reports.",
    "person": "A named person speaking on the record.",
    "anonymous": "Unnamed officials or sources, as cited by an outlet.",
    "document": "A published text, such as a joint statement.",
    "organization": "A government, institution or other body speaking as such.",
}

# Kinds whose word is "on the record": the speaker or text can be named and held to it.
ON_RECORD_KINDS = frozenset({Kind.PERSON, Kind.DOCUMENT})


class Reliability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


# The Admiralty (NATO) source-reliability scale.
RELIABILITY_DOCS: dict[str, str] = {
    "A": "Completely reliable: no doubt of authenticity, trustworthiness or competency; a "
    "history of complete reliability.",
    "B": "Usually reliable: minor doubt; a history of valid information most of the time.",
    "C": "Fairly reliable: doubt; has provided valid information in the past.",
    "D": "Not usually reliable: significant doubt; has provided valid information in the past.",
    "E": "Unreliable: lacking authenticity, trustworthiness and competency; a history of "
    "invalid information.",
    "F": "Cannot be judged: no basis exists for evaluating reliability.",
}


class RelationType(StrEnum):
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    QUALIFIES = "qualifies"
    PART_OF = "part_of"
    SUPERSEDES = "supersedes"


RELATION_DOCS: dict[str, str] = {
    "supports": "This claim corroborates the other.",
    "contradicts": "The two accounts cannot both be true; read both ways.",
    "qualifies": "This claim narrows, conditions or adds context to the other.",
    "part_of": "This claim is one part of the other (e.g. one of six commitments).",
    "supersedes": "This claim is a newer account that replaces the other; the older one is "
    "shown as outdated, not deleted.",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one YAML key is read, validated, documented and exported as JSON Schema."""

    kind: FieldKind
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: Literal["source", "claim"] | None = None
    item: FieldSpec | None = None
    record: type | None = None
    min_items: int = 0
    example: Any = None


def spec(
    kind: FieldKind,
    doc: str,
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    ref: Literal["source", "claim"] | None = None,
    item: FieldSpec | None = None,
    record: type | None = None,
    min_items: int = 0,
    example: Any = None,
) -> Any:
    """A dataclass field that carries its :class:`FieldSpec` in its metadata."""
    meta = {"spec": FieldSpec(kind, doc, required, choices, ref, item, record, min_items, example)}
    if required:
        return field(metadata=meta)
    if kind == "list":
        return field(default=(), metadata=meta)
    return field(default=None, metadata=meta)


def item_of(kind: FieldKind, doc: str = "", **kw: Any) -> FieldSpec:
    return FieldSpec(kind, doc, required=True, **kw)


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


# ---------------------------------------------------------------- claim parts


@dataclass(frozen=True, slots=True)
class Attribution:
    source: str = spec(
        "ref", "Who said it: the id of a source.", required=True, ref="source", example="afp"
    )
    via: str | None = spec(
        "ref", "The outlet that carried it, when not the source itself.", ref="source"
    )
    quote: str | None = spec("text", "The words as published, copied character for character.")
    date: date | None = spec("date", "When it was said or published (YYYY-MM-DD).")
    url: str | None = spec(
        "url", "Where it was published (http or https, no user info, one script per host part)."
    )


@dataclass(frozen=True, slots=True)
class Relation:
    type: str = spec(
        "enum",
        "How this claim relates to the other.",
        required=True,
        choices=tuple(RelationType),
    )
    claim: str = spec("ref", "The id of the other claim.", required=True, ref="claim")
    note: str | None = spec("text", "Why the two are related, in a sentence.")


@dataclass(frozen=True, slots=True)
class Figure:
    label: str = spec("line", "What is counted, e.g. 'agreed share'.", required=True)
    unit: str = spec("line", "The unit: percent, personnel, …", required=True)
    value: float | None = spec(
        "number",
        "A single value (give either value or values); a finite number within ±10^15.",
    )
    values: tuple[float, ...] = spec(
        "list",
        "Several values, e.g. the shares of a split (give either value or values); each a "
        "finite number within ±10^15.",
        item=item_of("number"),
    )


@dataclass(frozen=True, slots=True)
class Exemption:
    rule: str = spec("line", "The code of the finding accepted on this record.", required=True)
    reason: str = spec("text", "Why the finding is accepted: shown on the page.", required=True)


# ---------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Claim:
    id: str = spec("slug", "The claim's id: the file's name without .yaml.", required=True)
    title: str = spec("line", "A headline, in our own words.", required=True)
    statement: str = spec("text", "What was reported, in our own words.", required=True)
    status: str = spec(
        "enum", "The editorial verdict.", required=True, choices=tuple(Status), example="reported"
    )
    date: date = spec("date", "The date of the event or statement (YYYY-MM-DD).", required=True)
    topics: tuple[str, ...] = spec(
        "list",
        "Topic slugs, e.g. territory, security-guarantees.",
        required=True,
        item=item_of("slug"),
        min_items=1,
    )
    attributions: tuple[Attribution, ...] = spec(
        "list",
        "Who reported it, through which outlet, in which words.",
        required=True,
        item=item_of("object", record=Attribution),
        min_items=1,
    )
    relations: tuple[Relation, ...] = spec(
        "list", "Links to other claims.", item=item_of("object", record=Relation)
    )
    count: int | None = spec(
        "count", f"On a claim with parts: how many part_of claims it has (1 to {COUNT_MAX:,})."
    )
    figures: tuple[Figure, ...] = spec(
        "list", "Numbers the claim states.", item=item_of("object", record=Figure)
    )
    exceptions: tuple[Exemption, ...] = spec(
        "list",
        "Findings of the checker accepted on this record, each with a reason.",
        item=item_of("object", record=Exemption),
    )
    path: str = field(default="", metadata={"internal": True})
    positions: Positions | None = field(
        default=None, compare=False, repr=False, metadata={"internal": True}
    )

    def pos(self, *path: str | int) -> Pos:
        assert self.positions is not None
        return self.positions.at(*path)


@dataclass(frozen=True, slots=True)
class Source:
    id: str = spec("slug", "The source's id: the file's name without .yaml.", required=True)
    name: str = spec("line", "Who or what it is, as readers know it.", required=True)
    kind: str = spec("enum", "What kind of source it is.", required=True, choices=tuple(Kind))
    reliability: str = spec(
        "enum",
        "Reliability on the Admiralty scale, A (completely reliable) to F (cannot be judged).",
        required=True,
        choices=tuple(Reliability),
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
    exceptions: tuple[Exemption, ...] = spec(
        "list",
        "Findings of the checker accepted on this record, each with a reason.",
        item=item_of("object", record=Exemption),
    )
    path: str = field(default="", metadata={"internal": True})
    positions: Positions | None = field(
        default=None, compare=False, repr=False, metadata={"internal": True}
    )

    def pos(self, *path: str | int) -> Pos:
        assert self.positions is not None
        return self.positions.at(*path)


def field_specs(record: type) -> dict[str, FieldSpec]:
    """The YAML keys of a record type, in file order, with their specs."""
    return {f.name: f.metadata["spec"] for f in fields(record) if "spec" in f.metadata}


def has_default(record: type, name: str) -> bool:
    f = next(f for f in fields(record) if f.name == name)
    return f.default is not MISSING or f.default_factory is not MISSING


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Every valid record, by id, and the ids of files that exist but failed validation."""

    root: str
    claims: Mapping[str, Claim]
    sources: Mapping[str, Source]
    broken_claims: frozenset[str] = frozenset()
    broken_sources: frozenset[str] = frozenset()

    def claim_exists(self, cid: str) -> bool:
        return cid in self.claims or cid in self.broken_claims

    def source_exists(self, sid: str) -> bool:
        return sid in self.sources or sid in self.broken_sources
