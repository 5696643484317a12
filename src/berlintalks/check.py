"""Run the whole check: load the records, apply every rule, return the findings in order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import rules as _rules  # noqa: F401  (registers the rules)
from .findings import Finding, Severity, settle
from .load import load
from .model import KnowledgeBase
from .registry import RULES


@dataclass(frozen=True, slots=True)
class Report:
    kb: KnowledgeBase
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


def check(root: Path) -> Report:
    kb, findings = load(root)
    for r in RULES.values():
        if r.fn is not None:
            findings.extend(r.fn(kb))
    return Report(kb, settle(findings))
