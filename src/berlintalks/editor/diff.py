"""A Markdown report of the claims and sources that changed between two git revisions."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from ..boundary import OutsideBoundary, TooLarge, read_bytes
from ..finding import printable
from ..records import FOLDERS, MAX_FILE_BYTES, SUFFIX, ParseError, parse, record_files

# Fields whose change is a verdict worth its own line, shown as `old → new`.
VERDICTS: dict[str, tuple[str, ...]] = {
    "claims": ("status",),
    "sources": ("reliability", "kind"),
    "publications": (),
}
LABEL: dict[str, str] = {"claims": "title", "sources": "name", "publications": "title"}
NOUN: dict[str, tuple[str, str]] = {
    "claims": ("claim", "claims"),
    "sources": ("source", "sources"),
    "publications": ("publication", "publications"),
}
_SYMLINK_MODE = "120000"
_TITLE_MAX = 120


class DiffError(Exception):
    """git could not answer: not a repository, an unknown revision, or no git at all."""


@dataclass(frozen=True, slots=True)
class Side:
    """One end of the comparison: a commit, or the working tree when ``commit`` is None."""

    label: str
    commit: str | None
    blobs: dict[str, str]  # path relative to the root -> git blob id
    links: frozenset[str] = frozenset()
    large: frozenset[str] = frozenset()  # blob ids over the size limit: never read


@dataclass(frozen=True, slots=True)
class Record:
    path: str
    data: dict[str, Any] | None
    problem: str | None = None


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "-c", "core.quotePath=false", *args],
            input=stdin,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise DiffError(f"cannot run git: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiffError(message[0] if message else f"git {args[0]} failed")
    return done.stdout


def _is_record_path(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return (
        len(parts) >= 2
        and parts[0] in FOLDERS
        and path.endswith(SUFFIX)
        and not any(p.startswith(".") for p in parts)
    )


def blob_id(data: bytes) -> str:
    """The id git gives a file's content, so working-tree files compare with commits cheaply."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def commit_side(root: Path, rev: str) -> Side:
    if rev.startswith("-"):
        raise DiffError(f"{rev!r} is not a revision")
    try:
        _git(root, "rev-parse", "--git-dir")
    except DiffError:
        raise DiffError(f"{str(root)!r} is not inside a git repository") from None
    try:
        commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode()
    except DiffError:
        raise DiffError(f"unknown revision {rev!r}: give a commit, branch or tag") from None
    commit = commit.strip()
    # -l: each blob's size, so a blob over the limit is never read (git cat-file would hand
    # over all of it, and a pull request can commit gigabytes).
    listing = _git(root, "ls-tree", "-r", "-z", "-l", commit, "--", *FOLDERS)
    blobs, links, large = {}, set(), set()
    for entry in listing.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, _, path = entry.partition("\t")
        mode, kind, sha, size = meta.split()
        if kind != "blob" or not _is_record_path(path):
            continue
        blobs[path] = sha
        if mode == _SYMLINK_MODE:
            links.add(path)
        elif not size.isdigit() or int(size) > MAX_FILE_BYTES:
            large.add(sha)
    short = _git(root, "rev-parse", "--short", commit).decode().strip()
    label = f"`{short}`" if rev.lower().startswith(short.lower()) else f"{code(rev)} (`{short}`)"
    return Side(label, commit, blobs, frozenset(links), frozenset(large))


_TOO_LARGE, _UNREADABLE = "too-large", "unreadable"


def _worktree_file(root: Path, rel: str) -> bytes | str:
    """A record file's bytes through the boundary, or the marker of why it cannot be read."""
    try:
        return read_bytes(root, rel, MAX_FILE_BYTES)
    except TooLarge:
        return _TOO_LARGE
    except (OutsideBoundary, OSError):
        return _UNREADABLE


