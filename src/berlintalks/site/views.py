"""What each page shows: the data every page shares, and one view dataclass per page."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any

from markupsafe import Markup, escape

from ..checks import METHOD, RULES, Graph, KeptGrades, grades, is_translated, speaker_publication
from ..export import STATUS_WORDS, Publisher, chain_text
from ..finding import Finding, Severity
from ..records import (
    CLAIM_KIND_DOCS,
    CREDIBILITY_DOCS,
    KIND_DOCS,
    PUBLICATION_KIND_DOCS,
    QUALIFIER_DOCS,
    RELATION_DOCS,
    RELIABILITY_DOCS,
    STATUS_DOCS,
    STATUS_SCALE_NOTE,
    Attribution,
    Claim,
    ClaimKind,
    FileHistory,
    KnowledgeBase,
    Publication,
    RelationType,
    Source,
    Status,
)
from .addresses import doc_path
from .parts import Part, list_parts, part_sizes

# A relation read from either end, as English: (declared by this claim, declared by the other).
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "supports": ("this claim supports", "this claim is supported by"),
    "contradicts": ("this claim contradicts", "this claim is contradicted by"),
    "qualifies": ("this claim qualifies", "this claim is qualified by"),
    "part_of": ("this claim is part of", "this claim includes"),
    "supersedes": ("this claim supersedes", "this claim is superseded by"),
}


INDEX_PAGES = frozenset(
    {"claims/index.md", "sources/index.md", "topics/index.md", "publications/index.md"}
)


def _natural(text: str) -> list[Any]:
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", text)]


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """What the pages need to know about where the site and its records are published."""

    publisher: Publisher = field(default_factory=Publisher)
    # Address prefix of the repository's files, e.g. ``https://host/org/repo/edit/main/``.
    edit_base: str | None = None
    use_directory_urls: bool = True
    site_name: str = ""
    # Rows per part of every list split into parts; None for each list's own size
    # (`parts.PART_SIZES`). A small size shows the parts on a small knowledge base.
    part_size: int | None = None


def chain_html(
    kb: KnowledgeBase, att: Attribution, href: Callable[[str], str], here: str | None = None
) -> Markup:
    """The chain of an attribution in words, each named record a link to its page.

    ``href``: the address of a docs path from the page being rendered. ``here``: the
    publication whose page this is, not named again in its own chains.
    """

    def name(text: str, target: str | None) -> Markup:
        if target is None:
            return escape(text)
        folder, _, rid = target.partition("/")
        return Markup('<a href="%s">%s</a>') % (href(doc_path(folder, rid)), text)

    return Markup("").join(
        p if isinstance(p, Markup) else escape(p) for p in chain_text(kb, att, name, here)
    )


def chain_words(kb: KnowledgeBase, att: Attribution) -> str:
    """The chain of an attribution as plain text, for the search index."""
    return "".join(chain_text(kb, att, lambda text, target: text, None))


def _missing_quote(kb: KnowledgeBase, att: Attribution) -> str:
    """What a reader is told in place of a quote the attribution does not have."""
    if speaker_publication(kb, att) is not None:
        return "No quote: the publication says this in its own voice, citing no one."
    pub = kb.publications.get(att.publication or "")
    what = f"the {pub.kind}" if pub is not None else "the publication"
    return f"No direct quote: this is {what}'s paraphrase."


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True, slots=True)
class Pair:
    """Two accounts that contradict each other, with the note of the claim declaring it."""

    left: Claim
    right: Claim
    note: str | None


def _pairs(kb: KnowledgeBase, graph: Graph) -> list[Pair]:
    seen: set[frozenset[str]] = set()
    pairs = []
    for claim in sorted(kb.claims.values(), key=lambda c: c.id):
        for lk in graph.of(claim.id):
            if lk.type is RelationType.CONTRADICTS and lk.outgoing and lk.other in kb.claims:
                key = frozenset((claim.id, lk.other))
                if key not in seen:
                    seen.add(key)
                    pairs.append(Pair(claim, kb.claims[lk.other], lk.note))
    return pairs


def context(view: object) -> dict[str, Any]:
    """A view's fields as the names its template reads (its template's name is not one)."""
    return {
        f.name: getattr(view, f.name)
        for f in fields(view)  # type: ignore[arg-type]
        if f.name != "template"
    }


@dataclass(frozen=True, slots=True)
class SiteView:
    """What every page may show: the records, their relations and the documentation tables."""

    kb: KnowledgeBase
    claims: list[Claim]
    sources: list[Source]
    publications: list[Publication]
    graph: Graph
    topics: dict[str, list[Claim]]
    superseded_by: dict[str, list[str]]
    parts: dict[str, list[Claim]]
    members: dict[str, list[Source]]
    pairs: list[Pair]
    contested: Counter[str]
    most_disputed: list[Claim]
    resting: dict[str, list[Claim]]
    grades: Mapping[str, Any]
    history: Mapping[str, FileHistory] | None
    findings_by_file: dict[str, list[Finding]]
    config: SiteConfig
    rules: list[Any]
    status_counts: Counter[str]
    kind_counts: Counter[str]
    events: list[Claim]
    positions: list[Claim]
    chain: Callable[..., Markup]
    missing_quote: Callable[[Attribution], str]
    translated: Callable[[Attribution], bool]
    statuses: list[Status] = field(default_factory=lambda: list(Status))
    RULES: Mapping[str, Any] = field(default_factory=lambda: RULES)
    METHOD: Any = field(default_factory=lambda: METHOD)
    STATUS_DOCS: Mapping[str, str] = field(default_factory=lambda: STATUS_DOCS)
    KIND_DOCS: Mapping[str, str] = field(default_factory=lambda: KIND_DOCS)
    RELIABILITY_DOCS: Mapping[str, str] = field(default_factory=lambda: RELIABILITY_DOCS)
    RELATION_DOCS: Mapping[str, str] = field(default_factory=lambda: RELATION_DOCS)
    STATUS_WORDS: Mapping[str, str] = field(default_factory=lambda: STATUS_WORDS)
    STATUS_SCALE_NOTE: str = STATUS_SCALE_NOTE
    CREDIBILITY_DOCS: Mapping[str, str] = field(default_factory=lambda: CREDIBILITY_DOCS)
    CLAIM_KIND_DOCS: Mapping[str, str] = field(default_factory=lambda: CLAIM_KIND_DOCS)
    PUBLICATION_KIND_DOCS: Mapping[str, str] = field(default_factory=lambda: PUBLICATION_KIND_DOCS)
    QUALIFIER_DOCS: Mapping[str, str] = field(default_factory=lambda: QUALIFIER_DOCS)
    RELATION_LABELS: Mapping[str, tuple[str, str]] = field(default_factory=lambda: RELATION_LABELS)


def site_view(
    kb: KnowledgeBase,
    graph: Graph,
    findings: Iterable[Finding],
    history: Mapping[str, FileHistory] | None,
    config: SiteConfig,
    kept: KeptGrades | None = None,
) -> SiteView:
    """What the pages are made from; ``kept``: the grades of the records before (`serve`)."""
    claims = sorted(kb.claims.values(), key=lambda c: (c.date, c.id))
    sources = sorted(kb.sources.values(), key=lambda s: s.name.lower())
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.severity is Severity.WARNING:
            by_file[f.file].append(f)
    pairs = _pairs(kb, graph)
    contested: Counter[str] = Counter()
    for p in pairs:
        contested[p.left.id] += 1
        contested[p.right.id] += 1
    return SiteView(
        kb=kb,
        claims=claims,
        sources=sources,
        publications=sorted(kb.publications.values(), key=lambda p: p.title.lower()),
        graph=graph,
        topics=dict(sorted(_topics(claims).items())),
        superseded_by=_superseded_by(kb, claims),
        parts={
            pid: sorted(
                (kb.claims[c] for c in cs if c in kb.claims), key=lambda c: _natural(c.title)
            )
            for pid, cs in graph.parts.items()
            if pid in kb.claims
        },
        members=_members(sources),
        pairs=pairs,
        contested=contested,
        most_disputed=sorted(
            (c for c in claims if contested[c.id] or c.status in (Status.DISPUTED, Status.DENIED)),
            key=lambda c: (-contested[c.id], c.status != Status.DISPUTED, c.id),
        )[:6],
        resting=_resting(kb, claims),
        grades=grades(kb, graph, kept),
        history=history,
        findings_by_file=by_file,
        config=config,
        rules=sorted(RULES.values(), key=lambda r: r.code),
        status_counts=Counter(c.status for c in claims),
        kind_counts=Counter(s.kind for s in sources),
        events=[c for c in claims if c.kind != ClaimKind.POSITION],
        positions=[c for c in claims if c.kind == ClaimKind.POSITION],
        **kb_functions(kb),
    )


def kb_functions(kb: KnowledgeBase) -> dict[str, Callable[..., Any]]:
    """The functions of `SiteView` that look records up in ``kb``."""
    return {
        "chain": lambda a, href, here=None: chain_html(kb, a, href, here),
        "missing_quote": lambda a: _missing_quote(kb, a),
        "translated": lambda a: is_translated(kb, a),
    }


def _topics(claims: list[Claim]) -> dict[str, list[Claim]]:
    topics: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        for t in c.topics:
            topics[t].append(c)
    return topics


def _superseded_by(kb: KnowledgeBase, claims: list[Claim]) -> dict[str, list[str]]:
    superseded_by: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        for r in c.relations:
            if r.type == RelationType.SUPERSEDES and r.claim in kb.claims:
                superseded_by[r.claim].append(c.id)
    return superseded_by


def _members(sources: list[Source]) -> dict[str, list[Source]]:
    members: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        if s.affiliation:
            members[s.affiliation].append(s)
    return members


def _resting(kb: KnowledgeBase, claims: list[Claim]) -> dict[str, list[Claim]]:
    """What rests on each publication: the claims read in it or spoken by it."""
    resting: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        for pid in dict.fromkeys(
            pid for a in c.attributions for pid in (a.publication, a.source) if pid
        ):
            if pid in kb.publications:
                resting[pid].append(c)
    return resting


# ---------------------------------------------------------------- one view per page


@dataclass(frozen=True, slots=True)
class ListPage:
    """A page of the whole knowledge base (home, lists, timeline, methodology, ...)."""

    template: str
    part: Part | None = None


@dataclass(frozen=True, slots=True)
class GraphPage:
    """The graph page; its picture is drawn when rendering, for the page's own links."""

    template: str = "graph.html.j2"
    part: Part | None = None


