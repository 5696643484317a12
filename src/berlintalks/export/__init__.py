"""Records → data: the JSON, JSON-LD and CSV exports the site carries in data/."""

from __future__ import annotations

from .exports import (
    FORMATS,
    STATUS_WORDS,
    chain_text,
    claim_review,
    export_all,
    figure_words,
    number_words,
    write_tree,
)
from .publisher import Publisher

__all__ = [
    "FORMATS",
    "STATUS_WORDS",
    "Publisher",
    "chain_text",
    "claim_review",
    "export_all",
    "figure_words",
    "number_words",
    "write_tree",
]