def worktree_side(root: Path) -> Side:
    """The working tree's records, listed and read with no link followed."""
    blobs: dict[str, str] = {}
    for folder in FOLDERS:
        for path, misfit in record_files(root, folder):
            rel = path.relative_to(root).as_posix()
            if misfit is not None or not _is_record_path(rel):
                continue
            data = _worktree_file(root, rel)
            blobs[rel] = data if isinstance(data, str) else blob_id(data)
    return Side("the working tree", None, blobs)


def _read_blobs(root: Path, shas: list[str]) -> dict[str, bytes]:
    """Many blobs in one `git cat-file --batch` rather than one process per file."""
    if not shas:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    found: dict[str, bytes] = {}
    at = 0
    for sha in shas:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) < 3 or header[1] == b"missing":
            continue
        size = int(header[2])
        found[sha] = out[at : at + size]
        at += size + 1
    return found


def _record(path: str, data: bytes | None, problem: str | None = None) -> Record:
    if problem or data is None:
        return Record(path, None, problem or "cannot be read")
    if len(data) > MAX_FILE_BYTES:
        return Record(path, None, f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Record(path, None, "not UTF-8 text")
    if not text.strip():
        return Record(path, None, "empty")
    try:
        parsed = parse(text, path)
    except ParseError as exc:
        return Record(path, None, f"line {exc.line}: {exc.message}")
    if not isinstance(parsed.value, dict):
        return Record(path, None, "not a mapping of keys")
    return Record(path, parsed.value)


class _Reader:
    """Reads records on either side, fetching all needed git blobs at once."""

    def __init__(self, root: Path, wanted: list[tuple[Side, str]]):
        self.root = root
        shas = sorted(
            {s.blobs[p] for s, p in wanted if s.commit is not None and s.blobs[p] not in s.large}
        )
        self.blobs = _read_blobs(root, shas)

    def read(self, side: Side, path: str) -> Record:
        if side.commit is None:
            data = _worktree_file(self.root, path)
            if data == _TOO_LARGE:
                return _record(path, None, f"larger than {MAX_FILE_BYTES:,} bytes")
            if isinstance(data, str):
                return _record(path, None, "cannot be read")
            return _record(path, data)
        if path in side.links:
            return _record(path, None, "a symbolic link, not a record")
        if side.blobs[path] in side.large:
            return _record(path, None, f"larger than {MAX_FILE_BYTES:,} bytes")
        return _record(path, self.blobs.get(side.blobs[path]))


# ---------------------------------------------------------------- Markdown

# Mid-line, only these can start markup; ids and labels never begin a line of the report.
_MARKDOWN_PUNCT = re.compile(r"([\\`*_\[\]<>#|~&])")


def text(value: Any, limit: int = _TITLE_MAX) -> str:
    """Record text made inert in Markdown: one line, punctuation escaped, no @mentions."""
    s = printable(" ".join(str(value).split()))
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    s = _MARKDOWN_PUNCT.sub(r"\\\1", s)
    # A zero-width space after @ keeps a title from notifying a GitHub user it names.
    return s.replace("@", "@\u200b")


def code(value: Any, limit: int = _TITLE_MAX) -> str:
    """A Markdown code span that holds any text, backticks included."""
    s = printable(" ".join(str(value).split()))
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    longest = max((len(m) for m in re.findall(r"`+", s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def _shown(value: Any) -> str:
    return "nothing" if value is None else code(value)


def _stem(path: str) -> str:
    return PurePosixPath(path).name[: -len(SUFFIX)]


def _line(folder: str, rec: Record, *, status: bool) -> str:
    head = f"- {code(_stem(rec.path))}"
    if rec.data is None:
        return f"{head} ({code(rec.path)} is unreadable: {text(rec.problem)})"
    label = rec.data.get(LABEL[folder])
    out = f"{head}: {text(label)}" if label is not None else head
    if status:
        verdicts = [f"{key} {_shown(rec.data[key])}" for key in VERDICTS[folder] if key in rec.data]
        if verdicts:
            out += " — " + ", ".join(verdicts)
    return out


def _change_line(folder: str, old: Record, new: Record, new_side: Side) -> tuple[str, bool]:
    """The line for a changed record, and whether it is unreadable on either side."""
    head = f"- {code(_stem(new.path))}"
    if old.data is None or new.data is None:
        where = [
            f"{side} ({text(rec.problem)})"
            for side, rec in (("before", old), (f"in {new_side.label}", new))
            if rec.data is None
        ]
        return f"{head}: unreadable {' and '.join(where)}", True
    label = new.data.get(LABEL[folder])
    out = f"{head}: {text(label)}" if label is not None else head
    keys = [k for k in dict.fromkeys([*old.data, *new.data]) if old.data.get(k) != new.data.get(k)]
    parts = [
        f"{key}: {_shown(old.data.get(key))} → {_shown(new.data.get(key))}"
        for key in VERDICTS[folder]
        if key in keys
    ]
    others = [k for k in keys if k not in VERDICTS[folder]]
    if others:
        parts.append("changed: " + ", ".join(code(k) for k in others))
    if not keys:
        parts.append("reformatted, no value changed")
    return f"{out} — {'; '.join(parts)}", False


def _count(n: int, folder: str, verb: str) -> str:
    one, many = NOUN[folder]
    return f"{n} {one if n == 1 else many} {verb}"


def report(root: Path, old: Side, new: Side) -> str:
    """The Markdown report of what changed from ``old`` to ``new``."""
    sections: list[str] = []
    summary: list[str] = []
    unreadable: list[str] = []
    plan: dict[str, tuple[list[str], list[str], list[str]]] = {}
    wanted: list[tuple[Side, str]] = []
    for folder in FOLDERS:
        before = {p for p in old.blobs if p.startswith(folder + "/")}
        after = {p for p in new.blobs if p.startswith(folder + "/")}
        added = sorted(after - before)
        removed = sorted(before - after)
        changed = sorted(p for p in before & after if old.blobs[p] != new.blobs[p])
        plan[folder] = (added, changed, removed)
        wanted += [(new, p) for p in added + changed] + [(old, p) for p in removed + changed]
    reader = _Reader(root, wanted)
    for folder, (added, changed, removed) in plan.items():
        many = NOUN[folder][1]
        counts = []
        if added:
            counts.append(_count(len(added), folder, "added"))
            lines = [_line(folder, reader.read(new, p), status=True) for p in added]
            sections.append(f"**{many.capitalize()} added**\n\n" + "\n".join(lines))
        if changed:
            counts.append(_count(len(changed), folder, "changed"))
            lines = []
            for p in changed:
                line, broken = _change_line(folder, reader.read(old, p), reader.read(new, p), new)
                (unreadable if broken else lines).append(line)
            if lines:
                sections.append(f"**{many.capitalize()} changed**\n\n" + "\n".join(lines))
        if removed:
            counts.append(_count(len(removed), folder, "removed"))
            lines = [_line(folder, reader.read(old, p), status=True) for p in removed]
            sections.append(f"**{many.capitalize()} removed**\n\n" + "\n".join(lines))
        if counts or folder in ("claims", "sources"):
            # Publications are few and seldom change: named only when they did.
            summary.append(", ".join(counts) if counts else f"no {many} changed")
    if unreadable:
        sections.append(
            "**Unreadable records** (run `berlintalks check` for the details)\n\n"
            + "\n".join(unreadable)
        )
    title = "### Changes to the knowledge base"
    span = f"From {old.label} to {new.label}: {'; '.join(summary)}."
    if not sections:
        return f"{title}\n\n{span}\n"
    return f"{title}\n\n{span}\n\n" + "\n\n".join(sections) + "\n"


def diff(root: Path, rev: str, rev2: str | None = None) -> str:
    """Compare ``rev`` with ``rev2``, or with the working tree (uncommitted files included)."""
    old = commit_side(root, rev)
    new = commit_side(root, rev2) if rev2 is not None else worktree_side(root)
    return report(root, old, new)
