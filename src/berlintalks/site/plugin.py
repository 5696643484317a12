"""The MkDocs adapter: adds the generated pages and exports to a build and watches the records."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.bccache
from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.base import ValidationError
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files, InclusionLevel

from ..checks import Report, as_text, check
from ..export import Publisher
from ..records import FileHistory, KnowledgeBase, head_commit, read_history
from .addresses import doc_path, same_address
from .htmlpage import HtmlPage, PackedFile, generated_page, search_entries
from .parts import rows_problem
from .render import INDEX_PAGES, RenderError, SiteConfig, rendering
from .rendered import pack_pieces
from .social import social_meta

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


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates, kept by the plugin instance that MkDocs keeps across rebuilds.

    MkDocs makes a new theme environment on every `serve` rebuild, and compiling Material's
    templates again took a quarter of a rebuild. Jinja checks each template's source
    checksum, so an edited template is still compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


class BerlinTalksPlugin(BasePlugin[PluginConfig]):
    def __init__(self) -> None:
        self._history: dict[str, FileHistory] | None = None
        self._history_head: str | None = None
        self._generated: set[str] = set()
        self._social: dict[str, dict[str, str]] = {}
        self._bytecode = _MemoryBytecodeCache()
        # A report `berlintalks build` has just produced, with the root it checked, so the
        # build it starts does not load and check every record a second time (about 1.3 s
        # for 1,000 claims). Used by one build only.
        self._given: tuple[Path, Report] | None = None

    def use_report(self, root: Path, report: Report) -> None:
        """Let the next build of ``root`` use ``report`` instead of checking again."""
        self._given = (root.resolve(), report)

    def _report(self, root: Path) -> Report:
        given, self._given = self._given, None
        if given is not None and given[0] == root.resolve():
            return given[1]
        return check(root)

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook is what makes MkDocs keep one instance across `serve` rebuilds,
        # and with it the caches above.
        pass

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
        _forget_positions(report.kb)
        history = self._read_history(root)
        conf = site_config(
            config, self.config.publisher, self.config.edit_url, self.config.part_size
        )
        self._generated = set()
        titles = _nav_titles(config.nav)
        try:
            pages, others = rendering(
                report.kb,
                templates=root / "templates",
                findings=report.findings,
                history=history,
                config=conf,
                graph=report.graph,
            )
            # Each page and file packed as it is made (see `HtmlPage`), the text let go.
            for path, page in pages:
                inclusion = self._check_path(files, path)
                # MkDocs uses a page a plugin has set (a nav entry's title is given here, as
                # MkDocs would) instead of making its own, and the page skips Python-Markdown.
                files.append(generated_page(config, path, page, inclusion, titles.get(path)))
                self._generated.add(path)
            for path, pieces in others:
                inclusion = self._check_path(files, path)
                files.append(PackedFile.holding(config, path, pack_pieces(pieces), inclusion))
        except RenderError as exc:
            raise PluginError(f"berlintalks: {exc}") from exc
        except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:
            # A value the check let through that a template cannot show (an integer too long
            # to print, say): one line naming the record and the template, never a traceback,
            # which `serve` would otherwise print on every rebuild.
            raise PluginError(f"berlintalks: {_render_failure(exc)}") from None
        self._social = {doc_path("claims", c.id): social_meta(c) for c in report.kb.claims.values()}
        return files

    @staticmethod
    def _check_path(files: Files, path: str) -> InclusionLevel:
        """Where a generated file at ``path`` is listed; refused if a docs file would hide it."""
        hidden = [p for p in same_address(path) if files.get_file_from_path(p) is not None]
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
        return env

    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        _index_from_records(config)

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
        return context

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any
    ) -> LiveReloadServer:
        root = self._root(config)
        for folder in WATCHED:
            if (root / folder).is_dir():
                server.watch(str(root / folder))
        return server

    # Last of the page's events: every other plugin's on_post_page has read the page.
    @event_priority(-100)
    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        _release_page(page)
        return output


def _forget_positions(kb: KnowledgeBase) -> None:
    """Drop where each value of each record sits in its file: the check is over.

    Only a check points at positions, and its findings hold their own; `berlintalks build`
    keeps the report it handed over (for its result) through the whole MkDocs build, and the
    positions were a quarter of a build's memory at 2,000 claims once the pages were packed.
    """
    for records in (kb.claims, kb.sources, kb.publications):
        for record in records.values():
            # The records are frozen; positions take no part in their equality or hash.
            object.__setattr__(record, "positions", None)


def _release_page(page: Page) -> None:
    """Let a generated page's HTML go once MkDocs has written it (see `HtmlPage.release`).

    MkDocs keeps every page to the end of the build; their HTML was a quarter of a build's
    memory at 10,000 claims.
    """
    if isinstance(page, HtmlPage):
        page.release()


def _index_from_records(config: MkDocsConfig) -> None:
    """Have Material's search index take a generated page's entries from its records.

    The search plugin parses every page's HTML again to index it, about a sixth of a build;
    a record's page hands over the entries it made from the record instead. Pages without
    entries of their own (the lists of the whole knowledge base) are parsed as before.
    """
    plugin = config.plugins.get("material/search")
    index = getattr(plugin, "search_index", None)
    if index is None or not isinstance(getattr(index, "entries", None), list):
        return
    parse = index.add_entry_from_context
    if getattr(parse, "berlintalks", False):
        return

    def add_entry_from_context(page: Page) -> None:
        entries = page.rendered.search if isinstance(page, HtmlPage) else None
        if entries is None:
            parse(page)
        elif not (page.meta.get("search") or {}).get("exclude"):
            index.entries.extend(search_entries(page, entries))

    add_entry_from_context.berlintalks = True  # type: ignore[attr-defined]
    index.add_entry_from_context = add_entry_from_context


def _render_failure(exc: BaseException) -> str:
    """``RECORD: TEMPLATE:LINE: Error: message`` for an exception raised while rendering a page."""
    record = template = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(".j2"):
            template = f"templates/{Path(frame.f_code.co_filename).name}:{tb.tb_lineno}"
        ctx = frame.f_locals.get("ctx") if frame.f_code.co_name == "_render" else None
        if isinstance(ctx, dict):
            shown = ctx.get("claim") or ctx.get("source")
            record = getattr(shown, "path", None) or ctx.get("page_path")
        tb = tb.tb_next
    where = ": ".join(str(part) for part in (record, template) if part)
    what = " ".join(f"{type(exc).__name__}: {exc}".split())
    return f"{where + ': ' if where else ''}the page cannot be rendered ({what}); fix the value"


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
