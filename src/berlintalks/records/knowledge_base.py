"""The knowledge base: every valid record by id, and the ids of the files that failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .claim import Claim
from .publication import Publication
from .source import Source


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Every valid record, by id, and the ids of files that exist but failed validation."""

    root: str
    claims: Mapping[str, Claim]
    sources: Mapping[str, Source]
    broken_claims: frozenset[str] = frozenset()
    broken_sources: frozenset[str] = frozenset()
    publications: Mapping[str, Publication] = field(default_factory=dict)
    broken_publications: frozenset[str] = frozenset()

    def claim_exists(self, cid: str) -> bool:
        return cid in self.claims or cid in self.broken_claims

    def source_exists(self, sid: str) -> bool:
        return sid in self.sources or sid in self.broken_sources

    def publication_exists(self, pid: str) -> bool:
        return pid in self.publications or pid in self.broken_publications

    def speaker_exists(self, sid: str) -> bool:
        """Whether ``sid`` can be an attribution's ``source``: a source or a publication."""
        return self.source_exists(sid) or self.publication_exists(sid)


def forget_positions(kb: KnowledgeBase) -> None:
    """Drop where each value of each record sits in its file: the check is over.

    Only a check points at positions, and its findings hold their own; `berlintalks build`
    keeps the report it handed over (for its result) through the whole MkDocs build, and the
    positions were a quarter of a build's memory at 2,000 claims once the pages were packed.
    """
    for records in (kb.claims, kb.sources, kb.publications):
        for record in records.values():
            # The records are frozen; positions take no part in their equality or hash.
            object.__setattr__(record, "positions", None)
