"""Insertions in quotes: the [square-bracketed] words a publication or the desk added to them.

A quote is the words as the publication prints them. Words the publication or the desk put
into a quote to make it readable ("they [presumably Russia and Ukraine] agreed") are not the
speaker's: they are written in square brackets, shown as insertions, and left out of the
check against an archive, which matches the parts around them.
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE = "[", "]"


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of a quote: the speaker's words, or an insertion (without its brackets)."""

    text: str
    inserted: bool


@dataclass(frozen=True, slots=True)
class Unbalanced:
    """Where a quote's brackets go wrong: the 0-based offset of the offending mark."""

    offset: int
    mark: str
    problem: str


def unbalanced(quote: str) -> Unbalanced | None:
    """The first bracket that does not pair up (a stray `]`, a `[` never closed, a nested `[`)."""
    if OPEN not in quote and CLOSE not in quote:
        return None  # most quotes: a scan in C rather than a loop over every character
    opened: int | None = None
    for i, ch in enumerate(quote):
        if ch == OPEN:
            if opened is not None:
                return Unbalanced(i, ch, "an insertion cannot contain another '['")
            opened = i
        elif ch == CLOSE:
            if opened is None:
                return Unbalanced(i, ch, "this ']' closes no insertion")
            opened = None
    if opened is not None:
        return Unbalanced(opened, OPEN, "this '[' is never closed")
    return None


def pieces(quote: str) -> list[Piece]:
    """The quote split into the speaker's words and insertions, in order; empty runs dropped.

    Unbalanced brackets are kept as text (the checker reports them), so a page still shows
    every character the editor wrote.
    """
    if unbalanced(quote) is not None:
        return [Piece(quote, False)] if quote else []
    out: list[Piece] = []
    rest = quote
    while rest:
        start = rest.find(OPEN)
        if start < 0:
            out.append(Piece(rest, False))
            break
        end = rest.index(CLOSE, start)
        if start:
            out.append(Piece(rest[:start], False))
        if end > start + 1:
            out.append(Piece(rest[start + 1 : end], True))
        rest = rest[end + 1 :]
    return out


def quote_parts(quote: str) -> list[str]:
    """The runs of the speaker's own words, insertions left out, each stripped; none empty.

    Each part must occur in the archive by itself: an insertion replaces or adds words, so
    the words either side of it need not be adjacent in the original.
    """
    return [p.text.strip() for p in pieces(quote) if not p.inserted and p.text.strip()]


def has_insertion(quote: str) -> bool:
    return any(p.inserted for p in pieces(quote))
