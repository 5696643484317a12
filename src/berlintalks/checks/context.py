"""The check under way, handed to every rule: the records, their graph, archives, suggestions."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..records import KnowledgeBase, Publication, Source
from .archives import Archive, read_archive
from .graph import Graph, build_graph
from .quote_memo import QuoteMemo
from .quotes import Words, words
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
    quotes: QuoteMemo | None = None  # what the checks before learnt of the archives

    @classmethod
    def of(cls, kb: KnowledgeBase, quotes: QuoteMemo | None = None) -> CheckContext:
        return cls(kb, build_graph(kb), quotes=quotes)


def archive_of(ctx: CheckContext, source: Source | Publication) -> Archive:
    assert source.archive is not None
    archives = ctx.archives
    if source.archive not in archives:
        archives[source.archive] = read_archive(Path(ctx.kb.root), source.archive)
    return archives[source.archive]


def archive_words(ctx: CheckContext, source: Source | Publication) -> Words:
    """The words of a readable archive, split once however many of its quotes miss."""
    assert source.archive is not None
    cache = ctx.words
    if source.archive not in cache:
        text = archive_of(ctx, source).text or ""
        cache[source.archive] = ctx.quotes.words_of(text, words) if ctx.quotes else words(text)
    return cache[source.archive]
