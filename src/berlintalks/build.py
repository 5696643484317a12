"""Build the site with MkDocs in strict mode; swap it into place only when the build succeeded."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .check import Report, check
from .export import Publisher


class BuildFailed(Exception):
    """MkDocs or a template failed; the last good site was left as it was."""


@dataclass(frozen=True, slots=True)
class Result:
    report: Report
    site_dir: Path | None  # None when the check refused the build


def config_file(root: Path) -> Path:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise FileNotFoundError(
            f"{root}/mkdocs.yml not found: the site is built from the mkdocs.yml and templates/ "
            "next to claims/ and sources/"
        )
    return path


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings so a failed build can say why, with or without a terminal."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def mkdocs_build(root: Path, site_dir: Path, *, quiet: bool = True) -> None:
    """One strict MkDocs build of ``root``'s mkdocs.yml into ``site_dir`` (must be empty)."""
    from mkdocs.commands.build import build as mk_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    logger = logging.getLogger("mkdocs")
    collect = _Collect()
    shown = logging.StreamHandler(sys.stderr)
    shown.setLevel(logging.WARNING if quiet else logging.INFO)
    shown.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    old_level = logger.level
    logger.addHandler(collect)
    logger.addHandler(shown)
    logger.setLevel(logging.INFO)
    try:
        config = load_config(str(config_file(root)), site_dir=str(site_dir), strict=True)
        mk_build(config)
    except MkDocsException as exc:
        detail = "\n".join(collect.messages)
        raise BuildFailed(f"{exc}{chr(10) + detail if detail else ''}") from exc
    finally:
        logger.removeHandler(collect)
        logger.removeHandler(shown)
        logger.setLevel(old_level)


def build(root: Path, site_dir: Path | None = None, *, quiet: bool = True) -> Result:
    """Check, then build into a fresh folder beside ``site_dir`` and swap it in on success."""
    root = root.resolve()
    target = (site_dir or root / "site").resolve()
    _refuse_records_dir(root, target)
    _refuse_replacing(root, target)
    report = check(root)
    if report.errors:
        return Result(report, None)
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    from .plugin import checked

    try:
        with checked(root, report):
            mkdocs_build(root, fresh, quiet=quiet)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    swap(fresh, target)
    return Result(report, target)


def swap(fresh: Path, target: Path) -> None:
    """Put the folder ``fresh`` at ``target`` and delete whatever was there.

    Where the system can exchange two folders in one step (Linux), a reader or a killed
    build never sees ``target`` missing; elsewhere the old folder is moved aside first.
    """
    if not target.exists():
        fresh.rename(target)
        return
    if _exchange(fresh, target):
        shutil.rmtree(fresh, ignore_errors=True)  # now holds the old site
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    target.rename(old / "site")
    fresh.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # C library older than glibc 2.28
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(done == 0)


def publisher_from_env() -> Publisher:
    """The publisher outside MkDocs: the same address mkdocs.yml reads from the environment."""
    return Publisher(url=os.environ.get("BERLINTALKS_SITE_URL", ""))


def generate_tree(root: Path, out: Path) -> tuple[Report, list[Path]]:
    """Write the generated pages and data files under ``out``, refusing records with errors."""
    from .render import SiteConfig, generate

    return _write_checked(
        root,
        out,
        lambda root, report, history: generate(
            report.kb,
            templates=root / "templates",
            findings=report.findings,
            history=history,
            config=SiteConfig(publisher=publisher_from_env()),
        ),
    )


def export_tree(root: Path, out: Path, formats: tuple[str, ...]) -> tuple[Report, list[Path]]:
    """Write the chosen export formats under ``out`` (the same files the site carries in data/)."""
    from .export import FORMATS, export_all

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
    from .export import write_tree
    from .history import read_history

    root = root.resolve()
    _refuse_records_dir(root, out)
    report = check(root)
    if report.errors:
        return report, []
    return report, write_tree(files(root, report, read_history(root)), out)


def _refuse_records_dir(root: Path, out: Path) -> None:
    out = out.resolve()
    if out == root:
        # Generated pages go to OUT/claims/ and OUT/sources/: never the records' own folders.
        raise ValueError(f"{out} is the knowledge base itself; write the files somewhere else")
    for guarded in ("claims", "sources", "publications"):
        if out == root / guarded or (root / guarded) in out.parents:
            raise ValueError(f"{out} lies inside {guarded}/; write the files somewhere else")


def _refuse_replacing(root: Path, target: Path) -> None:
    """The swap replaces ``target`` wholesale, so it must be a site and nothing else."""
    if target == root or target in root.parents:
        raise ValueError(f"the site directory {target} holds the knowledge base; choose another")
    for name in ("docs", "templates"):
        if target == root / name:
            raise ValueError(f"the site directory {target} is the site's {name}/; choose another")
    if target.exists() and (
        not target.is_dir() or (any(target.iterdir()) and not (target / "index.html").exists())
    ):
        raise ValueError(
            f"{target} exists and is not a built site (no index.html); refusing to replace it"
        )
