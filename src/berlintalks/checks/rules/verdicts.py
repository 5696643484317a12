"""Verdicts and their support (BT301, BT302, BT401-BT403).

Confirmed, disputed and anonymous claims, contradictions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    UNNAMED_KINDS,
    Claim,
    Kind,
    KnowledgeBase,
    RelationType,
    Status,
)
from ..context import CheckContext
from ..provenance import (
    Provenance,
    on_record_kind,
)
from ..rule import Problem, Rule


def confirmed_contradiction(ctx: CheckContext) -> Iterator[Problem]:
    """
    `contradicts` says the two accounts cannot both be true, so they cannot both be
    `confirmed`. The finding is reported on both records: on the relation in the claim that
    declares it and on the `status` of the other. Lower the weaker claim's status (usually to
    `disputed`), or, if they do not really conflict, change the relation to `qualifies`.
    """
    kb = ctx.kb
    confirmed = Status.CONFIRMED.value
    for claim in kb.claims.values():
        if claim.status != confirmed:
            continue
        told: set[str] = set()  # the other's status is reported once, however often it is named
        for i, rel in enumerate(claim.relations):
            other = kb.claims.get(rel.claim)
            if rel.type != RelationType.CONTRADICTS or other is None or other.id == claim.id:
                continue
            if other.status != confirmed:
                continue
            yield Problem(
                claim.pos("relations", i, "type"),
                f"this confirmed claim contradicts '{other.id}', which is also confirmed; at "
                "most one of them can be confirmed: lower the weaker one's status",
            )
            if other.id in told:
                continue
            told.add(other.id)
            yield Problem(
                other.pos("status"),
                f"this claim is confirmed but contradicted by confirmed claim '{claim.id}' "
                f"({claim.path}); at most one of them can be confirmed: lower the weaker "
                "one's status",
            )


def supports_and_contradicts(ctx: CheckContext) -> Iterator[Problem]:
    """
    A claim cannot corroborate another and also be irreconcilable with it. Because
    `contradicts` reads both ways, the conflict exists whether the contradiction is declared
    on this claim or on the other; the finding is reported at both declarations, in whichever
    files they are. Keep the relation that is true: often `qualifies` is what was meant.
    """
    kb = ctx.kb
    g = ctx.graph
    for claim in kb.claims.values():
        contradicting: dict[str, list[tuple[bool, int]]] = defaultdict(list)
        for link in g.of(claim.id):
            if link.type is RelationType.CONTRADICTS and link.other != claim.id:
                contradicting[link.other].append((link.outgoing, link.index))
        if not contradicting:
            continue
        told: set[str] = set()
        for i, rel in enumerate(claim.relations):
            if rel.type != RelationType.SUPPORTS or rel.claim not in contradicting:
                continue
            yield Problem(
                claim.pos("relations", i, "type"),
                f"this claim supports '{rel.claim}' but also contradicts it; keep one relation",
            )
            # Each contradiction once, not once per repeated supports relation: 1,000 of
            # each would otherwise make a million findings.
            if rel.claim in told:
                continue
            told.add(rel.claim)
            for outgoing, j in contradicting[rel.claim]:
                if outgoing:
                    yield Problem(
                        claim.pos("relations", j, "type"),
                        f"this claim contradicts '{rel.claim}' but also supports it; keep one "
                        "relation",
                    )
                else:
                    other = kb.claims[rel.claim]
                    yield Problem(
                        other.pos("relations", j, "type"),
                        f"this claim contradicts '{claim.id}', which declares that it supports "
                        f"this one ({claim.path}); keep one relation",
                    )


def _independent_pair(kb: KnowledgeBase, claim: Claim) -> bool:
    """Whether two of the claim's attributions are independent accounts (provenance.py)."""
    return Provenance(kb).independent_pair(claim.attributions)


