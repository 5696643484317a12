"""A build on two cores writes the bytes a build on one writes.

`second_process` forks a copy of the build that makes a share of the work; these tests run
the real fork: the copy's results, its failures, its warnings, its early end and its stall,
and whole builds of a knowledge base large enough to start it, compared file by file.

A build forks only when it is the process's one thread (a copy made while another thread
holds a lock could wait on it forever); the test session runs threads of its own (the
browser tests' server), so each case runs in a fresh interpreter: the scenarios below are
started with `alone`, the builds as `berlintalks build` processes.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

import berlintalks.second_process as second_process
from berlintalks.second_process import (
    MAX_ITEMS,
    MIN_ITEMS,
    SecondProcess,
    can_fork,
)
from berlintalks.site import memo_store
from berlintalks.site.theme_share import ThemeShare
from conftest import REPO, build_process

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate
from test_page_cache import assert_same

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a second process needs Linux and two cores",
)

SHARED = re.compile(
    r"berlintalks: a second process rendered (\d+) of (\d+) generated pages, and put (\d+) "
    r"through the theme"
)
COUNT = MIN_ITEMS + 50


def alone(scenario: Callable[[], Any]) -> Any:
    """Run ``scenario`` (a function of this module) in a fresh interpreter; its result."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        return pool.submit(scenario).result(timeout=120)


def _results(
    process: SecondProcess | None, pause: float = 0.0, count: int = COUNT
) -> dict[int, bytes | None]:
    """Every item as the build takes it, ``pause`` seconds of work of its own after each."""
    assert process is not None
    got = {}
    for n in range(count):
        got[n] = process.take(n)
        time.sleep(pause)
    process.close()
    return got


def _all_by_copy(make: Callable[[int], bytes]) -> dict[int, bytes | None]:
    process = SecondProcess.start(COUNT, make)
    time.sleep(2.0)  # a build busy elsewhere while the copy makes everything
    return _results(process)


def _meet() -> tuple[int, int, dict[int, bytes | None]]:
    def make(n: int) -> bytes:
        time.sleep(0.002)  # as slow as the build, which pauses as long after each item
        return f"{n}:{os.getpid()}".encode()

    process = SecondProcess.start(COUNT, make)
    assert process is not None
    got = _results(process, pause=0.002)
    return os.getpid(), process.taken, got


def test_the_copy_makes_items_from_the_last_down_until_it_meets_the_build() -> None:
    pid, taken, got = alone(_meet)
    by_copy = [n for n, data in got.items() if data is not None]
    # The copy's items are the last ones, each made in the other process; the build's
    # are the first ones: each side made about half, and no item is missing.
    assert by_copy == list(range(COUNT - len(by_copy), COUNT)), by_copy
    assert 0.2 * COUNT < len(by_copy) < 0.8 * COUNT and taken == len(by_copy)
    for n in by_copy:
        number, made_by = got[n].decode().split(":")  # type: ignore[union-attr]
        assert int(number) == n and int(made_by) != pid


def _extra_first() -> tuple[list[bytes | None], float]:
    process = SecondProcess.start(COUNT, lambda n: b"extra" if n == COUNT else b"page", extra=1)
    assert process is not None
    started = time.monotonic()
    first = [process.take(0), process.take(COUNT)]  # the extra is waited for
    took = time.monotonic() - started
    process.close()
    return first, took


def test_the_copy_makes_the_extra_items_first_and_the_build_waits_for_them() -> None:
    (page, extra), took = alone(_extra_first)
    assert page is None  # not made yet when asked: the build makes it itself
    assert extra == b"extra" and took < 10


def _fails_or_warns() -> dict[int, bytes | None]:
    def make(n: int) -> bytes:
        if n == 3:
            raise ValueError("no")
        if n == 5:
            logging.getLogger("mkdocs.plugins.x").warning("something to say")
        return b"made"

    return _all_by_copy(make)


def test_an_item_that_fails_or_warns_in_the_copy_is_left_to_the_build() -> None:
    got = alone(_fails_or_warns)
    assert got[3] is None and got[5] is None
    assert all(got[n] == b"made" for n in range(COUNT) if n not in (3, 5))


def _ends_early() -> dict[int, bytes | None]:
    def make(n: int) -> bytes:
        if n == 10:
            os._exit(3)
        return b"made"

    return _all_by_copy(make)


def test_after_the_copy_ends_early_every_item_is_the_builds() -> None:
    got = alone(_ends_early)
    assert [n for n, data in got.items() if data] == list(range(11, COUNT))


def _stalls() -> tuple[float, bytes | None, dict[int, bytes | None]]:
    second_process.STALL_S = 1.0

    def make(n: int) -> bytes:
        if n == COUNT:
            time.sleep(600)
        return b"made"

    process = SecondProcess.start(COUNT, make, extra=1)
    assert process is not None
    started = time.monotonic()
    extra = process.take(COUNT)  # waited for, then given up
    return time.monotonic() - started, extra, _results(process)


def test_a_copy_that_stalls_is_stopped_and_the_build_goes_on() -> None:
    took, extra, got = alone(_stalls)
    assert extra is None and took < 30
    assert not any(got.values())  # every item is then the build's


