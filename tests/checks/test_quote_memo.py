"""`quote_memo.QuoteMemo`: a check that takes the finds of the checks before from it reports
what a check without it reports, whatever work it has left."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from berlintalks.checks import QuoteMemo, check
from berlintalks.checks.quotes import QuoteSearch, words
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate

WORDS = st.sampled_from(["peace", "plan", "the", "guarantees", "—", "“a”", "Donetsk", "90%"])
TEXT = st.lists(WORDS, min_size=0, max_size=60).map(" ".join)


def _run(quotes: list[str], text: str, work: int, memo: QuoteMemo | None) -> tuple[object, ...]:
    search = QuoteSearch(work=work, passages=1, memo=memo)
    prepared = memo.words_of(text, words) if memo is not None else words(text)
    found = tuple(search.look_up(q, prepared) for q in quotes)
    return found, search.work, search.passages


@given(TEXT, st.lists(TEXT, max_size=6), st.integers(0, 3000), st.integers(0, 3000))
def test_a_check_with_the_memo_is_a_check_without_it(
    text: str, quotes: list[str], first: int, second: int
) -> None:
    memo = QuoteMemo()
    assert _run(quotes, text, first, memo) == _run(quotes, text, first, None)
    # The next check, with more or less work to spend, takes the finds of the first.
    assert _run(quotes, text, second, memo) == _run(quotes, text, second, None)


def test_a_served_check_after_an_edited_archive_looks_again(tmp_path: Path) -> None:
    root = generate(tmp_path / "kb", 40, seed=6)
    memo = QuoteMemo()
    assert check(root, quotes=memo).findings == check(root).findings
    assert memo.found  # the bundled quotes were found, and kept
    archives = sorted((root / "archive").glob("*.txt"))
    assert archives
    for archive in archives:
        archive.write_text("Nothing of what was said.\n", encoding="utf-8")
    served, fresh = check(root, quotes=memo).findings, check(root).findings
    assert served == fresh
    assert any(f.code == "BT701" for f in fresh)
    shutil.rmtree(root / "archive")
    assert check(root, quotes=memo).findings == check(root).findings
