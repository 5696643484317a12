"""Quote matching: whether a quote is verbatim in a text, typography aside, and what is closest."""

from __future__ import annotations

import difflib
import re
import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .quote_memo import QuoteMemo

# Typography differs between a publication and the copy an editor pastes: curly or straight
# quotes, guillemets, en or em dashes, a non-breaking space. None of that changes the words.
QUOTE_MARKS = "“”„‟«»‘’‚‛‹›'\""
DASHES = "–—‐‑‒―−-"
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TABLE = str.maketrans(
    {**{c: '"' for c in QUOTE_MARKS}, **{c: "-" for c in DASHES}, **dict.fromkeys(_INVISIBLE)}
    | {"…": "..."}
)
_KEY = re.compile(r"\W+")
_TOKEN = re.compile(r"\S+")

PASSAGE_MAX = 160
COMMON_WORD = 200
CANDIDATES = 8
# The passage shown is at most PASSAGE_MAX characters, so the quote's first words are enough
# to find it; comparing more would make a long missed quote cost quadratic time.
QUOTE_WORDS_MAX = 120
# At most this many votes for where a missed quote would start, and the quote's words
# compared with a passage make at most PAIRS_MAX pairs of equal words: a quote of 120
# distinct words makes 120, and one of two words repeated 60 times each 7,200, which costs
# difflib a hundred times as much.
VOTE_MAX = 6000
PAIRS_MAX = 1000
# A quote is looked up through the places of its rarest whole word when that word occurs
# at most this often; otherwise the normalised text is searched from end to end.
ANCHOR_MAX = 2000
# The work one check may spend looking quotes up, in characters searched (a candidate place
# checked through the word index counts as ANCHOR_COST): with 64 Mi a 1 MiB archive can be
# searched end to end 64 times, about a second on a slow machine, however hostile the text.
WORK_MAX = 64 * 1024 * 1024
ANCHOR_COST = 256
# The closest passage is searched for this many missed quotes in a check; the editor fixes
# those first, and a file of thousands of misses costs no more than a hundred.
PASSAGES_MAX = 100


def normalise(text: str) -> str:
    """The text with quote marks, dashes, ellipses and runs of whitespace made uniform.

    "guarantees—essentially" and "guarantees — essentially" are the same words set
    differently, so the spaces beside a dash go too.
    """
    text = " ".join(unicodedata.normalize("NFC", text).translate(_TABLE).split())
    if "-" in text:
        # Spaces are single now, so this drops exactly the spaces next to a dash.
        text = text.replace(" -", "-").replace("- ", "-")
    return text


def occurs(quote: str, normalised_text: str) -> bool:
    """Whether ``quote`` is in a text already passed through :func:`normalise`."""
    return normalise(quote) in normalised_text


@dataclass(frozen=True, slots=True)
class Passage:
    text: str
    similarity: float


@dataclass(slots=True)
class _Exact:
    """The normalised text as words (split at its single spaces) and where each word is."""

    normalised: str
    tokens: list[str]
    where: dict[str, list[int]]
    vocabulary: str | None = None  # every distinct word, one a line, made when first needed

    def words(self) -> str:
        if self.vocabulary is None:
            self.vocabulary = "\n".join(self.where)
        return self.vocabulary


@dataclass(frozen=True, slots=True)
class _Fuzzy:
    """The text's words as written, their comparison keys, and where each key occurs."""

    tokens: list[str]
    keys: list[str]
    token_of: Sequence[int]  # the token of each key (tokens of punctuation alone have none)
    where: dict[str, list[int]]


def _shared(items: list[str]) -> list[str]:
    """``items`` with equal strings made one object: a 16 MiB archive of few distinct words
    would otherwise keep millions of copies of them, hundreds of megabytes."""
    one: dict[str, str] = {}
    return list(map(one.setdefault, items, items))