@dataclass(frozen=True, slots=True)
class ClaimPage:
    # Its ClaimReview is made as the page is rendered (`render._page_html`), from what every
    # page shares: in `serve` its reads are noted, so it is made again only when they change.
    claim: Claim
    edit_url: str | None
    template: str = "claim.html.j2"


@dataclass(frozen=True, slots=True)
class SourcePage:
    source: Source
    edit_url: str | None
    source_claims: list[Claim]
    template: str = "source.html.j2"


@dataclass(frozen=True, slots=True)
class PublicationPage:
    publication: Publication
    edit_url: str | None
    template: str = "publication.html.j2"


@dataclass(frozen=True, slots=True)
class TopicPage:
    slug: str
    topic_claims: list[Claim]
    template: str = "topic.html.j2"


PageView = ListPage | GraphPage | ClaimPage | SourcePage | PublicationPage | TopicPage

_LIST_PAGES = {
    "index.md": "index.html.j2",
    "claims/index.md": "claims.html.j2",
    "sources/index.md": "sources.html.j2",
    "publications/index.md": "publications.html.j2",
    "topics/index.md": "topics.html.j2",
    "commitments/index.md": "commitments.html.j2",
    "disputed/index.md": "disputed.html.j2",
    "timeline/index.md": "timeline.html.j2",
}


