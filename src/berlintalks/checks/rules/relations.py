"""Relations that lead nowhere (BT203-BT205).

A record pointing to itself, part_of and supersedes cycles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    RelationType,
)
from ..context import CheckContext
from ..rule import Problem, Rule
from .wording import names as _names


def self_reference(ctx: CheckContext) -> Iterator[Problem]:
    """
    A claim cannot support, contradict, qualify, be part of or supersede itself, and a source
    cannot belong to itself: such a link tells the reader nothing and sends them back to the
    page they are on. Point the relation (or `affiliation`) at the other record you meant,
    or remove it.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            if rel.claim == claim.id:
                yield Problem(
                    claim.pos("relations", i, "claim"),
                    f"claim '{claim.id}' cannot be {rel.type} itself; name the other claim",
                )
    for source in kb.sources.values():
        if source.affiliation == source.id:
            yield Problem(
                source.pos("affiliation"),
                f"source '{source.id}' cannot be affiliated with itself; name the organisation "
                "it belongs to, or remove the key",
            )


def _cycle_members(edges: dict[str, list[str]]) -> dict[str, int]:
    """The component of every node that lies on a cycle (Tarjan's algorithm, iterative, linear)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in edges:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if child < len(targets):
                work.append((node, child + 1))
                nxt = targets[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.append(top)
                    if top == node:
                        break
                if len(members) > 1:
                    for m in members:
                        component[m] = index[node]
    return component


def _cycles(ctx: CheckContext, kind: RelationType, why: str) -> Iterator[Problem]:
    kb = ctx.kb
    g = ctx.graph
    edges = {
        cid: [
            link.other
            for link in g.of(cid)
            if link.outgoing and link.type is kind and link.other != cid and link.other in kb.claims
        ]
        for cid in kb.claims
    }
    component = _cycle_members(edges)
    loops: dict[int, list[str]] = defaultdict(list)
    for cid, c in component.items():
        loops[c].append(cid)
    # Named once per loop: sorting a loop of thousands for each of its relations would cost
    # its length squared.
    names = {c: _names(members) for c, members in loops.items()}
    for cid, c in component.items():
        claim = kb.claims[cid]
        for i, rel in enumerate(claim.relations):
            if rel.type == kind and component.get(rel.claim) == c:
                yield Problem(
                    claim.pos("relations", i, "claim"),
                    f"'{cid}' {kind} '{rel.claim}', which leads back to '{cid}' "
                    f"({why}); the loop runs through {names[c]}: remove one of its "
                    f"{kind} relations",
                )


def part_of_cycle(ctx: CheckContext) -> Iterator[Problem]:
    """
    `part_of` builds a tree: the six commitments are parts of the joint statement, never the
    other way round. A loop (a part of b, b part of a) has no top, so the site cannot say what
    the whole is and `count` cannot be checked. Every `part_of` relation inside the loop is
    reported; remove the one that points the wrong way.
    """
    return _cycles(ctx, RelationType.PART_OF, "a part cannot contain its whole")


def supersedes_cycle(ctx: CheckContext) -> Iterator[Problem]:
    """
    `supersedes` orders accounts in time: the newer replaces the older, which the site shows
    as outdated. In a loop every account would be outdated by another and none would be
    current. Every `supersedes` relation inside the loop is reported; remove the one that
    points from the older account to the newer.
    """
    return _cycles(ctx, RelationType.SUPERSEDES, "no account in it would be current")


RULES = (
    Rule.of(
        "BT203",
        Severity.ERROR,
        "A record points to itself",
        group="references",
        exemptable=False,
        check=self_reference,
    ),
    Rule.of(
        "BT204",
        Severity.ERROR,
        "A part_of cycle",
        group="references",
        exemptable=False,
        check=part_of_cycle,
    ),
    Rule.of(
        "BT205",
        Severity.ERROR,
        "A supersedes cycle",
        group="references",
        exemptable=False,
        check=supersedes_cycle,
    ),
)
