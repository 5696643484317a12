"""The same site from every builder: MkDocs, ProperDocs and Zensical build the bundled records
strictly, into sites whose links resolve and whose pages read the same."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from test_internal_links import parse as parse_links
from test_internal_links import (
    test_every_internal_link_and_anchor_resolves as crawl_links,
)
from test_internal_links import (
    test_every_url_in_the_sites_stylesheets_resolves as crawl_stylesheets,
)
from test_internal_links import test_the_crawl_covers_every_record_page as crawl_covers

from berlintalks.cli import main
from berlintalks.records.load import load
from berlintalks.site.build import MARK
from conftest import BUILDERS, OTHER_BUILDERS, REPO, Run, claim_yaml, copy_from_repo, site_built_by


@pytest.fixture(scope="session", params=BUILDERS)
def any_site(request: pytest.FixtureRequest) -> Path:
    return site_built_by(request.param, request)


@pytest.fixture(scope="session", params=OTHER_BUILDERS)
def second_site(request: pytest.FixtureRequest) -> tuple[str, Path]:
    return request.param, site_built_by(request.param, request)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``berlintalks generate --out`` writes for the bundled knowledge base."""
    out = tmp_path_factory.mktemp("project")
    assert main(["generate", "--root", str(REPO), "--out", str(out), "--quiet"]) == 0
    return out


# ---------------------------------------------------------------- the project


