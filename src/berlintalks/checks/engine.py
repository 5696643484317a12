"""Run the whole check: load the records, apply every rule and the records' exceptions, in order."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..finding import Finding, Severity, settle
from ..gcpause import without_cycle_collector
from ..records import Claim, Exemption, KnowledgeBase, Publication, Source
from ..records.load import load
from .context import CheckContext
from .graph import Graph
from .registry import RULES
from .rule import Rule
from .rules import RULES as CHECKED

# The codes the engine itself produces, about the records' exceptions.
ENGINE_RULES = (
    Rule.produced_elsewhere(
        "BT801",
        Severity.ERROR,
        "An exception for a finding that cannot be accepted",
        """
        Findings about structure (YAML syntax, the schema, unknown references, self-references
        and cycles: codes BT0xx, BT1xx and BT2xx) describe records the site cannot be built from,
        a missing rationale or reliability reason (BT404, BT407) and unbalanced insertion marks
        (BT703) leave a page unable to say why or whose words, and findings about exceptions
        themselves would excuse nothing. They cannot be accepted;
        fix the record instead and remove the exception.
        """,
        group="exceptions",
        exemptable=False,
    ),
    Rule.produced_elsewhere(
        "BT904",
        Severity.WARNING,
        "An exception that no longer matches a finding",
        """
        An exception accepts one finding code on one record. When the record has changed and the
        checker no longer reports that code there, the exception (and its reason, shown on the
        page) is out of date. Remove it.
        """,
        group="exceptions",
        exemptable=False,
    ),
    Rule.produced_elsewhere(
        "BT905",
        Severity.WARNING,
        "An exception names an unknown code",
        """
        The `rule` of an exception must be a code of this checker (`berlintalks check --explain
        CODE` describes each). An unknown code accepts nothing, so it cannot hide a problem: the
        finding it was meant for is still reported. It is a warning rather than an error so that
        records written for a newer version of the rules still pass an older checker. Correct the
        code or remove the exception.
        """,
        group="exceptions",
        exemptable=False,
    ),
)


@dataclass(frozen=True, slots=True)
class Accepted:
    """A finding not reported because its record accepts it with a reason."""

    finding: Finding
    exemption: Exemption


@dataclass(frozen=True, slots=True)
class Report:
    kb: KnowledgeBase
    findings: list[Finding]
    accepted: list[Accepted] = field(default_factory=list)
    graph: Graph | None = None  # the relation graph the rules saw, for the pages to reuse

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]


@without_cycle_collector
def check(root: Path, progress: Callable[[int, int], None] | None = None) -> Report:
    kb, findings = load(root, progress)
    ctx = CheckContext.of(kb)
    for r in CHECKED:
        assert r.fn is not None
        findings.extend(r.fn(ctx))
    graph = ctx.graph
    del ctx  # nothing but the report keeps the records alive after their check
    kept, accepted = apply_exceptions(kb, settle(findings))
    return Report(kb, settle(kept), accepted, graph)


def apply_exceptions(
    kb: KnowledgeBase, findings: list[Finding]
) -> tuple[list[Finding], list[Accepted]]:
    """Drop the findings a record accepts; add findings for exceptions that accept nothing.

    An exception ``{rule: CODE}`` on a record accepts every finding with that code located in
    the record's own file, so an editor can only excuse what is wrong with their record.
    """
    records: list[Claim | Source | Publication] = [
        *kb.claims.values(),
        *kb.sources.values(),
        *kb.publications.values(),
    ]
    wanted: dict[tuple[str, str], Exemption] = {}
    for record in records:
        for ex in record.exceptions:
            wanted.setdefault((record.path, ex.rule.strip().upper()), ex)
    kept: list[Finding] = []
    accepted: list[Accepted] = []
    used: set[tuple[str, str]] = set()
    for f in findings:
        key = (f.file, f.code)
        if key in wanted and RULES[f.code].exemptable:
            used.add(key)
            accepted.append(Accepted(f, wanted[key]))
        else:
            kept.append(f)
    for record in records:
        for i, ex in enumerate(record.exceptions):
            kept.extend(_exception_finding(record, i, ex, used))
    return kept, accepted


def _exception_finding(
    record: Claim | Source | Publication, i: int, ex: Exemption, used: set[tuple[str, str]]
) -> list[Finding]:
    code = ex.rule.strip().upper()
    pos = record.pos("exceptions", i, "rule")
    known = RULES.get(code)
    if known is None:
        close = difflib.get_close_matches(code, list(RULES), n=1, cutoff=0.6)
        hint = f" — did you mean '{close[0]}'?" if close else ""
        shown = ex.rule if len(ex.rule) <= 20 else ex.rule[:19] + "…"
        return [Finding.at(pos, "BT905", f"no check has the code '{shown}'{hint}")]
    if not known.exemptable:
        return [
            Finding.at(
                pos,
                "BT801",
                f"{code} ({known.title.lower()}) cannot be accepted with an exception; fix the "
                "record and remove the exception",
            )
        ]
    if (record.path, code) not in used:
        return [
            Finding.at(
                pos,
                "BT904",
                f"nothing in this file is reported as {code} any more; remove the exception",
            )
        ]
    return []
