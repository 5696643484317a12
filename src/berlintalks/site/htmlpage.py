"""The MkDocs page of a generated page: its HTML handed over, Python-Markdown skipped.

The templates render HTML, so MkDocs need not run Python-Markdown over the generated pages
(about half of a build's time at 1,000 claims). MkDocs lets a plugin supply the page object of
a file (it keeps a ``File.page`` set before the navigation is built); `HtmlPage` is that
object, handing MkDocs the HTML, the table of contents, the title and the meta it would
otherwise have taken from the Markdown.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import weak_property

from .rendered import (
    Held,
    RenderedPage,
    SearchEntry,
    held_text,
    pack,
    packed_form,
    toc_tokens,
    unpack_pieces,
)

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

log = logging.getLogger("mkdocs.plugins.berlintalks")


def generated_page(
    config: MkDocsConfig,
    path: str,
    rendered: RenderedPage,
    inclusion: InclusionLevel,
    title: str | None = None,
    kind: type[PackedFile] | None = None,
    packed: bytes | str | None = None,
) -> PackedFile:
    """The file of a generated page at ``path``, with its `HtmlPage` set as the file's page.

    The file holds the page's HTML, the very bytes the page holds, so that a plugin reading
    the file reads the page; the HTML is packed once and ``rendered`` is kept without it.
    ``kind``: a `PackedFile` of another kind (`serve`'s pages left alone). ``packed``: the
    HTML already packed, or (`serve`) the text to hold as it is.
    """
    if packed is None:
        packed = packed_form(rendered.html)
    file = (kind or PackedFile).holding(config, path, packed, inclusion)
    HtmlPage(title, file, config, replace(rendered, html=""), packed)
    return file


class HtmlPage(Page):
    """A generated page whose HTML the plugin made: MkDocs' Markdown step is skipped.

    Plugins still see the page at every event; one that changes its Markdown (the body
    handed to ``on_page_markdown``) gets it converted by Python-Markdown as before, the
    HTML passing through as raw HTML.

    MkDocs reads every page before it writes any, so each page's HTML lives from the start of
    the build to its end: it is held compressed (``packed``, shared with the page's file) and
    ``markdown`` and ``content`` give it back as text whenever they are read; in `serve`,
    whose memo keeps every page's text between rebuilds anyway, it is that very text. Once
    MkDocs has written the page, `release` lets it go.
    """

    def __init__(
        self,
        title: str | None,
        file: File,
        config: MkDocsConfig,
        rendered: RenderedPage,
        packed: bytes | str,
    ) -> None:
        # Set before Page.__init__, which assigns markdown and content through the properties.
        self._packed: bytes | str | None = packed
        self._markdown: str | None = None
        self._content: str | None = None
        self._markdown_packed = False
        self._content_packed = False
        # The HTML handed over by read_source, until MkDocs has stored the page's content.
        self._read: str | None = None
        super().__init__(title, file, config)
        self.rendered = rendered

    def _set_canonical_url(self, base: str | None) -> None:
        # MkDocs joins every page's address to the site's with urljoin, a tenth of a second
        # per 1,000 pages; a generated page's address is plain segments, which join to the
        # site's by concatenation wherever the site's address joins so itself.
        url = self.url
        if base and _PLAIN_URL.match(url):
            base = base if base.endswith("/") else base + "/"
            path = _joined_path(base)
            if path is not None:
                self.canonical_url, self.abs_url = base + url, path + url
                return
        super()._set_canonical_url(base)

    def _html(self) -> str:
        assert self._packed is not None
        return held_text(self._packed)

    @property  # type: ignore[override]
    def markdown(self) -> str | None:
        return self._html() if self._markdown_packed else self._markdown

    @markdown.setter
    def markdown(self, value: str | None) -> None:
        self._markdown, self._markdown_packed = value, False

    @weak_property
    def title(self) -> str | None:  # type: ignore[override]
        # MkDocs' own first asks whether the page has Markdown, which would unpack the HTML,
        # and every page's navigation reads the titles of the pages it links to.
        if self._markdown_packed and "title" not in self.meta and self._title_from_render:
            return self._title_from_render
        return Page.title.func(self)  # type: ignore[attr-defined]

    @property  # type: ignore[override]
    def content(self) -> str | None:
        return self._html() if self._content_packed else self._content

    @content.setter
    def content(self, value: str | None) -> None:
        if value is not None and value is self._read:
            # MkDocs stores the content its plugins left unchanged: the page's own HTML again,
            # held packed from here on, like its Markdown unless a plugin changed that.
            self._content, self._content_packed = None, True
            if self._markdown is value:
                self._markdown, self._markdown_packed = None, True
            self._read = None
            return
        self._content, self._content_packed = value, False

    def content_print(self) -> bytes:
        """A digest of the content, without unpacking it when it is the page's own HTML
        (packing is deterministic: the same HTML packs to the same bytes)."""
        if self._content_packed and isinstance(self._packed, bytes):
            return hashlib.sha256(b"packed\0" + self._packed).digest()
        return hashlib.sha256(b"text\0" + (self.content or "").encode()).digest()

    def read_source(self, config: MkDocsConfig) -> None:
        self._read = self._html()
        self.markdown = self._read
        self.meta = dict(self.rendered.meta)

    def render(self, config: MkDocsConfig, files: Files) -> None:
        rendered = self.rendered
        if self._read is None or self.markdown is not self._read:
            self._read = None
            super().render(config, files)
            return
        self._content = self._read  # not packed yet: MkDocs hands it to on_page_content next
        self.toc = get_toc(toc_tokens(rendered.headings))
        self._title_from_render = rendered.title
        self.present_anchor_ids = {h.id for h in rendered.headings}
        self.links_to_anchors = _links(self, rendered.links, files)
        # Checked: the page's links were a twentieth of a build's memory at 10,000 claims.
        self.rendered = replace(rendered, links=())

    def relink(self, links: tuple[str, ...], files: Files) -> None:
        """Check ``links``, the page's, against ``files``, as `render` does: `serve` hands
        MkDocs a page it rendered in a rebuild before, whose links may now be broken."""
        self.links_to_anchors = _links(self, links, files)

    def release(self) -> None:
        """Let go of the page's HTML: MkDocs has written the page and reads it no more.

        What checks the links into the page after the build (its anchors, its title in the
        navigation of the pages written after it) stays. The Markdown is left empty rather
        than None, which MkDocs takes for a page never read and gives no title.
        """
        self._packed = None
        self._markdown, self._markdown_packed = "", False
        self._content, self._content_packed = None, False
        self._read = None
        if isinstance(self.file, PackedFile):
            self.file.release()


# A page address made of plain segments: no dot segment, query, fragment, scheme or escape.
_PLAIN_URL = re.compile(r"(?:[a-z0-9][a-z0-9._-]*/)*(?:[a-z0-9][a-z0-9._-]*)?\Z")


@functools.lru_cache(maxsize=8)
def _joined_path(base: str) -> str | None:
    """The path of ``base`` (ending in a slash) when a plain address joins to it by
    concatenation, as urljoin would join it; None when urljoin would change it."""
    probe = "a/b.c/d-e/"
    joined = urljoin(base, probe)
    if joined != base + probe or urljoin(base, "") != base:
        return None
    path = urlsplit(base).path
    return path if urlsplit(joined).path == path + probe else None


class PackedFile(File):
    """A generated file whose text is held compressed until MkDocs reads or writes it.

    MkDocs reads a file's in-memory content through ``_content`` (its ``content_string``,
    ``content_bytes`` and ``copy_file``), which gives the text back here.
    """

    _packed: Held | None = None  # packed by `rendered.pack`, or a text held as it is
    _raw: bytes | None = None

    @classmethod
    def holding(
        cls, config: MkDocsConfig, src_uri: str, packed: Held, inclusion: InclusionLevel
    ) -> PackedFile:
        """The file at ``src_uri`` whose text is ``packed`` (see `rendered.pack`)."""
        file = cls.generated(config, src_uri, content=b"", inclusion=inclusion)
        assert isinstance(file, PackedFile)
        file._raw, file._packed = None, packed
        return file

    @property  # type: ignore[override]
    def _content(self) -> str | bytes | None:
        if self._raw is not None:
            return self._raw
        return None if self._packed is None else held_text(self._packed)

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        if isinstance(value, str):
            self._raw, self._packed = None, pack(value)
        else:
            self._raw, self._packed = value, None

    def is_modified(self) -> bool:
        return self._packed is not None or super().is_modified()

    def copy_file(self, dirty: bool = False) -> None:
        if self._packed is None:
            super().copy_file(dirty)
            return
        # As MkDocs writes a file's text, piece by piece: a large export is never held whole.
        os.makedirs(os.path.dirname(self.abs_dest_path), exist_ok=True)
        with open(self.abs_dest_path, "w", encoding="utf-8") as out:
            if isinstance(self._packed, str):
                out.write(self._packed)
                return
            if isinstance(self._packed, tuple):
                out.writelines(self._packed)
                return
            for piece in unpack_pieces(self._packed):
                out.write(piece)

    def release(self) -> None:
        """Keep an empty text: the page of this file is written, and nothing reads it again."""
        self._raw, self._packed = None, _EMPTY


_EMPTY = pack("")


def _links(page: HtmlPage, links: tuple[str, ...], files: Files) -> dict[File, dict[str, str]]:
    """Check that every page ``page`` links to is in the site; its links into anchors, for
    MkDocs to check against the pages they point at (as it does for Markdown links)."""
    anchors: dict[File, dict[str, str]] = {}
    by_path = files.src_uris  # a plain lookup first: get_file_from_path parses every path
    for link in links:
        path, _, anchor = link.partition("#")
        target = by_path.get(path) or files.get_file_from_path(path)
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
