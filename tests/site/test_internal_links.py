"""Every internal link, asset and anchor of the built site resolves: a crawl of all its files."""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from berlintalks.cli import main
from conftest import BUNDLED, REPO, copy_from_repo

pytestmark = pytest.mark.crawl

ORIGIN = "http://site.invalid"
URL_ATTRS = {"href", "src", "poster", "data"}
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]+)\1\s*\)""")


class Page(HTMLParser):
    """Collects a page's ids and every URL-valued attribute with its line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.urls: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in URL_ATTRS:
                self.urls.append((self.getpos()[0], f"{tag}[{name}]", value))
            elif name == "srcset":
                for candidate in value.split(","):
                    if candidate.strip():
                        url = candidate.split()[0]
                        self.urls.append((self.getpos()[0], f"{tag}[srcset]", url))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def page_url(site: Path, path: Path) -> str:
    return f"{ORIGIN}/{path.relative_to(site).as_posix()}"


def target_file(site: Path, url: str) -> Path | None:
    """The built file a same-site URL serves, the way a static server maps it, or None."""
    rel = unquote(urlsplit(url).path).lstrip("/")
    candidate = site / rel
    if rel == "" or rel.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[Path, Page]:
    return {p: parse(p) for p in sorted(built_site.rglob("*.html"))}


def test_the_crawl_covers_every_record_page(pages: dict[Path, Page], built_site: Path) -> None:
    claims = sorted((built_site / "claims").glob("*/index.html"))
    sources = sorted((built_site / "sources").glob("*/index.html"))
    assert len(claims) == len(list((REPO / "claims").glob("*.yaml")))
    assert len(sources) == len(list((REPO / "sources").glob("*.yaml")))
    assert set(claims) | set(sources) <= set(pages)


def broken_links(site: Path, pages: dict[Path, Page]) -> tuple[list[str], dict[str, int]]:
    """Every same-site link or anchor of ``pages`` that leads nowhere, and the links checked."""
    broken: list[str] = []
    checked: dict[str, int] = defaultdict(int)
    for path, page in pages.items():
        here = page_url(site, path)
        where = path.relative_to(site).as_posix()
        for line, attr, raw in page.urls:
            value = raw.strip()
            if value.lower().startswith("javascript:"):
                broken.append(f"{where}:{line}: {attr} is a javascript: URL {raw!r}")
                continue
            url = urljoin(here, value)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != ORIGIN:
                continue  # another host or scheme (mailto:, data:): not ours to resolve
            target = target_file(site, url)
            checked[attr] += 1
            if target is None:
                broken.append(f"{where}:{line}: {attr} {raw!r} -> no file")
                continue
            if parts.fragment and target.suffix == ".html":
                fragment = unquote(parts.fragment)
                if fragment not in pages[target].ids:
                    rel = target.relative_to(site).as_posix()
                    broken.append(f"{where}:{line}: {attr} {raw!r} -> no id {fragment!r} in {rel}")
    return broken, checked


def test_every_internal_link_and_anchor_resolves(pages: dict[Path, Page], built_site: Path) -> None:
    broken, checked = broken_links(built_site, pages)
    assert checked["a[href]"] > 1000, dict(checked)
    assert checked["script[src]"] > 0 and checked["link[href]"] > 0, dict(checked)
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:200])


def test_every_link_resolves_without_directory_urls(tmp_path: Path) -> None:
    # Pages served as claims/x/index.html rather than claims/x/: the graph's links and the
    # feed's are written by berlintalks itself, not by MkDocs, and must follow the setting.
    root = copy_from_repo(tmp_path / "kb", BUNDLED)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "\nuse_directory_urls: false\n", "utf-8")
    site = tmp_path / "site"
    assert main(["build", "--root", str(root), "--site-dir", str(site), "--quiet"]) == 0
    assert (site / "claims" / "zelensky-no-us-demands" / "index.html").is_file()
    pages = {p: parse(p) for p in sorted(site.rglob("*.html"))}
    broken, checked = broken_links(site, pages)
    assert checked["a[href]"] > 1000, dict(checked)
    assert not broken, f"{len(broken)} broken internal links:\n" + "\n".join(broken[:200])
    feed = (site / "feed.xml").read_text("utf-8")
    links = re.findall(r'<link[^>]*href="([^"]+)"', feed)
    entries = [u for u in links if u.startswith("claims/")]
    assert entries, links
    assert [u for u in entries if target_file(site, f"{ORIGIN}/{u}") is None] == []


def test_every_url_in_the_sites_stylesheets_resolves(built_site: Path) -> None:
    sheets = sorted(built_site.rglob("*.css"))
    assert sheets, "no stylesheet in the built site"
    broken = []
    for sheet in sheets:
        here = page_url(built_site, sheet)
        for match in CSS_URL.finditer(sheet.read_text(encoding="utf-8")):
            url = urljoin(here, match.group(2).strip())
            parts = urlsplit(url)
            if (
                f"{parts.scheme}://{parts.netloc}" == ORIGIN
                and target_file(built_site, url) is None
            ):
                rel = sheet.relative_to(built_site).as_posix()
                broken.append(f"{rel}: url({match.group(2)})")
    assert not broken, "stylesheets point at missing files:\n" + "\n".join(broken)
