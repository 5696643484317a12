"""A load that parses a share of the files in a second process finds what a load in one finds."""

from __future__ import annotations

import os
import sys
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pytest

import berlintalks.records.load_two as load_two
from berlintalks.checks import check
from berlintalks.checks.report import as_json
from berlintalks.records.wording import SUGGESTIONS_MAX
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="a second process needs Linux and two cores",
)


@pytest.fixture
def flawed(tmp_path: Path) -> Path:
    """300 claims, with more misspelt keys than the did-you-mean budget near the end (where
    the second process starts), a file that is not YAML and one with a wrong id."""
    root = generate(tmp_path / "kb", 300, site=False)
    claims = sorted((root / "claims").glob("*.yaml"))
    for n, path in enumerate(claims[-(SUGGESTIONS_MAX + 10) :]):
        text = path.read_text(encoding="utf-8")
        path.write_text(f"{text.rstrip()}\nstatment{n}: an unknown key\n", encoding="utf-8")
    claims[-3].write_text("statement: [unclosed\n", encoding="utf-8")
    text = claims[-7].read_text(encoding="utf-8")
    claims[-7].write_text(text.replace("id: ", "id: x-", 1), encoding="utf-8")
    return root


def _both_ways(root: Path) -> tuple[int, str, str, bool]:
    """In a fresh interpreter (a second process starts only where no other thread runs):
    the files the second process parsed, the findings of two processes and of one, and
    whether the records are the same."""
    started: list[load_two.SecondProcess] = []
    start = load_two.SecondProcess.start

    def recording(*args: Any, **kwargs: Any) -> load_two.SecondProcess | None:
        process = start(*args, **kwargs)
        if process is not None:
            started.append(process)
        return process

    load_two.SecondProcess.start = recording  # type: ignore[method-assign]
    two = check(root)
    taken = sum(p.taken for p in started)
    one = check(root, jobs=1)
    assert len(started) == 1
    return taken, as_json(two.findings), as_json(one.findings), two.kb == one.kb


def test_two_processes_find_what_one_finds_in_the_same_order(flawed: Path) -> None:
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        taken, said, alone, same = pool.submit(_both_ways, flawed).result(timeout=120)
    assert taken > 0, "the second process parsed no file"
    assert said == alone
    assert same
    # Past the budget the misspelt keys are still reported, without a suggestion.
    assert said.count("did you mean") == SUGGESTIONS_MAX, said.count("did you mean")
    # One of them is the file no longer YAML.
    assert said.count("unknown key 'statment") == SUGGESTIONS_MAX + 9
