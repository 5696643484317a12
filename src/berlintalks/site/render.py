"""Records to site pages: HTML rendered from the Jinja templates, plus the export files."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import markdown
from markupsafe import Markup

from ..boundary import tree_digest
from ..checks import Graph, build_graph, language_name
from ..export import STATUS_WORDS, claim_review, figure_words, number_words
from ..finding import Finding
from ..records import FileHistory, KnowledgeBase
from ..second_process import Tally
from .addresses import doc_path, page_url, relative_url
from .escape import escape_text, json_for_script, link, quote_html
from .graph_svg import graph_svg
from .memo import PageMemo, Recorder, RenderMemo
from .memo_store import DiskRenderMemo
from .render_errors import RenderError, render_failure, template_line
from .render_two import in_two
from .rendered import Heading, RenderedPage, SearchEntry, with_headings
from .search import search_of
from .site_files import site_files
from .views import (
    INDEX_PAGES,
    ClaimPage,
    GraphPage,
    ListPage,
    PageView,
    PublicationPage,
    SiteConfig,
    SiteView,
    SourcePage,
    TopicPage,
    context,
    page_views,
    site_view,
)
from .watched import recorded_context

__all__ = [
    "INDEX_PAGES",
    "RenderError",
    "RenderedPage",
    "SiteConfig",
    "environment",
    "escape_text",
    "generate",
    "json_for_script",
    "link",
    "render_failure",
    "rendering",
]


def text_html(value: object) -> Markup:
    """Record text on one line, escaped for HTML: autoescaping makes it inert, no more needed."""
    return escape_text(value)


def paragraphs_html(value: object) -> Markup:
    """Multi-paragraph record text: a ``<p>`` for each paragraph (split at blank lines)."""
    paras = [p for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return Markup("\n").join(Markup("<p>{}</p>").format(text_html(p)) for p in paras)


@functools.lru_cache(maxsize=16)
def status_html(status: str) -> Markup:
    """A status as its badge, with the status in words as its tooltip."""
    return Markup('<span class="bt-status bt-status--%s" title="%s">%s</span>') % (
        status,
        STATUS_WORDS[status],
        status,
    )


class _Links:
    """The links of one page to record pages: what every list repeats for each of its rows.

    Plain Python, for speed: at 1,000 claims the lists make some 30,000 links, and as Jinja
    macros they took a fifth of the rendering. Record names are escaped once per build.
    """

    __slots__ = ("href", "names")

    def __init__(self, href: Callable[[str], str], names: dict[tuple[str, str], Markup]) -> None:
        self.href = href
        self.names = names

    def _a(self, folder: str, rid: str, name: str) -> Markup:
        shown = self.names.get((folder, rid))
        if shown is None:
            shown = self.names[(folder, rid)] = text_html(name)
        return Markup('<a href="%s">%s</a>') % (self.href(doc_path(folder, rid)), shown)

    def claim(self, c: Any) -> Markup:
        return self._a("claims", c.id, c.title)

    def source(self, s: Any) -> Markup:
        return self._a("sources", s.id, s.name)

    def publication(self, p: Any) -> Markup:
        return self._a("publications", p.id, p.title)

    def topic(self, slug: str) -> Markup:
        return self._a("topics", slug, topic_name(slug))


@functools.lru_cache(maxsize=64)
def _markdown(text: str) -> str:
    return markdown.markdown(text, extensions=["tables", "attr_list", "admonition"])


def markdown_html(text: object) -> Markup:
    """The project's own Markdown (methodology prose, rule docs), never a record's text."""
    return Markup(_markdown(str(text)))


def number_text(value: object) -> str:
    return number_words(value) if isinstance(value, int | float) else str(value)


def human_date(value: date | str | None) -> str:
    if value is None:
        return ""
    d = value if isinstance(value, date) else date.fromisoformat(value)
    return f"{d.day} {d:%B %Y}"


def topic_name(slug: str) -> str:
    return slug.replace("-", " ").capitalize()


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
        t=text_html,
        paras=paragraphs_html,
        markdown=markdown_html,
        link=link,
        jsonld=json_for_script,
        day=human_date,
        topic=topic_name,
        doc=doc_path,
        trusted=Markup,
        quote=quote_html,
        number=number_text,
        figure=lambda f: text_html(figure_words(f)),
        language=language_name,
    )
    return env


def generate(
    kb: KnowledgeBase,
    *,
    templates: Path,
    findings: Iterable[Finding] = (),
    history: Mapping[str, FileHistory] | None = None,
    config: SiteConfig | None = None,
    graph: Graph | None = None,
) -> dict[str, str]:
    """Every generated file of the site, ``{docs-relative path: text}``: the pages, then the
    other files (stylesheet, exports).

    A page is a Markdown file whose body is its HTML (see `RenderedPage.source`), so any
    builder that reads Markdown shows it. ``graph``: the relation graph of ``kb`` its check
    built (``Report.graph``); built here only for a caller that renders records it did not
    check.
    """
    pages, files = rendering(
        kb, templates=templates, findings=findings, history=history, config=config, graph=graph
    )
    out = {path: page.source() for path, page in pages}
    out.update((path, "".join(pieces)) for path, pieces in files)
    return out


def rendering(
    kb: KnowledgeBase,
    *,
    templates: Path,
    findings: Iterable[Finding] = (),
    history: Mapping[str, FileHistory] | None = None,
    config: SiteConfig | None = None,
    graph: Graph | None = None,
    memo: PageMemo | None = None,
    second: Tally | None = None,
) -> tuple[Iterator[tuple[str, RenderedPage]], Iterator[tuple[str, Iterable[str]]]]:
    """The generated pages and the other files (stylesheet, exports), each made when its turn
    comes, a file's text in pieces.

    A caller that keeps each page in a compact form as it comes (the MkDocs plugin) never
    holds the text of them all: at 10,000 claims the pages' HTML is some 190 MB and the
    exports 120 MB. ``memo``: the pages of the rebuild before (`serve`), each rendered again
    only when something it read changed. ``second``: let a second process render a share of
    the pages and the other files (`render_two`), counted there.
    """
    config = config or SiteConfig()
    graph = graph if graph is not None else build_graph(kb)
    kept = memo.grades if isinstance(memo, RenderMemo) else None
    site = site_view(kb, graph, findings, history, config, kept)
    if memo is not None:
        memo.start((tree_digest(templates), config, history is None))
    paths, made = _pages(site, environment(templates), memo)
    files = site_files(kb, site, templates, history, config, memo)
    if second is not None and not isinstance(memo, RenderMemo):
        # Not for `serve`, whose pages live in this process. With the pages of the build
        # before, the copy still makes the exports while this process takes the pages kept.
        kept = memo if isinstance(memo, DiskRenderMemo) else None
        return in_two(paths, made, files, second, kept)
    return ((path, made(n)) for n, path in enumerate(paths)), files


def _pages(
    site: SiteView, env: jinja2.Environment, memo: PageMemo | None
) -> tuple[list[str], Callable[[int], RenderedPage]]:
    """The docs paths of the pages, and what makes the n-th of them."""
    common = context(site)
    names: dict[tuple[str, str], Markup] = {}
    targets: dict[str, str] = {}
    recorder = Recorder()
    watched = recorded_context(site, common, recorder) if memo is not None else common
    views = list(page_views(site).items())

    def made(number: int) -> RenderedPage:
        path, view = views[number]
        if memo is not None and isinstance(view, _KEPT_VIEWS):

            def again(path: str = path, view: PageView = view) -> _Kept:
                return _searched(
                    watched["kb"], view, _page_html(env, site, watched, path, view, names, targets)
                )

            body, headings, title, links, search = memo.page(path, view, common, recorder, again)
        else:
            html = _page_html(env, site, common, path, view, names, targets)
            body, headings, title, links, search = _searched(site.kb, view, html)
        return RenderedPage(
            html=body,
            title=title,
            headings=headings,
            meta=view_meta(view),
            links=links,
            search=search,
        )

    return [path for path, _ in views], made


# A page's body, headings, title (escaped) and the docs paths it links to.
_Html = tuple[str, tuple[Heading, ...], str, tuple[str, ...]]
# And its search entries, which a page kept between builds keeps too.
_Kept = tuple[str, tuple[Heading, ...], str, tuple[str, ...], tuple[SearchEntry, ...] | None]


def _searched(kb: KnowledgeBase, view: PageView, html: _Html) -> _Kept:
    """``html`` with the page's search entries, made from ``kb`` (in `serve`, one that notes
    what the entries read, as the page's template does)."""
    body, headings, title, _ = html
    return (*html, search_of(kb, view, title, headings, body))


