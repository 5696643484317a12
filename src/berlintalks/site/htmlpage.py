"""The MkDocs page of a generated page: its HTML handed over, Python-Markdown skipped.

The templates render HTML, so MkDocs need not run Python-Markdown over the generated pages
(about half of a build's time at 1,000 claims). MkDocs lets a plugin supply the page object of
a file (it keeps a ``File.page`` set before the navigation is built); `HtmlPage` is that
object, handing MkDocs the HTML, the table of contents, the title and the meta it would
otherwise have taken from the Markdown.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .rendered import RenderedPage, SearchEntry, toc_tokens

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.plugins.berlintalks")


class HtmlPage(Page):
    """A generated page whose HTML the plugin made: MkDocs' Markdown step is skipped.

    Plugins still see the page at every event; one that changes its Markdown (the body
    handed to ``on_page_markdown``) gets it converted by Python-Markdown as before, the
    HTML passing through as raw HTML.
    """

    def __init__(
        self, title: str | None, file: File, config: MkDocsConfig, rendered: RenderedPage
    ) -> None:
        super().__init__(title, file, config)
        self.rendered = rendered

    def read_source(self, config: MkDocsConfig) -> None:
        self.markdown = self.rendered.html
        self.meta = dict(self.rendered.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        rendered = self.rendered
        if self.markdown is not rendered.html:
            super().render(config, files)
            return
        self.content = rendered.html
        self.toc = get_toc(toc_tokens(rendered.headings))
        self._title_from_render = rendered.title
        self.present_anchor_ids = {h.id for h in rendered.headings}
        self.links_to_anchors = _links(self, rendered.links, files)


def _links(page: HtmlPage, links: frozenset[str], files: Files) -> dict[File, dict[str, str]]:
    """Check that every page ``page`` links to is in the site; its links into anchors, for
    MkDocs to check against the pages they point at (as it does for Markdown links)."""
    anchors: dict[File, dict[str, str]] = {}
    for link in sorted(links):
        path, _, anchor = link.partition("#")
        target = files.get_file_from_path(path)
        if target is None:
            log.warning(
                f"berlintalks: the generated page '{page.file.src_uri}' links to '{path}', "
                "which is not in the site; fix the template that links to it"
            )
        elif anchor:
            anchors.setdefault(target, {})[anchor] = link
    return anchors


def search_entries(page: Page, entries: tuple[SearchEntry, ...]) -> list[dict[str, Any]]:
    """``entries`` as Material's search index holds them, with the page's address and tags."""
    tags = [str(t) for t in page.meta.get("tags") or () if t]
    out = []
    for e in entries:
        entry: dict[str, Any] = {
            "location": page.url + (f"#{e.anchor}" if e.anchor else ""),
            "title": e.title,
            "text": e.text,
        }
        if tags:
            entry["tags"] = tags
        out.append(entry)
    return out
