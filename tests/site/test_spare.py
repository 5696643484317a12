"""The site before last, kept in the cache folder, is brought up to date and swapped in; the
site is a full build's whatever was done to it in between."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from test_copied import full
from test_page_cache import CLAIM, NEW_TITLE, OLD_TITLE, assert_same, tree

from berlintalks.site import spare as spare_module
from berlintalks.site.site_folder import is_built_site
from berlintalks.site.tree_record import FILE, tree_id
from conftest import BUNDLED, Run, copy_from_repo

LEFT = re.compile(
    r"(\d+) of them passed over by MkDocs: (\d+) written straight from the cache, (\d+) left"
)
PAGE = "claims/axios-territorial-disagreements-sharpest/index.html"
# A page no edit of the claim above changes: only the spare can give it without a write.
STILL = "claims/european-statement-eu-accession/index.html"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")  # the sitemap's dates, fixed
    return copy_from_repo(tmp_path / "kb", BUNDLED)


@pytest.fixture(autouse=True)
def into_the_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bundled site is small, so its theme's files outnumber the pages a build keeps,
    and a build would move the kept pages out of the spare: the other way, as for a large
    site, unless a test says otherwise (`out_of_the_spare`)."""
    monkeypatch.setattr(spare_module, "fewer_kept", lambda kept, made: False)


def out_of_the_spare(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spare_module, "fewer_kept", lambda kept, made: True)


