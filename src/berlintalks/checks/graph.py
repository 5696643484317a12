"""Relations between claims read both ways, built once in linear time for rules and pages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..records import KnowledgeBase, RelationType


@dataclass(frozen=True, slots=True)
class Link:
    """One relation as seen from one claim: ``outgoing`` is False when declared by the other."""

    type: RelationType
    other: str
    note: str | None
    outgoing: bool
    index: int  # position in the declaring claim's relations list


@dataclass(frozen=True, slots=True)
class Graph:
    links: dict[str, list[Link]]
    parts: dict[str, list[str]]
    citations: dict[str, list[str]]

    def of(self, claim_id: str) -> list[Link]:
        return self.links.get(claim_id, [])

    def related(self, claim_id: str, kind: RelationType) -> list[str]:
        return [link.other for link in self.of(claim_id) if link.type is kind]


def build_graph(kb: KnowledgeBase) -> Graph:
    """Every claim's relations in both directions, parts by parent, and claims by source."""
    links: dict[str, list[Link]] = defaultdict(list)
    parts: dict[str, list[str]] = defaultdict(list)
    citations: dict[str, list[str]] = defaultdict(list)
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            kind = RelationType(rel.type)
            links[claim.id].append(Link(kind, rel.claim, rel.note, True, i))
            if rel.claim in kb.claims:
                links[rel.claim].append(Link(kind, claim.id, rel.note, False, i))
            if kind is RelationType.PART_OF:
                parts[rel.claim].append(claim.id)
        cited: set[str] = set()
        for att in claim.attributions:
            cited.add(att.source)
            cited.update(att.via)
        for sid in sorted(cited):
            citations[sid].append(claim.id)
    return Graph(dict(links), dict(parts), dict(citations))