def _index(items: list[str]) -> dict[str, list[int]]:
    where: defaultdict[str, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        where[item].append(i)
    return dict(where)


def _key(token: str) -> str:
    return token if token.isalnum() else _KEY.sub("", token)


class Words:
    """A text prepared for quote look-ups: each index is built on first use, once per check."""

    __slots__ = ("_exact", "_fuzzy", "text")

    def __init__(self, text: str) -> None:
        self.text = unicodedata.normalize("NFC", text)
        self._exact: _Exact | None = None
        self._fuzzy: _Fuzzy | None = None

    def exact(self) -> _Exact:
        if self._exact is None:
            normalised = normalise(self.text)
            tokens = _shared(normalised.split(" ")) if normalised else []
            self._exact = _Exact(normalised, tokens, _index(tokens))
        return self._exact

    def fuzzy(self) -> _Fuzzy:
        if self._fuzzy is None:
            tokens = _shared(self.text.split())
            # Case folding never makes or removes whitespace, so folding the whole text at
            # once splits into the same tokens, folded, at a fraction of the cost.
            folded = self.text.casefold().split()
            if len(folded) != len(tokens):  # pragma: no cover - a guard, not a known case
                folded = [t.casefold() for t in tokens]
            keys = _shared([_key(f) for f in folded])
            del folded
            token_of: Sequence[int] = range(len(keys))
            if not all(keys):
                token_of = array("q", compress(range(len(keys)), keys))
                keys = [k for k in keys if k]
            self._fuzzy = _Fuzzy(tokens, keys, token_of, _index(keys))
        return self._fuzzy


def words(text: str) -> Words:
    """``text`` ready to be searched for quotes and for the passage closest to a missed one."""
    return Words(text)


def _quote_keys(quote: str) -> list[str]:
    """The comparison keys of the quote's first QUOTE_WORDS_MAX words."""
    keys: list[str] = []
    for m in _TOKEN.finditer(unicodedata.normalize("NFC", quote)):
        key = _key(m.group().casefold())
        if key:
            keys.append(key)
            if len(keys) == QUOTE_WORDS_MAX:
                break
    return keys


def _votes(quote: list[str], where: dict[str, list[int]]) -> Counter[int]:
    """For each start in the text, how many quote words would fall on an equal word there.

    Words as common as "the" vote everywhere and drown the signal; they vote only when the
    quote has nothing rarer. At most VOTE_MAX votes are counted: beyond it, the rarest
    words vote, which place a quote best anyway.
    """
    counts = [len(where.get(key, ())) for key in quote]
    voters = [j for j, c in enumerate(counts) if 0 < c <= COMMON_WORD]
    if not voters:
        voters = [j for j, c in enumerate(counts) if c]
    if sum(counts[j] for j in voters) > VOTE_MAX:
        chosen, total = [], 0
        for j in sorted(voters, key=counts.__getitem__):
            if chosen and total + counts[j] > VOTE_MAX:
                break
            chosen.append(j)
            total += counts[j]
        voters = sorted(chosen)
    votes: Counter[int] = Counter()
    for j in voters:
        votes.update(p - j for p in where[quote[j]][:VOTE_MAX])
    return votes


def _compared(quote: list[str]) -> int:
    """How many of the quote's first words to compare: difflib's cost grows with the pairs
    of equal words, a few hundred for real quotes but thousands for a repetitive one."""
    seen: Counter[str] = Counter()
    pairs = 0
    for n, key in enumerate(quote):
        pairs += 2 * seen[key] + 1
        if pairs > PAIRS_MAX:
            return n
        seen[key] += 1
    return len(quote)


def _shown(tokens: list[str], first: int, last: int) -> str:
    """Tokens ``first`` to ``last`` joined by single spaces, cut to PASSAGE_MAX characters."""
    out: list[str] = []
    size = -1
    for i in range(first, last + 1):
        out.append(tokens[i])
        size += len(tokens[i]) + 1
        if size > PASSAGE_MAX:
            break
    passage = " ".join(out)
    if len(passage) > PASSAGE_MAX:
        passage = passage[: PASSAGE_MAX - 1].rstrip() + "…"
    return passage


def closest_passage(quote: str, text: Words) -> Passage | None:
    """The run of words in ``text`` most like ``quote``, as written there; None if none is shared.

    Each shared word votes for where the quote would start if it were there; only the few
    best-supported starts are compared in full. At most VOTE_MAX votes and CANDIDATES
    comparisons of at most QUOTE_WORDS_MAX words: a miss costs about the same in an archive
    of any size.
    """
    q = _quote_keys(quote)
    index = text.fuzzy()
    if not q or not index.keys:
        return None
    votes = _votes(q, index.where)
    if not votes:
        return None
    n = len(q)
    m = _compared(q)
    last = len(index.keys) - 1
    starts = {min(max(start, 0), last) for start, _ in votes.most_common(CANDIDATES)}
    scorer = difflib.SequenceMatcher(None, autojunk=False)
    scorer.set_seq2(q[:m])
    best_start, best_ratio = 0, -1.0
    for start in sorted(starts):
        scorer.set_seq1(index.keys[start : start + m])
        ratio = scorer.ratio()
        if ratio > best_ratio:
            best_start, best_ratio = start, ratio
    end = min(best_start + n, len(index.keys)) - 1
    shown = _shown(index.tokens, index.token_of[best_start], index.token_of[end])
    return Passage(shown, best_ratio)


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a look-up of one quote in one text found."""

    found: bool | None  # None: not compared, the check's work for look-ups was spent
    passage: Passage | None = None  # the closest passage of a missed quote
    searched: bool = False  # whether the closest passage was looked for


_FOUND = Lookup(True)


class QuoteSearch:
    """Look quotes up in texts, with a bounded amount of work for one whole check.

    A quote is found through the index of the text's words, at a cost of its own length
    and the places of its rarest word; only a quote with no whole word rare enough (one or
    two words, or words the text repeats thousands of times) is searched for in the whole
    text, and those searches together may cover ``work`` characters. A quote that would
    need more is not compared, and says so. Each quote text is looked up once per text.
    """

    def __init__(
        self,
        work: int = WORK_MAX,
        passages: int = PASSAGES_MAX,
        anchor_max: int = ANCHOR_MAX,
        memo: QuoteMemo | None = None,
    ) -> None:
        self.work = work
        self.passages = passages
        self.anchor_max = anchor_max
        self.memo = memo  # the finds of the checks before, in `serve`
        self._seen: dict[tuple[int, str], Lookup] = {}
        self._refused = False  # whether a step was refused for want of work

    def look_up(self, quote: str, text: Words) -> Lookup:
        key = (id(text), quote)
        if key not in self._seen:
            self._seen[key] = self._remembered(quote, text)
        return self._seen[key]

    def _remembered(self, quote: str, text: Words) -> Lookup:
        memo = self.memo
        if memo is None:
            return self._look_up(quote, text)
        cost = memo.cost(text.text, quote)
        if cost is not None and cost <= self.work:
            self.work -= cost
            return _FOUND
        # Kept only when no step was refused for want of work: a check with as much work
        # left takes the same steps, while one that refused a step took another way.
        before, self._refused = self.work, False
        found = self._look_up(quote, text)
        if found.found is True and not self._refused:
            memo.keep(text.text, quote, before - self.work)
        return found

    def _look_up(self, quote: str, text: Words) -> Lookup:
        found = self._present(normalise(quote), text.exact())
        if found is not False:
            return Lookup(found)
        if self.passages <= 0:
            return Lookup(False)
        self.passages -= 1
        return Lookup(False, closest_passage(quote, text), searched=True)

    def _scan(self, needle: str, haystack: str) -> bool | None:
        cost = len(haystack) + len(needle)
        if cost > self.work:
            self._refused = True
            return None
        self.work -= cost
        return needle in haystack

    def _charge(self, candidates: int, length: int) -> bool:
        cost = candidates * (ANCHOR_COST + length)
        if cost > self.work:
            self._refused = True
            return False
        self.work -= cost
        return True

    def _present(self, quote: str, text: _Exact) -> bool | None:
        """Whether the normalised ``quote`` is a substring of the normalised text.

        Spaces are single in both, so a quote of words w0 … wk is in the text exactly when
        some run of the text's words ends with w0, continues with w1 … wk-1 and goes on
        with a word that starts with wk.
        """
        if not quote:
            return True
        tokens, where = text.tokens, text.where
        q = quote.split(" ")
        k = len(q) - 1
        if k == 0:
            return True if quote in where else self._scan(quote, text.words())
        if k == 1:
            first, last = q
            # The common case, a quote that starts and ends on whole words, found cheaply.
            places = where.get(first, ())
            if (
                len(places) <= self.anchor_max
                and self._charge(len(places), 1)
                and any(p + 1 < len(tokens) and tokens[p + 1].startswith(last) for p in places)
            ):
                return True
            return self._scan(quote, text.normalised)
        middle = q[1:k]
        counts = []
        for r, word in enumerate(middle, start=1):
            places = where.get(word)
            if places is None:
                return False  # a whole word of the quote is nowhere in the text
            counts.append((len(places), r))
        count, r = min(counts)
        if count > self.anchor_max or not self._charge(count, k):
            return self._scan(quote, text.normalised)
        n = len(tokens)
        for p in where[q[r]]:
            s = p - r
            if (
                s >= 0
                and s + k < n
                and tokens[s + k].startswith(q[k])
                and tokens[s].endswith(q[0])
                and tokens[s + 1 : s + k] == middle
            ):
                return True
        return False
