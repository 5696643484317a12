"""Material's translations and page header, each made once per build where they cannot differ.

Every page of a Material site asks Material's translation table (``partials/language.html``)
some twenty times, and each ask builds the whole table of a hundred phrases again; and every
page renders the same header but for its title. Together they were two fifths of the theme's
time per page. A build has one language and one configuration, so a phrase is the same on
every page; and for the pages outside the nav the header depends on the page only through its
title and the links it makes relative to the page's address (the sidebar's key, `nav_memo`).

Both are kept only where the templates are Material's own. The header is first rendered with
a stand-in for the page that notes what is read of it: a read of anything but the address and
the title (a partial that shows the page's date, say) turns the kept headers off for the
build, so a site's own partials can never make one page show another's header.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import jinja2

LANGUAGE_TEMPLATE = "partials/language.html"
HEADER_TEMPLATE = "partials/header.html"

# Changed by any filter that would change a title (escaping, striptags, case, truncation),
# so the header's one plain use of the title is the only place it is found.
_TITLE = "<bT\x00title\x00Tb>"


def _materials(template: jinja2.Template) -> bool:
    """Whether ``template`` is Material's own file, not a site's override of it."""
    import material

    if not template.filename:
        return False
    own = Path(material.__file__).resolve().parent / "templates"
    return Path(os.path.realpath(template.filename)).is_relative_to(own)


def _own(env: Any, name: str) -> jinja2.Template | None:
    try:
        template = env.get_template(name)
    except jinja2.TemplateNotFound:
        return None
    return template if _materials(template) else None


def keep_translations(env: Any) -> bool:
    """Let each phrase of Material's translation table be looked up once in ``env``;
    False where the theme has no such table or a site overrides it."""
    template = _own(env, LANGUAGE_TEMPLATE)
    if template is None:
        return False
    render = template.root_render_func
    said: dict[Any, Any] = {}

    def root(context: Any) -> Iterator[str]:
        yield from render(context)
        look_up = context.vars.get("t")
        if callable(look_up):
            context.vars["t"] = _Phrases(look_up, said)

    template.root_render_func = root
    return True


class _Phrases:
    """The table's ``t(key)``, each key's phrase kept for the build."""

    def __init__(self, look_up: Callable[[Any], Any], said: dict[Any, Any]) -> None:
        self._look_up = look_up
        self._said = said

    def __call__(self, key: Any) -> Any:
        try:
            return self._said[key]
        except KeyError:
            phrase = self._said[key] = self._look_up(key)
            return phrase
        except TypeError:  # a key that cannot be kept: looked up each time
            return self._look_up(key)


class HeaderMemo:
    """The header of each ``key(page)``, with the place of the title, for one build."""

    def __init__(self, key: Callable[[Any], Any]) -> None:
        self._key = key
        self._headers: dict[Any, tuple[str, str]] = {}
        self.off = False
        self.rendered = self.reused = 0

    def wrap(
        self, template: jinja2.Template, render: Callable[[Any], Iterator[str]]
    ) -> Callable[[Any], Iterator[str]]:
        def root(context: Any) -> Iterator[str]:
            page = context.get("page")
            title = _title(page)
            key = None if self.off or title is None else self._key(page)
            if key is None:
                yield from render(context)
                return
            kept = self._headers.get(key)
            if kept is None:
                kept = self._first(template, render, context, page, key)
                if kept is None:
                    yield from render(context)
                    return
            else:
                self.reused += 1
            yield kept[0] + title + kept[1]

        return root

    def _first(
        self,
        template: jinja2.Template,
        render: Callable[[Any], Iterator[str]],
        context: Any,
        page: Any,
        key: Any,
    ) -> tuple[str, str] | None:
        """The header for ``key``, rendered with a stand-in page; None, and the memo off,
        when the templates read more of the page or use its title otherwise."""
        stand_in = _StandIn(page)
        given = dict(context.get_all())
        given["page"] = stand_in
        html = "".join(render(template.new_context(given, shared=True)))
        if stand_in.foreign or html.count(_TITLE) != 1:
            self.off = True
            return None
        before, _, after = html.partition(_TITLE)
        self._headers[key] = (before, after)
        self.rendered += 1
        return before, after


def _title(page: Any) -> str | None:
    """The title the header shows for ``page``, as the theme writes it; None where there is
    none to stand in for."""
    meta = getattr(page, "meta", None)
    value = meta.get("title") if isinstance(meta, Mapping) else None
    if not value:
        value = getattr(page, "title", None)
    return str(value) if value and isinstance(value, str) else None


class _StandIn:
    """A page whose title is `_TITLE`, noting any read but its address and title."""

    def __init__(self, page: Any) -> None:
        self._page = page
        self.foreign: set[str] = set()
        meta = getattr(page, "meta", None)
        self._meta = _Meta(meta if isinstance(meta, Mapping) else {}, self.foreign)

    @property
    def url(self) -> Any:
        return self._page.url

    @property
    def title(self) -> str:
        return _TITLE

    @property
    def meta(self) -> _Meta:
        return self._meta

    def __getattr__(self, name: str) -> Any:
        self.foreign.add(name)
        return getattr(self._page, name)

    def __eq__(self, other: object) -> bool:
        self.foreign.add("==")
        return self._page == other

    __hash__ = object.__hash__

    def __bool__(self) -> bool:
        return True


class _Meta(Mapping[str, Any]):
    """A page's front matter, its title `_TITLE` where it has one, noting other reads."""

    def __init__(self, meta: Mapping[str, Any], foreign: set[str]) -> None:
        self._meta = meta
        self._foreign = foreign

    def __getitem__(self, key: str) -> Any:
        if key == "title":
            return _TITLE if self._meta.get("title") else self._meta[key]
        self._foreign.add(f"meta.{key}")
        return self._meta[key]

    def __iter__(self) -> Iterator[str]:
        self._foreign.add("meta")
        return iter(self._meta)

    def __len__(self) -> int:
        return len(self._meta)


def keep_headers(env: Any, memo: HeaderMemo, features: Any, extra: Any) -> bool:
    """Render ``env``'s header through ``memo``; False where the header is a site's own,
    shows the navigation's tabs (which mark the page's own) or links to other languages."""
    template = _own(env, HEADER_TEMPLATE)
    if template is None or "navigation.tabs.sticky" in (features or ()):
        return False
    if isinstance(extra, Mapping) and extra.get("alternate"):
        return False
    template.root_render_func = memo.wrap(template, template.root_render_func)
    return True
