"""The one "did you mean": the known id closest to an unknown one, capped and memoised per check."""

from __future__ import annotations

from collections.abc import Mapping

from ..records.wording import closest
from ..records.wording import did_you_mean as hint

# Each search for a close id compares the unknown one with every known id; a file of
# thousands of unknown ids would cost their number times the ids. The first ones get their
# suggestion (the editor fixes those first); the rest are reported without.
SUGGESTIONS_MAX = 50


Suggestions = dict[tuple[int, str], str | None]


def close_id(done: Suggestions, word: str, known: Mapping[str, object]) -> str | None:
    """The known id most like ``word``, searched once per word and SUGGESTIONS_MAX per check.

    ``done`` is the check's record of the searches made (``CheckContext.suggestions``).
    """
    key = (id(known), word)
    if key not in done:
        if len(done) >= SUGGESTIONS_MAX:
            return None
        done[key] = closest(word, known)
    return done[key]


def did_you_mean(done: Suggestions, word: str, known: Mapping[str, object]) -> str:
    return hint(close_id(done, word, known))
