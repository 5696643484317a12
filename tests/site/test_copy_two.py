"""Pages written from the cache by two processes are each written whole."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import pytest

from berlintalks.second_process import MIN_ITEMS
from berlintalks.site.copy_two import write_all

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a second process needs Linux and two cores",
)

COUNT = MIN_ITEMS + 100
PAGE = b"<html>" + b"x" * 50_000 + b"</html>\n"


def _write_with(folder: Path, stall_at: int | None) -> tuple[list[bool], int, int, list[int]]:
    """In a fresh interpreter: write COUNT pages into ``folder``, the build a little slower
    than the copy. With ``stall_at``, the copy, once the build has written that page,
    starts it again, writes half of it and stops there until it is killed. (what was
    written, how many pages the build and the copy wrote, the pages not whole)"""
    build = os.getpid()
    by_copy = folder / "by-copy"
    by_build: list[int] = []

    def write(number: int) -> bool:
        path = folder / f"page-{number}.html"
        if os.getpid() == build:
            time.sleep(0.002)
            path.write_bytes(PAGE)
            by_build.append(number)
            if number == stall_at:
                (folder / "written").touch()
                while not (folder / "half").exists():  # the copy has begun it again
                    time.sleep(0.001)
            return True
        if number == stall_at:
            while not (folder / "written").exists():
                time.sleep(0.001)
            with path.open("wb") as f:
                f.write(PAGE[: len(PAGE) // 2])
                f.flush()
                (folder / "half").touch()
                time.sleep(60)
        path.write_bytes(PAGE)
        with by_copy.open("a") as log:
            log.write(f"{number}\n")
        return True

    written = write_all(range(COUNT), write)
    copied = len(by_copy.read_text().split()) if by_copy.exists() else 0
    broken = [n for n in range(COUNT) if (folder / f"page-{n}.html").read_bytes() != PAGE]
    return written, len(by_build), copied, broken


def _in_fresh_interpreter(stall_at: int | None) -> tuple[list[bool], int, int, list[int]]:
    spawn = get_context("spawn")
    with tempfile.TemporaryDirectory() as folder, ProcessPoolExecutor(1, mp_context=spawn) as pool:
        return pool.submit(_write_with, Path(folder), stall_at).result(timeout=120)


def test_the_copy_writes_a_share_and_every_page_is_whole() -> None:
    written, built, copied, broken = _in_fresh_interpreter(None)
    assert written == [True] * COUNT
    # Each wrote a share; the copy goes on a little after they meet, until it is stopped.
    assert 0 < built < COUNT and copied > 0, (built, copied)
    assert broken == []


def test_a_page_the_copy_was_writing_when_stopped_is_written_again() -> None:
    written, built, copied, broken = _in_fresh_interpreter(COUNT // 2)
    assert written == [True] * COUNT
    assert built > COUNT // 2 and copied > 0
    assert broken == []
