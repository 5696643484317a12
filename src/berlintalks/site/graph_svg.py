"""The graph picture: claims and the sources they rest on as one inline SVG."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..checks import Graph
from ..records import Claim, KnowledgeBase
from .escape import escape_html

# A relation between two named claims, as the graph's arc titles say it: "A is part of B".
RELATION_VERBS: dict[str, str] = {
    "supports": "supports",
    "contradicts": "contradicts",
    "qualifies": "qualifies",
    "part_of": "is part of",
    "supersedes": "supersedes",
}


@dataclass(frozen=True, slots=True)
class _Node:
    """A left-hand node of the graph picture: a source or a publication."""

    id: str
    page: str
    kind: str
    name: str
    detail: str


# Where the picture puts things: row height, top margin, the two columns' x, label width.
_ROW, _TOP, _LEFT_X, _RIGHT_X, _CHARS = 22, 40, 20, 470, 90


def graph_order(claims: Iterable[Claim]) -> list[Claim]:
    """The claims in the order the graph draws them: by topic, so a topic stays together."""
    return sorted(claims, key=lambda c: (c.topics[0], c.date, c.id))


def graph_svg(
    kb: KnowledgeBase,
    graph: Graph,
    href: Mapping[str, str],
    only: list[Claim] | None = None,
) -> Markup:
    """Claims and sources as an inline SVG: sources left, claims right, relations as arcs.

    A two-column layout is linear in the number of records and needs no script, so the
    picture stays readable offline and for thousands of claims. ``only``: the claims of one
    part of the graph, drawn with the sources and publications they rest on.
    """
    width = _RIGHT_X + 10 + _CHARS * 6
    claims = graph_order(kb.claims.values()) if only is None else graph_order(only)
    sources = _left_nodes(kb)
    if only is not None:
        cited = {f"sources/{sid}" for c in claims for sid in _cited(c)} | {
            f"publications/{sid}" for c in claims for sid in _cited(c)
        }
        sources = [s for s in sources if s.page in cited]
    spos = {
        s.page: _TOP + i * _ROW * max(1, len(claims)) / max(1, len(sources))
        for i, s in enumerate(sources)
    }
    cpos = {c.id: _TOP + i * _ROW for i, c in enumerate(claims)}
    height = _TOP + max(len(claims), 1) * _ROW + 20
    # Assembled with str.format, every value escaped by hand where it goes in: at 10,000
    # claims Markup.format, which escapes each value through a formatter written in Python,
    # took more than half of drawing the graph's parts.
    out: list[str] = [
        f'<svg class="bt-graph" viewBox="0 0 {width} {height}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg" role="group" aria-labelledby="bt-graph-title">'
        '<title id="bt-graph-title">Claims (right) and the sources they rest on (left); '
        "arcs on the right join related claims.</title>"
    ]
    out.extend(_edges(kb, claims, spos, cpos))
    out.extend(_arcs(graph, cpos))
    out.extend(_source_nodes(sources, spos, href))
    out.extend(_claim_nodes(claims, cpos, href))
    out.append("</svg>")
    return Markup("".join(out))


def _left_nodes(kb: KnowledgeBase) -> list[_Node]:
    """Every source, then every publication, which is a speaker where it makes a point in
    its own voice."""
    return [
        _Node(s.id, f"sources/{s.id}", s.kind, s.name, f"{s.kind}, reliability {s.reliability}")
        for s in sorted(kb.sources.values(), key=lambda s: (s.kind, s.name.lower()))
    ] + [
        _Node(p.id, f"publications/{p.id}", "publication", p.title, f"publication, {p.kind}")
        for p in sorted(kb.publications.values(), key=lambda p: p.title.lower())
    ]


def _edges(
    kb: KnowledgeBase,
    claims: list[Claim],
    spos: Mapping[str, float],
    cpos: Mapping[str, int],
) -> Iterator[str]:
    """A line from each cited source or publication to the claim citing it."""
    for c in claims:
        for sid in sorted(_cited(c)):
            node = f"sources/{sid}" if sid in kb.sources else f"publications/{sid}"
            if node in spos:
                y1, y2 = spos[node], cpos[c.id]
                mid = (_LEFT_X + 200 + _RIGHT_X) / 2
                x1, x2 = _LEFT_X + 200, _RIGHT_X - 6
                yield (
                    f'<path class="bt-edge" d="M{x1},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} '
                    f'{x2},{y2:.1f}"/>'
                )


def _arcs(graph: Graph, cpos: Mapping[str, int]) -> Iterator[str]:
    """An arc on the right for each relation one claim declares to another."""
    # The links of the claims drawn, claim by claim: a part draws a few hundred, and a kept
    # part notes each claim's links it read (`memo.RecordedGraph.of`), so it is drawn again
    # when one of its claims gains or loses a relation, not whenever any claim does.
    for cid in sorted(cpos):
        for lk in graph.of(cid):
            if lk.outgoing and lk.other in cpos:
                y1, y2 = cpos[cid], cpos[lk.other]
                bulge = _RIGHT_X - 20 - min(180, abs(y2 - y1) / 3)
                yield (
                    '<path class="bt-arc bt-arc--{t}" d="M{x},{y1:.1f} C{b},{y1:.1f} '
                    '{b},{y2:.1f} {x},{y2:.1f}"><title>{title}</title></path>'
                ).format(
                    t=escape(lk.type.value),
                    x=_RIGHT_X - 6,
                    y1=y1,
                    y2=y2,
                    b=bulge,
                    title=escape_html(f"{cid} {RELATION_VERBS[lk.type.value]} {lk.other}"),
                )


def _source_nodes(
    sources: list[_Node], spos: Mapping[str, float], href: Mapping[str, str]
) -> Iterator[str]:
    for s in sources:
        y = spos[s.page]
        label = escape_html(_shorten(s.name, 30))
        yield (
            f'<a href="{escape(href[s.page])}"><g class="bt-node bt-node--{escape(s.kind)}">'
            f'<circle cx="{_LEFT_X + 200}" cy="{y:.1f}" r="5"/>'
            f'<text x="{_LEFT_X + 190}" y="{y + 4:.1f}" text-anchor="end">{label}</text>'
            f"<title>{escape_html(s.name)} ({escape(s.detail)})</title></g></a>"
        )


def _claim_nodes(
    claims: list[Claim], cpos: Mapping[str, int], href: Mapping[str, str]
) -> Iterator[str]:
    for c in claims:
        y = cpos[c.id]
        yield (
            '<a href="{href}"><g class="bt-node bt-node--{status}">'
            '<circle cx="{cx}" cy="{y}" r="5"/>'
            '<text x="{tx}" y="{ty}">{label}</text>'
            "<title>{title} ({status})</title></g></a>"
        ).format(
            href=escape(href[f"claims/{c.id}"]),
            status=escape(c.status),
            cx=_RIGHT_X,
            y=y,
            tx=_RIGHT_X + 10,
            ty=y + 4,
            label=escape_html(_shorten(c.title, _CHARS)),
            title=escape_html(c.title),
        )


def _cited(c: Claim) -> set[str]:
    """The ids a claim's lines join it to: the speakers and outlets of its accounts."""
    return {a.source for a in c.attributions} | {v for a in c.attributions for v in a.via}


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"
