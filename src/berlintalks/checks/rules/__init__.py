"""The rule modules, listed here and nowhere else: one module per rule family.

Each module declares its rules in ``RULES`` (code, severity, title, group, check function,
the function's docstring as the explanation). Importing a module registers nothing; the
engine runs ``RULES`` below, in this order, and the registry lists them.
"""

from __future__ import annotations

from ..rule import Rule
from . import (
    advice,
    dates,
    figures,
    provenance,
    quotes,
    references,
    relations,
    schema,
    text,
    verdicts,
)

MODULES = (
    references,
    relations,
    verdicts,
    figures,
    dates,
    quotes,
    advice,
    text,
    schema,
    provenance,
)

RULES: tuple[Rule, ...] = tuple(r for module in MODULES for r in module.RULES)

__all__ = ["MODULES", "RULES"]
