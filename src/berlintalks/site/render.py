"""Records to site pages: Markdown rendered from the Jinja templates, plus the export files."""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..checks import (
    METHOD,
    RULES,
    Graph,
    build_graph,
    grades,
    is_translated,
    language_name,
    speaker_publication,
)
from ..checks import engine as _check  # noqa: F401  (registers every rule for the methodology page)
from ..export import (
    STATUS_WORDS,
    Publisher,
    chain_text,
    claim_review,
    export_all,
    figure_words,
    number_words,
)
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
    RelationType,
    Source,
    Status,
)
from .escape import escape_paragraphs, escape_run, escape_text, json_for_script, link, quote_html
from .feed import atom_feed
from .graph_svg import graph_svg

# A relation read from either end, as English: (declared by this claim, declared by the other).
RELATION_LABELS: dict[str, tuple[str, str]] = {
    "supports": ("this claim supports", "this claim is supported by"),
    "contradicts": ("this claim contradicts", "this claim is contradicted by"),
    "qualifies": ("this claim qualifies", "this claim is qualified by"),
    "part_of": ("this claim is part of", "this claim includes"),
    "supersedes": ("this claim supersedes", "this claim is superseded by"),
}


def number_text(value: object) -> str:
    return number_words(value) if isinstance(value, int | float) else str(value)


def human_date(value: date | str | None) -> str:
    if value is None:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{d.day} {d:%B %Y}"


def doc_path(folder: str, slug: str) -> str:
    """The generated page of a record: ``claims/<id>.md``, served at ``/claims/<id>/``.

    ``index`` is a valid id, but ``claims/index.md`` is the list of all claims; its page goes
    one folder down so that it still lives at ``/claims/index/``.
    """
    return f"{folder}/{slug}/index.md" if slug == "index" else f"{folder}/{slug}.md"


INDEX_PAGES = frozenset(
    {"claims/index.md", "sources/index.md", "topics/index.md", "publications/index.md"}
)


