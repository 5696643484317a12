"""A build with a cache folder writes a generated page left alone straight from the cache.

After one changed record most pages come out as the build before made them. The cache of
built pages (`page_store`) already spares such a page Material's template, but MkDocs still
makes each one's context, runs every plugin's page hooks over it and writes it: most of an
incremental build at 10,000 claims. Here a page whose inputs are all the build before's
skips MkDocs' writing step (a dirty build, which passes over files not modified): its file
is the cache's entry, written as MkDocs would write it, and its search entries are put back
in the place a full build gives them.

A page's inputs, once MkDocs has read every page: the key every page shares
(`page_keys.site_key`), the page as MkDocs holds it (`page_keys.page_own`, its content
digested without unpacking it) and what the plugin adds to its head. `outputs.json` in the
cache folder keeps, for each page of the last successful build, that key and the key of
its output. Plugins other than berlintalks', Material's search and tags that hook into a
page's context or its output could change a page in ways these keys do not see, so with
any of them installed every page is built.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import InclusionLevel
from mkdocs.utils import write_file

from .addresses import same_address
from .copy_two import write_all
from .htmlpage import HtmlPage, PackedFile, generated_page, search_entries
from .page_keys import page_own
from .rendered import RenderedPage
from .social import SocialMeta
from .unchanged import KeptFile, Serving, by_page
from .views import INDEX_PAGES

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.pages import Page

    from .build_state import BuildState
    from .page_store import Store
    from .spare import Spare

MANIFEST = "outputs.json"
_FORMAT = "berlintalks-outputs-1"
# The manifest of a 50,000-claim site is some 8 MB; a larger file is not one we wrote.
_MAX_MANIFEST = 64 * 1024 * 1024
# The hooks whose plugins are known to make a page's context and output from what the keys
# cover: Material's search (the page's content) and tags (its meta and the tags pages).
_KNOWN = {"page_context": ("material.plugins.search.", "material.plugins.tags.")}


class CopiedFile(PackedFile):
    """A generated page of a build with a cache folder: read by MkDocs as any other, and
    passed over when it writes the pages if its file was written from the cache."""

    copied = False

    def is_modified(self) -> bool:
        return not self.copied and super().is_modified()


def pre_key(site: str, page: Page, head: Mapping[str, str] | None) -> str:
    """The key of a page's inputs as MkDocs has read them (see the module's docs)."""
    h = hashlib.sha256(site.encode() + b"\0pre\0")
    h.update(json.dumps([page_own(page), head], sort_keys=True, default=repr).encode())
    if isinstance(page, HtmlPage):
        h.update(page.content_print())
    else:
        h.update((page.content or "").encode())
    return h.hexdigest()


def copying_allowed(config: MkDocsConfig, ours: type) -> bool:
    """Whether every plugin that hooks into a page's context or output is one the keys
    cover; ``ours``: berlintalks' plugin class."""
    for event in ("page_context", "post_page"):
        for method in config.plugins.events.get(event, ()):
            owner = getattr(method, "__self__", None)
            if isinstance(owner, ours):
                continue
            module = type(owner).__module__ + "."
            if not module.startswith(_KNOWN.get(event, ())):
                return False
    return True


def read_manifest(folder: Path) -> tuple[str | None, dict[str, tuple[str, str]]]:
    """The site key and the pages (docs path: key of inputs, key of output) of the last
    build; nothing when the file is missing, a link, too large or not one we wrote."""
    try:
        fd = os.open(folder / MANIFEST, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None, {}
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _MAX_MANIFEST:
            return None, {}
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = json.loads(f.read(_MAX_MANIFEST + 1))
    except (OSError, ValueError, RecursionError):
        return None, {}
    finally:
        os.close(fd)
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        return None, {}
    site, pages = data.get("site"), data.get("pages")
    if not isinstance(site, str) or not isinstance(pages, dict):
        return None, {}
    return site, {
        path: (entry[0], entry[1])
        for path, entry in pages.items()
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(k, str) for k in entry)
    }


def write_manifest(folder: Path, site: str, pages: Mapping[str, tuple[str, str]]) -> None:
    """Keep this build's keys for the next; a file that cannot be written only costs the
    next build its copies."""
    data = json.dumps({"format": _FORMAT, "site": site, "pages": pages}, sort_keys=True)
    tmp = folder / f".{MANIFEST}.{secrets.token_hex(4)}.tmp"
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(tmp, flags, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode())
        os.replace(tmp, folder / MANIFEST)  # replaces a link put there, never follows it
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_copy(page: HtmlPage, store: Store, key: str) -> bool:
    """Write the page's file from the cache entry ``key``, as MkDocs writes a page; False
    when the entry is missing or damaged (the page is then built)."""
    output = store.get(key)
    if output is None:
        return False
    if output.strip():
        write_file(output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path)
    return True


