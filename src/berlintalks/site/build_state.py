"""What the plugin knows of the build under way: its pages, their keys, its second process."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..second_process import Tally
from .htmlpage import HtmlPage
from .theme_share import ThemeShare, theme_output

if TYPE_CHECKING:
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page


@dataclass(slots=True)
class BuildState:
    """One build's use of the store of outputs and of a second process: its files, the
    keys of its pages, and what it took from each."""

    files: Files
    paths: list[str]  # the docs paths of the generated pages
    site: str | None = None  # `page_keys.site_key`, made once MkDocs has read the pages
    built: set[str] = field(default_factory=set)  # the addresses of the pages built
    keys: dict[str, str] = field(default_factory=dict)  # docs path: key of its output
    pending: dict[str, str] = field(default_factory=dict)  # page: key of an output to keep
    hits: int = 0
    nav: Any = None  # the navigation, once MkDocs has made it
    keyed: bool = False  # whether pages are keyed: a store, or a second process, uses them
    second: ThemeShare | None = None
    tally: Tally | None = None  # the pages a second process rendered, when one may
    written_last: Page | None = None  # the page MkDocs wrote last, its HTML to let go
    pre: dict[str, str] = field(default_factory=dict)  # docs path: `copied.pre_key`
    copied: set[str] = field(default_factory=set)  # the pages written from the cache


def release_page(page: Page | None) -> None:
    """Let a generated page's HTML go once MkDocs has written it (see `HtmlPage.release`).

    MkDocs keeps every page to the end of the build; their HTML was a quarter of a build's
    memory at 10,000 claims.
    """
    if isinstance(page, HtmlPage):
        page.release()


def start_share(state: BuildState, config: Any, env: Any, todo: set[str]) -> None:
    """Fork the process that renders a share of the generated pages ``todo`` through the
    theme, and hand it to ``state``."""
    from mkdocs.structure.files import InclusionLevel

    doc_files = state.files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [(f.src_uri, f.page) for f in doc_files if f.src_uri in todo]

    def key_of(page: Page, context: dict[str, Any]) -> str | None:
        # The copy runs no on_post_page: this page's HTML is let go at the next one's
        # on_page_context, as in the build.
        state.written_last = page
        return None if "bt_output" in context else state.keys.get(page.file.src_uri)

    def render(number: int) -> tuple[str, str] | None:
        return theme_output(pages[number][1], config, state.nav, env, doc_files, key_of)

    state.keyed = True  # the copy keys its pages, with a store or without
    state.second = ThemeShare.start([path for path, _ in pages], render)
