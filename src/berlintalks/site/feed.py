"""An Atom feed of new claims and verdict changes, read from the git history of claims/.

Each commit on the checked-out branch's first-parent line that touches claims/ is read in
order, and each claim file's status at that commit is taken from the file as it was then:
an entry is made when a claim first appears with a status and whenever its status differs
from the one before. Only claims still in the knowledge base get an entry, so every entry
links a page that exists. Without a full history (not a repository, a shallow clone) the
feed lists the current claims instead, dated by their ``date``.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path
from urllib.parse import urlsplit

from ..export import STATUS_WORDS, Publisher
from ..records import MAX_FILE_BYTES, Claim, KnowledgeBase, ParseError, Status, inert, parse
from .addresses import doc_path, page_url
from .social import shorten

ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 100
# The year the knowledge base began: the date part of the feed's tag: id when the site's
# address is unknown (a tag: id names a date on which its authority held the name).
FEED_YEAR = "2025"

_SHA = re.compile(rb"[0-9a-f]{40}|[0-9a-f]{64}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")
# Characters XML 1.0 cannot carry at all, even as references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_STATUSES = frozenset(s.value for s in Status)


@dataclass(frozen=True, slots=True)
class Event:
    """A claim file's status as one commit left it, when that was news."""

    path: str  # relative to the knowledge base root, e.g. claims/x.yaml
    old: str | None  # None: the claim's first appearance
    new: str
    commit: str
    date: str  # RFC 3339, the commit date
    subject: str  # made inert: no controls, no reordering characters


