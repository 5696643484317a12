"""How findings word a value: naming it, did-you-mean, and control-character advice."""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from .fields import FIGURE_MAX
from .yaml import LongNumber

# The control characters each kind of text field refuses: tabs and line breaks are allowed
# only where the text may run over several lines. A one-line field may end in the line break
# a block scalar (`|`) leaves; the single-line check says the rest.
# The same patterns go into the JSON Schema, so they are written for Python and ECMA alike.
CONTROL_PATTERNS = {
    "text": r"[\x00-\x08\x0b-\x1f\x7f-\x9f]",
    "line": r"[\x00-\x09\x0b-\x1f\x7f-\x9f]",
}
CONTROL_PATTERN = r"[\x00-\x1f\x7f-\x9f]"
_CONTROLS = {kind: re.compile(p) for kind, p in CONTROL_PATTERNS.items()}
_CONTROL = re.compile(CONTROL_PATTERN)


def describe(value: Any) -> str:
    """How a message names a value of the wrong kind, without ever printing a huge number."""
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, LongNumber):
        return f"a number written with {len(value):,} characters"
    if isinstance(value, int) and abs(value) >= FIGURE_MAX:
        # Never the digits: an int of more than 4,300 of them cannot be turned into text.
        return f"a number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    if isinstance(value, datetime | date):
        return f"the date {value.isoformat()}"
    return "text"


# Each did-you-mean search compares the word with every choice; a file of 50,000 unknown
# keys would spend seconds on them. Each word is searched once, and only the first
# SUGGESTIONS_MAX words of a load are searched at all: the editor fixes those first.
SUGGESTIONS_MAX = 50
suggested: dict[tuple[str, tuple[str, ...]], str | None] = {}


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like ``word``: every "did you mean" of berlintalks asks this."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(close: str | None) -> str:
    return f" — did you mean '{close}'?" if close else ""


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    key = (word, tuple(choices))
    if key not in suggested:
        if len(suggested) >= SUGGESTIONS_MAX:
            return ""
        suggested[key] = closest(word, key[1])
    return did_you_mean(suggested[key])


def control_problem(value: str, kind: str) -> str | None:
    """Why ``value`` may not hold one of its control characters, or None.

    The value as decoded: the raw file holds none (BT001), but a double-quoted scalar
    can write any of them as an escape (`"\\e[2K"`, `"\\x9b"`, `"\\0"`).
    """
    m = _CONTROLS.get(kind, _CONTROL).search(value)
    if m is not None:
        c = m.group()
        if c in "\t\n":
            why = "tabs and line breaks belong only in text that may run over several lines"
        else:
            why = "it can act on a terminal or a spreadsheet, and no reader would see it"
        return (
            f"holds the control character U+{ord(c):04X}: {why}; remove it (in double "
            f"quotes it may be written as an escape, such as \\x{ord(c):02x})"
        )
    return None
