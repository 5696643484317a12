"""The registry of check codes: each with a severity, a title and the editorial reason behind it."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..finding import Severity

if TYPE_CHECKING:
    from ..finding import Finding
    from ..records.model import KnowledgeBase

RuleFn = Callable[["KnowledgeBase"], "Iterator[Finding]"]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: Severity
    title: str
    doc: str
    group: str
    # Structural findings (syntax, schema, unknown references) describe data the site cannot
    # be built from, so they can never be accepted with an exception.
    exemptable: bool
    fn: RuleFn | None = None


RULES: dict[str, Rule] = {}


def declare(
    code: str,
    severity: Severity,
    title: str,
    doc: str,
    *,
    group: str,
    exemptable: bool = True,
    fn: RuleFn | None = None,
) -> Rule:
    """Register a code whose findings are produced elsewhere (the parser, the loader)."""
    if code in RULES:
        raise ValueError(f"rule code {code} registered twice")
    rule = Rule(code, severity, title, inspect.cleandoc(doc), group, exemptable, fn)
    RULES[code] = rule
    return rule


def rule(
    code: str, severity: Severity, title: str, *, group: str, exemptable: bool = True
) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function; its docstring is the rule's documentation."""

    def register(fn: RuleFn) -> RuleFn:
        declare(code, severity, title, fn.__doc__ or "", group=group, exemptable=exemptable, fn=fn)
        return fn

    return register


def explain(code: str) -> str | None:
    r = RULES.get(code.upper())
    if r is None:
        return None
    kind = "" if r.exemptable else "\nThis finding cannot be accepted with an exception."
    return f"{r.code} ({r.severity}, {r.group}): {r.title}\n\n{r.doc}{kind}\n"
