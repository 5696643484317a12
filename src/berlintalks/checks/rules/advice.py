"""Records nothing rests on (BT901, BT906).

Sources nobody cites, publications no attribution names.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...finding import Severity
from ..context import CheckContext
from ..rule import Problem, Rule
from ..suggest import close_id


def uncited_source(ctx: CheckContext) -> Iterator[Problem]:
    """
    A source that no claim names as `source` or `via`, no source names as its
    `affiliation` and no publication as its `outlet`, is a page without purpose, often left
    behind when a claim was changed. Cite it or delete the file. Not reported while a claim
    file cannot be read (its citations are unknown) or for a source an unknown reference
    probably meant (BT201 points there already).
    """
    kb = ctx.kb
    if kb.broken_claims:
        return
    g = ctx.graph
    done = ctx.suggestions
    cited = set(g.citations)
    cited.update(s.affiliation for s in kb.sources.values() if s.affiliation)
    cited.update(p.outlet for p in kb.publications.values() if p.outlet)
    meant = set()
    for claim in kb.claims.values():
        for att in claim.attributions:
            for sid in (att.source, *att.via):
                if sid and not kb.speaker_exists(sid):
                    close = close_id(done, sid, kb.sources)
                    if close is not None:
                        meant.add(close)
    for source in kb.sources.values():
        if source.id not in cited and source.id not in meant:
            yield Problem(
                source.pos("id"),
                f"no claim cites '{source.id}' (as source or via) and no source or publication "
                "names it (as affiliation or outlet); cite it or delete the file",
            )


def unused_publication(ctx: CheckContext) -> Iterator[Problem]:
    """
    A publication that no attribution names (as `publication`, or as `source` when it
    speaks in its own voice) supports nothing on the site, often left behind when a claim
    was changed. Cite it or delete the file. Not reported while a claim file cannot be read
    (its citations are unknown).
    """
    kb = ctx.kb
    if kb.broken_claims:
        return
    used: set[str] = set()
    for claim in kb.claims.values():
        for att in claim.attributions:
            used.add(att.source)
            if att.publication:
                used.add(att.publication)
    for pub in kb.publications.values():
        if pub.id not in used:
            yield Problem(
                pub.pos("id"),
                f"no attribution names '{pub.id}' (as publication or source); cite it or "
                "delete the file",
            )


RULES = (
    Rule.of(
        "BT901", Severity.WARNING, "A source nobody cites", group="advice", check=uncited_source
    ),
    Rule.of(
        "BT906",
        Severity.WARNING,
        "A publication nothing rests on",
        group="advice",
        check=unused_publication,
    ),
)
