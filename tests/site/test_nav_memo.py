"""Material's sidebar, rendered once per folder for pages outside the nav, is the same sidebar."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from mkdocs.utils import get_relative_url
from test_page_cache import assert_same

import berlintalks.site.plugin as plugin
from berlintalks.site.nav_memo import NavMemo, link_parts
from conftest import BUNDLED, Run, copy_from_repo


@dataclass(eq=False)
class Item:
    url: str | None
    title: str = ""
    children: list[Any] = field(default_factory=list)


@dataclass
class Nav:
    items: list[Item]
    pages: list[Item]


def memo(*targets: str, nav: list[Item] | None = None) -> NavMemo:
    nav = nav or [Item("methodology/"), Item("claims/")]
    return NavMemo(Nav(nav, [i for i in nav if i.url]), [*targets, *(i.url or "" for i in nav)])


def test_pages_in_one_folder_share_a_sidebar() -> None:
    m = memo("claims/a/", "claims/b/", "sources/s/")
    assert m.key(Item("claims/a/")) == m.key(Item("claims/b/")) == ("sibling", ("claims",))
    assert m.key(Item("sources/s/")) == ("sibling", ("sources",))


def test_a_link_into_a_pages_folder_gives_it_a_sidebar_of_its_own() -> None:
    m = memo("claims/a/", "claims/b/", "claims/a/notes/")
    assert m.key(Item("claims/a/")) == ("same", ("claims", "a"))
    assert m.key(Item("claims/b/")) == ("sibling", ("claims",))


def test_a_page_the_nav_lists_is_rendered_alone() -> None:
    listed = Item("methodology/")
    assert memo(nav=[listed]).key(listed) is None


def test_file_addresses_share_their_folder() -> None:
    m = memo("claims/a.html", "claims/b.html")
    assert m.key(Item("claims/a.html")) == m.key(Item("claims/b.html")) == ("same", ("claims",))


@pytest.mark.parametrize(
    ("page", "other"),
    [("claims/a/", "claims/b/"), ("claims/a.html", "claims/b.html"), ("a/b/c/", "a/b/d/")],
)
def test_the_key_holds_what_every_relative_link_depends_on(page: str, other: str) -> None:
    """Two pages with one key get the same link to every target outside their own folder."""
    m = memo(page, other)
    targets = ["", "claims/", "sources/x/", "a/", "a/b/", "assets/logo.png", "index.html"]
    if m.key(Item(page)) == m.key(Item(other)):
        for target in targets:
            assert get_relative_url(target, page) == get_relative_url(target, other), target
    assert link_parts(page)[:-1] == link_parts(other)[:-1]


def test_the_site_with_kept_sidebars_is_the_site_without(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    kb = copy_from_repo(tmp_path / "kb", BUNDLED)
    made: list[NavMemo] = []
    keep = plugin.keep_sidebars

    def keeping(env: Any, memo: NavMemo) -> bool:
        made.append(memo)
        return keep(env, memo)

    monkeypatch.setattr(plugin, "keep_sidebars", keeping)
    assert cli("build", "--root", kb, "--site-dir", tmp_path / "kept", "--no-cache").code == 0
    assert made and made[0].reused > 40 and made[0].rendered < 10, vars(made[0])
    monkeypatch.setattr(plugin, "keep_sidebars", lambda env, memo: False)
    assert cli("build", "--root", kb, "--site-dir", tmp_path / "each", "--no-cache").code == 0
    assert_same(tmp_path / "kept", tmp_path / "each")
