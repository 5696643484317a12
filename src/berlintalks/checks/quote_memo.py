"""What the checks of one process learnt of the archives, kept for the next (`serve`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

_W = TypeVar("_W")

# Bounds on what is kept: archives are at most 16 MiB each, and an editor's session of
# `serve` changes quotes by the hundred, not the million.
_CHARS_MAX = 64 * 1024 * 1024
_FOUND_MAX = 500_000


@dataclass(slots=True)
class QuoteMemo:
    """Each archive text's words, prepared for look-ups, and each quote found in it with
    the work finding it took.

    Only finds are kept. Whether a missed quote gets its closest passage depends on how many
    quotes were missed before it in the check, and a quote left uncompared on the work left:
    neither is a property of the quote and the text. A find is, in any check with that much
    work left, and the work is counted again when a find is taken from here, so a check
    with the memo reports what one without it does.
    """

    words: dict[str, Any] = field(default_factory=dict)  # the `quotes.Words` of each text
    found: dict[tuple[str, str], int] = field(default_factory=dict)
    chars: int = 0  # the length of the texts in ``words``

    def words_of(self, text: str, prepare: Callable[[str], _W]) -> _W:
        """``prepare(text)`` (`quotes.words`): an earlier check's, when it had the same."""
        kept = self.words.get(text)
        if kept is None:
            if self.chars + len(text) > _CHARS_MAX:
                self.words, self.found, self.chars = {}, {}, 0
            kept = self.words[text] = prepare(text)
            self.chars += len(text)
        return kept  # type: ignore[no-any-return]

    def cost(self, text: str, quote: str) -> int | None:
        """The work finding ``quote`` in ``text`` took, if a check found it there."""
        return self.found.get((text, quote))

    def keep(self, text: str, quote: str, work: int) -> None:
        """``quote`` was found in ``text`` with ``work`` spent."""
        if len(self.found) >= _FOUND_MAX:
            self.found = {}
        self.found[(text, quote)] = work
