"""Search entries of the generated pages, made from their records, not by parsing the pages."""

from __future__ import annotations

import html
import re

from ..export import STATUS_WORDS
from ..records import PUBLICATION_KIND_DOCS, KnowledgeBase
from .rendered import Heading, SearchEntry
from .views import (
    ClaimPage,
    GraphPage,
    ListPage,
    PageView,
    PublicationPage,
    SourcePage,
    TopicPage,
    chain_words,
)


def _words(*parts: object) -> str:
    """Text for the search index: escaped as Material's search plugin escapes page text."""
    return html.escape(" ".join(" ".join(str(p).split()) for p in parts if p), quote=False)


def _anchor(headings: tuple[Heading, ...], name: str) -> str | None:
    return next((h.id for h in headings if h.name == name), None)


# Pages that list every claim (or every source, topic, pair): indexed for search by their
# title and opening paragraph only. Their lists repeat the titles each record's own page is
# found by, and parsing them took 0.8 s of a 1,000-claim build.
_LISTINGS = frozenset(
    {
        "claims.html.j2",
        "sources.html.j2",
        "publications.html.j2",
        "topics.html.j2",
        "commitments.html.j2",
        "disputed.html.j2",
        "timeline.html.j2",
    }
)
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_TAG = re.compile(r"<[^>]*>")


def search_of(
    kb: KnowledgeBase, view: PageView, title: str, headings: tuple[Heading, ...], body: str
) -> tuple[SearchEntry, ...] | None:
    """The search entries of a page, made from its records rather than by parsing the page
    again; None for the pages of fixed prose (home, methodology, data), which the search
    plugin reads as it reads every other page."""
    title = _words(html.unescape(title))
    if isinstance(view, GraphPage) or (isinstance(view, ListPage) and view.template in _LISTINGS):
        first = _FIRST_PARAGRAPH.search(body)
        intro = html.unescape(_TAG.sub("", first[1])) if first else ""
        return (SearchEntry(None, title, _words(intro)),)
    if isinstance(view, ClaimPage):
        c = view.claim
        entries = [
            SearchEntry(
                None,
                title,
                _words(STATUS_WORDS[c.status] + ".", c.rationale, c.statement),
            )
        ]
        known = _anchor(headings, "How we know")
        if known is not None:
            chains = [
                " ".join(p for p in (chain_words(kb, a), a.quote) if p) for a in c.attributions
            ]
            entries.append(SearchEntry(known, "How we know", _words(*chains)))
        return tuple(entries)
    if isinstance(view, SourcePage):
        s = view.source
        return (SearchEntry(None, title, _words(s.role, s.description, s.reliability_reason)),)
    if isinstance(view, PublicationPage):
        p = view.publication
        return (SearchEntry(None, title, _words(PUBLICATION_KIND_DOCS[p.kind], p.note)),)
    if isinstance(view, TopicPage):
        n = len(view.topic_claims)
        return (SearchEntry(None, title, _words(f"{n} claims on this topic.")),)
    return None
