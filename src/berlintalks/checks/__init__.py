"""Records → findings: the rules, the engine that runs them, and the report formats."""

from __future__ import annotations

from .credibility import METHOD, Grade, KeptGrades, grades
from .engine import Report, check
from .graph import Graph, build_graph
from .insertions import has_insertion, pieces
from .provenance import (
    is_translated,
    language_name,
    publication_of,
    speaker_publication,
    translated_from,
)
from .quote_memo import QuoteMemo
from .registry import RULES, explain
from .report import as_text, render, summary

__all__ = [
    "METHOD",
    "RULES",
    "Grade",
    "Graph",
    "KeptGrades",
    "QuoteMemo",
    "Report",
    "as_text",
    "build_graph",
    "check",
    "explain",
    "grades",
    "has_insertion",
    "is_translated",
    "language_name",
    "pieces",
    "publication_of",
    "render",
    "speaker_publication",
    "summary",
    "translated_from",
]
