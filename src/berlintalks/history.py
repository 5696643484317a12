"""Each record file's history, read from git: when it was added, changed, and why."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

_SEP = "\x1f"
_START = "\x1e"


@dataclass(frozen=True, slots=True)
class Change:
    commit: str
    date: str  # ISO 8601 date of the commit
    subject: str


@dataclass(frozen=True, slots=True)
class FileHistory:
    """The commits that touched one file, newest first."""

    path: str
    changes: tuple[Change, ...]

    @property
    def added(self) -> Change:
        return self.changes[-1]

    @property
    def last_changed(self) -> Change:
        return self.changes[0]


def read_history(
    root: Path, folders: tuple[str, ...] = ("claims", "sources")
) -> dict[str, FileHistory] | None:
    """Histories keyed by path relative to ``root``; None when ``root`` has no git history.

    One `git log` for all files rather than one per file: a knowledge base of thousands of
    claims would otherwise spawn thousands of processes.
    """
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "--no-renames",
                f"--format={_START}%h{_SEP}%as{_SEP}%s",
                "--name-only",
                "--",
                *folders,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    changes: dict[str, list[Change]] = defaultdict(list)
    for block in out.split(_START)[1:]:
        header, _, names = block.partition("\n")
        commit, date, subject = header.split(_SEP, 2)
        change = Change(commit, date, subject)
        for name in names.split("\n"):
            name = name.strip()
            if name.startswith(prefix) and name:
                changes[name[len(prefix) :]].append(change)
    return {path: FileHistory(path, tuple(cs)) for path, cs in changes.items()}


def head_commit(root: Path) -> str | None:
    """The commit checked out at ``root``, or None outside git or before the first commit.

    The histories depend on nothing else, so `serve` reads them again only when this moves.
    """
    try:
        return subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