# ---------------------------------------------------------------- reading git


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes | None:
    try:
        return subprocess.run(
            ["git", "-C", str(root), *args], input=stdin, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


# The events of the last history read, by root and commit: `serve` rebuilds on every edit,
# and the history changes only when the checked-out commit does.
_cache: dict[Path, tuple[str, list[Event] | None]] = {}


def read_events(root: Path, folder: str = "claims") -> list[Event] | None:
    """The events of ``root``'s history, oldest first; None without a full git history."""
    out = _git(root, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    lines = out.decode("utf-8", "surrogateescape").splitlines() if out else []
    if len(lines) != 3 or lines[1] != "false":
        return None  # not a repository, no commit yet, or a shallow clone
    top, _, head = lines
    key = Path(root).resolve()
    cached = _cache.get(key)
    if cached is not None and cached[0] == head:
        return cached[1]
    events = _read_events(root, top, folder)
    _cache[key] = (head, events)
    return events


def _read_events(root: Path, top: str, folder: str) -> list[Event] | None:
    # The same reading as history.py: NUL-separated fields, each commit opened by a random
    # mark no commit message can contain (git cuts a message at NUL) or guess.
    start = "berlintalks-" + secrets.token_hex(8)
    out = _git(
        root,
        "log",
        "-z",
        "--first-parent",
        "--raw",
        "--no-abbrev",
        "--no-renames",
        "--no-show-signature",
        f"--format=%x00{start}%x00%H%x00%cI%x00%s",
        "--",
        folder,
    )
    if out is None:
        return None
    prefix = Path(root).resolve().relative_to(Path(top).resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"
    # (commit, date, subject, [(path, blob or None when deleted)]), newest first.
    commits: list[tuple[str, str, str, list[tuple[str, str | None]]]] = []
    fields = iter(out.split(b"\0"))
    for field in fields:
        if field == start.encode():
            sha, when, subject = (next(fields, b"") for _ in range(3))
            d = when.decode("ascii", "replace")
            if _SHA.fullmatch(sha) and _RFC3339.fullmatch(d):
                commits.append((sha.decode(), d, inert(subject.decode("utf-8", "replace")), []))
            else:
                commits.append(("", "", "", []))  # fields not as asked: skip its files
            continue
        raw = field.removeprefix(b"\n")
        if not raw.startswith(b":"):
            continue
        name = next(fields, b"").decode("utf-8", "surrogateescape")
        parts = raw.split()
        if not commits or not commits[-1][0] or len(parts) < 5:
            continue
        if not (name.startswith(prefix) and name.endswith(".yaml")):
            continue
        blob = parts[3]
        deleted = parts[4].startswith(b"D") or set(blob) == {ord("0")}
        if not deleted and not _SHA.fullmatch(blob):
            continue
        commits[-1][3].append((name[len(prefix) :], None if deleted else blob.decode()))
    blobs = {b for *_, files in commits for _, b in files if b is not None}
    statuses = _statuses(root, blobs)
    events: list[Event] = []
    current: dict[str, str] = {}
    for sha, when, subject, files in reversed(commits):
        for path, blob in files:
            if blob is None:
                current.pop(path, None)  # deleted: back again later is a new claim
                continue
            status = statuses.get(blob)
            if status is None:
                continue  # unreadable at this commit: the last good status stands
            old = current.get(path)
            if status != old:
                events.append(Event(path, old, status, sha, when, subject))
                current[path] = status
    return events


def _statuses(root: Path, blobs: set[str]) -> dict[str, str]:
    """The status each blob's record gives, for blobs a record file may be; two git calls."""
    if not blobs:
        return {}
    order = sorted(blobs)
    checked = _git(
        root, "cat-file", "--batch-check", stdin="".join(f"{b}\n" for b in order).encode()
    )
    if checked is None:
        return {}
    small = []
    for line in checked.decode("ascii", "replace").splitlines():
        parts = line.split()
        # A blob larger than any record may be is never read: its status counts as unknown.
        is_blob = len(parts) == 3 and parts[1] == "blob" and parts[2].isdigit()
        if is_blob and int(parts[2]) <= MAX_FILE_BYTES:
            small.append(parts[0])
    if not small:
        return {}
    out = _git(root, "cat-file", "--batch", stdin="".join(f"{b}\n" for b in small).encode())
    if out is None:
        return {}
    found: dict[str, str] = {}
    pos = 0
    while pos < len(out):
        end = out.find(b"\n", pos)
        if end < 0:
            break
        header = out[pos:end].split()
        if len(header) != 3 or header[1] != b"blob" or not header[2].isdigit():
            break
        size = int(header[2])
        body = out[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1  # the content is followed by a newline
        status = _status_of(body, header[0].decode())
        if status is not None:
            found[header[0].decode()] = status
    return found


def _status_of(data: bytes, name: str) -> str | None:
    """The ``status`` a record file's text gives, read with the records' own bounded parser."""
    try:
        value = parse(data.decode("utf-8"), name).value
    except (UnicodeDecodeError, ParseError):
        return None
    status = value.get("status") if isinstance(value, dict) else None
    return status if isinstance(status, str) and status in _STATUSES else None


# ---------------------------------------------------------------- writing the feed


def page_path(claim_id: str, directory_urls: bool = True) -> str:
    """The claim page's address relative to the site root (where the feed is)."""
    return page_url(doc_path("claims", claim_id), directory_urls)


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", inert(" ".join(text.split())))


def _authority(publisher: Publisher) -> str:
    host = urlsplit(publisher.url).hostname if publisher.url else None
    if host:
        return host
    name = re.sub(r"[^a-z0-9.-]+", "-", publisher.name.lower()).strip("-.")
    return name or "berlintalks"


def _words(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = _clean(text)
    return el


def atom_feed(
    kb: KnowledgeBase,
    *,
    publisher: Publisher | None = None,
    site_name: str = "",
    directory_urls: bool = True,
    use_history: bool = True,
    limit: int = MAX_ENTRIES,
) -> str:
    """The feed's XML text: at most ``limit`` entries, newest first."""
    publisher = publisher or Publisher()
    events = read_events(Path(kb.root)) if use_history else None
    by_path = {c.path: c for c in kb.claims.values()}
    authority = _authority(publisher)
    name = site_name or publisher.name
    base = publisher.url.rstrip("/") + "/" if publisher.url else ""

    feed = ET.Element("feed", {"xmlns": ATOM})
    _sub(feed, "title", f"{name}: new claims and verdict changes")
    _sub(feed, "id", base + "feed.xml" if base else f"tag:{authority},{FEED_YEAR}:feed")
    updated = _sub(feed, "updated")
    _sub(feed, "link", rel="alternate", type="text/html", href=base or "./")
    if base:
        _sub(feed, "link", rel="self", type="application/atom+xml", href=base + "feed.xml")
    author = _sub(feed, "author")
    _sub(author, "name", publisher.name)

    dates: list[str] = []
    if events is not None:
        # Newest commit first; the files of one commit in the order git lists them (by path).
        order = {sha: n for n, sha in enumerate(dict.fromkeys(e.commit for e in events))}
        ranked = sorted(events, key=lambda e: -order[e.commit])
        shown = [e for e in ranked if e.path in by_path][:limit]
        for e in shown:
            claim = by_path[e.path]
            _event_entry(feed, e, claim, base, authority, directory_urls)
            dates.append(e.date)
        if not shown:
            head = _git(Path(kb.root), "log", "-1", "--format=%cI")
            when = head.decode("ascii", "replace").strip() if head else ""
            dates.append(when if _RFC3339.fullmatch(when) else "")
    else:
        claims = sorted(kb.claims.values(), key=lambda c: (c.date, c.id), reverse=True)
        for c in claims[:limit]:
            dates.append(_claim_entry(feed, c, base, authority, directory_urls))
    # The newest entry's date (entries are newest first), so a build of the same commit
    # writes the same feed; a feed with no entry at all takes the Unix epoch.
    updated.text = dates[0] if dates and dates[0] else "1970-01-01T00:00:00Z"
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, "unicode") + "\n"


def _event_entry(
    feed: ET.Element, e: Event, claim: Claim, base: str, authority: str, directory_urls: bool
) -> None:
    title = " ".join(claim.title.split())
    entry = _sub(feed, "entry")
    if e.old is None:
        _sub(entry, "title", f"New claim: {title}")
        what = f"Recorded with the verdict “{_words(e.new)}”."
        kind = "new"
    else:
        _sub(entry, "title", f"Verdict changed: {e.old} → {e.new} — {title}")
        what = f"The verdict changed from “{_words(e.old)}” to “{_words(e.new)}”."
        kind = f"{e.old}-to-{e.new}"
    _sub(entry, "id", f"tag:{authority},{e.date[:10]}:claims/{claim.id}:{e.commit[:12]}:{kind}")
    _sub(entry, "updated", e.date)
    _sub(
        entry,
        "link",
        rel="alternate",
        type="text/html",
        href=base + page_path(claim.id, directory_urls),
    )
    _sub(entry, "summary", f"{title}. {what} Commit {e.commit[:7]}: {e.subject}", type="text")


def _claim_entry(
    feed: ET.Element, claim: Claim, base: str, authority: str, directory_urls: bool
) -> str:
    title = " ".join(claim.title.split())
    day: Date = claim.date
    when = f"{day.isoformat()}T00:00:00Z"
    entry = _sub(feed, "entry")
    _sub(entry, "title", f"{title} ({claim.status})")
    _sub(entry, "id", f"tag:{authority},{day.isoformat()}:claims/{claim.id}")
    _sub(entry, "updated", when)
    _sub(
        entry,
        "link",
        rel="alternate",
        type="text/html",
        href=base + page_path(claim.id, directory_urls),
    )
    why = claim.rationale or ""
    _sub(entry, "summary", shorten(f"{_words(claim.status)}. {why}", 400), type="text")
    return when
