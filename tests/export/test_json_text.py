"""The JSON exports' text is the standard library's, whichever writer makes it."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from berlintalks.export.json_text import _plain, indented

# Every code point, lone surrogates included, which the exports cannot hold but a record's
# text could, and numbers on either side of 64 bits.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)
LEAVES = (
    TEXT
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True, allow_infinity=True)
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(TEXT | st.integers(0, 9), inner, max_size=4)
    ),
    max_leaves=20,
)


def standard(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(VALUES)
def test_the_text_is_the_standard_librarys(value: Any) -> None:
    try:
        expected = standard(value)
    except (TypeError, ValueError):  # what the standard library cannot write either
        return
    assert indented(value) == expected


def test_what_the_two_write_differently_goes_through_the_standard_library() -> None:
    class Word(str):
        pass

    for value in (1e16, [0.5], {1: "a"}, Word("confirmed"), {"n": 2**64}, "\ud800"):
        assert indented(value) == standard(value)
    assert not _plain([1e16]) and not _plain({1: "a"}) and not _plain(Word("x"))
    assert _plain({"claims": [{"id": "a", "count": 3, "on_record": True, "note": None}]})
