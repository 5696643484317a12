"""The check under way, handed to every rule: the records, their graph, archives, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import KnowledgeBase
from .archives import Archive
from .graph import Graph, build_graph
from .quotes import Words
from .suggest import Suggestions


@dataclass(slots=True)
class CheckContext:
    """Built once per check by the engine, so the rules share one graph and archive cache.

    Nothing outlives the check: the engine drops the context when the rules have run.
    """

    kb: KnowledgeBase
    graph: Graph
    archives: dict[str, Archive] = field(default_factory=dict)
    words: dict[str, Words] = field(default_factory=dict)
    suggestions: Suggestions = field(default_factory=dict)

    @classmethod
    def of(cls, kb: KnowledgeBase) -> CheckContext:
        return cls(kb, build_graph(kb))
