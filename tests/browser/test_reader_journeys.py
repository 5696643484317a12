"""What a reader does on the built site in headless Chromium: read, search, follow, switch."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from berlintalks.records import Claim, KnowledgeBase, Status
from berlintalks.records.load import load
from conftest import REPO

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The bundled records, read by the project's own loader: the expected values come from here."""
    base, _ = load(REPO)
    return base


def claim_path(cid: str) -> str:
    return f"/claims/{cid}/"


def source_path(sid: str) -> str:
    return f"/sources/{sid}/"


def squash(text: str) -> str:
    """Collapse runs of whitespace, so rendered text compares with record text."""
    return re.sub(r"\s+", " ", text).strip()


def contradicting_pairs(kb: KnowledgeBase) -> set[frozenset[str]]:
    return {
        frozenset((c.id, r.claim))
        for c in kb.claims.values()
        for r in c.relations
        if r.type == "contradicts" and r.claim in kb.claims
    }


def parts_of(kb: KnowledgeBase, parent: str) -> list[Claim]:
    return [
        c
        for c in kb.claims.values()
        if any(r.type == "part_of" and r.claim == parent for r in c.relations)
    ]


def linked_paths(scope: Any, selector: str) -> list[str]:
    """The site paths of the links matched by ``selector``, resolved the way the browser does."""
    hrefs = scope.locator(selector).evaluate_all("els => els.map(e => e.href)")
    return [urlsplit(h).path for h in hrefs]


def follow(page: Any, selector: str, path: str) -> None:
    """Click the first link under ``selector`` that leads to ``path`` and wait for the page."""
    paths = linked_paths(page, selector)
    assert path in paths, f"no link to {path} among {paths}"
    page.locator(selector).nth(paths.index(path)).click()
    page.wait_for_url(lambda url: urlsplit(url).path == path)
    page.wait_for_load_state("load")


def heading(page: Any) -> str:
    """The page's title as shown, without the permalink sign Material appends."""
    return squash(
        page.locator("article h1").first.evaluate(
            "h => [...h.childNodes]"
            ".filter(n => !(n.classList && n.classList.contains('headerlink')))"
            ".map(n => n.textContent).join('')"
        )
    )


def test_home_shows_the_key_numbers_of_the_bundled_records(reader: Any, kb: KnowledgeBase) -> None:
    page = reader.open("/")
    reader.screenshot("home")
    cards = page.locator(".md-content .grid.cards li")
    # Badges are set in capitals by CSS, and inner_text reports what is shown.
    claims_card = squash(cards.filter(has_text=re.compile(r"\d+ claims")).inner_text()).lower()
    sources_card = squash(cards.filter(has_text=re.compile(r"\d+ sources")).inner_text()).lower()

    assert claims_card.startswith(f"{len(kb.claims)} claims"), claims_card
    by_status = Counter(c.status for c in kb.claims.values())
    for status in Status:
        if by_status[status]:
            assert f"{status.value} {by_status[status]}" in claims_card, (status, claims_card)
    assert sum(by_status.values()) == len(kb.claims)

    assert sources_card.startswith(f"{len(kb.sources)} sources"), sources_card
    for kind, n in Counter(s.kind for s in kb.sources.values()).items():
        assert f"{kind}: {n}" in sources_card, (kind, sources_card)

    pairs = len(contradicting_pairs(kb))
    noun = "disputed point" if pairs == 1 else "disputed points"
    assert page.get_by_text(f"{pairs} {noun}", exact=True).is_visible()


def search(page: Any, query: str) -> list[tuple[str, str]]:
    """Type ``query`` into Material's search and return (path, title) of each page it lists."""
    field = page.locator("input.md-search__input")
    field.click()
    field.press_sequentially(query)
    meta = page.locator(".md-search-result__meta")
    # The index loads in a web worker; until it answers, the meta line says "Initializing".
    meta.filter(has_text=re.compile(r"matching document")).wait_for(state="visible")
    # Results are redrawn as each letter arrives; wait for those of the whole word, whose
    # links carry it as the highlight parameter, or for the word's own "No matching".
    page.wait_for_function(
        """q => {
            const first = document.querySelector('.md-search-result__item > a');
            const meta = document.querySelector('.md-search-result__meta').textContent;
            return first ? new URL(first.href).searchParams.get('h') === q : /^\\s*No/.test(meta);
        }""",
        arg=query.lower(),
    )
    results = page.locator(".md-search-result__item > a.md-search-result__link")
    out = []
    for i in range(results.count()):
        link = results.nth(i)
        href = link.evaluate("a => a.href")
        title = squash(link.locator("h1").first.inner_text()) if link.locator("h1").count() else ""
        out.append((urlsplit(href).path, title))
    return out


