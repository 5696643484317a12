"""Quote matching: whether a quote is verbatim in a text, typography aside, and what is closest."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
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
COMMON_WORD = 200
CANDIDATES = 8
# The passage shown is at most PASSAGE_MAX characters, so the quote's first words are enough
# to find it; comparing more would make a long missed quote cost quadratic time.
QUOTE_WORDS_MAX = 120


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


@dataclass(frozen=True, slots=True)
class Words:
    """A text split into words: comparison keys, their spans, and where each key occurs."""

    text: str
    keys: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    where: dict[str, list[int]]


def words(text: str) -> Words:
    """Split ``text`` into words keyed without case, punctuation, quote marks or dashes."""
    text = unicodedata.normalize("NFC", text)
    keys: list[str] = []
    spans: list[tuple[int, int]] = []
    where: dict[str, list[int]] = defaultdict(list)
    for m in _TOKEN.finditer(text):
        key = _KEY.sub("", m.group().casefold())
        if key:
            where[key].append(len(keys))
            keys.append(key)
            spans.append(m.span())
    return Words(text, tuple(keys), tuple(spans), dict(where))


def _votes(quote: tuple[str, ...], text: Words, limit: int | None) -> Counter[int]:
    """For each start in ``text``, how many quote words would fall on an equal word there."""
    votes: Counter[int] = Counter()
    for j, key in enumerate(quote):
        found = text.where.get(key, ())
        if limit is None or len(found) <= limit:
            votes.update(p - j for p in found)
    return votes


def closest_passage(quote: str, text: Words) -> Passage | None:
    """The run of words in ``text`` most like ``quote``, as written there; None if none is shared.

    Each shared word votes for where the quote would start if it were there; only the few
    best-supported starts are compared in full, so a miss costs about as much as the
    quote's words occur in the text, not the text's length times the quote's.
    """
    q = words(quote).keys[:QUOTE_WORDS_MAX]
    if not q or not text.keys:
        return None
    # Words as common as "the" vote everywhere and drown the signal; use them only when
    # the quote has nothing rarer.
    votes = _votes(q, text, COMMON_WORD) or _votes(q, text, None)
    if not votes:
        return None
    n = len(q)
    last = len(text.keys) - 1
    starts = {min(max(start, 0), last) for start, _ in votes.most_common(CANDIDATES)}
    scorer = difflib.SequenceMatcher(None, autojunk=False)
    scorer.set_seq2(q)
    best_start, best_ratio = 0, -1.0
    for start in sorted(starts):
        scorer.set_seq1(text.keys[start : start + n])
        ratio = scorer.ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
    end = min(best_start + n, len(text.keys)) - 1
    passage = _SPACE.sub(" ", text.text[text.spans[best_start][0] : text.spans[end][1]]).strip()
    if len(passage) > PASSAGE_MAX:
        passage = passage[: PASSAGE_MAX - 1].rstrip() + "…"
    return Passage(passage, best_ratio)
