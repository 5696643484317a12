"""Records → data: the JSON, JSON-LD and CSV exports the site carries in data/."""

from __future__ import annotations

from .claimreview import claim_review
from .formats import FORMATS, export_all, write_tree
from .publisher import Publisher
from .words import STATUS_WORDS, chain_text, figure_words, number_words

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
