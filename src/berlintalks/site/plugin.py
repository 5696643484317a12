"""The MkDocs adapter: adds the generated pages and exports to a build and watches the records."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files

from ..checks import QuoteMemo, Report, as_text, check
from ..gcpause import freeze, freeze_more, thaw
from ..records import FileHistory, ParseCache, forget_positions, head_commit, read_history
from ..second_process import Tally
from .build_state import BuildState, release_page, start_share
from .copied import (
    copy_unchanged,
    copying_allowed,
    listed,
    page_file,
    put_search_in_order,
    site_paths,
    write_manifest,
)
from .htmlpage import PackedFile
from .material_search import index_from_records
from .memo import RenderMemo
from .memo_store import DiskRenderMemo
from .nav_memo import NavMemo, keep_sidebars, link_targets, nav_titles
from .page_keys import page_key, site_key
from .page_store import MemoryStore, Store
from .plugin_config import PluginConfig, site_config, warn_site_url
from .render import RenderError, render_failure, rendering
from .rendered import held_pieces
from .social import SocialMeta
from .spare import Spare
from .theme_env import MemoryBytecodeCache
from .theme_memo import HeaderMemo, keep_headers, keep_translations
from .unchanged import Serving, after_rebuild
from .warnings_seen import WarningsSeen

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.pages import Page

log = logging.getLogger(f"mkdocs.plugins.{__name__}")

WATCHED = ("claims", "sources", "publications", "templates")


class BerlinTalksPlugin(BasePlugin[PluginConfig]):
    def __init__(self) -> None:
        self._history: dict[str, FileHistory] | None = None
        self._history_head: str | None = None
        self._generated: set[str] = set()
        self._social = SocialMeta()
        self._bytecode = MemoryBytecodeCache()
        # A report `berlintalks build` has just produced, with the root it checked, so the
        # build it starts does not load and check every record a second time (about 1.3 s
        # for 1,000 claims). Used by one build only.
        self._given: tuple[Path, Report] | None = None
        # The records of that report by identity, with the key of their file's bytes.
        self._record_keys: Mapping[int, tuple[Any, str]] = {}
        # The theme's output of generated pages, by `page_keys.page_key`: on disk when
        # `berlintalks build` gives a store, in memory across the rebuilds of `serve`.
        self._outputs: Store | None = None
        # The pages of the last `serve` rebuild, with what each read (`memo`).
        self._memo: RenderMemo | None = None
        self._serving: Serving | None = None
        # `serve` parses again only the records whose bytes changed, and looks up again
        # only the quotes its checks have not found yet.
        self._parsed: ParseCache | None = None
        self._quotes: QuoteMemo | None = None
        self._build: BuildState | None = None  # the build under way
        # Whether a build may put a share of its pages through a second process.
        self._second = False
        # Whether the build under way holds a `gcpause.freeze`.
        self._frozen = False
        # `berlintalks build` with a cache folder: the pages of the build before, kept there.
        self._kept: DiskRenderMemo | None = None
        # `berlintalks build` with a cache folder: the site before last kept there (`spare`).
        self._spare: Spare | None = None
        self._warnings: WarningsSeen | None = None  # counted from on_config to the end

    def leave_unchanged(self, dirty: bool) -> None:
        """`serve`: MkDocs' coming rebuild is a dirty one, which leaves unchanged pages alone."""
        if self._serving is not None:
            self._serving.dirty = dirty

    def use_outputs(self, store: Store | None, spare: Spare | None = None) -> None:
        """Take the theme's output of unchanged pages from ``store``, and keep new ones there;
        leave out the pages ``spare``, the site before last, holds as they are.

        Given by `berlintalks build`, never by `serve`: what a `serve` in the same process
        kept (MkDocs keeps one instance of the plugin per process) is let go.
        """
        self.on_shutdown()
        self._outputs = store
        self._spare = spare

    def use_second_process(self, allowed: bool) -> None:
        """Let the coming builds render a share of their pages in a second process."""
        self._second = allowed

    def use_report(
        self, root: Path, report: Report, keys: Mapping[int, tuple[Any, str]] | None = None
    ) -> None:
        """Let the next build of ``root`` use ``report`` instead of checking again; ``keys``:
        its records with the key of their file (`parse_store.DiskParseCache.keys`)."""
        self._given = (root.resolve(), report)
        self._record_keys = keys or {}

    def _report(self, root: Path) -> Report:
        given, self._given = self._given, None
        if given is not None and given[0] == root.resolve():
            return given[1]
        return check(root, cache=self._parsed, quotes=self._quotes)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook is what makes MkDocs keep one instance across `serve` rebuilds,
        # and with it the caches above.
        if command == "serve":
            self._memo = RenderMemo()
            self._serving = Serving()
            self._parsed, self._quotes = ParseCache(), QuoteMemo()
            if self._outputs is None:
                self._outputs = MemoryStore()

    def on_shutdown(self) -> None:
        """`serve` has ended: what it kept between rebuilds is let go."""
        self._memo = self._serving = self._outputs = self._parsed = self._quotes = None

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
        if not self._frozen:
            # What the build keeps to its end (the records, what `serve` kept from the
            # rebuild before, the pages) leaves the collector's view until then.
            freeze()
            self._frozen = True
        history = self._read_history(root)
        conf = site_config(
            config, self.config.publisher, self.config.edit_url, self.config.part_size
        )
        self._generated = set()
        serving = self._serving
        if serving is not None:
            serving.start(config, BerlinTalksPlugin)
        titles = nav_titles(config.nav)
        tally = Tally() if self._second and serving is None else None
        memo = self._memo if serving is not None else self._open_kept()
        # Taken once: MkDocs makes its table of paths again after every file added.
        docs = set(files.src_uris)
        copying = serving is None and self._cache_folder() is not None
        whole = serving is not None or len(report.kb.claims) < self.config.pack_from
        try:
            pages, others = rendering(
                report.kb,
                templates=root / "templates",
                findings=report.findings,
                history=history,
                config=conf,
                graph=report.graph,
                memo=memo,
                second=tally,
            )
            # Each page and file held as it is made (see `HtmlPage`): packed from
            # `pack_from` claims on, the text let go; as text in `serve` and below it.
            for path, page in pages:
                inclusion, title = listed(docs, path), titles.get(path)
                made = page_file(config, path, page, inclusion, title, serving, copying, whole)
                files.append(made)
                self._generated.add(path)
            for path, pieces in others:
                held = held_pieces(pieces, whole)
                files.append(PackedFile.holding(config, path, held, listed(docs, path)))
        except RenderError as exc:
            raise PluginError(f"berlintalks: {exc}") from exc
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # A value the check let through that a template cannot show (an integer too long
            # to print, say): one line naming the record and the template, never a traceback,
            # which `serve` would otherwise print on every rebuild.
            raise PluginError(f"berlintalks: {render_failure(exc)}") from None
        self._social = SocialMeta(report.kb.claims.values())
        self._build = BuildState(
            files, sorted(self._generated), keyed=self._outputs is not None, tally=tally
        )
        freeze_more()  # the pages and files, kept to the end of the build
        if memo is not None:
            log.info(f"berlintalks: {memo.reused} pages kept from the build before")
        return files

    def _open_kept(self) -> DiskRenderMemo | None:
        """The pages kept in the cache folder `berlintalks build` gave, if it gave one."""
        self._close_kept()
        folder = self._cache_folder()
        if folder is None:
            return None
        try:
            self._kept = DiskRenderMemo(folder)
        except OSError:
            return None  # slower, never wrong: every page is rendered
        keys, self._record_keys = self._record_keys, {}
        self._kept.seed(keys)
        return self._kept

    def _cache_folder(self) -> Path | None:
        """The cache folder `berlintalks build` gave (a `DiskStore`'s), if it gave one."""
        return getattr(self._outputs, "folder", None)

    def _close_kept(self, save: bool = False) -> None:
        kept, self._kept = self._kept, None
        if kept is not None:
            kept.save() if save else kept.close()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        warn_site_url(config)
        self._stop_counting()
        self._warnings = WarningsSeen.start()
        return config

    def _stop_counting(self) -> int:
        seen, self._warnings = self._warnings, None
        return seen.stop() if seen is not None else 0

    def on_env(
        self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files
    ) -> jinja2.Environment:
        # MkDocs makes a new theme environment on every `serve` rebuild: this one gets the
        # templates compiled by the rebuilds before it.
        env.bytecode_cache = self._bytecode
        state = self._build
        keep_translations(env)
        if state is not None:
            sidebars = NavMemo(state.nav, link_targets(config, files, state.nav))
            keep_sidebars(env, sidebars)
            keep_headers(env, HeaderMemo(sidebars.key), config.theme.get("features"), config.extra)
        if state is not None and state.keyed:
            state.site = site_key(config, state.nav, files, self._generated)
            self._copy_unchanged(state, config)
        if state is not None and self._second and self._serving is None:
            self._start_second(state, config, env)
        if self._serving is not None:
            self._serving.writing = True  # MkDocs has read every page; it writes them next
        freeze_more()  # MkDocs' pages, read and kept to the end of the build
        return env

    def _copy_unchanged(self, state: BuildState, config: MkDocsConfig) -> None:
        """A build with a cache folder: the pages whose inputs are the last build's are
        written from the cache, and MkDocs passes over them (`copied`)."""
        folder = self._cache_folder()
        if folder is not None and self._outputs is not None and self._serving is None:
            allowed = copying_allowed(config, BerlinTalksPlugin)
            copy_unchanged(state, self._outputs, folder, self._social, allowed, self._spare)

    def _start_second(self, state: BuildState, config: MkDocsConfig, env: Any) -> None:
        """Fork the process that renders a share of the generated pages (`second_process`)."""
        start_share(state, config, env, self._generated - state.copied)

    def on_nav(self, nav: Any, /, *, config: MkDocsConfig, files: Files) -> Any:
        if self._build is not None:
            self._build.nav = nav
        if self._serving is not None:
            self._serving.relink(files)
        return nav

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
            release_page(state.written_last)  # the page before, which MkDocs has written
            state.written_last = None
            state.built.add(page.url)
        if state is not None and state.keyed and page.file.src_uri in self._generated:
            if state.site is None:
                state.site = site_key(config, nav, state.files, self._generated)
            path = page.file.src_uri
            key = state.keys[path] = page_key(state.site, page, context)
            output = self._outputs.get(key) if self._outputs is not None else None
            if output is not None:
                state.hits += 1
            else:
                state.pending[path] = key
                if state.second is not None:
                    output = state.second.take(path, key)
            if output is not None:
                # The theme's main.html hands this on instead of rendering the page.
                context["bt_output"] = output
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
        self._thaw()
        # A strict build with a warning fails once this returns: nothing of it is kept.
        failing = bool(self._stop_counting()) and config.strict
        self._close_kept(save=not failing)
        state, self._build = self._build, None
        spare, self._spare = self._spare, None
        if state is None or (failing and self._serving is None):
            return
        release_page(state.written_last)
        if state.second is not None:
            state.second.close()
        if state.tally is not None and (state.tally.started or state.second is not None):
            theme = state.second.taken if state.second is not None else 0
            log.info(
                f"berlintalks: a second process rendered {state.tally.taken} of "
                f"{len(state.paths)} generated pages, and put {theme} through the theme"
            )
        if self._serving is not None:
            after_rebuild(self._serving, config, state)
        if state.copied:
            put_search_in_order(config, state)
        if self._outputs is None:
            return
        self._outputs.keep_only(set(state.keys.values()))
        folder = self._cache_folder()
        if folder is not None and state.site is not None:
            kept = {p: (pre, state.keys[p]) for p, pre in state.pre.items() if p in state.keys}
            write_manifest(folder, state.site, kept)
            if spare is not None and copying_allowed(config, BerlinTalksPlugin):
                spare.keys = site_paths(state.files, state.keys)
        left = len(spare.kept) if spare is not None else 0
        log.info(
            f"berlintalks: {state.hits + len(state.copied)} of {len(state.keys)} generated "
            f"pages taken from the cache of built pages, {len(state.copied)} of them passed "
            f"over by MkDocs: {len(state.copied) - left} written straight from the cache, "
            f"{left} left as the site before last had them"
        )

    def _thaw(self) -> None:
        if self._frozen:
            self._frozen = False
            thaw()

    def on_build_error(self, *, error: Exception) -> None:
        self._thaw()
        self._stop_counting()
        self._close_kept()
        state = self._build
        if state is not None and state.second is not None:
            state.second.close()

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        root = self._root(config)
        for folder in WATCHED:
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server