def _two_then_busy(n: int) -> bytes:
    """Two results of a megabyte, more than the pipe holds; then work that never ends. With
    every result made at once, the build's reading could keep up with the copy's writing
    and take every item before stopping, on a fast enough machine."""
    if n < COUNT - 2:
        time.sleep(3600)
    return b"x" * 1_000_000


def _stops_reading() -> tuple[bytes | None, float, bytes | None, bool]:
    process = SecondProcess.start(COUNT, _two_then_busy)
    assert process is not None
    time.sleep(2.0)  # the copy fills the pipe and waits on it
    last = process.take(COUNT - 1)
    started = time.monotonic()
    process.close()  # the copy is busy making the next item; closing stops it
    took = time.monotonic() - started
    try:
        os.kill(process._pid, 0)
        gone = False
    except ProcessLookupError:
        gone = True
    return last, took, process.take(0), gone


def test_a_build_that_stops_reading_ends_its_copy() -> None:
    last, took, after, gone = alone(_stops_reading)
    assert last == b"x" * 1_000_000 and took < 10 and after is None and gone


def _with_few_or_a_thread() -> tuple[bool, bool, bool]:
    few = SecondProcess.start(MIN_ITEMS - 1, lambda n: b"") is None
    few = few and SecondProcess.start(MAX_ITEMS + 1, lambda n: b"") is None
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        return few, not can_fork(), SecondProcess.start(COUNT, lambda n: b"") is None
    finally:
        stop.set()
        thread.join()


def test_too_few_or_too_many_items_or_another_thread_start_no_copy() -> None:
    assert alone(_with_few_or_a_thread) == (True, True, True)


def _theme_keys() -> tuple[str | None, str | None, int, int]:
    paths = [f"claims/c{n}.md" for n in range(COUNT)]
    share = ThemeShare.start(paths, lambda n: (f"{n:064x}", f"<html>{n}</html>"))
    assert share is not None
    time.sleep(2.0)  # the copy renders every page meanwhile, from the last one down
    first, second = COUNT - 2, COUNT - 1
    wrong = share.take(paths[first], "f" * 64)  # the page's key in the build differs
    got = share.take(paths[second], f"{second:064x}")
    share.close()
    return got, wrong, second, first


def test_a_theme_output_is_taken_only_under_the_key_the_build_has() -> None:
    got, wrong, first, _ = alone(_theme_keys)
    assert got == f"<html>{first}</html>" and wrong is None


@pytest.fixture
def big_kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The build date, which the sitemap carries, fixed: builds are compared byte for byte.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1765800000")
    return generate(tmp_path / "kb", 200, seed=5)


def test_a_build_on_two_cores_is_byte_identical_to_one_on_one(big_kb: Path, tmp_path: Path) -> None:
    two = build_process(big_kb, tmp_path / "two", "--no-cache")
    shared = SHARED.search(two)
    assert shared, two
    pages, of, theme = (int(g) for g in shared.groups())
    # Each process made part of the pages, where they met depending on their speed.
    assert 0 < pages < of and 0 < theme < of, shared[0]
    one = build_process(big_kb, tmp_path / "one", "--no-cache", "--jobs", "1")
    assert not SHARED.search(one), one
    assert_same(tmp_path / "two", tmp_path / "one")


def test_two_cores_with_the_cache_of_built_pages_give_the_same_bytes(
    big_kb: Path, tmp_path: Path
) -> None:
    cache = ("--cache-dir", str(tmp_path / "cache"))
    build_process(big_kb, tmp_path / "first", *cache)
    claim = sorted((big_kb / "claims").glob("*.yaml"))[7]
    text = claim.read_text(encoding="utf-8")
    assert '\ntitle: "' in text
    claim.write_text(text.replace('\ntitle: "', '\ntitle: "Again: ', 1), encoding="utf-8")
    with sqlite3.connect(tmp_path / "cache" / memo_store.FILE) as db:
        (entries,) = db.execute("SELECT count(*) FROM pages WHERE path LIKE 'data/%'").fetchone()
    again = build_process(big_kb, tmp_path / "again", *cache)
    shared = SHARED.search(again)
    assert shared, again
    # The copy, which makes the exports, took their kept entries too, and the build keeps
    # their rows: more were kept than there are pages.
    kept = re.search(r"berlintalks: (\d+) pages kept from the build before", again)
    assert kept and int(kept[1]) > int(shared[2]) + entries // 2, (kept, entries, shared[0])
    with sqlite3.connect(tmp_path / "cache" / memo_store.FILE) as db:
        now = db.execute("SELECT count(*) FROM pages WHERE path LIKE 'data/%'").fetchone()
    assert now == (entries,) and entries > 200
    # Only the changed claim's page and the lists showing its title are rendered again.
    assert int(shared[3]) < 20, shared[0]
    # The first build kept the pages our templates rendered in either process: all but
    # the graph's, which are drawn afresh every time.
    with sqlite3.connect(tmp_path / "cache" / memo_store.FILE) as db:
        (pages,) = db.execute("SELECT count(*) FROM pages WHERE path NOT LIKE 'data/%'").fetchone()
    assert int(shared[2]) - 10 < pages < int(shared[2]), (pages, shared[0])
    build_process(big_kb, tmp_path / "full", "--no-cache", "--jobs", "1")
    assert_same(tmp_path / "again", tmp_path / "full")
