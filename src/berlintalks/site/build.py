"""Build the site with MkDocs in strict mode; swap it into place only when the build succeeded."""

from __future__ import annotations

import logging
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..checks import Report, check
from ..export import Publisher
from .paths import BuildFailed, config_file, refuse_records_dir
from .site_folder import MARK, is_built_site, marked, readable, remove_leftovers, swap
from .spare import Spare, release, settle, take_spare

__all__ = ["MARK", "Result", "build", "mkdocs_build", "remove_leftovers", "swap"]


@dataclass(frozen=True, slots=True)
class Result:
    report: Report
    site_dir: Path | None  # None when the check refused the build


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so a failed build can say why, with or without a terminal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_build(
    root: Path,
    site_dir: Path,
    *,
    quiet: bool = True,
    report: Report | None = None,
    store: Any = None,
    jobs: int = 2,
    keys: Any = None,
    spare: Any = None,
) -> None:
    """One strict MkDocs build of ``root``'s mkdocs.yml into ``site_dir`` (must be empty).

    ``report``: the check of ``root`` just made, handed to the site's plugin so that it does
    not check the records again. ``store``: the theme's output of pages built before
    (`page_store.DiskStore`), or None to render every page. ``jobs``: 2 lets a second
    process render a share of the pages (`second_process`), where it can. ``keys``: the
    report's records with the key of their file (`parse_store`). ``spare``: the site before
    last, whose pages the build leaves out when it holds them as they are (`spare`)."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from .unchanged import DirtyNotice

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    shown = logging.StreamHandler(sys.stderr)
    shown.setLevel(logging.WARNING if quiet else logging.INFO)
    shown.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    old_level = logger.level
    logger.addHandler(collect)
    logger.addHandler(shown)
    logger.setLevel(logging.INFO)
    notice = DirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(notice)
    try:
        config = load_config(str(config_file(root)), site_dir=str(site_dir), strict=True)
        _hand_over(config, root, report, store, jobs, keys, spare)
        # Dirty, in an empty folder, is a full build but for the pages the plugin wrote
        # from the cache, which MkDocs then passes over (`copied`).
        mk_build(config, dirty=store is not None)
    except MkDocsException as exc:
        detail = "\n".join(collect.messages)
        raise BuildFailed(f"{exc}{chr(10) + detail if detail else ''}") from exc
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(notice)
        logger.removeHandler(collect)
        logger.removeHandler(shown)
        logger.setLevel(old_level)


def _hand_over(
    config: Any, root: Path, report: Report | None, store: Any, jobs: int, keys: Any, spare: Any
) -> None:
    from .plugin import BerlinTalksPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, BerlinTalksPlugin):
            if report is not None:
                plugin.use_report(root, report, keys)
            plugin.use_outputs(store, spare)
            plugin.use_second_process(jobs >= 2)


def _store(cache_dir: Path | None, quiet: bool) -> Any:
    """The store in ``cache_dir``; None, with a warning, when the folder cannot be used.

    A cache that cannot be opened (no permission, a full disk) makes the build slower, never
    wrong, so it is reported and the build goes on. The warning is written, not logged:
    strict mode counts every logged warning as a failure."""
    from .page_store import DiskStore

    if cache_dir is None:
        return None
    try:
        return DiskStore.open(cache_dir)
    except OSError as exc:
        if not quiet:
            sys.stderr.write(
                f"WARNING -  berlintalks: the cache of built pages cannot be used, so every "
                f"page is rendered: {exc}\n"
            )
        return None


def _parse_cache(store: Any) -> Any:
    """The parsed records kept in the store's folder (`parse_store`), or None without one."""
    from ..records.parse_store import DiskParseCache

    if store is None:
        return None
    try:
        return DiskParseCache(store.folder)
    except OSError:
        return None  # slower, never wrong: every file is parsed


def build(
    root: Path,
    site_dir: Path | None = None,
    *,
    quiet: bool = True,
    builder: str = "mkdocs",
    cache_dir: Path | None = None,
    jobs: int = 2,
) -> Result:
    """Check, then build into a fresh folder beside ``site_dir`` and swap it in on success.

    ``builder``: ``mkdocs`` (the default), ``properdocs`` or ``zensical``; each builds
    strictly into the same kind of marked folder, swapped in the same way. ``cache_dir``:
    where MkDocs builds keep the theme's output of each page for the next build (see
    `page_store`); it must lie outside the repository. ``jobs``: processes that render
    pages in an MkDocs build, 1 or 2.
    """
    from .builders import properdocs_build, require, zensical_build

    require(builder)
    given_root = Path(os.path.abspath(root))
    root = root.resolve()
    target = _site_path(root, given_root, site_dir or given_root / "site")
    refuse_records_dir(root, target)
    _refuse_replacing(root, target)
    _refuse_cache_dir(cache_dir, given_root, target)
    if builder != "mkdocs":
        config_file(root)  # the same usage error as MkDocs gives, before the check
    store = _store(cache_dir, quiet)
    parsed = _parse_cache(store)
    report = check(root, cache=parsed, jobs=jobs)
    if parsed is not None:
        parsed.keep_only_used()
    if report.errors:
        return Result(report, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target)
    # Zensical builds only inside its project, so its project folder (marked, like the
    # site, for the next build to recognise if this one is killed) holds the fresh site.
    project = None
    if builder == "zensical":
        project = Path(tempfile.mkdtemp(prefix=f".{target.name}-project-", dir=target.parent))
        fresh = project / "site"
        fresh.mkdir()
    else:
        fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    # MkDocs empties its site folder but keeps hidden files (so do ProperDocs and Zensical),
    # so the mark made here stays through the build, held locked: the next build tells a
    # killed build's folder (lock released by the system) from one still being built.
    spare = take_spare(store.folder, target) if builder == "mkdocs" and store is not None else None
    with marked(project or fresh), marked(fresh) if project else nullcontext(), _held(spare):
        try:
            if builder == "mkdocs":
                keys = getattr(parsed, "keys", None)
                given = {"report": report, "store": store, "keys": keys, "spare": spare}
                mkdocs_build(root, fresh, quiet=quiet, jobs=jobs, **given)
            elif builder == "properdocs":
                properdocs_build(config_file(root), fresh, quiet=quiet)
            else:
                assert project is not None
                zensical_build(root, project, fresh, report=report, quiet=quiet)
            readable(fresh)
        except BaseException:
            shutil.rmtree(project or fresh, ignore_errors=True)
            raise
        if spare is not None:
            settle(spare, fresh, target)
        else:
            swap(fresh, target)
    if project is not None:
        shutil.rmtree(project, ignore_errors=True)
    return Result(report, target)


