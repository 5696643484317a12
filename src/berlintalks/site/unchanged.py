"""`serve`'s rebuilds that leave alone the generated pages whose page did not change.

After a saved record, most pages are what the rebuild before wrote. `serve` then asks MkDocs
for a dirty build (`serve.py` decides when: only the records changed since a rebuild that
succeeded), and the plugin hands MkDocs again the very file, and with it the page, of each
generated page whose `RenderedPage` is unchanged: MkDocs neither reads, renders nor writes
it again, and what it learnt of the page when it last read it (headings, anchors, title)
stays with the page. Where another plugin reads pages as MkDocs reads them (see
`reading_allowed`), the page is a new `KeptFile` instead, read again but not written. What
such a page puts in the site outside its own file is put back here: its search entries,
kept from the rebuild before. The pages of records that are gone are removed from the
preview's folder, which only `serve` writes.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mkdocs.utils import get_build_date

from .htmlpage import HtmlPage, PackedFile
from .rendered import RenderedPage

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files

    from .build_state import BuildState

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


class DirtyNotice(logging.Filter):
    """Drops MkDocs' notices of a dirty build: that pages may be left out of date, and that
    the site folder holds files already. The rebuilds of `serve` are dirty only when no
    page but a generated one can change, and those the plugin renders again when their
    records change; a build with a cache folder is dirty in a fresh folder, to pass over
    the pages written from the cache (`copied`). In strict mode the warning would fail
    every such build."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not message.startswith(
            ("A 'dirty' build is being performed", "The directory contains stale files")
        )


class KeptFile(PackedFile):
    """The file of a generated page in `serve`, which a later rebuild may leave alone.

    ``left_alone``: the page is the one the rebuild before made, file and page handed to
    MkDocs again, and MkDocs passes over it altogether. ``serving`` set: the page has not
    changed, but a plugin reads pages (see `reading_allowed`), so MkDocs reads it again
    (cheap: its HTML is handed over), that plugin seeing its meta, and does not write it.
    """

    serving: Serving | None = None
    left_alone: bool = False

    def is_modified(self) -> bool:
        if self.left_alone:
            return False
        if self.serving is not None:
            return not self.serving.writing
        return super().is_modified()


# The events of MkDocs' reading of a page, and the plugins that may be passed over in them:
# Material's tags plugin gathers each page's tags there, which only its export of every
# tag (tags.json) and its listings need, and a listing is in a hand-written page, which
# a dirty rebuild does not read again either.
_READING = ("pre_page", "page_read_source", "page_markdown", "page_content")


def reading_allowed(config: MkDocsConfig, ours: type) -> bool:
    """Whether MkDocs may leave an unchanged page unread: no plugin but ``ours`` (the
    plugin class of berlintalks) and Material's tags, not exporting, reads pages."""
    for event in _READING:
        for method in config.plugins.events.get(event, ()):
            owner = getattr(method, "__self__", None)
            tags = type(owner).__module__.startswith("material.plugins.tags.")
            exporting = getattr(getattr(owner, "config", None), "export", True)
            if not isinstance(owner, ours) and not (tags and not exporting):
                return False
    return True


