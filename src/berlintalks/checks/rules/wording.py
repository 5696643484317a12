"""Record text in messages: numbers, cut text and lists of ids, so a finding stays one line."""

from __future__ import annotations

from collections.abc import Iterable


def num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def short(text: str, limit: int = 60) -> str:
    """Record text quoted in a message, cut so one finding stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def names(ids: Iterable[str], limit: int = 8) -> str:
    ids = sorted(set(ids))
    shown = ", ".join(f"'{i}'" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")
