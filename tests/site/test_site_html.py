"""Generated pages rendered straight to HTML: what MkDocs shows of them, search, other builders."""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import yaml

from berlintalks.records.load import load
from berlintalks.site.rendered import with_headings
from conftest import REPO

KB, _ = load(REPO)


class _Article(HTMLParser):
    """The visible text of a page's article, without permalinks, scripts or Material's tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # inside <article>
        self.skipping: tuple[str, int] | None = None  # the skipped element, its nesting
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.skipping is not None:
            name, n = self.skipping
            self.skipping = (name, n + 1) if tag == name else self.skipping
        elif self.depth and (
            tag == "script"
            or a.get("class") == "headerlink"
            or (tag == "nav" and a.get("class") == "md-tags")
        ):
            self.skipping = (tag, 1)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping is not None and tag == self.skipping[0]:
            name, n = self.skipping
            self.skipping = (name, n - 1) if n > 1 else None
        elif tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and self.skipping is None:
            self.words += data.split()


def article_text(page: Path) -> str:
    parser = _Article()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.words)


def test_headings_get_toc_ids_made_unique_and_permalinks() -> None:
    body, headings = with_headings(
        "<h1>Talks &amp; more</h1>\n<h2>How we know</h2>\n<h2>How we know</h2>\n"
        '<h3>A <a href="x/">link</a>: it&#39;s</h3>\n'
    )
    assert [(h.level, h.id, h.name) for h in headings] == [
        (1, "talks-more", "Talks &amp; more"),
        (2, "how-we-know", "How we know"),
        (2, "how-we-know_1", "How we know"),
        (3, "a-link-its", "A link: it&#39;s"),
    ]
    assert (
        '<h2 id="how-we-know_1">How we know<a class="headerlink" href="#how-we-know_1" '
        'title="Permanent link">&para;</a></h2>'
    ) in body


def test_claim_page_has_its_table_of_contents_and_classes(built_site: Path) -> None:
    page = (built_site / "claims" / "european-leaders-joint-statement" / "index.html").read_text()
    # Material's sidebar table of contents, from the headings the plugin handed over.
    toc = page[page.index('<nav class="md-nav md-nav--secondary"') :]
    toc = toc[: toc.index("</nav>")]
    assert re.findall(r'href="(#[^"]+)"', toc) == [
        "#what-was-reported",
        "#how-we-know",
        "#related-claims",
        "#parts",
    ]
    assert '<h2 id="how-we-know">How we know<a class="headerlink" href="#how-we-know"' in page
    assert '<p class="bt-verdict"><span class="bt-status bt-status--reported"' in page
    # The topics as Material's tags, from the page's meta.
    assert '<span class="md-tag">european-commitments</span>' in page
    assert "<title>The article reports a joint statement by European leaders" in page


def test_every_claim_title_is_in_the_search_index_at_its_page(built_site: Path) -> None:
    docs = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    by_location: dict[str, list[dict[str, str]]] = {}
    for entry in docs:
        by_location.setdefault(entry["location"], []).append(entry)
    for cid, claim in KB.claims.items():
        entries = by_location.get(f"claims/{cid}/")
        assert entries is not None, cid
        assert [html.unescape(e["title"]) for e in entries] == [claim.title], cid
        assert claim.statement.split()[0] in entries[0]["text"], cid
        assert entries[0]["tags"] == list(claim.topics), cid
        assert f"claims/{cid}/#how-we-know" in by_location, cid
    for sid, source in KB.sources.items():
        entries = by_location[f"sources/{sid}/"]
        assert [html.unescape(e["title"]) for e in entries] == [source.name], sid
    # Pages of the whole knowledge base are indexed from their HTML, by section, as before.
    assert "methodology/#status-of-a-claim" in by_location
    assert by_location[""][0]["title"] == "The Berlin talks, claim by claim"


def test_a_quote_is_found_by_search_on_its_claims_page(built_site: Path) -> None:
    docs = json.loads((built_site / "search" / "search_index.json").read_text())["docs"]
    entry = next(e for e in docs if e["location"] == "claims/zelensky-no-us-demands/#how-we-know")
    assert "I see the United States as our strategic partner" in entry["text"]


def test_generated_tree_builds_with_plain_mkdocs_showing_the_same_pages(
    built_site: Path, tmp_path: Path
) -> None:
    """`generate --out` writes Markdown files another builder reads: here MkDocs and Material
    without the berlintalks plugin, whose pages show the same text as the site's."""
    project = tmp_path / "plain"
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "generate", "--root", REPO, "--out", project],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text().replace("!ENV", ""))
    plain = {
        "site_name": config["site_name"],
        "theme": {"name": "material", "features": config["theme"]["features"]},
        "plugins": ["search", "tags"],
        "markdown_extensions": config["markdown_extensions"],
        "extra_css": ["assets/berlintalks.css"],
    }
    (project / "mkdocs.yml").write_text(yaml.safe_dump(plain), encoding="utf-8")
    site = tmp_path / "plain-site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", project / "mkdocs.yml", "-d", site],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    for page in (
        "claims/european-leaders-joint-statement",
        "claims/zelensky-no-us-demands",
        "sources/afp",
        "publications/berlin-talks-article",
        "timeline",
        "methodology",
    ):
        ours = article_text(built_site / page / "index.html")
        theirs = article_text(site / page / "index.html")
        assert theirs == ours, page
        assert len(ours) > 300, page
    claim = (site / "claims" / "zelensky-no-us-demands" / "index.html").read_text()
    assert "<title>Zelensky said he does not believe the U.S. demanded anything" in claim
    assert '<span class="md-tag">territory</span>' in claim


def test_front_matter_reads_back_as_the_page_title_and_tags() -> None:
    from berlintalks.site.rendered import RenderedPage

    page = RenderedPage(
        html="<h1>A &lt;b&gt; title: yes</h1>\n",
        title="A &lt;b&gt; title: yes",
        headings=(),
        meta={"tags": ["a-topic", "yes", "2025", "null"]},
    )
    text = page.source()
    assert text.startswith('---\ntags:\n  - a-topic\n  - "yes"\n  - "2025"\n  - "null"\n')
    front = yaml.safe_load(text.split("---\n")[1])
    assert front == {"tags": ["a-topic", "yes", "2025", "null"], "title": "A &lt;b&gt; title: yes"}
    assert text.endswith('\n\n<div class="bt-page">\n<h1>A &lt;b&gt; title: yes</h1>\n</div>\n')
