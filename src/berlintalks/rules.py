"""The consistency rules: one small function per rule, registered with its code and reason."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from .findings import Finding, Severity
from .model import KnowledgeBase
from .registry import rule


def _did_you_mean(word: str, known: object) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f" — did you mean '{close[0]}'?" if close else ""


@rule("BT201", Severity.ERROR, "Unknown source", group="references", exemptable=False)
def unknown_source(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    Every `source` and `via` of an attribution, and every `affiliation` of a source, must be
    the id of a file in sources/. Add the source (`berlintalks new source ID`) or fix the id.
    """
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            for key in ("source", "via"):
                sid = getattr(att, key)
                if sid is not None and not kb.source_exists(sid):
                    yield Finding.at(
                        claim.pos("attributions", i, key),
                        "BT201",
                        f"unknown source '{sid}'{_did_you_mean(sid, kb.sources)}",
                    )
    for source in kb.sources.values():
        sid = source.affiliation
        if sid is not None and not kb.source_exists(sid):
            yield Finding.at(
                source.pos("affiliation"),
                "BT201",
                f"unknown source '{sid}' in affiliation{_did_you_mean(sid, kb.sources)}",
            )


@rule("BT202", Severity.ERROR, "Unknown claim", group="references", exemptable=False)
def unknown_claim(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    The `claim` of every relation must be the id of a file in claims/. Fix the id or add the
    claim.
    """
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            if not kb.claim_exists(rel.claim):
                yield Finding.at(
                    claim.pos("relations", i, "claim"),
                    "BT202",
                    f"unknown claim '{rel.claim}'{_did_you_mean(rel.claim, kb.claims)}",
                )