def copy_unchanged(
    state: BuildState,
    store: Store,
    folder: Path,
    heads: SocialMeta,
    allowed: bool,
    spare: Spare | None = None,
) -> None:
    """Write from the cache each generated page whose inputs are the last build's, unless
    ``spare`` holds it, and let go of its HTML; note every page's key of inputs for the next
    build. ``heads``: what the plugin adds to a page's head, by docs path."""
    assert state.site is not None
    last_site, last = read_manifest(folder)
    same_site = allowed and last_site == state.site
    by_path = state.files.src_uris
    held: list[tuple[str, CopiedFile, HtmlPage, str]] = []
    for path in state.paths:
        file = by_path.get(path)
        page = file.page if file is not None else None
        if not isinstance(file, CopiedFile) or not isinstance(page, HtmlPage):
            continue
        key = state.pre[path] = pre_key(state.site, page, heads.get(path))
        before = last.get(path) if same_site else None
        if before is not None and before[0] == key and page.rendered.search is not None:
            held.append((path, file, page, before[1]))
    # The spare's pages first, in this process, which keeps what it holds.
    kept = [spare is not None and spare.keep(item[2].file.dest_uri, item[3]) for item in held]
    to_write = [item for item, in_spare in zip(held, kept, strict=True) if not in_spare]
    written = iter(write_all(to_write, lambda item: write_copy(item[2], store, item[3])))
    for (path, file, page, key), in_spare in zip(held, kept, strict=True):
        if in_spare or next(written):
            file.copied = True
            state.keys[path] = key
            state.copied.add(path)
            page.release()


def site_paths(files: Any, keys: Mapping[str, str]) -> dict[str, str]:
    """``keys`` (docs path: key of the page's output) by the path of the page's file in the
    site."""
    by_path = files.src_uris
    return {by_path[path].dest_uri: key for path, key in keys.items() if path in by_path}


def search_in_order(
    entries: list[dict[str, Any]], pages: Iterable[Page], copied: set[str]
) -> list[dict[str, Any]]:
    """The search entries of the built pages and of the ``copied`` ones, in the order a
    build of every page lists them: page by page, as MkDocs builds them."""
    built = by_page(entries)
    out: list[dict[str, Any]] = []
    for page in pages:
        excluded = (page.meta.get("search") or {}).get("exclude")
        if page.file.src_uri not in copied:
            out.extend(built.pop(page.url, ()))
        elif isinstance(page, HtmlPage) and page.rendered.search is not None and not excluded:
            out.extend(search_entries(page, page.rendered.search))
    for rest in built.values():
        out.extend(rest)
    return out


# Pages reached through index pages and search, kept out of the sidebar (see mkdocs.yml).
_NOT_IN_NAV = ("claims/", "sources/", "topics/", "publications/")


def listed(docs: set[str], path: str) -> InclusionLevel:
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


def page_file(
    config: MkDocsConfig,
    path: str,
    page: RenderedPage,
    inclusion: InclusionLevel,
    title: str | None,
    serving: Serving | None,
    copying: bool,
    whole: bool = False,
) -> PackedFile:
    """The file of the generated page at ``path``; in `serve`, left alone when the last
    rebuild made the page so, and kept for the next; in a build with a cache folder, one
    that may be written from the cache (`CopiedFile`). ``whole``: the page's HTML held as
    text, not packed (the plugin's ``pack_from``)."""
    # MkDocs uses a page a plugin has set (a nav entry's title is given here, as MkDocs
    # would) instead of making its own, and the page skips Python-Markdown.
    if serving is None:
        kind = CopiedFile if copying else None
        # A page kept packed from the build before too: the cache's keys take the digest
        # of the page as it is held, which must not change with where the page came from.
        text = str(page.html) if whole else None
        return generated_page(config, path, page, inclusion, title, kind, text)
    entry = serving.entry(page)

    def made() -> KeptFile:
        # `serve` holds the text its memo holds already, never packed: packing it and
        # unpacking it on every rebuild cost more than the memory it spared.
        text = entry[1] if isinstance(entry[1], str) else None
        file = generated_page(config, path, page, inclusion, title, KeptFile, text)
        assert isinstance(file, KeptFile)
        return file

    return serving.file(path, entry, made, nav=title is not None)


def put_search_in_order(config: MkDocsConfig, state: BuildState) -> None:
    """Put the search entries of the pages written from the cache where a full build has them."""
    index = getattr(config.plugins.get("material/search"), "search_index", None)
    if index is not None and isinstance(getattr(index, "entries", None), list):
        doc_files = state.files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [f.page for f in doc_files if f.page is not None]
        index.entries = search_in_order(index.entries, pages, state.copied)
