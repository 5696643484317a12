"""A check code declared once: its severity, title, the editorial reason behind it, its check."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..finding import Severity

if TYPE_CHECKING:
    from ..finding import Finding
    from .context import CheckContext

RuleFn = Callable[["CheckContext"], "Iterator[Finding]"]


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

    @classmethod
    def of(
        cls,
        code: str,
        severity: Severity,
        title: str,
        *,
        group: str,
        check: RuleFn,
        exemptable: bool = True,
    ) -> Rule:
        """A rule whose check's docstring is its documentation."""
        return cls(
            code, severity, title, inspect.cleandoc(check.__doc__ or ""), group, exemptable, check
        )

    @classmethod
    def produced_elsewhere(
        cls, code: str, severity: Severity, title: str, doc: str, *, group: str, exemptable: bool
    ) -> Rule:
        """A code whose findings another stage produces (the parser, the loader, the engine)."""
        return cls(code, severity, title, inspect.cleandoc(doc), group, exemptable)
