"""The real site, built once from the bundled records: a page per record, ClaimReview, search."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from berlintalks.records.load import load
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
    from berlintalks.export import STATUS_WORDS
    from berlintalks.export.claimreview import claim_author, short_claim

    claim = KB.claims[cid]
    page = read(built_site, f"claims/{cid}")
    assert len(page.jsonld) == 1
    review = json.loads(page.jsonld[0])
    assert review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == short_claim(claim.title)
    assert len(review["claimReviewed"]) < 75
    assert review["headline"] == claim.title
    assert review["url"].endswith(f"/claims/{cid}/")
    # A textual rating only: the status grades the account's standing, not its truth.
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": STATUS_WORDS[claim.status],
        "name": STATUS_WORDS[claim.status],
        "ratingExplanation": " ".join((claim.rationale or "").split()),
    }
    item = review["itemReviewed"]
    assert item["@type"] == "Claim"
    assert item.get("author") == claim_author(KB, claim.attributions[0])
    assert item["datePublished"] == (claim.attributions[0].date or claim.date).isoformat()
    pubs = {a.publication for a in claim.attributions}
    assert [w["name"] for w in item["appearance"]] == [KB.publications[p].title for p in pubs]
    assert item["firstAppearance"] == item["appearance"][0]
    assert review["author"]["name"] == "berlintalks"
    assert len(review["datePublished"]) == 10


def test_claim_review_authors_of_the_bundled_records(built_site: Path) -> None:
    def author(cid: str) -> dict[str, Any] | None:
        review = json.loads(read(built_site, f"claims/{cid}").jsonld[0])
        return review["itemReviewed"].get("author")

    person = author("zelensky-no-us-demands")
    assert person is not None and (person["@type"], person["name"]) == (
        "Person",
        "Volodymyr Zelensky",
    )
    own = author("berlin-talks-held")
    assert own is not None and own["@type"] == "NewsArticle"
    assert own["name"] == KB.publications["berlin-talks-article"].title
    assert author("us-pressed-donetsk-withdrawal") is None  # unnamed sources cited by AFP


def test_search_index_has_an_entry_for_every_claim(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    titles = {d["location"]: d["title"] for d in index["docs"]}
    for cid, claim in KB.claims.items():
        assert titles[f"claims/{cid}/"] == claim.title.replace("&", "&amp;")


def test_topic_pages_and_sidebar(built_site: Path) -> None:
    topics = sorted({t for c in KB.claims.values() for t in c.topics})
    assert topics and "european-commitments" in topics
    for slug in topics:
        page = read(built_site, f"topics/{slug}")
        expected = {f"../../claims/{c.id}/" for c in KB.claims.values() if slug in c.topics}
        assert {h for h in page.hrefs if h.startswith("../../claims/") and h.count("/") == 4} == (
            expected
        )
    # The sidebar holds the section pages, never one link per claim or source.
    home = (built_site / "index.html").read_text()
    nav = home[home.index("md-sidebar--primary") : home.index("md-sidebar--secondary")]
    assert "claims/" in nav
    for cid in KB.claims:
        assert f"claims/{cid}/" not in nav


def test_claim_page_shows_history_status_and_relations(built_site: Path) -> None:
    page = read(built_site, "claims/us-pressed-donetsk-withdrawal")
    text = " ".join("".join(page.text).split())
    assert "Disputed on the record. Contradicted on the record by another party." in text
    assert "Why: The account comes from sources AFP did not name" in text
    assert "this claim contradicts Zelensky said he does not believe" in text
    assert "this claim is qualified by The article says Moscow has made the same" in text
    assert "First added on" in text
    assert "Add the bundled knowledge base" in text
    assert "claims/us-pressed-donetsk-withdrawal.yaml" in text
    assert "../../sources/afp/" in page.hrefs


def test_commitments_page_lists_the_six_parts(built_site: Path) -> None:
    page = read(built_site, "commitments")
    text = " ".join("".join(page.text).split())
    assert "6 of the 6 parts the statement lists are recorded" in text
    for n in range(1, 7):
        assert f"Commitment {n}, as the article paraphrases it:" in text
    parts = [h for h in page.hrefs if h.startswith("../claims/european-statement-")]
    assert len(set(parts)) == 6


def test_disputed_page_puts_contradicting_accounts_side_by_side(built_site: Path) -> None:
    html = (built_site / "disputed" / "index.html").read_text()
    pair = html.index('<p><strong><a href="../claims/us-pressed-donetsk-withdrawal/">')
    grid = html[html.rindex('<div class="grid">', 0, pair) :]
    left = grid.index("../claims/us-pressed-donetsk-withdrawal/")
    right = grid.index("../claims/zelensky-no-us-demands/")
    assert left < right < grid.index("</div>\n</div>")


def test_timeline_and_graph(built_site: Path) -> None:
    timeline = read(built_site, "timeline")
    text = " ".join("".join(timeline.text).split())
    assert text.index("14 December 2025") < text.index("15 December 2025")
    # Standing positions come after the events, under the date they are recorded as of.
    positions = text.index("Positions as of 15 December 2025")
    assert text.index("The article says Moscow has made the same") > positions
    graph = (built_site / "graph" / "index.html").read_text()
    svg = graph[
        graph.index('<svg class="bt-graph"') : graph.index("</svg>", graph.index("bt-graph"))
    ]
    for cid in KB.claims:
        assert f'href="../claims/{cid}/"' in svg
    for sid in KB.sources:
        assert f'href="../sources/{sid}/"' in svg
    for pid in KB.publications:
        assert f'href="../publications/{pid}/"' in svg
    # Relations read as English on the arcs too.
    import html

    arc = "european-statement-eu-accession is part of european-leaders-joint-statement"
    assert arc in html.unescape(svg)


def test_no_page_loads_anything_from_another_host(built_site: Path) -> None:
    found: list[str] = []

    class Loads(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            for key in ("src", "href") if tag in ("script", "link", "img", "iframe") else ():
                value = a.get(key) or ""
                if value.startswith(("http:", "https:", "//")) and a.get("rel") != "canonical":
                    found.append(f"{tag} {value}")

    pages = sorted(built_site.rglob("*.html"))
    topics = {t for c in KB.claims.values() for t in c.topics}
    written = list((REPO / "docs").rglob("*.md"))
    # Eleven generated section pages (the publications index among them), the hand-written
    # pages, the 404 page, and one page per claim, source, publication and topic.
    expected = (
        11
        + len(written)
        + 1
        + len(KB.claims)
        + len(KB.sources)
        + len(KB.publications)
        + len(topics)
    )
    assert len(pages) == expected
    for path in pages:
        Loads().feed(path.read_text())
    assert found == []
    assert "fonts.googleapis" not in (built_site / "index.html").read_text()


def test_methodology_documents_every_rule(built_site: Path) -> None:
    from berlintalks.checks.registry import RULES

    page = read(built_site, "methodology")
    text = " ".join("".join(page.text).split())
    assert len(RULES) >= 20
    for code, r in RULES.items():
        assert f"{code}: {' '.join(r.title.split())}" in text
    assert "Cannot be judged: no basis exists for evaluating reliability." in text


def test_plain_mkdocs_build_strict_uses_the_plugin(tmp_path: Path) -> None:
    import subprocess
    import sys

    site = tmp_path / "site"
    config = str(REPO / "mkdocs.yml")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config, "-d", str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # Material's end-of-life notice is printed, not logged, so strict mode does not count it.
    assert [ln for ln in done.stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))] == []
    for cid in KB.claims:
        assert (site / "claims" / cid / "index.html").is_file()


def test_a_build_reads_each_record_once_and_renders_each_page_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted on the real functions, through a real build of the bundled records.
    load_module = importlib.import_module("berlintalks.records.load")
    import berlintalks.site.render as render_module
    from berlintalks.site.build import build

    parsed: Counter[str] = Counter()
    rendered: Counter[str] = Counter()
    real_parse, real_render = load_module.parse, render_module._render

    def counting_parse(text: str, file: str) -> Any:
        parsed[file] += 1
        return real_parse(text, file)

    def counting_render(env: Any, name: str, ctx: dict[str, Any]) -> str:
        rendered[ctx["page_path"]] += 1
        return real_render(env, name, ctx)

    monkeypatch.setattr(load_module, "parse", counting_parse)
    monkeypatch.setattr(render_module, "_render", counting_render)
    result = build(REPO, tmp_path / "site")
    assert result.site_dir is not None
    records = sorted(p.relative_to(REPO).as_posix() for p in REPO.glob("*/*.yaml"))
    records = [r for r in records if r.split("/")[0] in ("claims", "sources", "publications")]
    assert sorted(parsed) == records
    assert set(parsed.values()) == {1}
    pages = {
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html")
    }
    assert len(rendered) >= len(records) + 10
    assert set(rendered.values()) == {1}
    for page in rendered:  # every generated page reached the built site
        stem = page.removesuffix(".md")
        html = stem + ".html" if stem.rpartition("/")[2] == "index" else stem + "/index.html"
        assert html in pages, page
