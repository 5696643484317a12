"""Unknown references (BT201, BT202, BT206, BT207): every id a record names must name a record."""

from __future__ import annotations

from collections.abc import Iterator

from ...finding import Severity
from ..context import CheckContext
from ..rule import Problem, Rule
from ..suggest import did_you_mean


def unknown_source(ctx: CheckContext) -> Iterator[Problem]:
    """
    Every `source` of an attribution must be the id of a file in sources/ (or in
    publications/, when the publication makes the point in its own voice); every entry of
    `via`, every `affiliation` of a source and every `outlet` of a publication must be the id
    of a file in sources/. Add the source (`berlintalks new source ID`) or fix the id.
    """
    kb = ctx.kb
    done = ctx.suggestions
    speakers = {**kb.sources, **kb.publications}
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if not kb.speaker_exists(att.source):
                yield Problem(
                    claim.pos("attributions", i, "source"),
                    f"unknown source '{att.source}'{did_you_mean(done, att.source, speakers)}",
                )
            for j, sid in enumerate(att.via):
                if not kb.source_exists(sid):
                    yield Problem(
                        claim.pos("attributions", i, "via", j),
                        f"unknown source '{sid}' in via{did_you_mean(done, sid, kb.sources)}",
                    )
    for pub in kb.publications.values():
        if pub.outlet is not None and not kb.source_exists(pub.outlet):
            yield Problem(
                pub.pos("outlet"),
                f"unknown source '{pub.outlet}' as outlet"
                f"{did_you_mean(done, pub.outlet, kb.sources)}",
            )
    for source in kb.sources.values():
        sid = source.affiliation
        if sid is not None and not kb.source_exists(sid):
            yield Problem(
                source.pos("affiliation"),
                f"unknown source '{sid}' in affiliation{did_you_mean(done, sid, kb.sources)}",
            )


def unknown_claim(ctx: CheckContext) -> Iterator[Problem]:
    """
    The `claim` of every relation must be the id of a file in claims/. Fix the id or add the
    claim.
    """
    kb = ctx.kb
    done = ctx.suggestions
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            if not kb.claim_exists(rel.claim):
                yield Problem(
                    claim.pos("relations", i, "claim"),
                    f"unknown claim '{rel.claim}'{did_you_mean(done, rel.claim, kb.claims)}",
                )


def unknown_publication(ctx: CheckContext) -> Iterator[Problem]:
    """
    The `publication` of every attribution must be the id of a file in publications/: the
    publication the desk read it in. Add the publication (`berlintalks new publication ID`)
    or fix the id.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            pid = att.publication
            if pid is not None and not kb.publication_exists(pid):
                yield Problem(
                    claim.pos("attributions", i, "publication"),
                    f"unknown publication '{pid}'"
                    f"{did_you_mean(ctx.suggestions, pid, kb.publications)}",
                )


def attribution_needs_publication(ctx: CheckContext) -> Iterator[Problem]:
    """
    The first question about every claim is "how do we know this?". Every attribution ends
    at the publication the desk read it in (an article, a transcript, a statement's text, a
    broadcast): `publication: ID`, a file in publications/. A point the publication makes in
    its own voice has the publication as its `source` as well. Add the key.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if att.publication is None:
                yield Problem(
                    claim.pos("attributions", i),
                    "this attribution does not say where we read it; add 'publication:' with "
                    "the id of a file in publications/",
                )


RULES = (
    Rule.of(
        "BT201",
        Severity.ERROR,
        "Unknown source",
        group="references",
        exemptable=False,
        check=unknown_source,
    ),
    Rule.of(
        "BT202",
        Severity.ERROR,
        "Unknown claim",
        group="references",
        exemptable=False,
        check=unknown_claim,
    ),
    Rule.of(
        "BT206",
        Severity.ERROR,
        "Unknown publication",
        group="references",
        exemptable=False,
        check=unknown_publication,
    ),
    Rule.of(
        "BT207",
        Severity.ERROR,
        "An attribution without a publication",
        group="references",
        exemptable=False,
        check=attribution_needs_publication,
    ),
)
