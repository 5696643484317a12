"""Dates (BT601): an attribution cannot come before the event it reports."""

from __future__ import annotations

from collections.abc import Iterator

from ...finding import Severity
from ..context import CheckContext
from ..rule import Problem, Rule


def attribution_after_event(ctx: CheckContext) -> Iterator[Problem]:
    """
    An attribution's `date` is when the words were said or published; it cannot come before
    the claim's `date`, the day of the event or statement it reports. One of the two dates is
    wrong: correct it. (Whether a date exists at all, such as 30 February, is checked when
    the file is read: BT105.)
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if att.date is not None and att.date < claim.date:
                yield Problem(
                    claim.pos("attributions", i, "date"),
                    f"attributed on {att.date.isoformat()}, before the claim's date "
                    f"{claim.date.isoformat()}; correct one of the two dates",
                )


RULES = (
    Rule.of(
        "BT601",
        Severity.ERROR,
        "An attribution dated before the event",
        group="dates",
        check=attribution_after_event,
    ),
)