@pytest.mark.parametrize("word", ["Donetsk", "Zaporizhzhia"])
def test_search_finds_the_claims_named_in_their_titles_and_opens_them(
    reader: Any, kb: KnowledgeBase, word: str
) -> None:
    expected = sorted(c.id for c in kb.claims.values() if word.lower() in c.title.lower())
    assert expected, f"no bundled claim has {word!r} in its title"
    page = reader.open("/")
    results = search(page, word)
    reader.screenshot(f"search-{word.lower()}")
    found = {path for path, _ in results}
    missing = [cid for cid in expected if claim_path(cid) not in found]
    assert not missing, f"searching {word!r} does not list {missing}; it lists {sorted(found)}"

    target = kb.claims[expected[0]]
    follow(page, ".md-search-result__item > a.md-search-result__link", claim_path(target.id))
    assert reader.path() == claim_path(target.id)
    assert heading(page) == target.title


def richest_claim(kb: KnowledgeBase) -> Claim:
    """The claim with the most quoted attributions: the page with the most to show."""
    return max(
        kb.claims.values(),
        key=lambda c: (sum(1 for a in c.attributions if a.quote), len(c.attributions), c.id),
    )


def test_claim_page_shows_status_attributions_quotes_and_sources(
    reader: Any, kb: KnowledgeBase
) -> None:
    claim = richest_claim(kb)
    assert any(a.quote for a in claim.attributions)
    page = reader.open(claim_path(claim.id))
    reader.screenshot("claim")
    article = page.locator("article")

    assert heading(page) == claim.title
    badge = article.locator(".bt-verdict .bt-status")
    assert badge.inner_text().strip().lower() == claim.status
    assert claim.status.capitalize() in article.locator(".bt-verdict").inner_text()

    # The verdict, its reason and the grade come before the evidence chain.
    verdict = article.locator(".bt-verdict").bounding_box()
    why = article.locator(".bt-rationale").bounding_box()
    grade = article.locator(".bt-credibility").bounding_box()
    chain = article.locator("#how-we-know").bounding_box()
    assert verdict and why and grade and chain
    assert verdict["y"] < why["y"] < grade["y"] < chain["y"]
    assert squash(claim.rationale or "") in squash(article.locator(".bt-rationale").inner_text())

    said = squash(article.locator("#how-we-know + ol").inner_text())
    attributed = set(linked_paths(page, "article #how-we-know + ol a"))
    for a in claim.attributions:
        if a.source in kb.sources:
            name, path = kb.sources[a.source].name, source_path(a.source)
        else:  # a publication speaking in its own voice
            name, path = kb.publications[a.source].title, f"/publications/{a.source}/"
        assert name in said, (a.source, said)
        assert path in attributed, (a.source, attributed)
        for v in a.via:
            assert source_path(v) in attributed, (v, attributed)
        if a.publication:
            assert f"/publications/{a.publication}/" in attributed
            assert f"as reported in {kb.publications[a.publication].title}" in said
        if a.quote:
            quote = article.locator("blockquote", has_text=squash(a.quote)[:60])
            assert quote.count() >= 1, f"quote of {a.source} not shown: {a.quote!r}"
            assert squash(a.quote) in squash(quote.first.inner_text())

    first = next(a.source for a in claim.attributions if a.source in kb.sources)
    follow(page, "article #how-we-know + ol a", source_path(first))
    assert heading(page) == kb.sources[first].name
    back = linked_paths(page, "article a")
    assert claim_path(claim.id) in back, f"source page {first} does not link back to {claim.id}"
    reader.screenshot("source")


def test_disputed_page_shows_both_accounts_side_by_side(reader: Any, kb: KnowledgeBase) -> None:
    pairs = contradicting_pairs(kb)
    assert pairs, "the bundled records hold no contradicting accounts"
    page = reader.open("/disputed/")
    reader.screenshot("disputed")
    grids = page.locator("article .grid")
    shown: set[frozenset[str]] = set()
    for i in range(grids.count()):
        sides = grids.nth(i).locator(":scope > div")
        assert sides.count() == 2, f"pair {i} has {sides.count()} sides"
        heads = [linked_paths(sides.nth(j), ":scope > p:first-child a")[0] for j in range(2)]
        ids = [h.rstrip("/").rsplit("/", 1)[-1] for h in heads]
        shown.add(frozenset(ids))
        for j, cid in enumerate(ids):
            text = squash(sides.nth(j).inner_text())
            assert kb.claims[cid].status in text.lower().split(), (cid, text)
            assert squash(kb.claims[cid].statement) in text, (cid, text)
        left, right = (sides.nth(j).bounding_box() for j in range(2))
        assert left is not None and right is not None
        # Side by side: the second account starts right of the first, on the same row.
        assert right["x"] >= left["x"] + left["width"] - 1, (left, right)
        assert abs(right["y"] - left["y"]) < 2, (left, right)
    assert shown == pairs


