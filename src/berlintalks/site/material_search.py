"""Material's search index, given the entries of generated pages made from their records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .htmlpage import HtmlPage, search_entries

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page


def index_from_records(config: MkDocsConfig) -> None:
    """Have Material's search index take a generated page's entries from its records.

    The search plugin parses every page's HTML again to index it, about a sixth of a build;
    a record's page hands over the entries it made from the record instead. Pages without
    entries of their own (the lists of the whole knowledge base) are parsed as before.
    """
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if index is None or not isinstance(getattr(index, "entries", None), list):
        return
    parse = index.add_entry_from_context
    if getattr(parse, "berlintalks", False):
        return

    def add_entry_from_context(page: Page) -> None:
        entries = page.rendered.search if isinstance(page, HtmlPage) else None
        if entries is None:
            parse(page)
        elif not (page.meta.get("search") or {}).get("exclude"):
            index.entries.extend(search_entries(page, entries))

    add_entry_from_context.berlintalks = True  # type: ignore[attr-defined]
    index.add_entry_from_context = add_entry_from_context
