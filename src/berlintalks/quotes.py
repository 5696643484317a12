"""Quote matching: whether a quote is verbatim in a text, typography aside, and what is closest."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

# Typography differs between a publication and the copy an editor pastes: curly or straight
# quotes, guillemets, en or em dashes, a non-breaking space. None of that changes the words.
QUOTE_MARKS = "“”„‟«»‘’‚‛‹›'\""
DASHES = "–—‐‑‒―−-"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TABLE = str.maketrans(
    {**{c: '"' for c in QUOTE_MARKS}, **{c: "-" for c in DASHES}, **dict.fromkeys(_INVISIBLE)}
    | {"…": "..."}
)
_SPACE = re.compile(r"\s+")
# "guarantees—essentially" and "guarantees — essentially" are the same words set differently.
_DASH_SPACE = re.compile(r" ?- ?")
_TOKEN = re.compile(r"\S+")
_KEY = re.compile(r"\W+")

PASSAGE_MAX = 160


def normalise(text: str) -> str:
    """The text with quote marks, dashes, ellipses and runs of whitespace made uniform."""
    text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return _DASH_SPACE.sub("-", _SPACE.sub(" ", text)).strip()


def occurs(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` is in a text already passed through :func:`normalise`."""
    return normalise(quote) in normalised_text


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    similarity: float


def _keys(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Word keys (case and punctuation dropped) with their spans in ``text``."""
    keys, spans = [], []
    for m in _TOKEN.finditer(text):
        key = _KEY.sub("", normalise(m.group()).casefold())
        if key:
            keys.append(key)
            spans.append(m.span())
    return keys, spans


def closest_passage(quote: str, text: str) -> Passage | None:
    """The run of words in ``text`` most like ``quote``, as written there; None if none is shared.

    Word-level matching keeps this fast on long archives: the matcher indexes the short
    quote, scans the archive once for shared runs of words, and only the windows those runs
    anchor are scored.
    """
    q_keys, _ = _keys(quote)
    t_keys, spans = _keys(text)
    if not q_keys or not t_keys:
        return None
    n = len(q_keys)
    blocks = difflib.SequenceMatcher(None, t_keys, q_keys, autojunk=False).get_matching_blocks()
    starts = {max(0, min(b.a - b.b, len(t_keys) - 1)) for b in blocks if b.size}
    if not starts:
        return None
    scorer = difflib.SequenceMatcher(None, autojunk=False)
    scorer.set_seq2(q_keys)
    best_start, best_ratio = 0, -1.0
    for start in sorted(starts):
        scorer.set_seq1(t_keys[start : start + n])
        ratio = scorer.ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
    end = min(best_start + n, len(t_keys)) - 1
    passage = _SPACE.sub(" ", text[spans[best_start][0] : spans[end][1]]).strip()
    if len(passage) > PASSAGE_MAX:
        passage = passage[: PASSAGE_MAX - 1].rstrip() + "…"
    return Passage(passage, best_ratio)
