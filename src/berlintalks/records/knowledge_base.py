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