def test_generate_writes_a_project_without_the_plugin(project: Path) -> None:
    config = yaml.safe_load((project / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["plugins"] == ["search", {"tags": {"export": False}}]
    assert config["docs_dir"] == "docs"
    assert config["site_url"] is None
    assert config["theme"]["custom_dir"] == "overrides"
    assert config["theme"]["variant"] == "classic"
    repo_config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - Graph: graph/index.md\n" in repo_config
    assert {"Graph": "graph/index.md"} in config["nav"]
    # The hand-written pages, the theme overrides and the generated pages, side by side.
    for name in ("editing.md", "threat-model.md", "building.md"):
        assert (project / "docs" / name).read_bytes() == (REPO / "docs" / name).read_bytes()
    assert not (project / "docs" / ".gitkeep").exists()
    for name in ("main.html", "partials/search.html", "partials/content.html"):
        theme = REPO / "templates" / "theme" / name
        assert (project / "overrides" / name).read_bytes() == theme.read_bytes()
    assert (project / "docs" / "graph" / "index.md").is_file()
    # Every generated page is the index of its own folder (see views.doc_path).
    assert not (project / "docs" / "graph.md").exists()
    kb, _ = load(REPO)
    claims = sorted(p.parent.name for p in (project / "docs" / "claims").glob("*/index.md"))
    assert claims == sorted(kb.claims)
    assert (project / "docs" / "claims" / "index.md").is_file()
    assert (project / "docs" / "data" / "datapackage.json").is_file()
    assert (project / "docs" / "assets" / "berlintalks.css").is_file()


def test_generate_writes_the_site_address_and_edit_links_into_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BERLINTALKS_SITE_URL", "https://kb.example/")
    monkeypatch.setenv("BERLINTALKS_EDIT_URL", "https://git.example/kb/edit/main")
    out = tmp_path / "project"
    assert main(["generate", "--root", str(REPO), "--out", str(out), "--quiet"]) == 0
    config = yaml.safe_load((out / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["site_url"] == "https://kb.example/"
    page = (out / "docs" / "claims" / "berlin-talks-held" / "index.md").read_text(encoding="utf-8")
    assert (
        '<a href="https://git.example/kb/edit/main/claims/berlin-talks-held.yaml">'
        "Edit <code>claims/berlin-talks-held.yaml</code></a>"
    ) in page
    assert '"url": "https://kb.example/claims/berlin-talks-held/"' in page


def test_generate_refuses_a_docs_page_that_hides_a_generated_one(
    make_kb: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = copy_from_repo(make_kb())
    (root / "docs" / "timeline.md").write_text("# Mine\n", encoding="utf-8")
    run = cli("generate", "--root", root, "--out", tmp_path / "out")
    assert run.code == 2
    assert "docs/timeline.md would hide the generated page of the same name" in run.err


# ---------------------------------------------------------------- the built sites


def test_every_builder_builds_a_marked_site_whose_links_all_resolve(any_site: Path) -> None:
    assert (any_site / MARK).read_text(encoding="utf-8").startswith("berlintalks ")
    pages = {p: parse_links(p) for p in sorted(any_site.rglob("*.html"))}
    crawl_covers(pages, any_site)
    crawl_links(pages, any_site)
    crawl_stylesheets(any_site)
    # The graph's SVG links, raw HTML that a builder may rewrite, lead to the claim pages.
    graph = pages[any_site / "graph" / "index.html"]
    kb, _ = load(REPO)
    linked = {raw for _, attr, raw in graph.urls if attr == "a[href]"}
    assert {f"../claims/{cid}/" for cid in kb.claims} <= linked


class Article(HTMLParser):
    """The text of a page's ``<article>``, its scripts left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self.depth += 1
        elif self.depth and tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1
        elif self.depth and tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if self.depth and not self.skip:
            self.parts.append(data)


def article_text(path: Path) -> str:
    page = Article()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return " ".join("".join(page.parts).split())


def built_page(markdown: str) -> str:
    """Where a directory-URL build puts the page of ``markdown`` (a docs-relative path)."""
    stem = markdown.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem + ".html"
    return stem + "/index.html"


def first_difference(a: str, b: str) -> str:
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, at - 60)
    return f"at character {at}: MkDocs {a[start : at + 60]!r}, got {b[start : at + 60]!r}"


def test_every_page_reads_the_same_under_every_builder(
    second_site: tuple[str, Path], built_site: Path, project: Path
) -> None:
    builder, site = second_site
    pages = sorted(
        built_page(p.relative_to(project / "docs").as_posix())
        for p in (project / "docs").rglob("*.md")
    )
    assert len(pages) > 60 and "graph/index.html" in pages and "editing/index.html" in pages
    for page in pages:
        expected = article_text(built_site / page)
        assert expected, f"{page}: MkDocs wrote no article text"
        assert (site / page).is_file(), f"{builder} wrote no {page}"
        got = article_text(site / page)
        assert got == expected, f"{builder}: {page} differs {first_difference(expected, got)}"


def search_titles(site: Path) -> dict[str, str]:
    """Each page's title in the site's search index, by address: Material's or Zensical's."""
    material = site / "search" / "search_index.json"
    if material.is_file():
        docs = json.loads(material.read_text(encoding="utf-8"))["docs"]
        return {d["location"]: d["title"] for d in docs if "#" not in d["location"]}
    items = json.loads((site / "search.json").read_text(encoding="utf-8"))["items"]
    # Zensical shows the page's title ("path") as text under each result: it must be plain.
    return {i["location"]: i["path"][0] for i in items if i["level"] == 1}


def test_search_indexes_hold_every_claim_title_without_character_references(
    any_site: Path,
) -> None:
    titles = search_titles(any_site)
    kb, _ = load(REPO)
    for claim in kb.claims.values():
        title = titles.get(f"claims/{claim.id}/")
        assert title is not None, f"no search entry for claims/{claim.id}/"
        assert html.unescape(title) == claim.title
        assert not re.search(r"&#\d+;", title), title
    assert any("U.S." in t for t in titles.values())


# ---------------------------------------------------------------- strict builds


def small_site(make_kb: Callable[..., Path]) -> Path:
    """A one-claim knowledge base with the bundled site files, already built once."""
    return copy_from_repo(make_kb(claims={"talks": claim_yaml()}))


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_broken_link_in_docs_fails_every_builder_and_keeps_the_last_site(
    builder: str, make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = small_site(make_kb)
    site = root.parent / "site"
    assert cli("build", "--root", root, "--site-dir", site, "--builder", builder, "-q").code == 0
    before = (site / "editing" / "index.html").read_text(encoding="utf-8")
    editing = root / "docs" / "editing.md"
    text = editing.read_text(encoding="utf-8").rstrip("\n") + "\n\nSee [the old page](gone.md).\n"
    editing.write_text(text, encoding="utf-8")
    line = text.count("\n")
    run = cli("build", "--root", root, "--site-dir", site, "--builder", builder, "-q")
    assert run.code == 2, run.err
    assert "the site could not be built, and the last good site was left as it was" in run.err
    if builder == "zensical":
        # Zensical reports a Markdown link to a missing page itself, with its place.
        assert "Warning: page does not exist" in run.err and f"editing.md:{line}:" in run.err
        assert "Traceback" not in run.err and "\x1b[" not in run.err
    else:
        assert "Doc file 'editing.md' contains a link 'gone.md'" in run.err
    assert (site / "editing" / "index.html").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in root.parent.iterdir()) == ["kb", "site"]


@pytest.mark.parametrize("builder", BUILDERS)
def test_a_nav_entry_without_its_page_fails_every_builder(
    builder: str, make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = small_site(make_kb)
    (root / "docs" / "limits.md").unlink()
    site = root.parent / "site"
    run = cli("build", "--root", root, "--site-dir", site, "--builder", builder, "-q")
    assert run.code == 2, run.err
    if builder == "zensical":
        # Zensical says nothing of a missing nav target: berlintalks' own link check does.
        assert "Zensical built pages with" in run.err and "broken internal link(s)" in run.err
        assert "index.html:" in run.err and "'../limits.md' -> no such file" in run.err
    else:
        assert "A reference to 'limits.md' is included in the 'nav' configuration" in run.err
    assert not site.exists()
    assert sorted(p.name for p in root.parent.iterdir()) == ["kb"]


def test_an_unknown_builder_is_a_usage_error(cli: Callable[..., Run]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli("build", "--root", REPO, "--builder", "sphinx")
    assert exit_.value.code == 2


def test_a_killed_zensical_builds_project_folder_is_removed_by_the_next_build(
    make_kb: Callable[..., Path], cli: Callable[..., Run]
) -> None:
    root = small_site(make_kb)
    site = root.parent / "site"
    # What a build killed mid-way leaves: its marked project folder, the lock released.
    killed = root.parent / ".site-project-killed"
    (killed / "site").mkdir(parents=True)
    (killed / MARK).write_text("berlintalks 0.1.0\n", encoding="utf-8")
    (killed / "site" / MARK).write_text("berlintalks 0.1.0\n", encoding="utf-8")
    # A folder of the same name without the mark is someone else's, and stays.
    foreign = root.parent / ".site-project-mine"
    foreign.mkdir()
    run = cli("build", "--root", root, "--site-dir", site, "--builder", "zensical", "-q")
    assert run.code == 0, run.err
    assert sorted(p.name for p in root.parent.iterdir()) == [".site-project-mine", "kb", "site"]
    assert (site / MARK).is_file() and (site / "claims" / "talks" / "index.html").is_file()