def _refuse_cache_dir(cache_dir: Path | None, given_root: Path, target: Path) -> None:
    from .page_store import cache_dir_problem

    if cache_dir is None:
        return
    problem = cache_dir_problem(cache_dir, given_root)
    if problem:
        raise ValueError(problem)
    where = Path(os.path.abspath(cache_dir))
    if target == where or target in where.parents:
        raise ValueError(f"the cache folder {cache_dir} holds the site; choose another")


@contextmanager
def _held(spare: Spare | None) -> Iterator[None]:
    try:
        yield
    finally:
        if spare is not None:
            release(spare)


def publisher_from_env() -> Publisher:
    """The publisher outside MkDocs: the same address mkdocs.yml reads from the environment."""
    return Publisher(url=os.environ.get("BERLINTALKS_SITE_URL", ""))


def generate_tree(root: Path, out: Path) -> tuple[Report, list[Path]]:
    """Write the whole site project under ``out`` (see ``project.write_project``)."""
    from .project import write_project

    return write_project(root, out)


def export_tree(root: Path, out: Path, formats: tuple[str, ...]) -> tuple[Report, list[Path]]:
    """Write the chosen export formats under ``out`` (the same files the site carries in data/)."""
    from ..export import FORMATS, export_all

    return _write_checked(
        root,
        out,
        lambda root, report, history: export_all(
            report.kb, formats or FORMATS, publisher=publisher_from_env(), history=history
        ),
    )


def _write_checked(
    root: Path, out: Path, files: Callable[[Path, Report, Any], Mapping[str, str]]
) -> tuple[Report, list[Path]]:
    """Check the records, then write ``files(root, report, history)`` under ``out``."""
    from ..export import write_tree
    from ..records.history import read_history

    root = root.resolve()
    refuse_records_dir(root, out)
    report = check(root)
    if report.errors:
        return report, []
    return report, write_tree(files(root, report, read_history(root)), out)


def _site_path(root: Path, given_root: Path, site_dir: Path) -> Path:
    """The site folder with its parent resolved, refusing a link at it or on the way to it.

    The swap renames and deletes what is at the site path, so a link there (a committed
    ``site`` pointing elsewhere, or a folder of the repository that is one) would make the
    build delete and write outside the repository. Inside the repository every component
    below its top is looked at; outside it, only the site path itself (the folders above
    are the operator's own, and may well be links, such as macOS's /tmp).
    """
    given = Path(os.path.abspath(site_dir))
    for top in (given_root, root):
        if given == top or top in given.parents:
            here = top
            for part in given.relative_to(top).parts:
                here = here / part
                if here.is_symlink():
                    raise ValueError(
                        f"{here} is a symbolic link; the site is built only into a real "
                        "folder, never through a link (remove the link or choose another "
                        "--site-dir)"
                    )
            break
    if given.is_symlink():
        raise ValueError(
            f"{given} is a symbolic link; the site is built only into a real folder, never "
            "through a link (remove the link or choose another --site-dir)"
        )
    return given.parent.resolve() / given.name


def _refuse_replacing(root: Path, target: Path) -> None:
    """The swap replaces ``target`` wholesale, so it must be a site berlintalks built."""
    if target == root or target in root.parents:
        raise ValueError(f"the site directory {target} holds the knowledge base; choose another")
    for name in ("docs", "templates"):
        if target == root / name:
            raise ValueError(f"the site directory {target} is the site's {name}/; choose another")
    try:
        mode = target.lstat().st_mode
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(mode):
        raise ValueError(f"{target} exists and is not a folder; refusing to replace it")
    if any(target.iterdir()) and not is_built_site(target):
        raise ValueError(
            f"{target} is not a built site (no {MARK} mark from a berlintalks build) and is "
            "not empty; refusing to replace it (move it away, or delete it if it is a site "
            "an older version built)"
        )
