"""Run the whole check: load the records, apply every rule and the records' exceptions, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..finding import Finding, Severity, settle
from ..gcpause import without_cycle_collector
from ..records import Claim, Exemption, KnowledgeBase, Publication, Source
from ..records.load import ParseCache, load
from ..records.wording import closest, did_you_mean
from .codes import NOT_EXEMPTABLE, STALE_EXCEPTION, UNKNOWN_CODE
from .context import CheckContext
from .graph import Graph
from .quote_memo import QuoteMemo
from .registry import RULES
from .rule import Rule
from .rules import RULES as CHECKED


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
def check(
    root: Path,
    progress: Callable[[int, int], None] | None = None,
    cache: ParseCache | None = None,
    quotes: QuoteMemo | None = None,
    jobs: int = 2,
) -> Report:
    """Every finding on the records under ``root``, with the records and their graph.

    ``cache`` spares parsing again the files unchanged since the last check that used it;
    the rules, which look across records, run over all of them every time. ``quotes``: the
    quotes the checks before found in the archives, not looked up again. ``jobs``: 2 lets a
    second process parse a share of the files, where it can (`records.load_two`).
    """
    kb, findings = load(root, progress, cache, jobs=jobs)
    ctx = CheckContext.of(kb, quotes)
    for rule in CHECKED:
        findings.extend(stamped(rule, ctx))
    graph = ctx.graph
    del ctx  # nothing but the report keeps the records alive after their check
    kept, accepted = apply_exceptions(kb, settle(findings))
    return Report(kb, settle(kept), accepted, graph)


def stamped(rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
    """Each problem the rule's check yields, as a finding with the rule's code and severity."""
    for problem in rule.check(ctx):
        code = rule if problem.code is None else problem.code
        if code is not rule and code not in rule.also:
            raise ValueError(f"{rule.code} yielded {code.code}, which it does not declare")
        yield Finding.at(problem.pos, code, problem.message)


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
        hint = did_you_mean(closest(code, RULES))
        shown = ex.rule if len(ex.rule) <= 20 else ex.rule[:19] + "…"
        return [Finding.at(pos, UNKNOWN_CODE, f"no check has the code '{shown}'{hint}")]
    if not known.exemptable:
        return [
            Finding.at(
                pos,
                NOT_EXEMPTABLE,
                f"{code} ({known.title.lower()}) cannot be accepted with an exception; fix the "
                "record and remove the exception",
            )
        ]
    if (record.path, code) not in used:
        return [
            Finding.at(
                pos,
                STALE_EXCEPTION,
                f"nothing in this file is reported as {code} any more; remove the exception",
            )
        ]
    return []
