"""Hostile record text renders as inert visible text on every page of a real build."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from berlintalks.records import Attribution, Claim, KnowledgeBase, Source
from berlintalks.site.render import escape_text, generate, json_for_script, link
from conftest import REPO, SITE_FILES, Run, copy_from_repo

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTRS = '{: onclick="x" }'
JINJA = "{{ 7*7 }}"
JINJA_BLOCK = "{% if true %}evaluated{% endif %}"
CLOSE = "</script><script>alert(2)</script>"

HOSTILE_CLAIM = f"""\
id: hostile
title: 'Title {SCRIPT} and {JINJA}'
statement: 'Statement {IMG} then {ATTRS} then {JINJA_BLOCK} then {CLOSE} end'
status: reported
rationale: 'Rationale {SCRIPT} {ATTRS}'
date: 2025-12-15
topics: [diplomacy]
attributions:
  - source: hostile-source
    via: afp
    publication: hostile-article
    setting: 'setting {IMG}'
    quote: 'Quote {IMG} *bold* [link](javascript:alert(1)) {ATTRS}'
    url: 'https://example.org/?q=</a><script>alert(3)</script>&x="y"'
relations:
  - type: qualifies
    claim: talks-described-as-difficult
    note: 'Note {SCRIPT} {ATTRS}'
figures:
  - {{label: 'label {IMG}', value: 1, unit: 'unit {SCRIPT}'}}
"""

HOSTILE_SOURCE = f"""\
id: hostile-source
name: 'Name {SCRIPT}'
kind: person
reliability: F
reliability_reason: 'Reason {SCRIPT}'
role: 'Role {IMG}'
description: 'Description {ATTRS} {JINJA}'
"""

HOSTILE_PUBLICATION = f"""\
id: hostile-article
title: 'Article {SCRIPT} {JINJA}'
kind: article
language: en
translated_from: ru
note: 'Note on it {IMG} {ATTRS}'
"""


def site_root(dest: Path) -> Path:
    """A copy of the bundled knowledge base with the site's configuration and templates."""
    return copy_from_repo(dest, ("claims", "sources", "publications", *SITE_FILES))


