"""The pages kept in the cache folder between builds: taken only while what they read holds.

`memo_store.DiskRenderMemo` keeps each generated page with the fingerprints of its view and
of what it read. These tests build the bundled knowledge base through the command line
with a cache folder, change a record that other pages show, damage and link the file, and
compare every time with a build without the cache.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from markupsafe import Markup
from test_page_cache import assert_same, tree

from berlintalks.site.fingerprint import Fingerprints, NoFingerprint
from berlintalks.site.memo_store import FILE, _decode, _encode
from conftest import BUNDLED, REPO, Run, copy_from_repo

KEPT = re.compile(r"berlintalks: (\d+) pages kept from the build before")


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")  # the sitemap's dates, fixed
    return copy_from_repo(tmp_path / "kb", BUNDLED)


def build(cli: Callable[..., Run], kb: Path, site: Path, cache: Path | None) -> int:
    """Build ``kb`` into ``site``; how many pages came from ``cache`` (None: no cache)."""
    where = ("--cache-dir", str(cache)) if cache else ("--no-cache",)
    run = cli("build", "--root", kb, "--site-dir", site, *where)
    assert run.code == 0, run.err
    kept = KEPT.search(run.err)
    assert (kept is None) == (cache is None), run.err
    return int(kept[1]) if kept else 0


def rows(cache: Path) -> int:
    with sqlite3.connect(cache / FILE) as db:
        return int(db.execute("SELECT count(*) FROM pages").fetchone()[0])


def test_a_source_renamed_shows_on_the_pages_that_name_it(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert build(cli, kb, tmp_path / "first", cache) == 0
    kept = rows(cache)
    assert kept > 50
    # Nothing changed: every page kept is taken, and the bytes are a fresh build's.
    assert build(cli, kb, tmp_path / "again", cache) >= kept
    build(cli, kb, tmp_path / "fresh", None)
    assert_same(tmp_path / "again", tmp_path / "fresh")

    # A source's name is shown on the pages of the claims that cite it, and on lists.
    path = kb / "sources/axios.yaml"
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["name"] == "Axios"
    text = re.sub(r"(?m)^name: .*$", 'name: "Axios Renamed Desk"', path.read_text("utf-8"), count=1)
    path.write_text(text, encoding="utf-8")
    taken = build(cli, kb, tmp_path / "renamed", cache)
    assert 0 < taken < kept
    build(cli, kb, tmp_path / "renamed-fresh", None)
    assert_same(tmp_path / "renamed", tmp_path / "renamed-fresh")
    shown = [
        name for name, data in tree(tmp_path / "renamed").items() if b"Axios Renamed Desk" in data
    ]
    # Pages kept from before that read the source: the claim citing it, the article.
    for page in ("claims/axios-territorial-disagreements-sharpest/", "publications/"):
        assert any(n.startswith(page) for n in shown), shown


def test_a_damaged_or_linked_file_of_pages_is_never_trusted(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build(cli, kb, tmp_path / "first", cache)
    with sqlite3.connect(cache / FILE) as db:
        db.execute("UPDATE pages SET body = ? WHERE path LIKE 'claims/%'", (b"not packed",))
        # A read numbered past what a page's list of reads can hold, and one not of text.
        db.execute("INSERT INTO reads VALUES (?, 'kb.claims', 'item', '\"x\"', x'00')", (2**40,))
        db.execute("INSERT INTO reads VALUES (7777777, 'kb.claims', 'item', '\"y\"', 12)")
    # A changed record, so that this build numbers reads it has not seen.
    source = kb / "sources/axios.yaml"
    source.write_text(source.read_text("utf-8").replace('name: "Axios"', 'name: "Axios Desk"'))
    build(cli, kb, tmp_path / "damaged", cache)
    build(cli, kb, tmp_path / "fresh", None)
    assert_same(tmp_path / "damaged", tmp_path / "fresh")

    (cache / FILE).write_bytes(b"not a database at all")
    assert build(cli, kb, tmp_path / "made-anew", cache) == 0
    assert_same(tmp_path / "made-anew", tmp_path / "fresh")
    assert rows(cache) > 50

    elsewhere = tmp_path / "elsewhere.sqlite"
    elsewhere.write_bytes(b"mine")
    (cache / FILE).unlink()
    (cache / FILE).symlink_to(elsewhere)
    run = cli("build", "--root", kb, "--site-dir", tmp_path / "linked", "--cache-dir", cache)
    assert run.code == 0 and not KEPT.search(run.err), run.err  # built without it
    assert_same(tmp_path / "linked", tmp_path / "fresh")
    assert elsewhere.read_bytes() == b"mine"


def test_a_failed_build_keeps_the_pages_of_the_build_before(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build(cli, kb, tmp_path / "first", cache)
    before = (cache / FILE).read_bytes()
    page = kb / "templates/claim.html.j2"
    good = page.read_text(encoding="utf-8")
    page.write_text(good + "\n{{ claim.id | no_such_filter }}\n", encoding="utf-8")
    run = cli("build", "--root", kb, "--site-dir", tmp_path / "broken", "--cache-dir", cache)
    assert run.code != 0 and "Traceback" not in run.err
    assert (cache / FILE).read_bytes() == before
    page.write_text(good, encoding="utf-8")
    assert build(cli, kb, tmp_path / "mended", cache) > 50


@dataclass(frozen=True)
class _Record:
    name: str
    tags: frozenset[str]
    where: int = field(default=0, compare=False)


def test_fingerprints_follow_equality() -> None:
    prints = Fingerprints()
    one = _Record("a", frozenset({"x", "y"}), where=3)
    assert prints.of(one) == Fingerprints().of(_Record("a", frozenset({"y", "x"}), where=9))
    assert prints.of(one) != prints.of(_Record("b", frozenset({"x", "y"})))
    assert prints.of([one, None, 1.5]) != prints.of([one, None, 2.5])
    assert prints.of({"k": [one]}) != prints.of({"k": (one,), "j": 1})
    # Plain containers too: a list is not a tuple, a text not a number, nor Markup a text.
    assert prints.of({"k": [1, "a"]}) == Fingerprints().of({"k": [1, "a"]})
    assert prints.of({"k": [1, "a"]}) != prints.of({"k": (1, "a")})
    assert prints.of(["1"]) != prints.of([1]) != prints.of([1.0])
    assert prints.of([Markup("<b>")]) != prints.of(["<b>"])
    with pytest.raises(NoFingerprint):
        prints.of(os)
    # A record fingerprinted by what it was made from is never taken for an equal record
    # fingerprinted field by field, nor for one made from other bytes.
    seeded, alike = Fingerprints(), _Record("a", frozenset({"x", "y"}))
    seeded.seed(alike, "key of the file's bytes")
    assert seeded.of(alike) != prints.of(alike) == prints.of(one)
    other = Fingerprints()
    other.seed(alike, "key of other bytes")
    assert other.of(alike) != seeded.of(alike)


def test_fingerprints_are_the_same_in_every_process() -> None:
    # Sets of text iterate in an order that changes with each process's hash seed.
    # A plain container is fingerprinted by marshal's bytes, unless it holds a set.
    code = (
        "from berlintalks.site.fingerprint import Fingerprints;"
        "f = Fingerprints();"
        "print(f.of({'s': {f'member-{n}' for n in range(50)}}).hex(),"
        "     f.of([('a', 1.5, None), {'k': [f'x{n}' for n in range(50)]}]).hex(),"
        "     f.of({'München': [{frozenset({'a', 'b', 'c'})}]}).hex())"
    )
    seen = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "src")}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        seen.add(done.stdout.strip())
    assert len(seen) == 1


def test_a_claims_rows_of_the_data_package_are_kept_as_they_were(
    cli: Callable[..., Run], kb: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    build(cli, kb, tmp_path / "first", cache)
    claims = len(list((kb / "claims").glob("*.yaml")))
    with sqlite3.connect(cache / FILE) as db:
        query = "SELECT count(*) FROM pages WHERE path LIKE 'data/datapackage#%'"
        assert db.execute(query).fetchone()[0] == claims
    build(cli, kb, tmp_path / "again", cache)
    build(cli, kb, tmp_path / "fresh", None)
    assert_same(tmp_path / "again", tmp_path / "fresh")
    # Any text comes back as it went in: quotes, both line ends, a lone surrogate.
    made = ('"a","b ""c"""\r\n', "x\ny\rz\r\n", "", "\ud800 é\r\n")
    assert _decode(*_encode(made)) == made  # type: ignore[misc]