def test_commitments_page_lists_the_six_commitments(reader: Any, kb: KnowledgeBase) -> None:
    parent = "european-leaders-joint-statement"
    parts = parts_of(kb, parent)
    assert len(parts) == 6, sorted(c.id for c in parts)
    assert kb.claims[parent].count == 6
    page = reader.open("/commitments/")
    reader.screenshot("commitments")
    items = page.locator("article ol > li")
    assert items.count() == 6
    listed = linked_paths(page, "article ol > li > strong > a")
    assert sorted(listed) == sorted(claim_path(c.id) for c in parts)
    for i, c in enumerate(sorted(parts, key=lambda c: listed.index(claim_path(c.id)))):
        assert squash(c.statement) in squash(items.nth(i).inner_text())
        assert items.nth(i).locator(".bt-status").inner_text().strip().lower() == c.status


def test_topic_navigation_leads_from_the_topic_index_to_a_claim(
    reader: Any, kb: KnowledgeBase
) -> None:
    page = reader.open("/")
    follow(page, ".md-nav--primary a", "/topics/")
    reader.screenshot("topics")

    topics = Counter(t for c in kb.claims.values() for t in c.topics)
    topic_links = sorted(
        {p for p in linked_paths(page, "article a") if re.fullmatch(r"/topics/[^/]+/", p)}
    )
    assert topic_links == sorted(f"/topics/{t}/" for t in topics)

    slug = "territory" if "territory" in topics else max(topics, key=topics.__getitem__)
    follow(page, "article a", f"/topics/{slug}/")
    members = sorted(c.id for c in kb.claims.values() if slug in c.topics)
    on_page = sorted(
        {p for p in linked_paths(page, "article a") if re.fullmatch(r"/claims/[^/]+/", p)}
    )
    assert on_page == [claim_path(cid) for cid in members]

    cid = members[0]
    follow(page, "article a", claim_path(cid))
    assert heading(page) == kb.claims[cid].title
    assert f"/topics/{slug}/" in linked_paths(page, "article a")


def scheme(page: Any) -> str:
    return page.evaluate("document.body.getAttribute('data-md-color-scheme')")


def test_palette_toggle_switches_dark_and_light_and_remembers(reader: Any) -> None:
    page = reader.open("/")
    assert scheme(page) == "default"
    page.get_by_title("Switch to dark mode").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    reader.screenshot("home-dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")

    reader.open("/disputed/")
    assert scheme(page) == "slate", "the chosen scheme is forgotten on the next page"
    page.get_by_title("Switch to light mode").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'default'")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != background


def test_dark_scheme_follows_the_readers_system_setting(
    open_reader: Callable[..., Any],
) -> None:
    reader = open_reader(color_scheme="dark")
    page = reader.open("/")
    assert scheme(page) == "slate"


def key_pages(kb: KnowledgeBase) -> list[str]:
    claim = richest_claim(kb)
    return [
        "/",
        "/claims/",
        claim_path(claim.id),
        source_path(claim.attributions[0].source),
        "/sources/",
        "/topics/",
        "/commitments/",
        "/disputed/",
        "/timeline/",
        "/graph/",
        "/methodology/",
        "/data/",
    ]


def test_phone_viewport_has_no_sideways_scrolling(
    open_reader: Callable[..., Any], kb: KnowledgeBase
) -> None:
    reader = open_reader(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    wide = []
    for path in key_pages(kb):
        page = reader.open(path)
        sizes = page.evaluate(
            "({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
        )
        if sizes["scroll"] > sizes["inner"]:
            wide.append(f"{path}: scrollWidth {sizes['scroll']} > innerWidth {sizes['inner']}")
        name = "phone-home" if path == "/" else "phone-" + path.strip("/").replace("/", "-")
        reader.screenshot(name, full_page=False)
    assert not wide, "pages scroll sideways at 390×844:\n" + "\n".join(wide)


def test_every_built_page_loads_without_errors_or_foreign_requests(
    reader: Any, built_site: Path
) -> None:
    pages = sorted(
        "/" if rel == "." else f"/{rel}/"
        for rel in (
            p.relative_to(built_site).parent.as_posix() for p in built_site.rglob("index.html")
        )
    )
    assert "/" in pages and len(pages) > 50, pages
    for path in pages:
        reader.open(path)
    assert len(reader.visited) == len(pages)
    assert reader.foreign == [], reader.foreign
    assert reader.errors == [], reader.errors
