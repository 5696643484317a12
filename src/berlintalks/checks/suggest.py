"""The one "did you mean": the known id closest to an unknown one, capped and memoised per check."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

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
        close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
        done[key] = close[0] if close else None
    return done[key]


def did_you_mean(done: Suggestions, word: str, known: Mapping[str, object]) -> str:
    close = close_id(done, word, known)
    return f" — did you mean '{close}'?" if close else ""
