"""The registry of check codes: each with a severity, a title and the editorial reason behind it.

It lists, from explicit lists: the codes the parser and loader produce (declared by the records
stage with :func:`declare`), the rules of ``checks.rules`` and the codes the engine produces.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..finding import Severity
from .rule import Rule, RuleFn

__all__ = ["RULES", "Rule", "RuleFn", "declare", "explain"]

# The codes the records stage produces; the loader and the parser declare them as data here.
_DECLARED: dict[str, Rule] = {}


def declare(
    code: str,
    severity: Severity,
    title: str,
    doc: str,
    *,
    group: str,
    exemptable: bool = True,
) -> Rule:
    """Declare a code whose findings the parser or the loader produce."""
    if code in _DECLARED:
        raise ValueError(f"rule code {code} registered twice")
    rule = Rule.produced_elsewhere(code, severity, title, doc, group=group, exemptable=exemptable)
    _DECLARED[code] = rule
    return rule


class _Registry(Mapping[str, Rule]):
    """Every code, by code; collected on first use, since the records stage imports this module."""

    def __init__(self) -> None:
        self._all: dict[str, Rule] | None = None

    def _rules(self) -> dict[str, Rule]:
        if self._all is None:
            from ..records import load as _load  # noqa: F401  (its module declares its codes)
            from ..records import yaml as _yaml  # noqa: F401  (its module declares its codes)
            from .engine import ENGINE_RULES
            from .rules import RULES as CHECKED

            found: dict[str, Rule] = {}
            for r in (*_DECLARED.values(), *CHECKED, *ENGINE_RULES):
                if r.code in found:
                    raise ValueError(f"rule code {r.code} registered twice")
                found[r.code] = r
            self._all = found
        return self._all

    def __getitem__(self, code: str) -> Rule:
        return self._rules()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._rules())

    def __len__(self) -> int:
        return len(self._rules())


RULES: Mapping[str, Rule] = _Registry()


def explain(code: str) -> str | None:
    r = RULES.get(code.upper())
    if r is None:
        return None
    kind = "" if r.exemptable else "\nThis finding cannot be accepted with an exception."
    return f"{r.code} ({r.severity}, {r.group}): {r.title}\n\n{r.doc}{kind}\n"
