"""The records of the knowledge base: the one source of truth for fields, types and enums."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal

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


# The status grades the standing of the account (who said it, on what record), not whether
# what was said is true: `confirmed` means "said on the record", not "true". How likely the
# information is to be true is the claim's credibility (credibility.py), a separate grade.
STATUS_DOCS: dict[str, str] = {
    "confirmed": "The account stands on the record: a party with first-hand knowledge said it "
    "in words we hold, or two independent accounts carry it. It grades the account, not the "
    "truth of what was said.",
    "reported": "Carried by media on anonymous or second-hand attribution; not confirmed on "
    "the record.",
    "disputed": "Contradicted on the record by another party.",
    "denied": "Denied on the record by the party it concerns.",
    "unverified": "Not public and cannot be checked.",
}

STATUS_SCALE_NOTE = (
    "The status grades the standing of the account: who said it and on what record. It does "
    "not say whether what was said is true; that is the claim's credibility grade."
)


class ClaimKind(StrEnum):
    EVENT = "event"
    POSITION = "position"


CLAIM_KIND_DOCS: dict[str, str] = {
    "event": "Something that happened or was said on the claim's date.",
    "position": "A standing position held as of the claim's date, not an event of that day.",
}


class Kind(StrEnum):
    OUTLET = "outlet"
    PERSON = "person"
    ANONYMOUS = "anonymous"
    DOCUMENT = "document"
    ORGANIZATION = "organization"
    COLLECTIVE = "collective"


KIND_DOCS: dict[str, str] = {
    "outlet": "A news organisation that carries reports.",
    "person": "A named person speaking on the record.",
    "anonymous": "Unnamed officials or sources, as cited by an outlet.",
    "document": "A published text, such as a joint statement.",
    "organization": "A government, institution or other body speaking as such.",
    "collective": 'An unnamed group of outlets ("Western media") that names no outlet; it '
    "never counts as one of two independent accounts.",
}

# Kinds whose word is "on the record": the speaker or text can be named and held to it. An
# attribution to one of them is an on-record confirmation only with the speaker's own words
# (a quote) or a text we hold (provenance.on_record).
ON_RECORD_KINDS = frozenset({Kind.PERSON, Kind.DOCUMENT})
# Kinds that name nobody who can be held to their word.
UNNAMED_KINDS = frozenset({Kind.ANONYMOUS, Kind.COLLECTIVE})


class PublicationKind(StrEnum):
    ARTICLE = "article"
    TRANSCRIPT = "transcript"
    STATEMENT = "statement"
    BROADCAST = "broadcast"


PUBLICATION_KIND_DOCS: dict[str, str] = {
    "article": "A news article or report.",
    "transcript": "A transcript of what was said (a press conference, an interview).",
    "statement": "The text of a statement as its authors issued it.",
    "broadcast": "A radio or television broadcast, or a recording of one.",
}

# Publications that are the speaker's own text: held in an archive, they are the speaker's
# words even where no quote is copied out.
OWN_TEXT_KINDS = frozenset({PublicationKind.TRANSCRIPT, PublicationKind.STATEMENT})


class Qualifier(StrEnum):
    EXACT = "exact"
    ABOUT = "about"
    UP_TO = "up_to"
    AT_LEAST = "at_least"


QUALIFIER_DOCS: dict[str, str] = {
    "exact": "The number as stated.",
    "about": 'An approximate number ("about", "some", "roughly").',
    "up_to": 'A ceiling ("up to", "as many as").',
    "at_least": 'A floor ("at least", "more than").',
}

# The words a page puts before a qualified number.
QUALIFIER_WORDS: dict[str, str] = {
    "exact": "",
    "about": "about",
    "up_to": "up to",
    "at_least": "at least",
}


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

# The Admiralty (NATO) information-credibility scale, computed per claim in credibility.py.
CREDIBILITY_DOCS: dict[int, str] = {
    1: "Confirmed by other sources: confirmed by other independent sources.",
    2: "Probably true: not confirmed independently; a named party said it on the record.",
    3: "Possibly true: not confirmed; carried by one account from a source that can be judged.",
    4: "Doubtful: not confirmed; carried by one account from a source of doubtful reliability.",
    5: "Improbable: contradicted on the record, or denied, and not independently confirmed.",
    6: "Cannot be judged: no basis exists for evaluating the information.",
}

CREDIBILITY_WORDS: dict[int, str] = {
    1: "confirmed by other sources",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "cannot be judged",
}

RELIABILITY_WORDS: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
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
    ref: RefKind | None = None
    item: FieldSpec | None = None
    record: type | None = None
    min_items: int = 0
    example: Any = None
    # A list that also takes a single value, read as a list of one (`via: afp`).
    single: bool = False
    maximum: int | None = None
    default: Any = None
    # Optional to the loader, so the record still loads and every other check runs, but
    # required by a rule with its own code and explanation; the JSON Schema requires it.
    expected: bool = False


RefKind = Literal["source", "claim", "publication", "speaker"]


def spec(
    kind: FieldKind,
    doc: str,
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    ref: RefKind | None = None,
    item: FieldSpec | None = None,
    record: type | None = None,
    min_items: int = 0,
    example: Any = None,
    single: bool = False,
    maximum: int | None = None,
    default: Any = None,
    expected: bool = False,
) -> Any:
    """A dataclass field that carries its :class:`FieldSpec` in its metadata."""
    fs = FieldSpec(
        kind,
        doc,
        required,
        choices,
        ref,
        item,
        record,
        min_items,
        example,
        single,
        maximum,
        default,
        expected,
    )
    meta = {"spec": fs}
    if required:
        return field(metadata=meta)
    # Keyword-only, so an optional key can sit beside the keys it belongs with (a claim's
    # rationale after its status) although required keys follow it.
    if kind == "list":
        return field(default=(), metadata=meta, kw_only=True)
    return field(default=default, metadata=meta, kw_only=True)


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
class Exemption:
    rule: str = spec("line", "The code of the finding accepted on this record.", required=True)
    reason: str = spec("text", "Why the finding is accepted: shown on the page.", required=True)


# ---------------------------------------------------------------- records


# The keys every record file shares, written once. They stay fields of each record class,
# not of a base dataclass: a base's fields would come first, and the order of the fields is
# the order of the keys in the JSON Schema and in the skeleton of `berlintalks new`.
def _exceptions() -> Any:
    return spec(
        "list",
        "Findings of the checker accepted on this record, each with a reason.",
        item=item_of("object", record=Exemption),
    )


def _path() -> Any:
    return field(default="", metadata={"internal": True})


def _positions() -> Any:
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
    exceptions: tuple[Exemption, ...] = _exceptions()
    path: str = _path()
    positions: Positions | None = _positions()


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
    exceptions: tuple[Exemption, ...] = _exceptions()
    path: str = _path()
    positions: Positions | None = _positions()


@dataclass(frozen=True, slots=True)
class Publication(RecordFile):
    """What the desk actually read: an article, a transcript, a statement's text, a broadcast."""

    id: str = spec("slug", "The publication's id: the file's name without .yaml.", required=True)
    title: str = spec(
        "line", "A descriptive title, in our words when it has none of its own.", required=True
    )
    kind: str = spec(
        "enum",
        "What kind of publication it is.",
        required=True,
        choices=tuple(PublicationKind),
        example="article",
    )
    outlet: str | None = spec(
        "ref",
        "The outlet that published it: the id of a source (kind outlet). Omit when unknown.",
        ref="source",
    )
    url: str | None = spec("url", "Where it was published (http or https), when known.")
    published: date | None = spec("date", "When it was published (YYYY-MM-DD), when known.")
    language: str = spec(
        "line",
        "The language of the text we read, as a BCP 47 tag (en, ru, de, pt-BR).",
        required=True,
        example="en",
    )
    translated_from: str | None = spec(
        "line",
        "When the text we read is a translation: the original's language (BCP 47 tag).",
        example="ru",
    )
    archive: str | None = spec(
        "path",
        "Path, relative to the root, of a plain-text snapshot of the publication, against which "
        "its quotes are checked.",
    )
    note: str | None = spec("text", "What the desk knows about it; shown on its page.")
    exceptions: tuple[Exemption, ...] = _exceptions()
    path: str = _path()
    positions: Positions | None = _positions()


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
    publications: Mapping[str, Publication] = field(default_factory=dict)
    broken_publications: frozenset[str] = frozenset()

    def claim_exists(self, cid: str) -> bool:
        return cid in self.claims or cid in self.broken_claims

    def source_exists(self, sid: str) -> bool:
        return sid in self.sources or sid in self.broken_sources

    def publication_exists(self, pid: str) -> bool:
        return pid in self.publications or pid in self.broken_publications

    def speaker_exists(self, sid: str) -> bool:
        """Whether ``sid`` can be an attribution's ``source``: a source or a publication."""
        return self.source_exists(sid) or self.publication_exists(sid)
