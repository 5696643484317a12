"""Lists of the whole knowledge base split into numbered parts, so no page outgrows a phone."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ..records import Claim, ClaimKind, Status
from .graph_svg import graph_order

# Rows per part of each list, from the page sizes at 10,000 synthetic claims
# (benchmarks/README.md): a claims-list row is about 0.27 KB of HTML, a timeline row 0.25 KB,
# a disputed pair with both accounts 2.9 KB, a commitment with its statement 0.95 KB, a
# claim in the graph with its lines and sources 0.96 KB. Each part stays near 0.3 MB at any
# scale; only the list of links to every part grows, by under 100 bytes a part.
PART_SIZES: dict[str, int] = {
    "claims": 1000,
    "timeline": 1000,
    "disputed": 100,
    "commitments": 300,
    "graph": 300,
}


@dataclass(frozen=True, slots=True)
class Part:
    """One numbered part of a split list: its rows, and the docs paths of every part."""

    number: int
    paths: tuple[str, ...]
    rows: list[Any]
    # A second kind of row the page lists after the first (the timeline's positions, the
    # disputed points' claims in no contradiction).
    more: list[Any]

    @property
    def count(self) -> int:
        return len(self.paths)

    @property
    def previous(self) -> str | None:
        return self.paths[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.paths[self.number] if self.number < self.count else None


def part_path(folder: str, number: int) -> str:
    """Part ``number`` of the list in ``folder``: the first is the list's own page.

    ``page/N`` rather than ``part-N``, which a record id could be; every page is the index
    of its own folder (see `views.doc_path`).
    """
    return f"{folder}/index.md" if number == 1 else f"{folder}/page/{number}/index.md"


def _pack(groups: Iterable[list[Any]], size: int) -> list[list[Any]]:
    """Groups of rows packed into chunks of at most ``size``; a group is cut only when it
    alone is longer than a part."""
    chunks: list[list[Any]] = [[]]
    for group in groups:
        if chunks[-1] and len(chunks[-1]) + len(group) > size:
            chunks.append([])
        for i in range(0, len(group), size):
            if i:
                chunks.append([])
            chunks[-1].extend(group[i : i + size])
    return chunks


def split(
    folder: str,
    rows: Sequence[Any],
    size: int,
    key: Callable[[Any], Hashable] | None = None,
    more: Callable[[Any], bool] | None = None,
) -> list[Part] | None:
    """The parts of a list of ``rows``, or None when it fits one page (which then stays as
    it is). ``key``: rows with the same key stay in one part where they fit. ``more``: the
    rows the page lists in its second section."""
    if len(rows) <= size:
        return None
    groups = [list(g) for _, g in groupby(rows, key)] if key else [[r] for r in rows]
    chunks = _pack(groups, size)
    paths = tuple(part_path(folder, n) for n in range(1, len(chunks) + 1))
    is_more = more or (lambda row: False)
    return [
        Part(
            n,
            paths,
            [r for r in chunk if not is_more(r)],
            [r for r in chunk if is_more(r)],
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def list_parts(site: Any, sizes: dict[str, int]) -> dict[str, list[Part] | None]:
    """The parts of each list page of ``site`` (a `views.SiteView`), by folder."""
    claims: list[Claim] = site.claims
    timeline = [c for c in claims if c.kind != ClaimKind.POSITION] + [
        c for c in claims if c.kind == ClaimKind.POSITION
    ]
    others = [
        c
        for c in claims
        if c.status in (Status.DISPUTED, Status.DENIED) and c.id not in site.contested
    ]
    commitments = list(site.parts.items())
    return {
        "claims": split("claims", claims[::-1], sizes["claims"]),
        "timeline": split(
            "timeline",
            timeline,
            sizes["timeline"],
            key=lambda c: (c.kind == ClaimKind.POSITION, c.date),
            more=lambda c: c.kind == ClaimKind.POSITION,
        ),
        "disputed": split(
            "disputed",
            [*site.pairs, *others],
            sizes["disputed"],
            more=lambda row: isinstance(row, Claim),
        ),
        "commitments": _commitment_parts(commitments, sizes["commitments"]),
        # A topic stays in one part where it fits: readers see its relations together, and
        # a claim added to one topic leaves the other parts as they were.
        "graph": split("graph", graph_order(claims), sizes["graph"], key=lambda c: c.topics[0]),
    }


def _commitment_parts(commitments: list[tuple[str, list[Claim]]], size: int) -> list[Part] | None:
    """Statements with their parts, a statement kept whole where it fits: each part's rows
    are ``(statement id, its parts shown here)``."""
    # A statement none of whose parts is recorded still gets its heading: one row, None.
    rows = [(pid, p) for pid, ps in commitments for p in (ps or [None])]
    if len(rows) <= size:
        return None
    parts = split("commitments", rows, size, key=lambda row: row[0])
    assert parts is not None
    return [
        Part(
            part.number,
            part.paths,
            [
                (pid, [p for _, p in g if p is not None])
                for pid, g in groupby(part.rows, lambda row: row[0])
            ],
            [],
        )
        for part in parts
    ]


def rows_problem(value: object) -> str | None:
    """Why ``value`` cannot be a part's number of rows, or None: a part of no rows would
    never end a list, and YAML's `true` is no number."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"expected a whole number of rows, at least 1, not {value!r}"
    return None


def part_sizes(part_size: int | None) -> dict[str, int]:
    """Rows per part of each list: ``PART_SIZES``, or one size for all (`SiteConfig.part_size`)."""
    if part_size is not None and part_size > 0:
        return dict.fromkeys(PART_SIZES, part_size)
    return dict(PART_SIZES)