@dataclass(slots=True)
class Serving:
    """What the plugin keeps between the rebuilds of one `serve` for this."""

    dirty: bool = False  # the coming rebuild may leave unchanged pages alone
    writing: bool = False  # MkDocs has read every page and is writing them
    reusing: bool = False  # the coming rebuild may hand MkDocs the pages of the last
    date: str = ""  # the date of the rebuild under way
    # The generated pages of the last rebuild by docs path, as `entry` keeps them; and of
    # the rebuild under way.
    pages: dict[str, tuple[RenderedPage, str]] = field(default_factory=dict)
    now: dict[str, tuple[RenderedPage, str]] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # their files in the preview's folder
    search: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by page address
    keys: dict[str, str] = field(default_factory=dict)  # docs path: key of its output
    # The files of the generated pages of the last rebuild, and of the one under way.
    files: dict[str, KeptFile] = field(default_factory=dict)
    files_now: dict[str, KeptFile] = field(default_factory=dict)

    @staticmethod
    def entry(page: RenderedPage) -> tuple[RenderedPage, str]:
        """``page`` without its HTML, and the HTML: the same string the kept pages of
        `memo.RenderMemo` hold, so keeping it here holds no second copy."""
        return replace(page, html=""), page.html

    def same(self, path: str, entry: tuple[RenderedPage, str]) -> bool:
        """Whether the last rebuild made the page at ``path`` as ``entry``.

        The very HTML string of the last rebuild means the memo handed back the page it
        kept, whose headings, links and search entries come with it and whose meta comes
        from a view it found equal. Compared whole instead, three rebuilds at 10,000
        claims took 4.68-4.76 s against 4.37-4.52 s, for the same answer."""
        before = self.pages.get(path)
        return before is not None and (before[1] is entry[1] or before == entry)

    def start(self, config: MkDocsConfig, ours: type) -> None:
        """A rebuild begins: nothing is written yet; whether it may hand MkDocs the pages of
        the last (``ours``: the plugin class of berlintalks)."""
        self.writing = False
        self.reusing = self.dirty and reading_allowed(config, ours)
        self.date = get_build_date()  # as MkDocs dates each page it makes, for the sitemap
        self.now, self.files_now = {}, {}

    def file(
        self, path: str, entry: tuple[RenderedPage, str], made: Callable[[], KeptFile], nav: bool
    ) -> KeptFile:
        """The file of the generated page at ``path`` made as ``entry``: the last rebuild's,
        left alone, if it made the same page; else ``made()``, read but not written if it is
        the same page, or where the page is in the navigation, whose links MkDocs sets on
        every build."""
        same = self.dirty and self.same(path, entry)
        before = self.files.get(path) if same and self.reusing and not nav else None
        if before is not None and isinstance(before.page, HtmlPage):
            before.left_alone = True
            before.page.update_date = self.date
            file = before
        else:
            file = made()
            file.serving = self if same else None
        self.files_now[path] = file
        self.now[path] = entry
        return file

    def relink(self, files: Files) -> None:
        """Check the links of the pages left alone against the pages of this rebuild."""
        left = 0
        for path, file in self.files_now.items():
            if file.left_alone and isinstance(file.page, HtmlPage):
                file.page.relink(self.now[path][0].links, files)
                left += 1
        if self.dirty:
            log.info(f"berlintalks: {left} pages left as the rebuild before made them")


def by_page(entries: Iterable[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Search entries by the address of their page (``claims/x/`` for ``claims/x/#why``)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        out.setdefault(str(entry.get("location", "")).split("#", 1)[0], []).append(entry)
    return out


def restore_search(
    entries: list[dict[str, Any]],
    urls: Iterable[str],
    built: set[str],
    before: dict[str, list[dict[str, Any]]],
) -> None:
    """Add to ``entries`` those of every page at ``urls`` that was not ``built`` this time."""
    for url in urls:
        if url not in built:
            entries.extend(before.get(url, ()))


def remove_gone(site_dir: str, before: set[str], now: set[str]) -> None:
    """Delete the files of generated pages written before and not now, and their emptied
    folders, inside ``site_dir`` only."""
    top = os.path.realpath(site_dir)
    for path in sorted(before - now):
        real = os.path.realpath(path)
        if not real.startswith(top + os.sep) or os.path.islink(path):
            continue
        with contextlib.suppress(OSError):
            os.unlink(path)
        folder = os.path.dirname(real)
        while folder != top and folder.startswith(top + os.sep):
            try:
                os.rmdir(folder)
            except OSError:
                break
            folder = os.path.dirname(folder)


def after_rebuild(serving: Serving, config: MkDocsConfig, state: BuildState) -> None:
    """Keep what the next rebuild of `serve` needs of this one; after a dirty rebuild, put
    back the search entries of the pages left alone and remove the pages of deleted records."""
    written = {state.files.src_uris[p].abs_dest_path for p in state.paths}
    index = getattr(config.plugins.get("material/search"), "search_index", None)
    entries = getattr(index, "entries", None)
    if serving.dirty:
        # The pages MkDocs left alone kept their files, output and search entries.
        if isinstance(entries, list):
            urls = [f.page.url for f in state.files.documentation_pages() if f.page]
            restore_search(entries, urls, state.built, serving.search)
        kept = [p for p in state.paths if p not in state.keys and p in serving.keys]
        state.keys.update({p: serving.keys[p] for p in kept})
        remove_gone(config.site_dir, serving.written, written)
    serving.pages, serving.now = serving.now, {}
    serving.files, serving.files_now = serving.files_now, {}
    serving.written, serving.keys = written, state.keys
    serving.search = by_page(entries) if isinstance(entries, list) else {}
