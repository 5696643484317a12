"""The closed vocabularies of the records: each enum with what its values mean, in words."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum


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


_CHOICE_DOCS: tuple[Mapping[str, str], ...] = (
    STATUS_DOCS,
    KIND_DOCS,
    RELIABILITY_DOCS,
    RELATION_DOCS,
    CLAIM_KIND_DOCS,
    PUBLICATION_KIND_DOCS,
    QUALIFIER_DOCS,
)


def choice_docs(choices: Sequence[str]) -> list[str] | None:
    """What each choice means, when the model documents that set of choices."""
    for docs in _CHOICE_DOCS:
        if set(docs) == set(choices):
            return [docs[c] for c in choices]
    return None
