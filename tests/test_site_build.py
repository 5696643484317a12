"""The real site, built once from the bundled records: a page per record, ClaimReview, search."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from berlintalks.load import load
from conftest import REPO

KB, _ = load(REPO)


class Page(HTMLParser):
    """The parts of a built page the tests read: JSON-LD scripts, links, title, visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.jsonld: list[str] = []
        self.hrefs: list[str] = []
        self.title = ""
        self.text: list[str] = []
        self._in: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        a = dict(attrs)
        if tag == "script":
            self._script_type = a.get("type")
            self.jsonld.append("") if self._script_type == "application/ld+json" else None
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()
        if tag == "script":
            self._script_type = None

    def handle_data(self, data: str) -> None:
        if self._script_type == "application/ld+json":
            self.jsonld[-1] += data
        elif "title" in self._in:
            self.title += data
        elif "script" not in self._in and "style" not in self._in:
            self.text.append(data)


def read(site: Path, url: str) -> Page:
    p = Page()
    p.feed((site / url / "index.html").read_text(encoding="utf-8"))
    return p


def test_every_claim_and_source_has_a_page(built_site: Path) -> None:
    assert len(KB.claims) >= 30
    for cid, claim in KB.claims.items():
        page = read(built_site, f"claims/{cid}")
        assert page.title.startswith(claim.title), cid
    for sid, source in KB.sources.items():
        page = read(built_site, f"sources/{sid}")
        assert page.title.startswith(source.name), sid


@pytest.mark.parametrize("cid", sorted(KB.claims))
def test_claim_review_json_ld(built_site: Path, cid: str) -> None:
    claim = KB.claims[cid]
    page = read(built_site, f"claims/{cid}")
    assert len(page.jsonld) == 1
    review = json.loads(page.jsonld[0])
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == claim.statement
    assert review["url"].endswith(f"/claims/{cid}/")
    rating = review["reviewRating"]
    assert rating["alternateName"] == claim.status
    assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
    assert 1 <= rating["ratingValue"] <= 5
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    first = KB.sources[claim.attributions[0].source]
    assert item["author"]["name"] == first.name
    assert item["datePublished"] == (claim.attributions[0].date or claim.date).isoformat()
    assert len(item["appearance"]) == len(claim.attributions)
    assert review["author"]["name"] == "berlintalks"
    assert len(review["datePublished"]) == 10
