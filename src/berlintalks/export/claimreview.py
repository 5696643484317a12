"""The ClaimReview export: schema.org's fact-check markup, one review per claim."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..checks import publication_of, speaker_publication
from ..records import (
    Attribution,
    Claim,
    FileHistory,
    Kind,
    KnowledgeBase,
    Publication,
    PublicationKind,
    link_target,
)
from .publisher import Publisher
from .records_json import dump_json
from .words import STATUS_WORDS

# Google shows claimReviewed on one line on a phone and asks for fewer than 75 characters.
CLAIM_REVIEWED_MAX = 74


def short_claim(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def _work(kb: KnowledgeBase, pub: Publication) -> dict[str, Any]:
    """A publication as schema.org sees it: a NewsArticle, or a CreativeWork of another kind."""
    kind = "NewsArticle" if pub.kind == PublicationKind.ARTICLE else "CreativeWork"
    out: dict[str, Any] = {"@type": kind, "name": pub.title, "inLanguage": pub.language}
    if link_target(pub.url):
        out["url"] = pub.url
    if pub.published:
        out["datePublished"] = pub.published.isoformat()
    outlet = kb.sources.get(pub.outlet) if pub.outlet else None
    if outlet is not None:
        out["publisher"] = {"@type": "Organization", "name": outlet.name}
    if pub.translated_from:
        # schema.org's translationOfWork wants the original work, which we do not hold; its
        # language is what we know.
        out["translationOfWork"] = {"@type": "CreativeWork", "inLanguage": pub.translated_from}
    return out


def claim_author(kb: KnowledgeBase, att: Attribution) -> dict[str, Any] | None:
    """The original speaker as ClaimReview's ``itemReviewed.author``, or None.

    A person is a ``Person``; an outlet or organisation an ``Organization``; a publication
    speaking in its own voice, or a document, is itself the author (a ``NewsArticle`` or
    ``CreativeWork``). Unnamed sources and collectives have no author: typing "unnamed
    officials" as an organisation or a person would name someone nobody named, and Google
    lists the author as recommended, not required.
    """
    own = speaker_publication(kb, att)
    if own is not None:
        return _work(kb, own)
    src = kb.sources.get(att.source)
    if src is None or src.kind in (Kind.ANONYMOUS, Kind.COLLECTIVE):
        return None
    if src.kind == Kind.PERSON:
        out: dict[str, Any] = {"@type": "Person", "name": src.name}
    elif src.kind == Kind.DOCUMENT:
        out = {"@type": "CreativeWork", "name": src.name}
    else:
        out = {"@type": "Organization", "name": src.name}
    if link_target(src.url):
        out["url"] = src.url
    return out


def claim_review(
    kb: KnowledgeBase,
    claim: Claim,
    publisher: Publisher,
    history: Mapping[str, FileHistory] | None,
) -> dict[str, Any]:
    """The schema.org ClaimReview of one claim, as fact-check aggregators read it.

    The rating is textual only (``alternateName`` and ``name``, the status in words, with the
    rationale as ``ratingExplanation``): the status grades the standing of the account, not
    its truth, so it has no place on a numeric truth scale.
    """
    first = claim.attributions[0]
    said = first.date or claim.date
    appearance: list[dict[str, Any]] = []
    seen: set[str] = set()
    for att in claim.attributions:
        pub = publication_of(kb, att) or speaker_publication(kb, att)
        if pub is not None:
            if pub.id not in seen:
                seen.add(pub.id)
                appearance.append(_work(kb, pub))
        elif link_target(att.url) and att.url not in seen:
            seen.add(att.url or "")
            appearance.append({"@type": "CreativeWork", "url": att.url})
    fh = history.get(claim.path) if history else None
    # The review is published when the record first entered the repository; without git the
    # date of the claim itself is the best stable stand-in.
    published = fh.added.date if fh else claim.date.isoformat()
    author: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    words = STATUS_WORDS[claim.status]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": words, "name": words}
    if claim.rationale:
        rating["ratingExplanation"] = " ".join(claim.rationale.split())
    item: dict[str, Any] = {"@type": "Claim", "datePublished": said.isoformat()}
    speaker = claim_author(kb, first)
    if speaker is not None:
        item["author"] = speaker
    if appearance:
        item["firstAppearance"] = appearance[0]
        item["appearance"] = appearance
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.page_url(f"claims/{claim.id}/"),
        "claimReviewed": short_claim(claim.title),
        "headline": claim.title,
        "description": " ".join(claim.statement.split()),
        "datePublished": published,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if fh:
        review["dateModified"] = fh.last_changed.date
    return review


def claimreview_files(
    kb: KnowledgeBase, publisher: Publisher, history: Mapping[str, FileHistory] | None
) -> dict[str, str]:
    """``claimreview.json``: the reviews of every claim, sorted by id."""
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    return {
        "claimreview.json": dump_json([claim_review(kb, c, publisher, history) for c in claims])
    }
