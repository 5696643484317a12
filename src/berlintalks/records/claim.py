"""A claim: what was reported, its verdict, and the chains of attribution that carry it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from .enums import ClaimKind, Qualifier, RelationType, Status
from .fields import COUNT_MAX, item_of, spec
from .positions import Positions
from .record_file import Exemption, RecordFile, exceptions_field, path_field, positions_field


@dataclass(frozen=True, slots=True)
class Attribution:
    source: str = spec(
        "ref",
        "Who actually said it: the id of a source, or of a publication when the publication "
        "makes the point in its own voice.",
        required=True,
        ref="speaker",
        example="afp-sources",
    )
    via: tuple[str, ...] = spec(
        "list",
        "The intermediaries that passed it on (outlets, briefers, a person relaying), from the "
        "speaker outwards: source ids. A single id is read as a list of one.",
        item=item_of("ref", ref="source"),
        single=True,
        example=["afp"],
    )
    publication: str | None = spec(
        "ref",
        "The publication we read it in: the id of a file in publications/. Required.",
        ref="publication",
        expected=True,
        example="berlin-talks-article",
    )
    setting: str | None = spec(
        "line",
        "Where or when it was said, in a few words, e.g. 'at a joint press conference with "
        "Friedrich Merz'.",
    )
    quote: str | None = spec(
        "text",
        "The words as the publication prints them, copied character for character (in a "
        "translation, the translation's words). [Square brackets] mark insertions by the "
        "publication or by us; they are shown as insertions and left out of the quote check.",
    )
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
    qualifier: str = spec(
        "enum",
        "How the number is meant: exact (the default), about, up_to or at_least.",
        choices=tuple(Qualifier),
        default=Qualifier.EXACT.value,
        example="up_to",
    )

    # Exactly one of a single value or a non-empty list of values: checked once the keys
    # are valid (BT110), and written into the JSON Schema as a oneOf.
    ONE_OF: ClassVar[tuple[str, str]] = ("value", "values")
    ONE_OF_PROBLEM: ClassVar[str] = (
        "a figure needs exactly one of 'value' (a number) or 'values' (a list of numbers)"
    )


@dataclass(frozen=True, slots=True)
class Credibility:
    grade: int = spec(
        "count",
        "The information's credibility on the Admiralty scale, 1 (confirmed by other sources) "
        "to 6 (cannot be judged).",
        required=True,
        maximum=6,
        example=3,
    )
    reason: str = spec(
        "text", "Why the editor sets the grade rather than the computed one.", required=True
    )


@dataclass(frozen=True, slots=True)
class Claim(RecordFile):
    id: str = spec("slug", "The claim's id: the file's name without .yaml.", required=True)
    title: str = spec("line", "A headline, in our own words.", required=True)
    statement: str = spec("text", "What was reported, in our own words.", required=True)
    status: str = spec(
        "enum",
        "The editorial verdict: it grades the standing of the account, not its truth.",
        required=True,
        choices=tuple(Status),
        example="reported",
    )
    rationale: str | None = spec(
        "text",
        "Why this status, in the desk's words, citing the evidence. Required.",
        expected=True,
    )
    kind: str = spec(
        "enum",
        "event (the default): something that happened on the date; position: a standing "
        "position as of the date.",
        choices=tuple(ClaimKind),
        default=ClaimKind.EVENT.value,
        example="event",
    )
    date: date = spec(
        "date",
        "The date of the event or statement (YYYY-MM-DD); for a position, the date it is "
        "recorded as of.",
        required=True,
    )
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
    credibility: Credibility | None = spec(
        "object",
        "An editor's grade of the information's credibility (1-6) with its reason; it replaces "
        "the computed grade.",
        record=Credibility,
    )
    exceptions: tuple[Exemption, ...] = exceptions_field()
    path: str = path_field()
    positions: Positions | None = positions_field()
