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
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

import berlintalks.site.second_process as second_process
from berlintalks.site.second_process import (
    MAX_ITEMS,
    MIN_ITEMS,
    SecondProcess,
    can_fork,
    share_of,
)
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


def _results(process: SecondProcess | None) -> dict[int, bytes | None]:
    assert process is not None
    got = {n: process.take(n) for n in range(COUNT)}
    process.close()
    return got


def _all_by_copy(make: Callable[[int], bytes]) -> dict[int, bytes | None]:
    return _results(SecondProcess.start(COUNT, make, 1.0))


def _in_order() -> tuple[int, list[int], int, dict[int, bytes | None]]:
    process = SecondProcess.start(COUNT, lambda n: f"{n}:{os.getpid()}".encode(), 0.6)
    assert process is not None
    got = _results(process)
    return os.getpid(), sorted(process.share), process.taken, got


def test_the_copy_makes_its_share_in_another_process_and_the_results_come_in_order() -> None:
    pid, share, taken, got = alone(_in_order)
    assert share == share_of(COUNT, 0.6) and 0.55 * COUNT < len(share) < 0.65 * COUNT
    for n, data in got.items():
        if n in share:
            assert data is not None
            number, made_by = data.decode().split(":")
            assert int(number) == n and int(made_by) != pid
        else:
            assert data is None  # the build's own share
    assert taken == len(share)


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
    assert [n for n, data in got.items() if data] == list(range(10))


def _stalls() -> tuple[float, dict[int, bytes | None]]:
    second_process.STALL_S = 1.0

    def make(n: int) -> bytes:
        if n == 10:
            time.sleep(600)
        return b"made"

    started = time.monotonic()
    got = _all_by_copy(make)
    return time.monotonic() - started, got


def test_a_copy_that_stalls_is_stopped_and_the_build_goes_on() -> None:
    took, got = alone(_stalls)
    assert [n for n, data in got.items() if data] == list(range(10))
    assert took < 30


def _stops_reading() -> tuple[bytes | None, float, bytes | None]:
    process = SecondProcess.start(COUNT, lambda n: b"x" * 100_000, 1.0)
    assert process is not None
    first = process.take(0)
    started = time.monotonic()
    process.close()  # the copy is blocked on a full pipe; a closed pipe ends it
    return first, time.monotonic() - started, process.take(1)


def test_a_build_that_stops_reading_ends_its_copy() -> None:
    first, took, after = alone(_stops_reading)
    assert first == b"x" * 100_000 and took < 10 and after is None


def _with_few_or_a_thread() -> tuple[bool, bool, bool]:
    few = SecondProcess.start(MIN_ITEMS - 1, lambda n: b"", 0.5) is None
    few = few and SecondProcess.start(MAX_ITEMS + 1, lambda n: b"", 0.5) is None
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        return few, not can_fork(), SecondProcess.start(COUNT, lambda n: b"", 0.5) is None
    finally:
        stop.set()
        thread.join()


def test_too_few_or_too_many_items_or_another_thread_start_no_copy() -> None:
    assert alone(_with_few_or_a_thread) == (True, True, True)


def _theme_keys() -> tuple[str | None, str | None, int, int]:
    paths = [f"claims/c{n}.md" for n in range(COUNT)]
    share = ThemeShare.start(paths, lambda n: (f"{n:064x}", f"<html>{n}</html>"))
    assert share is not None
    first, second = share_of(COUNT, 0.6)[:2]
    got = share.take(paths[first], f"{first:064x}")
    wrong = share.take(paths[second], "f" * 64)  # the page's key in the build differs
    share.close()
    return got, wrong, first, second


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
    assert 0.4 * of < pages < 0.6 * of and 0.5 * of < theme < 0.7 * of, shared[0]
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
    again = build_process(big_kb, tmp_path / "again", *cache)
    shared = SHARED.search(again)
    assert shared, again
    # Only the changed claim's page and the lists showing its title are rendered again.
    assert int(shared[3]) < 20, shared[0]
    build_process(big_kb, tmp_path / "full", "--no-cache", "--jobs", "1")
    assert_same(tmp_path / "again", tmp_path / "full")
