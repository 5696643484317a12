"""The registry of check codes: each with a severity, a title and the editorial reason behind it.

Built from three explicit lists: the codes the records stage reports while reading files, the
rules of ``checks.rules`` and the codes the engine reports about exceptions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..finding import Code
from ..records.codes import CODES as RECORDS_CODES
from .codes import CODES as ENGINE_CODES
from .rules import RULES as CHECKED

__all__ = ["RULES", "explain"]


def _by_code(codes: Iterable[Code]) -> dict[str, Code]:
    found: dict[str, Code] = {}
    for c in codes:
        if c.code in found:
            raise ValueError(f"rule code {c.code} registered twice")
        found[c.code] = c
    return found


RULES: Mapping[str, Code] = _by_code((*RECORDS_CODES, *CHECKED, *ENGINE_CODES))


def explain(code: str) -> str | None:
    r = RULES.get(code.upper())
    if r is None:
        return None
    kind = "" if r.exemptable else "\nThis finding cannot be accepted with an exception."
    return f"{r.code} ({r.severity}, {r.group}): {r.title}\n\n{r.doc}{kind}\n"
