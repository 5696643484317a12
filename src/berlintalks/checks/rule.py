"""A rule: a code declared once with the check that finds its problems, and what a check yields."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..finding import Code, Severity

if TYPE_CHECKING:
    from ..records import Pos
    from .context import CheckContext


@dataclass(frozen=True, slots=True)
class Problem:
    """What a check found and where; the engine makes it a finding with the rule's code."""

    pos: Pos
    message: str
    # Another code the rule declares in ``also``, for the rare check that finds a problem
    # another stage has a code for; None for the rule's own code.
    code: Code | None = None


RuleFn = Callable[["CheckContext"], Iterator[Problem]]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rule(Code):
    """A code with the check that finds it; the check's docstring is its explanation."""

    check: RuleFn
    also: tuple[Code, ...] = ()

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
        also: tuple[Code, ...] = (),
    ) -> Rule:
        return cls(
            code=code,
            severity=severity,
            title=title,
            doc=check.__doc__ or "",
            group=group,
            exemptable=exemptable,
            check=check,
            also=also,
        )
