"""What a shared link to a claim page previews: Open Graph and Twitter card metadata."""

from __future__ import annotations

from collections.abc import Iterable

from ..export import STATUS_WORDS
from ..records import STATUS_DOCS, Claim
from .addresses import doc_path

# Preview cards show two or three lines; a description much longer is cut by the reader's
# app wherever it likes, often mid-word.
DESCRIPTION_MAX = 200


def shorten(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """``text`` on one line, cut at the last word boundary before ``limit`` with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.–—-") + "…"


def description(claim: Claim) -> str:
    """The verdict in words, then why: what a reader should see before opening the page."""
    verdict = STATUS_WORDS.get(claim.status, str(claim.status))
    why = claim.rationale or STATUS_DOCS.get(claim.status, "")
    return shorten(f"{verdict}. {why}")


def social_meta(claim: Claim) -> dict[str, str]:
    """``{property or name: content}`` for the claim page's head, in the order to write them.

    Plain strings, not markup: the theme escapes each one. Keys starting ``og:`` are Open
    Graph properties, the rest ``<meta name>``. The card is ``summary``, which needs no
    image: a preview shows nothing fetched from anywhere but the page itself.
    """
    title = " ".join(claim.title.split())
    text = description(claim)
    return {
        "og:type": "article",
        "og:title": title,
        "og:description": text,
        "twitter:card": "summary",
        "twitter:title": title,
        "twitter:description": text,
    }


class SocialMeta:
    """`social_meta` of each claim page, by docs path, made when a page asks for it: a
    rebuild of `serve` writes a handful of the pages."""

    __slots__ = ("_claims", "_made")

    def __init__(self, claims: Iterable[Claim] = ()) -> None:
        self._claims = {doc_path("claims", c.id): c for c in claims}
        self._made: dict[str, dict[str, str]] = {}

    def get(self, path: str) -> dict[str, str] | None:
        made = self._made.get(path)
        if made is None:
            claim = self._claims.get(path)
            if claim is None:
                return None
            made = self._made[path] = social_meta(claim)
        return made