def _kinds(kb: KnowledgeBase, claim: Claim) -> list[Kind | None] | None:
    """The kind of every attributed source (None for a publication speaking in its own
    voice), or None when one is unknown (already an error)."""
    kinds: list[Kind | None] = []
    for att in claim.attributions:
        source = kb.sources.get(att.source)
        if source is None:
            if att.source in kb.publications:
                kinds.append(None)
                continue
            return None
        kinds.append(Kind(source.kind))
    return kinds


def confirmed_needs_support(ctx: CheckContext) -> Iterator[Problem]:
    """
    `confirmed` means a party with first-hand knowledge said it on the record, or two
    independent accounts carry it. On the record is an attribution to a `person` or a
    `document` in words we hold (BT405 covers one without them). Two attributions are
    independent only when their chains share nothing: no speaker (`source`) and no
    intermediary (`via`) in common, none affiliated with one of the other's (following
    `affiliation` as far as it goes), and not the same outlet publishing what we read. Two
    outlets repeating the same unnamed officials are one account, not two, and a `collective`
    source ("Western media") never counts as one of two. Add the on-record or independent
    attribution, or lower the status to `reported`.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        kinds = _kinds(kb, claim)
        if kinds is None or all(k in UNNAMED_KINDS for k in kinds):
            continue  # unknown sources are BT201; unnamed-only is BT402
        if any(on_record_kind(kb, a) for a in claim.attributions):
            continue  # on the record, with or without words: BT405 judges the words
        if _independent_pair(kb, claim):
            continue
        yield Problem(
            claim.pos("status"),
            "a confirmed claim needs an on-record attribution (a person or document source, in "
            "words we hold) or two independent ones (chains that share no source, outlet or "
            "affiliation); add one or set the status to 'reported'",
        )


def anonymous_never_confirmed(ctx: CheckContext) -> Iterator[Problem]:
    """
    Unnamed officials cannot be held to their word, however many outlets quote them, and a
    `collective` source ("Western media") names nobody at all, so a claim whose every
    attribution is to an `anonymous` or `collective` source is at most `reported`. Set the
    status to `reported`, or add an attribution to a named source.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        kinds = _kinds(kb, claim)
        if kinds and all(k in UNNAMED_KINDS for k in kinds):
            what = "an anonymous" if all(k is Kind.ANONYMOUS for k in kinds) else "an unnamed"
            yield Problem(
                claim.pos("status"),
                f"every attribution of this claim is to {what} source, so it cannot be "
                "confirmed; set the status to 'reported' or add a named source",
            )


def disputed_needs_contradiction(ctx: CheckContext) -> Iterator[Problem]:
    """
    `disputed` means another party contradicted the claim on the record; the reader must be
    able to follow the link to that account. Add a `contradicts` relation to the claim that
    disputes it (declared on either claim, since `contradicts` reads both ways), or choose
    another status.
    """
    kb = ctx.kb
    g = ctx.graph
    for claim in kb.claims.values():
        if claim.status == Status.DISPUTED and not g.related(claim.id, RelationType.CONTRADICTS):
            yield Problem(
                claim.pos("status"),
                "a disputed claim needs a 'contradicts' relation to the account that disputes "
                "it; add one (on either claim) or change the status",
            )


RULES = (
    Rule.of(
        "BT301",
        Severity.ERROR,
        "Two confirmed claims contradict each other",
        group="relations",
        check=confirmed_contradiction,
    ),
    Rule.of(
        "BT302",
        Severity.ERROR,
        "A claim both supports and contradicts another",
        group="relations",
        check=supports_and_contradicts,
    ),
    Rule.of(
        "BT401",
        Severity.ERROR,
        "A confirmed claim without an on-record or two independent attributions",
        group="attribution",
        check=confirmed_needs_support,
    ),
    Rule.of(
        "BT402",
        Severity.ERROR,
        "A claim resting only on anonymous sources is confirmed",
        group="attribution",
        check=anonymous_never_confirmed,
    ),
    Rule.of(
        "BT403",
        Severity.ERROR,
        "A disputed claim without a contradiction",
        group="attribution",
        check=disputed_needs_contradiction,
    ),
)
