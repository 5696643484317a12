"""The keys of the theme's output of generated pages: a hash of everything an output is made of.

`site_key` covers what every page shares: berlintalks' own code, the versions of MkDocs and
Material, the theme's override folder, the configuration, the navigation and the
hand-written pages. `page_key` adds the page itself: its HTML, title, headings, meta and
address, and the context other plugins added for it.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..boundary import tree_digest
from ..code import code_digest

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

# Changed whenever what a key covers changes, so no older entry is ever taken for a newer one.
KEY_FORMAT = "berlintalks-output-1"
# The context every page gets from MkDocs itself: the page, the configuration and the
# navigation are hashed on their own below, and the build date is left out on purpose
# (neither Material nor the override prints it, and with it no entry would ever match).
_MKDOCS_CONTEXT = frozenset(
    {
        "nav",
        "pages",
        "base_url",
        "extra_css",
        "extra_javascript",
        "mkdocs_version",
        "build_date_utc",
        "config",
        "page",
    }
)
_CONFIG_KEYS = (
    "site_name",
    "site_url",
    "site_description",
    "site_author",
    "copyright",
    "repo_url",
    "repo_name",
    "edit_uri",
    "use_directory_urls",
    "extra",
    "extra_css",
    "extra_javascript",
    "markdown_extensions",
    "mdx_configs",
)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return ""


def stable(value: Any, depth: int = 0) -> Any:
    """``value`` as JSON-ready data that is the same in every build for the same content.

    Pages, sections and links are named by title and address only; other objects by their
    class and attributes, a few levels deep. Anything left as a repr that differs between
    builds only makes a page miss its entry, never take another page's.
    """
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if depth > 6:
        return repr(value)
    if isinstance(value, dict):
        return {str(k): stable(v, depth + 1) for k, v in sorted(value.items(), key=_by_key)}
    if isinstance(value, list | tuple | set | frozenset):
        items = [stable(v, depth + 1) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "title") and hasattr(value, "url") and hasattr(value, "is_page"):
        return [type(value).__name__, stable(value.title), stable(value.url)]
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        return [type(value).__qualname__, stable(attrs, depth + 1)]
    return repr(value)


def _by_key(item: tuple[Any, Any]) -> str:
    return str(item[0])


def _nav(items: Iterable[Any]) -> list[Any]:
    out = []
    for item in items:
        children = getattr(item, "children", None)
        entry = [type(item).__name__, item.title, getattr(item, "url", None)]
        if children:
            entry.append(_nav(children))
        out.append(entry)
    return out


def site_key(config: MkDocsConfig, nav: Navigation, files: Files, generated: set[str]) -> str:
    """What every page's output shares: code, versions, theme, configuration, navigation."""
    h = hashlib.sha256(KEY_FORMAT.encode() + b"\0")
    shared = {
        "code": code_digest(),
        "mkdocs": _version("mkdocs"),
        "material": _version("mkdocs-material"),
        "theme": config.theme.name,
        "theme_config": stable(dict(config.theme)),
        "overrides": tree_digest(Path(config.theme.custom_dir)) if config.theme.custom_dir else "",
        "config": {k: stable(config.get(k)) for k in _CONFIG_KEYS},
        "plugins": {name: stable(dict(p.config)) for name, p in config.plugins.items()},
        "nav": _nav(nav.items),
    }
    h.update(json.dumps(shared, sort_keys=True, default=repr).encode())
    if config.config_file_path:
        with contextlib.suppress(OSError):
            h.update(Path(config.config_file_path).read_bytes())
    # The hand-written pages, as MkDocs rendered them: a tags listing or a title there
    # shows in the theme's parts of every page.
    for file in files.documentation_pages():
        if file.src_uri in generated or file.page is None:
            continue
        page = file.page
        h.update(json.dumps([file.src_uri, page.url, page.title], default=repr).encode())
        h.update((page.content or "").encode() + b"\0")
    return h.hexdigest()


def _toc(items: Iterable[Any]) -> list[Any]:
    return [[i.title, i.url, i.level, _toc(i.children)] for i in items]


def _ref(page: Any) -> list[Any] | None:
    return None if page is None else [page.title, page.url]


def page_own(page: Page) -> list[Any]:
    """What a page's output takes from the page itself, but its content."""
    return [
        page.file.src_uri,
        page.file.dest_uri,
        page.url,
        page.canonical_url,
        page.abs_url,
        page.title,
        page.is_homepage,
        page.edit_url,
        stable(page.meta),
        _toc(page.toc),
        _ref(page.previous_page),
        _ref(page.next_page),
        [a.title for a in page.ancestors],
    ]


def page_key(site: str, page: Page, context: dict[str, Any]) -> str:
    """The key of one page's output: `site_key`, the page, and what plugins added for it."""
    own = page_own(page)
    own.append({k: stable(v) for k, v in sorted(context.items()) if k not in _MKDOCS_CONTEXT})
    h = hashlib.sha256(site.encode() + b"\0")
    h.update(json.dumps(own, sort_keys=True, default=repr).encode() + b"\0")
    h.update((page.content or "").encode())
    return h.hexdigest()