def page_views(site: SiteView) -> dict[str, PageView]:
    """Every generated page, ``{docs-relative path: its view}``, in the order they are made."""
    kb, config = site.kb, site.config
    views: dict[str, PageView] = {p: ListPage(t) for p, t in _LIST_PAGES.items()}
    # One folder down, so raw HTML links mean the same to a builder that rewrites them as
    # relative to the Markdown file (Zensical) as to one that leaves them alone (MkDocs).
    views["graph/index.md"] = GraphPage()
    views["methodology/index.md"] = ListPage("methodology.html.j2")
    views["data/index.md"] = ListPage("data.html.j2")
    for parts in list_parts(site, part_sizes(config.part_size)).values():
        for part in parts or ():
            views[part.paths[part.number - 1]] = replace(views[part.paths[0]], part=part)
    for c in site.claims:
        views[doc_path("claims", c.id)] = ClaimPage(c, _edit(config, c.path))
    for s in site.sources:
        cited = sorted(
            (kb.claims[c] for c in site.graph.citations.get(s.id, []) if c in kb.claims),
            key=lambda c: (c.date, c.id),
        )
        views[doc_path("sources", s.id)] = SourcePage(s, _edit(config, s.path), cited)
    for pub in site.publications:
        views[doc_path("publications", pub.id)] = PublicationPage(pub, _edit(config, pub.path))
    # In the order the claims first name them, as before the topics were sorted for lists.
    for slug, members in _topics(site.claims).items():
        views[doc_path("topics", slug)] = TopicPage(slug, members)
    return views


def _edit(config: SiteConfig, path: str) -> str | None:
    return config.edit_base.rstrip("/") + "/" + path if config.edit_base else None