def topic_name(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


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


class RenderError(Exception):
    """A template could not be loaded or rendered; the message names the template and line."""


@functools.lru_cache(maxsize=8)
def environment(templates: Path) -> jinja2.Environment:
    """The Jinja environment of a templates folder, kept across `serve` rebuilds.

    Compiled templates are reused (about 130 ms of a 180 ms generation for the bundled
    records); Jinja still reloads a template whose file changed.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates)),
        # Autoescape as a safety net: a value that forgot its filter still cannot open a tag.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        t=escape_text,
        paras=escape_paragraphs,
        link=link,
        jsonld=json_for_script,
        day=human_date,
        topic=topic_name,
        doc=doc_path,
        trusted=Markup,
        quote=quote_html,
        number=number_text,
        figure=lambda f: escape_text(figure_words(f)),
        language=language_name,
    )
    return env


def chain_markdown(
    kb: KnowledgeBase, att: Attribution, base: str, here: str | None = None
) -> Markup:
    """The chain of an attribution in words, each named record a link to its page.

    ``here``: the publication whose page this is, not named again in its own chains.
    """

    def name(text: str, target: str | None) -> Markup:
        if target is None:
            return escape_text(text)
        folder, _, rid = target.partition("/")
        return Markup("[{}]({}{})").format(escape_text(text), base, doc_path(folder, rid))

    return Markup("").join(
        p if isinstance(p, Markup) else escape_run(p) for p in chain_text(kb, att, name, here)
    )


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


def _page_href(target: str, page: str, directory_urls: bool) -> str:
    """The link from generated page ``page`` (a docs path) to ``target`` (``claims/x``)."""
    page_dir = page[: -len(".md")] if page.endswith(".md") else page
    if page_dir.endswith("index"):
        page_dir = page_dir[: -len("index")].rstrip("/")
    depth = page_dir.count("/") + 1 if directory_urls and page_dir else page_dir.count("/")
    return "../" * depth + (target + "/" if directory_urls else target + ".html")


def generate(
    kb: KnowledgeBase,
    *,
    templates: Path,
    findings: Iterable[Finding] = (),
    history: Mapping[str, FileHistory] | None = None,
    config: SiteConfig | None = None,
) -> dict[str, str]:
    """Every generated file of the site, ``{docs-relative path: text}``."""
    config = config or SiteConfig()
    graph = build_graph(kb)
    env = environment(templates)
    claims = sorted(kb.claims.values(), key=lambda c: (c.date, c.id))
    sources = sorted(kb.sources.values(), key=lambda s: s.name.lower())
    publications = sorted(kb.publications.values(), key=lambda p: p.title.lower())
    graded = grades(kb)
    # What rests on each publication: the claims read in it or spoken by it.
    resting: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        for pid in dict.fromkeys(
            pid for a in c.attributions for pid in (a.publication, a.source) if pid
        ):
            if pid in kb.publications:
                resting[pid].append(c)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        if f.severity is Severity.WARNING:
            by_file[f.file].append(f)
    topics: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        for t in c.topics:
            topics[t].append(c)
    superseded_by: dict[str, list[str]] = defaultdict(list)
    for c in claims:
        for r in c.relations:
            if r.type == RelationType.SUPERSEDES and r.claim in kb.claims:
                superseded_by[r.claim].append(c.id)
    parts = {
        pid: sorted((kb.claims[c] for c in cs if c in kb.claims), key=lambda c: _natural(c.title))
        for pid, cs in graph.parts.items()
        if pid in kb.claims
    }
    members: dict[str, list[Source]] = defaultdict(list)
    for s in sources:
        if s.affiliation:
            members[s.affiliation].append(s)
    pairs = _pairs(kb, graph)
    contested: Counter[str] = Counter()
    for p in pairs:
        contested[p.left.id] += 1
        contested[p.right.id] += 1
    most_disputed = sorted(
        (c for c in claims if contested[c.id] or c.status in (Status.DISPUTED, Status.DENIED)),
        key=lambda c: (-contested[c.id], c.status != Status.DISPUTED, c.id),
    )[:6]
    rules = sorted(RULES.values(), key=lambda r: r.code)
    common: dict[str, Any] = {
        "kb": kb,
        "claims": claims,
        "sources": sources,
        "graph": graph,
        "topics": dict(sorted(topics.items())),
        "superseded_by": superseded_by,
        "parts": parts,
        "members": members,
        "pairs": pairs,
        "history": history,
        "findings_by_file": by_file,
        "config": config,
        "STATUS_DOCS": STATUS_DOCS,
        "KIND_DOCS": KIND_DOCS,
        "RELIABILITY_DOCS": RELIABILITY_DOCS,
        "RELATION_DOCS": RELATION_DOCS,
        "RULES": RULES,
        "rules": rules,
        "statuses": list(Status),
        "status_counts": Counter(c.status for c in claims),
        "kind_counts": Counter(s.kind for s in sources),
        "most_disputed": most_disputed,
        "contested": contested,
        "publications": publications,
        "resting": resting,
        "grades": graded,
        "events": [c for c in claims if c.kind != ClaimKind.POSITION],
        "positions": [c for c in claims if c.kind == ClaimKind.POSITION],
        "chain": lambda a, base, here=None: chain_markdown(kb, a, base, here),
        "missing_quote": lambda a: _missing_quote(kb, a),
        "translated": lambda a: is_translated(kb, a),
        "STATUS_WORDS": STATUS_WORDS,
        "STATUS_SCALE_NOTE": STATUS_SCALE_NOTE,
        "CREDIBILITY_DOCS": CREDIBILITY_DOCS,
        "CLAIM_KIND_DOCS": CLAIM_KIND_DOCS,
        "PUBLICATION_KIND_DOCS": PUBLICATION_KIND_DOCS,
        "QUALIFIER_DOCS": QUALIFIER_DOCS,
        "RELATION_LABELS": RELATION_LABELS,
        "METHOD": METHOD,
    }
    pages: dict[str, tuple[str, dict[str, Any]]] = {
        "index.md": ("index.md.j2", {}),
        "claims/index.md": ("claims.md.j2", {}),
        "sources/index.md": ("sources.md.j2", {}),
        "publications/index.md": ("publications.md.j2", {}),
        "topics/index.md": ("topics.md.j2", {}),
        "commitments.md": ("commitments.md.j2", {}),
        "disputed.md": ("disputed.md.j2", {}),
        "timeline.md": ("timeline.md.j2", {}),
        "graph.md": ("graph.md.j2", {}),
        "methodology.md": ("methodology.md.j2", {}),
        "data.md": ("data.md.j2", {}),
    }
    for c in claims:
        review = claim_review(kb, c, config.publisher, history)
        edit = config.edit_base.rstrip("/") + "/" + c.path if config.edit_base else None
        pages[doc_path("claims", c.id)] = (
            "claim.md.j2",
            {"claim": c, "review": review, "edit_url": edit},
        )
    for s in sources:
        edit = config.edit_base.rstrip("/") + "/" + s.path if config.edit_base else None
        cited = sorted(
            (kb.claims[c] for c in graph.citations.get(s.id, []) if c in kb.claims),
            key=lambda c: (c.date, c.id),
        )
        pages[doc_path("sources", s.id)] = (
            "source.md.j2",
            {"source": s, "edit_url": edit, "source_claims": cited},
        )
    for pub in publications:
        edit = config.edit_base.rstrip("/") + "/" + pub.path if config.edit_base else None
        pages[doc_path("publications", pub.id)] = (
            "publication.md.j2",
            {"publication": pub, "edit_url": edit},
        )
    for slug, members_ in topics.items():
        pages[doc_path("topics", slug)] = ("topic.md.j2", {"slug": slug, "topic_claims": members_})

    out: dict[str, str] = {}
    for path, (name, extra) in pages.items():
        if name == "graph.md.j2":
            hrefs = {
                **{f"claims/{c.id}": _page_href(f"claims/{c.id}", path, True) for c in claims},
                **{f"sources/{s.id}": _page_href(f"sources/{s.id}", path, True) for s in sources},
                **{
                    f"publications/{p.id}": _page_href(f"publications/{p.id}", path, True)
                    for p in publications
                },
            }
            if not config.use_directory_urls:
                hrefs = {k: _page_href(k, path, False) for k in hrefs}
            extra = {**extra, "svg": graph_svg(kb, graph, hrefs)}
        base = "../" * path.count("/")
        out[path] = _render(env, name, {**common, **extra, "base": base, "page_path": path})
    out["assets/berlintalks.css"] = (templates / "berlintalks.css").read_text(encoding="utf-8")
    exports = export_all(kb, publisher=config.publisher, history=history, graded=graded)
    for name, text in exports.items():
        out[f"data/{name}"] = text
    out["feed.xml"] = atom_feed(
        kb,
        publisher=config.publisher,
        site_name=config.site_name,
        directory_urls=config.use_directory_urls,
        use_history=history is not None,
    )
    return out


def _render(env: jinja2.Environment, name: str, ctx: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(ctx)
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(
            f"templates/{exc.name or name}:{exc.lineno}: template syntax error: {exc.message}"
        ) from exc
    except jinja2.TemplateNotFound as exc:
        raise RenderError(f"template not found: templates/{exc.name}") from exc
    except jinja2.TemplateError as exc:
        where = _template_line(exc) or f"templates/{name}"
        raise RenderError(f"{where}: {type(exc).__name__}: {exc}") from exc


def _template_line(exc: BaseException) -> str | None:
    """``templates/NAME:LINE`` of the innermost template frame: Jinja maps its frames back."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"templates/{Path(filename).name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