# The pages `RenderMemo` keeps: all that list or show records.
_KEPT_VIEWS = (ClaimPage, SourcePage, PublicationPage, TopicPage, ListPage, GraphPage)


def _page_html(
    env: jinja2.Environment,
    site: SiteView,
    common: dict[str, Any],
    path: str,
    view: PageView,
    names: dict[tuple[str, str], Markup],
    targets: dict[str, str],
) -> _Html:
    """Render the page at ``path`` from ``common`` (what every page may read) and its view."""
    dir_urls = site.config.use_directory_urls
    extra = context(view)
    if isinstance(view, ClaimPage):
        publisher = site.config.publisher
        extra["review"] = claim_review(common["kb"], view.claim, publisher, common["history"])
    if isinstance(view, GraphPage):
        shown = view.part.rows if view.part else None
        # Drawn from what every page shares, so that a kept graph page notes what it read
        # (every source and publication, the relations) and is kept until one changes.
        hrefs = _graph_hrefs(site, path, shown)
        extra["svg"] = graph_svg(common["kb"], common["graph"], hrefs, shown)
    here = page_url(path, dir_urls)
    links: set[str] = set()

    def href(target: str) -> str:
        # One string for each page linked to, however many pages link to it.
        links.add(targets.setdefault(target, target))
        where, hash_, anchor = target.partition("#")
        return relative_url(page_url(where, dir_urls), here) + hash_ + anchor

    links_to = _Links(href, names)
    body = _render(
        env,
        view.template,
        {
            **common,
            **extra,
            "base": "../" * here.count("/"),
            "page_path": path,
            "href": href,
            "status": status_html,
            "claim_link": links_to.claim,
            "source_link": links_to.source,
            "publication_link": links_to.publication,
            "topic_link": links_to.topic,
        },
    )
    body, headings = with_headings(body)
    # Escaped, as MkDocs keeps a title it took from a page's heading: themes write the
    # title into the page without escaping it again.
    title = headings[0].name if headings and headings[0].level == 1 else ""
    return body, headings, title, tuple(sorted(links))


def view_meta(view: PageView) -> dict[str, Any]:
    """The front matter of a page besides its title: a claim's topics as tags, and what the
    graph page hides to leave the picture the width of the screen."""
    if isinstance(view, ClaimPage):
        return {"tags": list(view.claim.topics)}
    if isinstance(view, GraphPage):
        return {"hide": ["navigation", "toc"]}
    return {}


def _graph_hrefs(site: SiteView, path: str, shown: list[Any] | None) -> dict[str, str]:
    """The link from the graph page at ``path`` to every record page it may draw: every
    source and publication, and the claims ``shown`` (all when None)."""
    targets = (
        [("claims", c.id) for c in (site.claims if shown is None else shown)]
        + [("sources", s.id) for s in site.sources]
        + [("publications", p.id) for p in site.publications]
    )
    dir_urls = site.config.use_directory_urls
    here = page_url(path, dir_urls)
    return {
        f"{folder}/{slug}": relative_url(page_url(doc_path(folder, slug), dir_urls), here)
        for folder, slug in targets
    }


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
        where = template_line(exc) or f"templates/{name}"
        raise RenderError(f"{where}: {type(exc).__name__}: {exc}") from exc
