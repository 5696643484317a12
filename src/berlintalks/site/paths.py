"""What every way of writing the site shares: where its configuration is, where it may not write."""

from __future__ import annotations

from pathlib import Path


class BuildFailed(Exception):
    """MkDocs or a template failed; the last good site was left as it was."""


def config_file(root: Path) -> Path:
    path = root / "mkdocs.yml"
    if not path.is_file():
        raise FileNotFoundError(
            f"{root}/mkdocs.yml not found: the site is built from the mkdocs.yml and templates/ "
            "next to claims/ and sources/"
        )
    return path


def refuse_records_dir(root: Path, out: Path) -> None:
    out = out.resolve()
    if out == root:
        # Generated pages go to OUT/claims/ and OUT/sources/: never the records' own folders.
        raise ValueError(f"{out} is the knowledge base itself; write the files somewhere else")
    for guarded in ("claims", "sources", "publications"):
        if out == root / guarded or (root / guarded) in out.parents:
            raise ValueError(f"{out} lies inside {guarded}/; write the files somewhere else")