def build(cli: Callable[..., Run], kb: Path, site: Path, cache: Path, edit: int) -> int:
    """Edit the claim (a title for odd ``edit``, the other for even), build ``kb`` into
    ``site`` with ``cache``; the pages left as the site before last had them."""
    claim = kb / CLAIM
    old, new = (OLD_TITLE, NEW_TITLE) if edit % 2 else (NEW_TITLE, OLD_TITLE)
    claim.write_text(claim.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    run = cli("build", "--root", kb, "--site-dir", site, "--cache-dir", cache)
    assert run.code == 0, run.err
    m = LEFT.search(run.err)
    assert m, run.err
    return int(m[3])


def two_builds(cli: Callable[..., Run], kb: Path, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The site, its cache folder and the spare there, after a first build and an edit."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert build(cli, kb, site, cache, 0) == 0
    assert build(cli, kb, site, cache, 1) == 0  # no spare yet: the site it replaced becomes it
    spare = cache / "spare"
    assert is_built_site(spare) and tree_id(spare) is not None
    return site, cache, spare


def test_the_site_before_last_is_brought_up_to_date_and_swapped_in(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    site, cache, spare = two_builds(cli, kb, tmp_path)
    assert NEW_TITLE not in (spare / PAGE).read_text(encoding="utf-8")
    ids = tree_id(spare), tree_id(site)
    left = build(cli, kb, site, cache, 2)
    # The spare's folder is the site now, and the site it replaced the spare.
    assert (tree_id(site), tree_id(spare)) == ids
    pages = len([p for p in tree(site) if p.endswith(".html")])
    assert pages // 2 < left < pages, (left, pages)
    assert_same(site, full(cli, kb, tmp_path / "full"))
    # Once more, from the other side of the swap.
    build(cli, kb, site, cache, 3)
    assert (tree_id(site), tree_id(spare)) == ids[::-1]
    assert NEW_TITLE in (site / PAGE).read_text(encoding="utf-8")
    assert_same(site, full(cli, kb, tmp_path / "full-again"))


def _changed(spare: Path, outside: Path) -> None:
    # Other bytes of the same length, the modification time put back: only the change
    # time, which no program sets, tells it.
    page = spare / STILL
    info = page.stat()
    text = page.read_bytes()
    page.write_bytes(text.replace(b"European", b"Europeam", 1))
    os.utime(page, ns=(info.st_atime_ns, info.st_mtime_ns))


def _added(spare: Path, outside: Path) -> None:
    (spare / "planted.html").write_text("<p>not ours</p>", encoding="utf-8")
    (spare / "claims/empty-folder").mkdir()


def _linked(spare: Path, outside: Path) -> None:
    folder = spare / Path(STILL).parent
    (outside / "index.html").write_bytes((folder / "index.html").read_bytes())
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)


def _unrecorded(spare: Path, outside: Path) -> None:
    (spare.parent / FILE).unlink()


def _file_for_folder(spare: Path, outside: Path) -> None:
    folder = spare / "sources"
    for path in sorted(folder.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    folder.rmdir()
    folder.write_text("a file where a folder was", encoding="utf-8")


@pytest.mark.parametrize("way", ["into", "out of"])
@pytest.mark.parametrize(
    "damage", [_changed, _added, _linked, _unrecorded, _file_for_folder], ids=lambda f: f.__name__
)
def test_whatever_was_done_to_the_spare_the_site_is_a_full_builds(
    cli: Callable[..., Run],
    kb: Path,
    tmp_path: Path,
    damage: Callable[[Path, Path], None],
    way: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site, cache, spare = two_builds(cli, kb, tmp_path)
    if way == "out of":
        out_of_the_spare(monkeypatch)
    outside = tmp_path / "outside"
    outside.mkdir()
    damage(spare, outside)
    kept_outside = tree(outside)
    build(cli, kb, site, cache, 2)
    assert_same(site, full(cli, kb, tmp_path / "full"))
    assert tree(outside) == kept_outside  # a link in the spare is removed, never followed
    assert not any(p.is_symlink() for p in site.rglob("*"))


def test_pages_made_anew_take_the_few_kept_out_of_the_spare(
    cli: Callable[..., Run], kb: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the choice as a build makes it
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    site, cache, spare = two_builds(cli, kb, tmp_path)
    ids = tree_id(spare), tree_id(site)
    # Every claim's page changes with its template: the pages the spare keeps are the few.
    template = kb / "templates/claim.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "\n<!-- v2 -->\n", encoding="utf-8")
    assert build(cli, kb, site, cache, 2) > 0
    # The fresh folder is the site; the site it replaced, the spare; the old spare is gone.
    assert tree_id(site) not in ids and tree_id(spare) == ids[1]
    assert_same(site, full(cli, kb, tmp_path / "full"))
    build(cli, kb, site, cache, 3)
    assert_same(site, full(cli, kb, tmp_path / "full-again"))


def test_a_site_changed_after_its_build_is_not_trusted_as_the_next_spare(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    site, cache, _ = two_builds(cli, kb, tmp_path)
    # Changed while it is the site: the next build makes it the spare, the one after uses it.
    _changed(site, tmp_path)
    _added(site, tmp_path)
    build(cli, kb, site, cache, 2)
    build(cli, kb, site, cache, 3)
    assert_same(site, full(cli, kb, tmp_path / "full"))


def test_a_failed_build_leaves_the_site_and_its_spare_for_the_next(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    site, cache, spare = two_builds(cli, kb, tmp_path)
    before, ids = tree(site), (tree_id(spare), tree_id(site))
    # Strict mode fails the build on a link to a page that does not exist.
    (kb / "docs/broken.md").write_text("# Broken\n\n[gone](missing.md)\n", encoding="utf-8")
    run = cli("build", "--root", kb, "--site-dir", site, "--cache-dir", cache)
    assert run.code != 0 and "Traceback" not in run.err
    assert tree(site) == before and (tree_id(spare), tree_id(site)) == ids
    (kb / "docs/broken.md").unlink()
    # The spare was kept and is used, and so is the cache the failed build did not replace.
    assert build(cli, kb, site, cache, 2) > 0
    assert tree_id(site) == ids[0]
    assert_same(site, full(cli, kb, tmp_path / "full"))


def test_a_spare_another_build_holds_is_left_alone(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    fcntl = pytest.importorskip("fcntl")
    site, cache, spare = two_builds(cli, kb, tmp_path)
    ids = tree_id(spare), tree_id(site)
    with open(cache / "spare.lock", "rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert build(cli, kb, site, cache, 2) == 0
        assert tree_id(spare) == ids[0] and tree_id(site) not in ids
    assert_same(site, full(cli, kb, tmp_path / "full"))
