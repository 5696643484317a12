"""Each record file's history, read from git: when it was added, changed, and why."""

from __future__ import annotations

import re
import secrets
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

# Characters shown as escapes in a subject: controls (newlines, U+001E, escape sequences),
# the line and paragraph separators, and the bidirectional controls that reorder text.
_SHOWN_ESCAPED = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_HASH = re.compile(r"[0-9a-f]{4,64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    # Git keeps NUL out of commit messages (a subject is cut at one), so NUL-separated
    # fields cannot be forged by a message; the random mark that starts each commit cannot
    # be guessed by one either, nor equal a file name (all start with the folder's name).
    start = "berlintalks-" + secrets.token_hex(8)
    try:
        top = (
            subprocess.run(
                ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                capture_output=True,
                check=True,
            )
            .stdout.decode("utf-8", "surrogateescape")
            .strip()
        )
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "log",
                "-z",
                "--no-renames",
                "--no-show-signature",
                f"--format=%x00{start}%x00%h%x00%as%x00%s",
                "--name-only",
                "--",
                *folders,
            ],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    changes: dict[str, list[Change]] = defaultdict(list)
    change: Change | None = None
    fields = iter(out.split(b"\0"))
    for field in fields:
        if field == start.encode():
            commit, date, subject = (next(fields, b"") for _ in range(3))
            change = _change(commit, date, subject)
            continue
        # Each name is a field of its own; the first follows the subject after a newline.
        name = field.decode("utf-8", "surrogateescape").removeprefix("\n")
        if change is not None and name.startswith(prefix) and len(name) > len(prefix):
            changes[name[len(prefix) :]].append(change)
    return {path: FileHistory(path, tuple(cs)) for path, cs in changes.items()}


def _change(commit: bytes, date: bytes, subject: bytes) -> Change | None:
    """One commit's fields as git printed them; None if they are not what was asked for."""
    c, d = commit.decode("ascii", "replace"), date.decode("ascii", "replace")
    if not (_HASH.fullmatch(c) and _DATE.fullmatch(d)):
        return None
    return Change(c, d, inert(subject.decode("utf-8", "replace")))


def inert(text: str) -> str:
    """A commit subject with every character that could move or hide text shown as an escape.

    The subject is data written by whoever made the commit: escapes keep what it says
    visible (``\\x1e``, ``\\r``) without letting it start a line, reorder a line or act on a
    terminal; the pages escape it for HTML like any other text.
    """
    return _SHOWN_ESCAPED.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    if char in named:
        return named[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


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
