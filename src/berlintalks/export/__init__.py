"""Records → data: the JSON, JSON-LD and CSV exports the site carries in data/."""

from __future__ import annotations

from .exports import (
    FORMATS,
    STATUS_WORDS,
    Publisher,
    chain_text,
    claim_review,
    export_all,
    figure_words,
    number_words,
    web_url,
    write_tree,
)

__all__ = [
    "FORMATS",
    "STATUS_WORDS",
    "Publisher",
    "chain_text",
    "claim_review",
    "export_all",
    "figure_words",
    "number_words",
    "web_url",
    "write_tree",
]
