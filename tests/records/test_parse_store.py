"""The records kept on disk between builds: the same check as a fresh one, never code run.

`parse_store.DiskParseCache` keeps each record file's outcome in the cache folder; these
tests check the bundled knowledge base with it against a fresh check, edit a file, damage
and plant entries, and build the site twice through the command line.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from berlintalks.checks import check
from berlintalks.checks.report import as_json
from berlintalks.records.parse_store import FILE, DiskParseCache
from conftest import BUNDLED, Run, build_process, copy_from_repo


def _bundled(tmp_path: Path) -> Path:
    (tmp_path / "kb").mkdir()
    return copy_from_repo(tmp_path / "kb", BUNDLED)


def _tree(site: Path) -> dict[str, bytes]:
    return {str(p.relative_to(site)): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _entries(cache: Path) -> list[str]:
    """The keys of the rows the cache holds."""
    with sqlite3.connect(cache / FILE) as db:
        return sorted(key for (key,) in db.execute("SELECT key FROM entries"))


def _checked(root: Path, cache: Path) -> tuple[DiskParseCache, str]:
    cache.mkdir(exist_ok=True)
    kept = DiskParseCache(cache)
    report = check(root, cache=kept)
    kept.keep_only_used()
    return kept, as_json(report.findings)


def test_a_second_check_parses_nothing_and_finds_what_a_fresh_check_finds(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    root, cache = _bundled(tmp_path), tmp_path / "cache"
    first, found = _checked(root, cache)
    files = len(_entries(cache))
    assert first.parsed == files > 40  # every record file of the bundled knowledge base
    second, again = _checked(root, cache)
    assert (
        second.parsed == 0
        and again == found == cli("check", "--root", root, "--format", "json").out
    )
    assert check(root, cache=DiskParseCache(cache)).kb == check(root).kb

    # One edited claim is parsed again; the entry of its old bytes is removed.
    claim = sorted((root / "claims").glob("*.yaml"))[0]
    claim.write_text(claim.read_text("utf-8").replace("\ntitle: ", "\ntitle: Again ", 1), "utf-8")
    third, _ = _checked(root, cache)
    assert third.parsed == 1 and len(_entries(cache)) == files
    kb = check(root, cache=DiskParseCache(cache)).kb
    assert kb == check(root).kb
    assert kb.claims[claim.stem].title.startswith("Again ")


class _Planted:
    """What an entry planted in the cache folder would make if it were unpickled freely."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (os.mkdir, (str(self.marker),))


def test_damaged_or_planted_entries_are_parsed_again_and_never_run(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    root, cache = _bundled(tmp_path), tmp_path / "cache"
    _, found = _checked(root, cache)
    entries = _entries(cache)
    marker = tmp_path / "ran"
    planted = pickle.dumps(_Planted(marker), protocol=5)
    with sqlite3.connect(cache / FILE) as db:
        for n, key in enumerate(entries):
            data = b"not a pickle" if n % 2 else planted
            db.execute("UPDATE entries SET data = ? WHERE key = ?", (data, key))
    kept, again = _checked(root, cache)
    assert not marker.exists()
    assert kept.parsed == len(entries) and again == found
    # Each file parsed afresh was kept again, in place of what was there.
    assert _checked(root, cache)[0].parsed == 0


def test_positions_are_read_only_when_a_finding_needs_them_and_damage_never_fails(
    tmp_path: Path,
) -> None:
    root, cache = _bundled(tmp_path), tmp_path / "cache"
    _, found = _checked(root, cache)
    kept = check(root, cache=DiskParseCache(cache)).kb
    flagged = kept.claims["axios-territorial-disagreements-sharpest"]
    calm = kept.claims["berlin-talks-held"]
    assert flagged.positions is not None and calm.positions is not None
    # The check read where the flagged claim's attributions are (BT903), and nothing else
    # of a claim that no rule looked into (the tables wait as the text they were kept as).
    assert flagged.positions.keys.text is None  # type: ignore[attr-defined]
    assert calm.positions.values.text is not None  # type: ignore[attr-defined]

    # Each row's positions damaged: the check still runs, its findings at the first line.
    with sqlite3.connect(cache / FILE) as db:
        rows = list(db.execute("SELECT key, data FROM entries"))
        for key, data in rows:
            damaged = data.replace(b'[["id"]', b'[["id"[')  # the same length, no longer JSON
            assert damaged != data
            db.execute("UPDATE entries SET data = ? WHERE key = ?", (damaged, key))
    kept_store = DiskParseCache(cache)
    report = check(root, cache=kept_store)
    assert kept_store.parsed == 0
    assert {(f.file, f.line) for f in report.findings if f.code == "BT903"} == {
        (f.file, 1) for f in check(root).findings if f.code == "BT903"
    }
    assert found


def test_a_damaged_file_of_entries_is_made_anew(tmp_path: Path) -> None:
    root, cache = _bundled(tmp_path), tmp_path / "cache"
    _, found = _checked(root, cache)
    (cache / FILE).write_bytes(b"not a database " * 100)
    kept, again = _checked(root, cache)
    assert kept.parsed == len(_entries(cache)) > 40 and again == found


def test_a_linked_file_of_entries_is_not_followed(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.sqlite"
    elsewhere.write_bytes(b"")
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FILE).symlink_to(elsewhere)
    with pytest.raises(OSError, match="never followed"):
        DiskParseCache(tmp_path / "cache")
    assert elsewhere.read_bytes() == b""


def test_builds_with_the_records_kept_give_the_bytes_of_a_build_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The build date, which the sitemap carries, fixed: builds are compared byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    root, cache = _bundled(tmp_path), tmp_path / "cache"
    build_process(root, tmp_path / "first", "--cache-dir", str(cache), "--jobs", "1")
    assert _entries(cache)
    build_process(root, tmp_path / "again", "--cache-dir", str(cache), "--jobs", "1")
    build_process(root, tmp_path / "none", "--no-cache", "--jobs", "1")
    none = _tree(tmp_path / "none")
    assert _tree(tmp_path / "again") == none and _tree(tmp_path / "first") == none
