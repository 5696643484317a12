"""The MkDocs adapter: adds the generated pages and exports to a build and watches the records."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel

from ..checks import Report, as_text, check
from ..export import Publisher
from ..records import FileHistory, ParseCache, forget_positions, head_commit, read_history
from .addresses import doc_path, same_address
from .htmlpage import HtmlPage, PackedFile, generated_page
from .material_search import index_from_records
from .memo import RenderMemo
from .page_keys import page_key, site_key
from .page_store import MemoryStore, Store
from .parts import rows_problem
from .render import INDEX_PAGES, RenderError, SiteConfig, render_failure, rendering
from .rendered import pack_pieces
from .social import social_meta
from .theme_env import MemoryBytecodeCache
from .unchanged import KeptFile, Serving, by_page, remove_gone, restore_search

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

# Pages reached through index pages and search, kept out of the sidebar (see mkdocs.yml).
_NOT_IN_NAV = ("claims/", "sources/", "topics/", "publications/")
WATCHED = ("claims", "sources", "publications", "templates")

SITE_URL_UNSET = (
    "berlintalks: site_url is not set (set BERLINTALKS_SITE_URL to the published address): "
    "the ClaimReview url of every claim is a bare path, pages have no canonical link and the "
    "sitemap lists no addresses"
)


def warn_site_url(config: MkDocsConfig) -> None:
    """Say on stderr, as MkDocs says its warnings, that the published addresses are unknown.

    Written rather than logged: strict mode, which every build here uses, counts each logged
    warning as a failure, and a local build or a test has no published address to give.
    """
    if config.site_url:
        return
    if logging.getLogger("mkdocs").getEffectiveLevel() > logging.WARNING:
        return  # `mkdocs build -q`
    sys.stderr.write(f"WARNING -  {SITE_URL_UNSET}\n")


class _RowsPerPart(opt.Type[int]):
    """A whole number of rows, at least 1: a part of no rows would never end a list."""

    def __init__(self) -> None:
        super().__init__(int)

    def run_validation(self, value: object) -> int:
        rows = super().run_validation(value)
        problem = rows_problem(rows)
        if problem:
            raise ValidationError(problem)
        return rows


class PluginConfig(base.Config):
    root = opt.Optional(opt.Dir(exists=True))
    publisher = opt.Type(str, default="berlintalks")
    # Address prefix of the repository's files for "edit this claim" links, e.g.
    # https://github.com/ORG/REPO/edit/main/ . Preferred over repo_url, with which Material
    # would also fetch repository statistics from the host on every page view.
    edit_url = opt.Optional(opt.Type(str))
    # Rows per part of the lists split into numbered parts; unset, each list's own size.
    part_size = opt.Optional(_RowsPerPart())


def site_config(
    config: MkDocsConfig,
    publisher: str,
    edit_url: str | None = None,
    part_size: int | None = None,
) -> SiteConfig:
    edit_base = edit_url.rstrip("/") + "/" if edit_url else None
    if edit_base is None and config.repo_url and config.edit_uri:
        # Records live at the repository root, not under docs/, so drop the docs part.
        uri = config.edit_uri.rstrip("/")
        docs = Path(config.docs_dir).name
        if uri.endswith("/" + docs):
            uri = uri[: -len(docs) - 1]
        edit_base = config.repo_url.rstrip("/") + "/" + uri.strip("/") + "/"
    return SiteConfig(
        publisher=Publisher(publisher, config.site_url or ""),
        edit_base=edit_base,
        use_directory_urls=config.use_directory_urls,
        site_name=config.site_name,
        part_size=part_size,
    )


class BerlinTalksPlugin(BasePlugin[PluginConfig]):
    def __init__(self) -> None:
        self._history: dict[str, FileHistory] | None = None
        self._history_head: str | None = None
        self._generated: set[str] = set()
        self._social: dict[str, dict[str, str]] = {}
        self._bytecode = MemoryBytecodeCache()
        # A report `berlintalks build` has just produced, with the root it checked, so the
        # build it starts does not load and check every record a second time (about 1.3 s
        # for 1,000 claims). Used by one build only.
        self._given: tuple[Path, Report] | None = None
        # The theme's output of generated pages, by `page_keys.page_key`: on disk when
        # `berlintalks build` gives a store, in memory across the rebuilds of `serve`.
        self._outputs: Store | None = None
        # The pages of the last `serve` rebuild, with what each read (`memo`).
        self._memo: RenderMemo | None = None
        self._serving: Serving | None = None
        # `serve` parses again only the records whose bytes changed.
        self._parsed: ParseCache | None = None

    def leave_unchanged(self, dirty: bool) -> None:
        """`serve`: MkDocs' coming rebuild is a dirty one, which leaves unchanged pages alone."""
        if self._serving is not None:
            self._serving.dirty = dirty
        self._build: _BuildState | None = None

    def use_outputs(self, store: Store | None) -> None:
        """Take the theme's output of unchanged pages from ``store``, and keep new ones there.

        Given by `berlintalks build`, never by `serve`: what a `serve` in the same process
        kept (MkDocs keeps one instance of the plugin per process) is let go.
        """
        self.on_shutdown()
        self._outputs = store

    def use_report(self, root: Path, report: Report) -> None:
        """Let the next build of ``root`` use ``report`` instead of checking again."""
        self._given = (root.resolve(), report)

    def _report(self, root: Path) -> Report:
        given, self._given = self._given, None
        if given is not None and given[0] == root.resolve():
            return given[1]
        return check(root, cache=self._parsed)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook is what makes MkDocs keep one instance across `serve` rebuilds,
        # and with it the caches above.
        if command == "serve":
            self._memo = RenderMemo()
            self._serving = Serving()
            self._parsed = ParseCache()
            if self._outputs is None:
                self._outputs = MemoryStore()

    def on_shutdown(self) -> None:
        """`serve` has ended: what it kept between rebuilds is let go."""
        self._memo = self._serving = self._outputs = self._parsed = None

    def _root(self, config: MkDocsConfig) -> Path:
        if self.config.root:
            return Path(self.config.root)
        return Path(config.config_file_path).resolve().parent

    def _read_history(self, root: Path) -> dict[str, FileHistory] | None:
        # During `serve` the same instance rebuilds on every edit, and histories change only
        # with the commit checked out.
        head = head_commit(root)
        if head is None or head != self._history_head:
            self._history = read_history(root)
            self._history_head = head
        return self._history

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        root = self._root(config)
        report = self._report(root)
        if report.errors:
            raise PluginError(
                f"berlintalks: the records have {len(report.errors)} error(s); fix them "
                "first:\n" + as_text(report.errors)
            )
        if self._serving is None:
            # `serve` keeps its records between rebuilds (the parse cache), and their
            # positions with them; a build has no use for them once checked.
            forget_positions(report.kb)
        history = self._read_history(root)
        conf = site_config(
            config, self.config.publisher, self.config.edit_url, self.config.part_size
        )
        self._generated = set()
        serving = self._serving
        if serving is not None:
            serving.writing = False
        titles = _nav_titles(config.nav)
        # Taken once: MkDocs makes its table of paths again after every file added.
        docs = set(files.src_uris)
        try:
            pages, others = rendering(
                report.kb,
                templates=root / "templates",
                findings=report.findings,
                history=history,
                config=conf,
                graph=report.graph,
                memo=self._memo,
            )
            # Each page and file packed as it is made (see `HtmlPage`), the text let go.
            for path, page in pages:
                inclusion = self._check_path(docs, path)
                # The page as serve keeps it; left alone when the last rebuild made it so.
                entry = serving.entry(page) if serving is not None else None
                kept = serving is not None and serving.dirty and serving.pages.get(path) == entry
                # MkDocs uses a page a plugin has set (a nav entry's title is given here, as
                # MkDocs would) instead of making its own, and the page skips Python-Markdown.
                file = generated_page(
                    config, path, page, inclusion, titles.get(path), KeptFile if kept else None
                )
                if isinstance(file, KeptFile):
                    file.serving = serving  # type: ignore[assignment]
                if serving is not None and entry is not None:
                    serving.now[path] = entry
                files.append(file)
                self._generated.add(path)
            for path, pieces in others:
                inclusion = self._check_path(docs, path)
                files.append(PackedFile.holding(config, path, pack_pieces(pieces), inclusion))
        except RenderError as exc:
            raise PluginError(f"berlintalks: {exc}") from exc
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # A value the check let through that a template cannot show (an integer too long
            # to print, say): one line naming the record and the template, never a traceback,
            # which `serve` would otherwise print on every rebuild.
            raise PluginError(f"berlintalks: {render_failure(exc)}") from None
        self._social = {doc_path("claims", c.id): social_meta(c) for c in report.kb.claims.values()}
        self._build = _BuildState(files, sorted(self._generated))
        if self._memo is not None:
            log.info(f"berlintalks: {self._memo.reused} pages kept from the rebuild before")
        return files

    @staticmethod
    def _check_path(docs: set[str], path: str) -> InclusionLevel:
        """Where a generated file at ``path`` is listed; refused if a file of ``docs`` (the
        hand-written pages, by docs path) would hide it."""
        hidden = [p for p in same_address(path) if p in docs]
        if hidden:
            raise PluginError(
                f"berlintalks: docs/{hidden[0]} would hide the generated page of the same "
                "name; rename or remove the hand-written file"
            )
        if path.startswith(_NOT_IN_NAV) and path not in INDEX_PAGES:
            return InclusionLevel.NOT_IN_NAV
        return InclusionLevel.UNDEFINED

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        warn_site_url(config)
        return config

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # MkDocs makes a new theme environment on every `serve` rebuild: this one gets the
        # templates compiled by the rebuilds before it.
        env.bytecode_cache = self._bytecode
        if self._serving is not None:
            self._serving.writing = True  # MkDocs has read every page; it writes them next
        return env

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        index_from_records(config)

    # Last, so that the key of a page's output covers what every other plugin added.
    @event_priority(-100)
    def on_page_context(
        self, context: dict[str, Any], /, *, page: Page, config: MkDocsConfig, nav: Any
    ) -> dict[str, Any]:
        # A generated page has no Markdown file to edit: it carries its own link to the YAML
        # record it comes from (the part for editors), so every builder shows the same one,
        # and the theme's edit button, which would point at the generated file, is hidden.
        if page.file.src_uri in self._generated:
            page.edit_url = None
        # What a shared link previews, written into the head by the theme (main.html); set on
        # every page so front matter cannot supply it.
        page.meta["bt_social"] = self._social.get(page.file.src_uri)
        state = self._build
        if state is not None:
            _release_page(state.written_last)  # the page before, which MkDocs has written
            state.written_last = None
            state.built.add(page.url)
        if state is not None and self._outputs is not None and page.file.src_uri in self._generated:
            if state.site is None:
                state.site = site_key(config, nav, state.files, self._generated)
            key = page_key(state.site, page, context)
            state.keys[page.file.src_uri] = key
            output = self._outputs.get(key)
            if output is None:
                state.pending[page.file.src_uri] = key
            else:
                # The theme's main.html hands this on instead of rendering the page.
                context["bt_output"] = output
                state.hits += 1
        return context

    # First, so the output kept is the theme's own, before any plugin changes it (they all
    # run again on a page taken from the store).
    @event_priority(100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        state = self._build
        key = state.pending.pop(page.file.src_uri, None) if state is not None else None
        if key is not None and self._outputs is not None:
            self._outputs.put(key, output)
        if state is not None:
            # Let go of its HTML once every plugin's on_post_page has had it: when MkDocs
            # starts the next page, or ends the build.
            state.written_last = page
        return output

    # Before the search plugin writes its index, which gets the entries of pages left alone.
    @event_priority(100)
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        state, self._build = self._build, None
        if state is None:
            return
        _release_page(state.written_last)
        if self._serving is not None:
            self._after_serve_rebuild(config, state)
        if self._outputs is None:
            return
        self._outputs.keep_only(set(state.keys.values()))
        log.info(
            f"berlintalks: {state.hits} of {len(state.keys)} generated pages taken from "
            "the cache of built pages"
        )

    def _after_serve_rebuild(self, config: MkDocsConfig, state: _BuildState) -> None:
        serving = self._serving
        assert serving is not None
        written = {state.files.src_uris[p].abs_dest_path for p in state.paths}
        index = getattr(config.plugins.get("material/search"), "search_index", None)
        entries = getattr(index, "entries", None)
        if serving.dirty:
            # The pages MkDocs left alone kept their files, output and search entries.
            if isinstance(entries, list):
                urls = [f.page.url for f in state.files.documentation_pages() if f.page]
                restore_search(entries, urls, state.built, serving.search)
            kept = [p for p in state.paths if p not in state.keys and p in serving.keys]
            state.keys.update({p: serving.keys[p] for p in kept})
            remove_gone(config.site_dir, serving.written, written)
        serving.pages, serving.now = serving.now, {}
        serving.written, serving.keys = written, state.keys
        serving.search = by_page(entries) if isinstance(entries, list) else {}

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        root = self._root(config)
        for folder in WATCHED:
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server


@dataclass(slots=True)
class _BuildState:
    """One build's use of the store of outputs: its files, and the keys it used."""

    files: Files
    paths: list[str]  # the docs paths of the generated pages
    site: str | None = None  # `page_keys.site_key`, made at the first page built
    built: set[str] = field(default_factory=set)  # the addresses of the pages built
    keys: dict[str, str] = field(default_factory=dict)  # docs path: key of its output
    pending: dict[str, str] = field(default_factory=dict)  # page: key of an output to keep
    hits: int = 0
    written_last: Page | None = None  # the page MkDocs wrote last, its HTML to let go


def _release_page(page: Page | None) -> None:
    """Let a generated page's HTML go once MkDocs has written it (see `HtmlPage.release`).

    MkDocs keeps every page to the end of the build; their HTML was a quarter of a build's
    memory at 10,000 claims.
    """
    if isinstance(page, HtmlPage):
        page.release()


def _nav_titles(nav: Any) -> dict[str, str | None]:
    """The title each page has in the `nav` setting (``{title: path}``, a bare path, sections)."""
    titles: dict[str, str | None] = {}
    items = list(nav or ())
    while items:
        item = items.pop()
        if isinstance(item, str):
            titles.setdefault(item, None)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    titles[value] = title
                else:
                    items.extend(value if isinstance(value, list) else [value])
    return titles
