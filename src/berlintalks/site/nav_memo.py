"""Material's sidebar rendered once per folder for the pages outside the nav.

Every page of a Material site carries the whole navigation (``partials/nav.html``), and it
was a third of the theme's time per page: the same sidebar, for thousands of claim and
source pages that are not in the nav themselves. For such a page the sidebar depends on the
page only through the links it makes relative to the page's address, and MkDocs makes every
relative link from the folders of that address alone (`mkdocs.utils.get_relative_url`).
Two pages outside the nav whose addresses differ only in their last folder therefore get
the same sidebar, unless a link could point into one of those folders, which is checked
against every address of the build.

The memo lasts one build: the navigation, the configuration and the theme are fixed within
it.
"""

from __future__ import annotations

import posixpath
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import jinja2

NAV_TEMPLATE = "partials/nav.html"

# The folders of an address that relative links are made from, as MkDocs splits them.
Parts = tuple[str, ...]


def link_parts(url: str) -> Parts:
    """The folders ``get_relative_url`` makes a link from, for a page at ``url``."""
    folder, _, last = url.rpartition("/")
    if "." in last:  # a file name (`use_directory_urls: false`): its folder
        url = folder
    path = posixpath.normpath("/" + url)[1:]
    return tuple(path.split("/")) if path else ()


def target_parts(url: str) -> Parts | None:
    """The folders of a link target ``url``; None for one MkDocs leaves as it is."""
    if not url or "://" in url or url.startswith(("/", "#", "mailto:")):
        return None
    path = posixpath.normpath("/" + url.split("#")[0].split("?")[0])[1:]
    return tuple(path.split("/")) if path else ()


def nav_urls(nav: Any) -> Iterator[str]:
    """Every address the navigation holds: pages, links and sections' pages."""
    items = list(getattr(nav, "items", None) or ())
    while items:
        item = items.pop()
        url = getattr(item, "url", None)
        if isinstance(url, str):
            yield url
        items.extend(getattr(item, "children", None) or ())


class NavMemo:
    """The sidebar of each folder, for the pages of one build that the nav does not list.

    ``targets``: every address a sidebar could link to (every file of the build, every nav
    entry, the home page). Pages whose addresses make links from the same folders share a
    sidebar. So do pages that differ in their last folder only, when no target but the page
    itself lies in that folder: a link into it would differ from one page to the next.
    """

    def __init__(self, nav: Any, targets: Iterable[str]) -> None:
        self._nav_pages = list(getattr(nav, "pages", None) or ())
        self._targets = set(targets)
        self._within: Counter[Parts] = Counter()  # folder: targets at or below it
        for url in self._targets:
            parts = target_parts(url)
            for end in range(1, len(parts) + 1 if parts else 0):
                self._within[parts[:end]] += 1
        self._sidebars: dict[tuple[str, Parts], str] = {}
        self.rendered = self.reused = 0

    def key(self, page: Any) -> tuple[str, Parts] | None:
        """The sidebar's key for ``page``; None for a page the nav lists, rendered alone."""
        url = getattr(page, "url", None)
        if not isinstance(url, str) or any(page == p for p in self._nav_pages):
            return None
        parts = link_parts(url)
        own = 1 if url in self._targets else 0
        if parts and self._within[parts] == own:
            return ("sibling", parts[:-1])
        return ("same", parts)

    def wrap(self, render: Callable[[Any], Iterator[str]]) -> Callable[[Any], Iterator[str]]:
        """``render`` (a template's root render function) with the sidebars kept."""

        def root(context: Any) -> Iterator[str]:
            key = self.key(context.get("page"))
            if key is None:
                yield from render(context)
                return
            html = self._sidebars.get(key)
            if html is None:
                html = self._sidebars[key] = "".join(render(context))
                self.rendered += 1
            else:
                self.reused += 1
            yield html

        return root


def keep_sidebars(env: Any, memo: NavMemo) -> bool:
    """Render ``env``'s sidebar template through ``memo``; False if the theme has none."""
    try:
        template = env.get_template(NAV_TEMPLATE)
    except jinja2.TemplateNotFound:  # a theme without Material's sidebar: nothing to keep
        return False
    template.root_render_func = memo.wrap(template.root_render_func)
    return True


def link_targets(config: Any, files: Iterable[Any], nav: Any) -> list[str]:
    """Every address a page's sidebar could link to (see `nav_memo`)."""
    urls = [f.url for f in files]
    urls.extend(nav_urls(nav))
    for given in ((config.extra or {}).get("homepage"), config.theme.get("logo")):
        if isinstance(given, str):
            urls.append(given)
    return urls


def nav_titles(nav: Any) -> dict[str, str | None]:
    """The title each page has in the `nav` setting (``{title: path}``, a bare path, sections)."""
    titles: dict[str, str | None] = {}
    items = list(nav or ())
    while items:
        item = items.pop()
        if isinstance(item, str):
            titles.setdefault(item, None)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                else:
                    items.extend(value if isinstance(value, list) else [value])
    return titles
