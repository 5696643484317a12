"""Material's phrases and headers, made once per build, are the phrases and headers of each page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pytest
from test_page_cache import assert_same

import berlintalks.site.plugin as plugin
from berlintalks.site.theme_memo import HeaderMemo, keep_headers, keep_translations
from conftest import BUNDLED, Run, copy_from_repo


@dataclass(eq=False)
class Page:
    url: str
    title: str
    meta: dict[str, Any] = field(default_factory=dict)
    date: str = "2025-12-15"


def header(source: str) -> tuple[jinja2.Template, HeaderMemo]:
    """A header template of ``source``, its render kept by a memo with one key for all."""
    template = jinja2.Environment().from_string(source)
    memo = HeaderMemo(lambda page: "one folder")
    template.root_render_func = memo.wrap(template, template.root_render_func)
    return template, memo


def plain(source: str, page: Page) -> str:
    return jinja2.Environment().from_string(source).render(page=page)


PAGES = [
    Page("claims/a/", "A & B <i>said</i>"),
    Page("claims/b/", "Second claim", {"title": "Front-matter title"}),
    Page("claims/c/", "Third"),
]


def test_pages_of_one_key_share_a_header_but_for_the_title() -> None:
    source = (
        "<header>{% if page.meta and page.meta.title %}{{ page.meta.title }}"
        "{% else %}{{ page.title }}{% endif %}|{{ page.url | length }}</header>"
    )
    template, memo = header(source)
    for page in PAGES:
        assert template.render(page=page) == plain(source, page)
    assert (memo.rendered, memo.reused, memo.off) == (1, 2, False)


@pytest.mark.parametrize(
    "source",
    [
        "<h>{{ page.title }} {{ page.date }}</h>",  # more of the page than its title
        "<h>{{ page.meta.author }}{{ page.title }}</h>",  # more of its front matter
        "<h>{{ page.title | e }}</h>",  # the title escaped
        "<h>{{ page.title }}{{ page.title }}</h>",  # twice
        "<h>{{ page.title | upper }}</h>",
        "<h>{% for k in page.meta %}{{ k }}{% endfor %}{{ page.title }}</h>",
    ],
)
def test_a_header_that_reads_more_of_the_page_is_rendered_for_each(source: str) -> None:
    template, memo = header(source)
    for page in PAGES:
        assert template.render(page=page) == plain(source, page)
    assert memo.off and memo.reused == 0


def test_a_sites_own_header_or_phrases_are_left_alone(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "header.html").write_text("<h>{{ page.title }}</h>")
    (tmp_path / "partials" / "language.html").write_text("{% macro t(key) %}{% endmacro %}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(tmp_path))
    assert not keep_headers(env, HeaderMemo(lambda page: 1), [], {})
    assert not keep_translations(env)


def test_the_site_with_kept_phrases_and_headers_is_the_site_without(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    kb = copy_from_repo(tmp_path / "kb", BUNDLED)
    made: list[HeaderMemo] = []
    kept: list[bool] = []
    keep = plugin.keep_headers

    def keeping(env: Any, memo: HeaderMemo, features: Any, extra: Any) -> bool:
        made.append(memo)
        kept.append(keep(env, memo, features, extra))
        return kept[-1]

    def translating(env: Any) -> bool:
        kept.append(keep_translations(env))
        return kept[-1]

    monkeypatch.setattr(plugin, "keep_headers", keeping)
    monkeypatch.setattr(plugin, "keep_translations", translating)
    assert cli("build", "--root", kb, "--site-dir", tmp_path / "kept", "--no-cache").code == 0
    assert kept == [True, True]
    assert made and not made[0].off and made[0].reused > 40, vars(made[0])
    monkeypatch.setattr(plugin, "keep_headers", lambda env, memo, features, extra: False)
    monkeypatch.setattr(plugin, "keep_translations", lambda env: False)
    assert cli("build", "--root", kb, "--site-dir", tmp_path / "each", "--no-cache").code == 0
    assert_same(tmp_path / "kept", tmp_path / "each")
