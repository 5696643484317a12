"""A generated page's canonical address is the one MkDocs gives a page at the same path."""

from __future__ import annotations

from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page

from berlintalks.site.htmlpage import generated_page
from berlintalks.site.rendered import RenderedPage

PATHS = [
    "index.md",
    "claims/index.md",
    "claims/zelensky-no-us-demands/index.md",
    "claims/list/2/index.md",
    "sources/afp.v2/index.md",
    "topics/a_b/index.md",
    "claims/Upper Case/index.md",  # not plain: MkDocs' own join
    "claims/%41/index.md",
    "claims/x?y/index.md",
]
BASES = [
    None,
    "",
    "http://127.0.0.1:8000/",
    "https://example.org",
    "https://example.org/fact-check/",
    "https://example.org/a/../b/",
    "https://example.org/a//b/",
    "https://example.org/?q=1",
    "https://example.org/#top",
    "https://user@example.org:8443/x/",
    "//example.org/x/",
    "/relative/",
]


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("base", BASES)
def test_canonical_and_absolute_address_are_mkdocs_own(
    tmp_path: Path, base: str | None, directory_urls: bool
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"), use_directory_urls=directory_urls)
    config.site_url = base
    config.plugins._current_plugin = "berlintalks"  # as while the plugin adds its files
    rendered = RenderedPage(html="<h1>T</h1>", title="T", headings=(), meta={}, links=())
    for path in PATHS:
        ours = generated_page(config, path, rendered, InclusionLevel.UNDEFINED).page
        theirs = Page(None, File.generated(config, path, content=""), config)
        assert ours is not None
        assert (ours.canonical_url, ours.abs_url) == (theirs.canonical_url, theirs.abs_url), (
            path,
            base,
        )
