"""The codes the engine itself reports, about the records' exceptions, as data."""

from __future__ import annotations

from ..finding import Code, Severity

NOT_EXEMPTABLE = Code(
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
)
STALE_EXCEPTION = Code(
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
)
UNKNOWN_CODE = Code(
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
)

CODES: tuple[Code, ...] = (NOT_EXEMPTABLE, STALE_EXCEPTION, UNKNOWN_CODE)
