"""Pages left alone are written straight from the cache, and the site is a full build's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_page_cache import CLAIM, NEW_TITLE, OLD_TITLE, assert_same

from conftest import BUNDLED, Run, copy_from_repo

COUNTS = re.compile(
    r"berlintalks: (\d+) of (\d+) generated pages taken from the cache of built pages, "
    r"(\d+) of them passed over by MkDocs"
)


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")  # the sitemap's dates, fixed
    return copy_from_repo(tmp_path / "kb", BUNDLED)


def build(cli: Callable[..., Run], kb: Path, site: Path, cache: Path) -> tuple[int, int]:
    """Build ``kb`` into ``site`` with ``cache``; (pages written from it, generated pages)."""
    run = cli("build", "--root", kb, "--site-dir", site, "--cache-dir", cache)
    assert run.code == 0, run.err
    m = COUNTS.search(run.err)
    assert m, run.err
    return int(m[3]), int(m[2])


def full(cli: Callable[..., Run], kb: Path, site: Path) -> Path:
    run = cli("build", "--root", kb, "--site-dir", site, "--no-cache")
    assert run.code == 0, run.err
    return site


def test_pages_left_alone_are_written_from_the_cache_and_the_site_is_a_full_builds(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    copied, pages = build(cli, kb, tmp_path / "first", cache)
    assert copied == 0 and pages > 50

    claim = kb / CLAIM
    claim.write_text(claim.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE))
    copied, pages = build(cli, kb, tmp_path / "edited", cache)
    # The claim's page and the lists showing its title are built; the rest are copied.
    assert pages // 2 < copied < pages - 3, (copied, pages)
    assert_same(tmp_path / "edited", full(cli, kb, tmp_path / "edited-full"))

    copied, again = build(cli, kb, tmp_path / "same", cache)
    # All but the pages of fixed prose (home, methodology, data), which the search plugin
    # indexes by reading their HTML, so they are always built.
    assert again == pages and copied == pages - 3
    assert_same(tmp_path / "same", tmp_path / "edited-full")

    # A deleted claim's page is not carried over from the cache.
    claim.unlink()
    copied, fewer = build(cli, kb, tmp_path / "deleted", cache)
    assert fewer == pages - 1 and 0 < copied < fewer
    assert not (tmp_path / "deleted" / CLAIM.removesuffix(".yaml")).exists()
    assert_same(tmp_path / "deleted", full(cli, kb, tmp_path / "deleted-full"))


@pytest.mark.parametrize("damage", ["garbage", "other format", "link", "entries"])
def test_a_damaged_manifest_or_entry_gets_the_pages_built(
    cli: Callable[..., Run], kb: Path, tmp_path: Path, damage: str
) -> None:
    cache = tmp_path / "cache"
    build(cli, kb, tmp_path / "first", cache)
    manifest = cache / "outputs.json"
    kept = manifest.read_bytes()
    assert json.loads(kept)["pages"]
    if damage == "garbage":
        manifest.write_bytes(b"\xff{not json")
    elif damage == "other format":
        manifest.write_text(json.dumps({**json.loads(kept), "format": "something else"}))
    elif damage == "link":
        # A link planted at the manifest, to a manifest that would be taken, is not followed.
        elsewhere = tmp_path / "elsewhere.json"
        elsewhere.write_bytes(kept)
        manifest.unlink()
        manifest.symlink_to(elsewhere)
    else:
        for entry in (cache / "pages").rglob("*"):
            if entry.is_file():
                entry.write_bytes(b"not an entry")
    copied, pages = build(cli, kb, tmp_path / "second", cache)
    assert copied == 0 and pages > 50
    assert_same(tmp_path / "second", full(cli, kb, tmp_path / "full"))
    if damage == "link":
        assert (tmp_path / "elsewhere.json").read_bytes() == kept
        assert not manifest.is_symlink()  # replaced by this build's own


def test_a_plugin_that_hooks_into_pages_turns_the_copies_off(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    # Material's privacy plugin hooks into every page's output (even when disabled): what it
    # would do to a page the keys do not cover, so every page is built.
    config = kb / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - berlintalks:\n" in text
    privacy = "  - privacy:\n      enabled: false\n  - berlintalks:\n"
    config.write_text(text.replace("  - berlintalks:\n", privacy), encoding="utf-8")
    cache = tmp_path / "cache"
    build(cli, kb, tmp_path / "first", cache)
    copied, pages = build(cli, kb, tmp_path / "second", cache)
    assert copied == 0 and pages > 50
    assert_same(tmp_path / "second", full(cli, kb, tmp_path / "full"))
