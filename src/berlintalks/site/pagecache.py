"""Generated pages that keep their HTML between `serve` rebuilds while their inputs stay the same.

MkDocs rebuilds every page on every save, and turning Markdown into HTML is the largest
share of a rebuild. One edited claim changes only a handful of pages: its own and those that
list it. A page here converts its Markdown again only when that Markdown, the set of files
its links resolve against, or the Markdown settings changed; otherwise it takes back what
it rendered last time. MkDocs lets a plugin supply the page object of a file (it keeps a
``File.page`` set before the navigation is built), which is how these pages enter a build.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mkdocs.structure.pages import Page

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.toc import TableOfContents


@dataclass(frozen=True, slots=True)
class _Rendered:
    key: bytes
    content: str
    toc: TableOfContents
    title: str | None
    anchors: frozenset[str]
    # Links into other pages' anchors, by the linked file's path; None when MkDocs did not
    # collect them (it does only when anchor validation can report).
    links: dict[str, dict[str, str]] | None


# Extensions whose output depends on nothing but the Markdown and their settings. One that
# reads other files (pymdownx.snippets includes them) would leave a kept page stale when
# only those files change, so with any extension not named here nothing is kept.
_PURE_BUILTINS = frozenset(
    [
        "abbr",
        "admonition",
        "attr_list",
        "codehilite",
        "def_list",
        "fenced_code",
        "footnotes",
        "legacy_attrs",
        "legacy_em",
        "md_in_html",
        "meta",
        "nl2br",
        "sane_lists",
        "smarty",
        "tables",
        "toc",
        "wikilinks",
    ]
)
_IMPURE_PYMDOWNX = frozenset({"pymdownx.snippets"})


def _pure(extension: object) -> bool:
    if not isinstance(extension, str):
        return False
    name = extension.removeprefix("markdown.extensions.")
    if name in _PURE_BUILTINS:
        return True
    return name.startswith("pymdownx.") and name not in _IMPURE_PYMDOWNX


class RenderCache:
    """The last rendering of each generated page, and the inputs it was made from."""

    def __init__(self) -> None:
        self._pages: dict[str, _Rendered] = {}
        self._settings: tuple[Files, bytes | None] | None = None
        self.hits = 0
        self.misses = 0

    def _context(self, config: MkDocsConfig, files: Files) -> bytes | None:
        """What every page's HTML depends on besides its Markdown, computed once per build;
        None when an extension may read more than the page."""
        if self._settings is None or self._settings[0] is not files:
            # A new build: let go of pages that are gone (a claim deleted or renamed).
            present = files.src_uris
            for gone in [uri for uri in self._pages if uri not in present]:
                del self._pages[gone]
            if not all(_pure(e) for e in config.markdown_extensions):
                self._settings = (files, None)
                return None
            digest = hashlib.sha256()
            settings = [
                config.markdown_extensions,
                config.mdx_configs,
                config.use_directory_urls,
                config.validation,
            ]
            # repr() for what JSON cannot hold (an extension object, a slug function): stable
            # within the process, which is as long as the cache lives.
            digest.update(json.dumps(settings, sort_keys=True, default=repr).encode())
            for f in files:
                digest.update(f"\0{f.src_uri}\0{f.dest_uri}\0{f.inclusion.name}".encode())
            self._settings = (files, digest.digest())
        return self._settings[1]

    def __contains__(self, src_uri: object) -> bool:
        return src_uri in self._pages

    def key(self, page: Page, config: MkDocsConfig, files: Files) -> bytes | None:
        """What ``page`` renders from; None when it cannot be kept."""
        context = self._context(config, files)
        if context is None:
            return None
        digest = hashlib.sha256(context)
        digest.update(page.file.src_uri.encode())
        digest.update(b"\0")
        digest.update((page.markdown or "").encode())
        return digest.digest()

    def take(self, page: Page, key: bytes, files: Files) -> bool:
        """Give ``page`` what it rendered to under ``key`` before; False if there is none."""
        kept = self._pages.get(page.file.src_uri)
        if kept is None or kept.key != key:
            self.misses += 1
            return False
        page.content = kept.content
        page.toc = kept.toc
        page._title_from_render = kept.title
        page.present_anchor_ids = set(kept.anchors)
        if kept.links is not None:
            targets = files.src_uris
            page.links_to_anchors = {
                targets[uri]: dict(anchors) for uri, anchors in kept.links.items()
            }
        self.hits += 1
        return True

    def keep(self, page: Page, key: bytes) -> None:
        links = None
        if page.links_to_anchors is not None:
            links = {f.src_uri: dict(a) for f, a in page.links_to_anchors.items()}
        self._pages[page.file.src_uri] = _Rendered(
            key=key,
            content=page.content or "",
            toc=page.toc,
            title=page._title_from_render,
            anchors=frozenset(page.present_anchor_ids or ()),
            links=links,
        )

    def forget(self, src_uri: str) -> None:
        self._pages.pop(src_uri, None)


class CachedPage(Page):
    """A generated page whose `render` is skipped when it would give the same HTML again."""

    def __init__(
        self, title: str | None, file: File, config: MkDocsConfig, cache: RenderCache
    ) -> None:
        super().__init__(title, file, config)
        self._cache = cache

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if self.markdown is None:
            super().render(config, files)  # MkDocs' own error
            return
        key = self._cache.key(self, config, files)
        if key is None:
            super().render(config, files)
            return
        if self._cache.take(self, key, files):
            return
        with _messages() as said:
            super().render(config, files)
        if said:
            # A broken link or an anchor MkDocs reported: taken back silently next time, the
            # report would be lost, and with it a strict build's failure.
            self._cache.forget(self.file.src_uri)
        else:
            self._cache.keep(self, key)


class _Said(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _messages() -> Iterator[list[Any]]:
    """What MkDocs and Python-Markdown report (at INFO or above) inside the block."""
    said = _Said()
    loggers = [logging.getLogger("mkdocs"), logging.getLogger("MARKDOWN")]
    for logger in loggers:
        logger.addHandler(said)
    try:
        yield said.records
    finally:
        for logger in loggers:
            logger.removeHandler(said)
