"""Parts and figures (BT501-BT504): counts, percentages and the figures related claims share."""

from __future__ import annotations

import math
from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    Claim,
    Figure,
    RelationType,
)
from ..context import CheckContext
from ..rule import Problem, Rule
from .wording import names as _names
from .wording import num as _num
from .wording import short as _short

PERCENT_UNITS = frozenset({"percent", "per cent", "%"})


def count_matches_parts(ctx: CheckContext) -> Iterator[Problem]:
    """
    `count: N` says the claim has N parts (the joint statement lists six commitments), and the
    site lists them as "1 of 6". Exactly N distinct claims must declare `part_of` this claim.
    Add the missing parts, remove the extra `part_of` relations, or correct `count`.
    """
    kb = ctx.kb
    g = ctx.graph
    for claim in kb.claims.values():
        if claim.count is None:
            continue
        parts = {p for p in g.parts.get(claim.id, []) if p != claim.id}
        if len(parts) != claim.count:
            listed = f": {_names(parts)}" if parts else ""
            yield Problem(
                claim.pos("count"),
                f"count is {claim.count} but {len(parts)} claim"
                f"{' is' if len(parts) == 1 else 's are'} part_of it{listed}; make them agree",
            )


def _is_percent(figure: Figure) -> bool:
    return figure.unit.strip().casefold() in PERCENT_UNITS


def percent_range(ctx: CheckContext) -> Iterator[Problem]:
    """
    A share in percent lies between 0 and 100. A value outside that range is a typo or a
    figure in another unit (a percentage-point change, a count); correct the value or the
    `unit`.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, fig in enumerate(claim.figures):
            if not _is_percent(fig):
                continue
            if fig.value is not None:
                values = [(fig.value, claim.pos("figures", i, "value"))]
            else:
                values = [
                    (v, claim.pos("figures", i, "values", j)) for j, v in enumerate(fig.values)
                ]
            for v, pos in values:
                if not 0 <= v <= 100:
                    yield Problem(
                        pos, f"{_num(v)} percent is outside 0–100; correct the value or the unit"
                    )


def percent_split(ctx: CheckContext) -> Iterator[Problem]:
    """
    `values` in percent describe how a whole is divided (the plant's capacity 50–50), so they
    add up to 100. If the source itself rounds (33, 33, 33), record its numbers as published
    and accept the finding with an exception saying so.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, fig in enumerate(claim.figures):
            if not fig.values or not _is_percent(fig):
                continue
            total = math.fsum(fig.values)
            if abs(total - 100) > 1e-9:
                yield Problem(
                    claim.pos("figures", i, "values"),
                    f"the shares of '{_short(fig.label)}' add up to {_num(total)} percent, not "
                    "100; correct them",
                )


def _label(text: str) -> str:
    return " ".join(text.casefold().split())


def _amount(figure: Figure) -> str:
    numbers = [figure.value] if figure.value is not None else list(figure.values)
    return "–".join(_num(v) for v in numbers if v is not None) + f" {_short(figure.unit.strip())}"


# Contradicting accounts and a newer account superseding an older one are expected to give
# different numbers; only claims that agree with or refine each other must share them.
_SAME_FIGURES = frozenset({RelationType.SUPPORTS, RelationType.QUALIFIES, RelationType.PART_OF})

# A figure that differs from many related claims names the first few.
_SHOWN = 8


def related_figures_agree(ctx: CheckContext) -> Iterator[Problem]:
    """
    When claims that support, qualify or are part of one another give a figure with the same
    `label` (ignoring case), they speak of the same number and must give the same value and
    unit; otherwise one of them is a typo. The finding is reported on the figure in each of
    the two claims, once however many relations join them (a figure that differs from
    several related claims names them in one finding). Claims that contradict or supersede
    each other are exempt: differing numbers are their point. Correct the value, or rename
    the label if the figures measure different things.
    """
    kb = ctx.kb
    g = ctx.graph
    labels: dict[str, dict[str, int]] = {}

    def labelled(c: Claim) -> dict[str, int]:
        """Each label of the claim's figures, with the last figure that has it."""
        if c.id not in labels:
            labels[c.id] = {_label(f.label): i for i, f in enumerate(c.figures)}
        return labels[c.id]

    for claim in kb.claims.values():
        if not claim.figures:
            continue
        mine = labelled(claim)
        # For each figure here, the related claims that give it another value, each once
        # however many relations (either way, repeated) join the two claims.
        others: dict[str, None] = {}
        for link in g.of(claim.id):
            if link.type in _SAME_FIGURES and link.other != claim.id:
                other = kb.claims.get(link.other)
                if other is not None and other.figures:
                    others[other.id] = None
        # Per label, the related claims by the value they give: a figure here is then
        # compared with each distinct value, not with each related claim.
        by_label: dict[str, dict[str, list[str]]] = {}
        for oid in others:
            other = kb.claims[oid]
            theirs = labelled(other)
            small, large = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
            for label in small:
                if label in large:
                    amount = _amount(other.figures[theirs[label]])
                    by_label.setdefault(label, {}).setdefault(amount, []).append(oid)
        totals = {label: sum(map(len, groups.values())) for label, groups in by_label.items()}
        for i, fig in enumerate(claim.figures):
            label = _label(fig.label)
            groups = by_label.get(label)
            if groups is None:
                continue
            amount = _amount(fig)
            differ = totals[label] - len(groups.get(amount, ()))
            if differ == 0:
                continue
            shown: list[tuple[str, str]] = []  # (claim, its value): the first few that differ
            for theirs_amount, ids in groups.items():
                if theirs_amount != amount:
                    shown += [(oid, theirs_amount) for oid in ids[: 1 + _SHOWN - len(shown)]]
                    if len(shown) > _SHOWN:
                        break
            (oid, theirs_amount), rest = shown[0], [o for o, _ in shown[1 : 1 + _SHOWN]]
            more = ""
            if differ > 1:
                left = differ - 1 - len(rest)
                names = ", ".join(f"'{o}'" for o in rest) + (f" and {left} more" if left else "")
                more = f", and other values in {differ - 1} more ({names})"
            key = "value" if fig.value is not None else "values"
            yield Problem(
                claim.pos("figures", i, key),
                f"'{_short(fig.label)}' is {amount} here but {theirs_amount} in related claim "
                f"'{oid}'{more}; make them agree or give the figures different labels",
            )


RULES = (
    Rule.of(
        "BT501",
        Severity.ERROR,
        "The count differs from the number of parts",
        group="figures",
        check=count_matches_parts,
    ),
    Rule.of(
        "BT502", Severity.ERROR, "A percentage outside 0–100", group="figures", check=percent_range
    ),
    Rule.of(
        "BT503",
        Severity.ERROR,
        "A split in percent does not add up to 100",
        group="figures",
        check=percent_split,
    ),
    Rule.of(
        "BT504",
        Severity.ERROR,
        "Related claims give the same figure different values",
        group="figures",
        check=related_figures_agree,
    ),
)
