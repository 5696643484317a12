"""The cache of built pages: a build after a change gives the bytes a build without it gives."""

from __future__ import annotations

import os
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import BUNDLED, Run, copy_from_repo

CLAIM = "claims/axios-territorial-disagreements-sharpest.yaml"
OLD_TITLE = "Axios reported that the sharpest disagreements were over territory"
NEW_TITLE = "Axios reported that the sharpest disagreements concerned territory"
TAKEN = re.compile(r"berlintalks: (\d+) of (\d+) generated pages taken from the cache")


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The sitemap's dates and its gzip header come from the build date: fixed, so that two
    # builds can be compared byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    return copy_from_repo(tmp_path / "kb", BUNDLED)


def build(cli: Callable[..., Run], kb: Path, site: Path, *cache: str) -> tuple[int, int]:
    """Build ``kb`` into ``site``; (pages taken from the cache, generated pages)."""
    run = cli("build", "--root", kb, "--site-dir", site, *cache)
    assert run.code == 0, run.err
    if "--no-cache" in cache:
        assert not TAKEN.search(run.err), run.err
        return 0, 0
    m = TAKEN.search(run.err)
    assert m, run.err
    return int(m[1]), int(m[2])


def tree(site: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(site)): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()
    }


def assert_same(a: Path, b: Path) -> None:
    left, right = tree(a), tree(b)
    assert sorted(left) == sorted(right)
    differ = [name for name in left if left[name] != right[name]]
    assert not differ, f"{len(differ)} files differ, first {differ[:5]}"


def test_a_build_after_one_change_is_byte_identical_to_a_full_build(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    taken, pages = build(cli, kb, tmp_path / "first", *cache)
    assert taken == 0 and pages > 50

    claim = kb / CLAIM
    claim.write_text(claim.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE))
    taken, again = build(cli, kb, tmp_path / "incremental", *cache)
    assert again == pages
    # The claim's page, and the pages listing or linking it by title, are rendered again.
    assert 0 < taken < pages - 3, (taken, pages)
    page = tmp_path / "incremental/claims/axios-territorial-disagreements-sharpest/index.html"
    assert NEW_TITLE in page.read_text(encoding="utf-8")

    build(cli, kb, tmp_path / "full", "--no-cache")
    assert_same(tmp_path / "incremental", tmp_path / "full")

    # Nothing changed: every page from the cache, and the same bytes again.
    taken, again = build(cli, kb, tmp_path / "unchanged", *cache)
    assert taken == again == pages
    assert_same(tmp_path / "unchanged", tmp_path / "full")


def test_a_build_failed_by_a_warning_keeps_the_cache_of_the_build_before(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    taken, pages = build(cli, kb, tmp_path / "first", *cache)
    # Strict mode fails the build for its warning only after the plugins' last event.
    broken = kb / "docs/broken.md"
    broken.write_text("# Broken\n\n[gone](missing.md)\n", encoding="utf-8")
    run = cli("build", "--root", kb, "--site-dir", tmp_path / "broken", *cache)
    assert run.code != 0 and "missing.md" in run.err
    broken.unlink()
    taken, again = build(cli, kb, tmp_path / "mended", *cache)
    assert taken == again == pages
    assert_same(tmp_path / "mended", tmp_path / "first")


def test_a_changed_theme_override_renders_every_page_again(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    build(cli, kb, tmp_path / "first", *cache)
    main = kb / "templates/theme/main.html"
    main.write_text(
        main.read_text(encoding="utf-8").replace(
            "{% block site_meta %}", '{% block site_meta %}<meta name="bt-test" content="x">'
        )
    )
    taken, pages = build(cli, kb, tmp_path / "second", *cache)
    assert taken == 0 and pages > 50
    page = tmp_path / "second/claims/axios-territorial-disagreements-sharpest/index.html"
    assert '<meta name="bt-test" content="x">' in page.read_text(encoding="utf-8")


def test_damaged_or_linked_entries_are_rendered_again_never_published(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    cache = ("--cache-dir", str(folder))
    build(cli, kb, tmp_path / "first", *cache)
    entries = sorted(p for p in (folder / "pages").rglob("*") if p.is_file())
    assert len(entries) > 50
    poison = tmp_path / "poison"
    poison.write_bytes(zlib.compress(b"<html>POISONED</html>"))
    entries[0].unlink()
    entries[0].symlink_to(poison)  # a link in the cache is never followed
    entries[1].write_bytes(b"not compressed")
    entries[2].write_bytes(zlib.compress(b"\xff\xfe not UTF-8"))
    entries[3].write_bytes(entries[3].read_bytes()[:10])  # cut short, as by a full disk
    taken, pages = build(cli, kb, tmp_path / "second", *cache)
    assert taken == pages - 4
    build(cli, kb, tmp_path / "full", "--no-cache")
    assert_same(tmp_path / "second", tmp_path / "full")
    assert not entries[0].is_symlink(), "the linked entry was not replaced by a real one"
    assert poison.read_bytes() == zlib.compress(b"<html>POISONED</html>")


def test_only_entries_no_build_used_are_removed(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "cache"
    cache = ("--cache-dir", str(folder))
    build(cli, kb, tmp_path / "first", *cache)
    stale = folder / "pages/00" / ("0" * 64)
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(zlib.compress(b"an entry of a page that is gone"))
    notes = folder / "pages/00/notes.txt"
    notes.write_text("kept")
    mine = folder / "mine.txt"
    mine.write_text("kept")
    build(cli, kb, tmp_path / "second", *cache)
    assert not stale.exists()
    assert notes.read_text() == "kept" and mine.read_text() == "kept"
    assert (
        (folder / "CACHEDIR.TAG")
        .read_text()
        .startswith("Signature: 8a477f597d28d172789f06886806bc55")
    )


@pytest.mark.parametrize("where", ["inside", "link", "foreign"])
def test_a_cache_folder_that_is_not_safe_to_use_is_refused(
    cli: Callable[..., Run], kb: Path, tmp_path: Path, where: str
) -> None:
    if where == "inside":
        # A pull request could commit entries there, published as the pages they key.
        folder, said = kb / ".cache", "inside the repository"
    elif where == "link":
        (tmp_path / "elsewhere").mkdir()
        folder, said = tmp_path / "cache", "symbolic link"
        folder.symlink_to(tmp_path / "elsewhere")
    else:
        folder, said = tmp_path / "documents", "not a berlintalks cache"
        folder.mkdir()
        (folder / "letter.txt").write_text("mine")
    before = sorted(os.listdir(tmp_path))
    run = cli("build", "--root", kb, "--site-dir", tmp_path / "site", "--cache-dir", folder)
    assert run.code == 2, run.err
    assert said in run.err and "Traceback" not in run.err
    assert sorted(os.listdir(tmp_path)) == before
    assert not (kb / ".cache").exists()
    if where == "foreign":
        assert sorted(os.listdir(folder)) == ["letter.txt"]
    if where == "link":
        assert os.listdir(tmp_path / "elsewhere") == []


def test_the_default_cache_folder_is_the_users_own(
    cli: Callable[..., Run], kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    build(cli, kb, tmp_path / "first")
    folders = list((tmp_path / "xdg/berlintalks").iterdir())
    assert len(folders) == 1 and (folders[0] / "CACHEDIR.TAG").is_file()
    taken, pages = build(cli, kb, tmp_path / "second")
    assert taken == pages