class Tags(HTMLParser):
    """Every element with its attributes, the text of scripts, and the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[str | None, str]] = []
        self.text: list[str] = []
        self.title = ""
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a))
        self._stack.append(tag)
        if tag == "script":
            self.scripts.append((a.get("type"), ""))

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            if self._stack.pop() == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "script":
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)
        elif self._stack and self._stack[-1] == "title":
            self.title += data
        elif not self._stack or self._stack[-1] != "style":
            self.text.append(data)

    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(path: Path) -> Tags:
    t = Tags()
    t.feed(path.read_text(encoding="utf-8"))
    t.close()
    return t


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from berlintalks.cli import main

    root = site_root(tmp_path_factory.mktemp("hostile") / "kb")
    (root / "claims" / "hostile.yaml").write_text(HOSTILE_CLAIM, encoding="utf-8")
    (root / "sources" / "hostile-source.yaml").write_text(HOSTILE_SOURCE, encoding="utf-8")
    (root / "publications" / "hostile-article.yaml").write_text(
        HOSTILE_PUBLICATION, encoding="utf-8"
    )
    site = root.parent / "site"
    assert main(["build", "--root", str(root), "--site-dir", str(site), "-q"]) == 0
    return site


def assert_inert(page: Tags) -> None:
    for tag, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
    for kind, text in page.scripts:
        # Data blocks may quote the hostile text, but only as JSON strings with no markup.
        if kind == "application/ld+json":
            assert "<" not in text and ">" not in text
        else:
            assert "alert(" not in text


def test_claim_page_shows_hostile_text_literally(hostile_site: Path) -> None:
    page = parse(hostile_site / "claims" / "hostile" / "index.html")
    assert_inert(page)
    text = page.visible()
    assert f"Title {SCRIPT} and {JINJA}" in text
    assert f"Statement {IMG} then {ATTRS} then {JINJA_BLOCK} then {CLOSE} end" in text
    # The bracketed word is shown as an insertion, its own element; the rest stays text.
    assert f"Quote {IMG} *bold* [link] (javascript:alert(1)) {ATTRS} (translation)" in text
    spans = [a for t, a in page.elements if t == "span" and a.get("class") == "insertion"]
    assert len(spans) == 1
    assert f"Rationale {SCRIPT} {ATTRS}" in text
    # Each named record of the chain is a link: the visible text has a gap at each edge.
    assert f"Name {SCRIPT} , setting {IMG}, via Agence France-Presse — as reported in " in text
    assert f"Article {SCRIPT} {JINJA} , translated from Russian" in text
    assert f"Note {SCRIPT} {ATTRS}" in text
    assert f"label {IMG}" in text and f"unit {SCRIPT}" in text
    assert "49" not in text and "evaluated" not in text.replace(JINJA_BLOCK, "")
    assert page.title == f"Title {SCRIPT} and {JINJA} - Berlin talks fact-check"
    # The attribution URL is http(s), so it is a link, with its quote and markup still inert.
    hrefs = [a.get("href") for t, a in page.elements if t == "a"]
    assert 'https://example.org/?q=</a><script>alert(3)</script>&x="y"' in hrefs


def test_json_ld_cannot_close_its_script(hostile_site: Path) -> None:
    page = parse(hostile_site / "claims" / "hostile" / "index.html")
    blocks = [text for kind, text in page.scripts if kind == "application/ld+json"]
    assert len(blocks) == 1
    assert "</script" not in blocks[0] and "<" not in blocks[0]
    review = json.loads(blocks[0])
    assert review["claimReviewed"] == f"Title {SCRIPT} and {JINJA}"
    assert review["description"].endswith(f"then {CLOSE} end")
    assert review["reviewRating"]["ratingExplanation"] == f"Rationale {SCRIPT} {ATTRS}"
    assert review["itemReviewed"]["appearance"][0]["name"] == f"Article {SCRIPT} {JINJA}"
    assert review["headline"] == f"Title {SCRIPT} and {JINJA}"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": f"Name {SCRIPT}"}


def test_every_page_of_the_hostile_site_is_inert(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 60
    for path in pages:
        assert_inert(parse(path))
    source = parse(hostile_site / "sources" / "hostile-source" / "index.html")
    assert f"Name {SCRIPT}" in source.visible()
    assert f"Role {IMG}" in source.visible()
    assert f"Description {ATTRS} {JINJA}" in source.visible()
    assert f"Reason {SCRIPT}" in source.visible()
    publication = parse(hostile_site / "publications" / "hostile-article" / "index.html")
    assert publication.title == f"Article {SCRIPT} {JINJA} - Berlin talks fact-check"
    assert f"Note on it {IMG} {ATTRS}" in publication.visible()
    graph = parse(hostile_site / "graph" / "index.html")
    assert f"Title {SCRIPT} and {JINJA}" in graph.visible()


def test_search_index_holds_escaped_titles(hostile_site: Path) -> None:
    index = json.loads((hostile_site / "search" / "search_index.json").read_text())
    entry = next(d for d in index["docs"] if d["location"] == "claims/hostile/")
    # Material's search renders titles as HTML, so they must stay escaped in the index.
    assert entry["title"] == "Title &lt;script&gt;alert(1)&lt;/script&gt; and {{ 7*7 }}"
    assert "<script" not in json.dumps(index["docs"])
    assert "<img" not in json.dumps(index["docs"])


def test_exports_carry_the_text_unchanged(hostile_site: Path) -> None:
    claims = json.loads((hostile_site / "data" / "claims.json").read_text())
    hostile = next(c for c in claims if c["id"] == "hostile")
    assert hostile["title"] == f"Title {SCRIPT} and {JINJA}"
    assert hostile["attributions"][0]["source"]["name"] == f"Name {SCRIPT}"


# ---------------------------------------------------------------- the renderer directly


def test_escape_text_neutralises_html() -> None:
    out = escape_text(
        "<b>*x*</b> _y_ [a](b) # {: .c } `d` | e & \"f\" 'g' &amp; ===\n~~~\n\n    1. h"
    )
    # HTML escaping only: the page is HTML that no Markdown converts, so Markdown's
    # punctuation stays as written, and a reference in the record is shown, not decoded.
    assert out == (
        "&lt;b&gt;*x*&lt;/b&gt; _y_ [a](b) # {: .c } `d` | e &amp; &#34;f&#34; &#39;g&#39; "
        "&amp;amp; === ~~~ 1. h"
    )


def test_only_http_urls_become_links() -> None:
    assert link("javascript:alert(1)", "x") == "x"
    assert link("JaVaScRiPt:alert(1)") == "JaVaScRiPt:alert(1)"
    assert link("data:text/html,<script>", "d") == "d"
    assert link(" https://a.example/", "s") == "s"
    assert link("https://a.example/x?a=1&b=<2>", "ok") == (
        '<a href="https&#58;&#47;&#47;a&#46;example&#47;x&#63;a&#61;1&#38;b&#61;&#60;2&#62;">ok</a>'
    )


def test_json_for_script_escapes_markup_characters() -> None:
    out = json_for_script({"a": "</script><!-- & -->"})
    assert str(out) == '{\n  "a": "\\u003c/script\\u003e\\u003c!-- \\u0026 --\\u003e"\n}'
    assert json.loads(str(out)) == {"a": "</script><!-- & -->"}


def test_a_javascript_url_in_a_record_never_becomes_a_link() -> None:
    # The loader refuses such URLs (BT107); this shows the pages would not link them anyway.
    src = Source(id="s", name="S", kind="person", reliability="B", url="javascript:alert(1)")
    claim = Claim(
        id="c",
        title="T",
        statement="S.",
        status="reported",
        date=date(2025, 12, 15),
        topics=("diplomacy",),
        attributions=(Attribution(source="s", url="javascript:alert(2)"),),
        path="claims/c.yaml",
    )
    kb = KnowledgeBase(root=".", claims={"c": claim}, sources={"s": src})
    pages = generate(kb, templates=REPO / "templates")
    for name in ("claims/c/index.md", "sources/s/index.md"):
        html = markdown.markdown(pages[name], extensions=["attr_list", "tables", "md_in_html"])
        assert 'href="javascript' not in html.lower()
        assert "javascript:alert(" in html  # shown as text
    data = json.loads(pages["data/claimreview.json"])
    # With no publication and no http(s) address there is nothing to list as an appearance.
    assert "appearance" not in data[0]["itemReviewed"]
    assert "javascript" not in pages["data/claimreview.json"]


# ---------------------------------------------------------------- failed builds


def _site_kb(make_kb: Callable[..., Path], claims: dict[str, str] | None = None) -> Path:
    from conftest import claim_yaml

    return copy_from_repo(make_kb(claims=claims or {"talks": claim_yaml()}))


def _snapshot(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def test_failed_builds_keep_the_last_good_site(
    make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = _site_kb(make_kb)
    site = root.parent / "site"
    first = cli("build", "--root", root, "--site-dir", site, "-q")
    assert first.code == 0, first.err
    good = _snapshot(site)
    assert "claims/talks/index.html" in good

    # An error in the records: the check refuses, prints the finding, builds nothing.
    (root / "claims" / "talks.yaml").write_text(
        (root / "claims" / "talks.yaml").read_text().replace("confirmed", "confirmd")
    )
    refused = cli("build", "--root", root, "--site-dir", site, "-q")
    assert refused.code == 1
    assert refused.out.startswith("claims/talks.yaml:4:9: error BT104 ")
    assert _snapshot(site) == good
    (root / "claims" / "talks.yaml").write_text(
        (root / "claims" / "talks.yaml").read_text().replace("confirmd", "confirmed")
    )

    # A template bug: exit 2 with an explanation naming the template.
    tpl = root / "templates" / "claim.html.j2"
    original = tpl.read_text()
    tpl.write_text(original + "{{ no_such_value }}\n")
    broken = cli("build", "--root", root, "--site-dir", site, "-q")
    assert broken.code == 2
    line = len(original.splitlines()) + 1
    assert f"templates/claim.html.j2:{line}: UndefinedError: 'no_such_value' is undefined" in (
        broken.err
    )
    assert "Traceback" not in broken.err
    assert "last good site was left as it was" in broken.err
    assert _snapshot(site) == good

    # A strict-mode warning (a template's link to a missing page) also aborts the build.
    tpl.write_text(original + "<a href=\"{{ href('nowhere.md') }}\">gone</a>\n")
    warned = cli("build", "--root", root, "--site-dir", site, "-q")
    assert warned.code == 2
    assert "nowhere.md" in warned.err
    assert _snapshot(site) == good
    assert [p.name for p in root.parent.iterdir() if p.name.startswith(".site")] == []


def test_build_without_site_configuration_is_a_usage_error(
    make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = make_kb()
    run = cli("build", "--root", root, "--site-dir", root.parent / "site")
    assert run.code == 2
    assert run.err.startswith(f"berlintalks: error: {root}/mkdocs.yml not found")
    assert not (root.parent / "site").exists()


def test_build_refuses_to_replace_what_is_not_a_site(
    make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = _site_kb(make_kb)
    notes = root.parent / "notes"
    notes.mkdir()
    (notes / "keep.txt").write_text("mine")
    for target, reason in (
        (root, "is the knowledge base itself"),
        (root.parent, "holds the knowledge base"),
        (root / "templates", "is the site's templates/"),
        (root / "claims" / "site", "lies inside claims/"),
        (notes, "is not a built site (no .berlintalks-site mark"),
    ):
        run = cli("build", "--root", root, "--site-dir", target, "-q")
        assert run.code == 2, target
        assert reason in run.err, run.err
    assert (notes / "keep.txt").read_text() == "mine"
    assert (root / "templates" / "claim.html.j2").is_file()
    assert not (root / "claims" / "site").exists()
