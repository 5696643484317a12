"""Records → findings: the rules, the engine that runs them, and the report formats.

The names below are imported on first use, not when the package is: the record loader
declares its codes in ``checks.registry``, and the engine imports the loader, so an eager
face would make importing either package import the other half-initialised.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .credibility import METHOD, Grade, grades
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
    from .registry import RULES, declare, explain
    from .report import as_text, render, summary

_FACE = {
    "Report": "engine",
    "check": "engine",
    "RULES": "registry",
    "declare": "registry",
    "explain": "registry",
    "as_text": "report",
    "render": "report",
    "summary": "report",
    "METHOD": "credibility",
    "Grade": "credibility",
    "grades": "credibility",
    "Graph": "graph",
    "build_graph": "graph",
    "has_insertion": "insertions",
    "pieces": "insertions",
    "is_translated": "provenance",
    "language_name": "provenance",
    "publication_of": "provenance",
    "speaker_publication": "provenance",
    "translated_from": "provenance",
}

__all__ = [
    "METHOD",
    "RULES",
    "Grade",
    "Graph",
    "Report",
    "as_text",
    "build_graph",
    "check",
    "declare",
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


def __getattr__(name: str) -> Any:
    module = _FACE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)
