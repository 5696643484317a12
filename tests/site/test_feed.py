"""feed.xml: new claims and verdict changes from a real git history, read by a real feed parser."""

from __future__ import annotations

import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from berlintalks.checks.engine import check
from berlintalks.cli import main
from berlintalks.site.feed import atom_feed
from conftest import BUNDLED, REPO, commit_all, copy_from_repo, git

SITE_URL = "https://example.org/berlin/"
CHANGED_TITLE = "The article says the talks ended without a date for the next round"
NEW_TITLE = "The article says the talks will resume in January"
CHANGED = f"""\
id: feed-changed
title: {CHANGED_TITLE}
statement: According to the article, no date was set for further talks.
status: reported
rationale: The article states this in its own voice and names no one who said it.
date: 2025-12-15
topics: [diplomacy]
attributions:
  - source: berlin-talks-article
    publication: berlin-talks-article
"""
DISPUTED = CHANGED.replace("status: reported", "status: disputed") + (
    "relations:\n"
    "  - type: contradicts\n"
    "    claim: talks-described-as-difficult\n"
    "    note: The two accounts of how the talks ended cannot both hold.\n"
)
NEW = f"""\
id: feed-new
title: {NEW_TITLE}
statement: According to the article, the delegations plan another round in January.
status: reported
rationale: The article states this in its own voice and names no one who said it.
date: 2025-12-16
topics: [diplomacy]
attributions:
  - source: berlin-talks-article
    publication: berlin-talks-article
"""
# A subject is whatever the committer typed: markup and a terminal escape included.
HOSTILE_SUBJECT = "Add <b>feed-new</b> & \x1b[31mred"
DATES = ("2025-12-16T09:00:00+00:00", "2025-12-17T10:30:00+00:00", "2025-12-18T12:00:00+00:00")


def copy_kb(dest: Path) -> Path:
    """The bundled records, site configuration and templates, outside any repository."""
    dest.mkdir(parents=True)
    return copy_from_repo(dest, BUNDLED)


def three_commits(root: Path) -> list[str]:
    """The bundled records plus one claim; its verdict changed; then a new claim."""
    git(root, "init", "-q", "-b", "main")
    (root / "claims" / "feed-changed.yaml").write_text(CHANGED, encoding="utf-8")
    first = commit_all(root, "Publish the knowledge base", date=DATES[0])
    (root / "claims" / "feed-changed.yaml").write_text(DISPUTED, encoding="utf-8")
    second = commit_all(root, "Dispute feed-changed", date=DATES[1])
    (root / "claims" / "feed-new.yaml").write_text(NEW, encoding="utf-8")
    third = commit_all(root, HOSTILE_SUBJECT, date=DATES[2])
    return [first, second, third]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A real repository of three commits built by ``berlintalks build``; (site, commits)."""
    base = tmp_path_factory.mktemp("feed")
    with pytest.MonkeyPatch.context() as mp:
        # Whatever encloses the temporary folder, git must not find a repository above it.
        mp.setenv("GIT_CEILING_DIRECTORIES", str(base))
        mp.setenv("BERLINTALKS_SITE_URL", SITE_URL)
        root = copy_kb(base / "kb")
        commits = three_commits(root)
        site = base / "site"
        code = main(["build", "--root", str(root), "--site-dir", str(site), "--quiet"])
    assert code == 0
    return site, commits


def bundled_claims() -> int:
    return len(list((REPO / "claims").glob("*.yaml")))


def test_feed_is_valid_atom_with_the_changes_newest_first(built: tuple[Path, list[str]]) -> None:
    site, _ = built
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Berlin talks fact-check: new claims and verdict changes"
    assert feed.feed.id == SITE_URL + "feed.xml"
    assert feed.feed.updated == DATES[2]
    titles = [e.title for e in feed.entries]
    assert titles[:2] == [
        f"New claim: {NEW_TITLE}",
        f"Verdict changed: reported → disputed — {CHANGED_TITLE}",
    ]
    # The first commit brought every bundled claim and feed-changed, each a new claim, in
    # the order of their files.
    first = feed.entries[2:]
    assert len(first) == bundled_claims() + 1
    assert all(t.startswith("New claim: ") for t in titles[2:])
    assert f"New claim: {CHANGED_TITLE}" in titles[2:]
    slugs = [e.link.removeprefix(SITE_URL + "claims/") for e in first]
    assert slugs == sorted(slugs)
    assert [e.updated for e in feed.entries[:3]] == [DATES[2], DATES[1], DATES[0]]
    assert {e.updated for e in first} == {DATES[0]}


def test_entries_link_the_claim_pages_and_carry_tag_ids(built: tuple[Path, list[str]]) -> None:
    site, commits = built
    entries = feedparser.parse((site / "feed.xml").read_bytes()).entries
    new, changed = entries[:2]
    assert new.link == SITE_URL + "claims/feed-new/"
    assert changed.link == SITE_URL + "claims/feed-changed/"
    for e in entries:
        page = site / e.link.removeprefix(SITE_URL) / "index.html"
        assert page.is_file(), e.link
    assert changed.id == (
        f"tag:example.org,2025-12-17:claims/feed-changed:{commits[1][:12]}:reported-to-disputed"
    )
    assert len({e.id for e in entries}) == len(entries)
    assert changed.summary == (
        f"{CHANGED_TITLE}. The verdict changed from “Reported, not confirmed” to "
        f"“Disputed on the record”. Commit {commits[1][:7]}: Dispute feed-changed"
    )


def test_commit_subjects_are_text_with_controls_shown_as_escapes(
    built: tuple[Path, list[str]],
) -> None:
    site, commits = built
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert "\x1b" not in raw
    assert "Add &lt;b&gt;feed-new&lt;/b&gt; &amp; \\x1b[31mred" in raw
    new = feedparser.parse(raw.encode()).entries[0]
    assert new.summary == (
        f"{NEW_TITLE}. Recorded with the verdict “Reported, not confirmed”. "
        f"Commit {commits[2][:7]}: Add <b>feed-new</b> & \\x1b[31mred"
    )
    assert new.summary_detail.type == "text/plain"


class HeadLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.feeds: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("type") == "application/atom+xml":
            self.feeds.append(found)


@pytest.mark.parametrize(
    "page", ["index.html", "claims/feed-new/index.html", "sources/index.html", "404.html"]
)
def test_every_page_links_the_feed_in_its_head(built: tuple[Path, list[str]], page: str) -> None:
    site, _ = built
    html = (site / page).read_text(encoding="utf-8")
    parser = HeadLinks()
    parser.feed(html.split("</head>", 1)[0])
    assert len(parser.feeds) == 1
    link = parser.feeds[0]
    assert link["rel"] == "alternate"
    assert link["title"] == "Berlin talks fact-check: new claims and verdict changes"
    href = link["href"] or ""
    # Resolved against the page's address, the link reaches the feed at the site's root.
    here = SITE_URL + page.removesuffix("index.html")
    if page == "404.html":
        assert href in ("/berlin/feed.xml", SITE_URL + "feed.xml")
    else:
        assert urljoin(here, href) == SITE_URL + "feed.xml"


def test_entries_are_capped_newest_first(
    built: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = copy_kb(tmp_path / "kb")
    three_commits(root)
    report = check(root)
    assert report.errors == []
    feed = feedparser.parse(atom_feed(report.kb, limit=2).encode())
    assert feed.bozo == 0
    assert [e.title for e in feed.entries] == [
        f"New claim: {NEW_TITLE}",
        f"Verdict changed: reported → disputed — {CHANGED_TITLE}",
    ]
    # No site address: ids and links stay valid, the links relative to the feed's place.
    assert feed.entries[0].link == "claims/feed-new/"
    assert feed.entries[0].id.startswith("tag:berlintalks,2025-12-18:claims/feed-new:")


def fallback_titles(feed: feedparser.FeedParserDict) -> list[str]:
    return [e.title for e in feed.entries]


def current_claims(root: Path) -> list[str]:
    claims = check(root).kb.claims.values()
    ordered = sorted(claims, key=lambda c: (c.date, c.id), reverse=True)
    return [f"{c.title} ({c.status})" for c in ordered]


def test_without_git_the_feed_lists_the_current_claims_by_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = copy_kb(tmp_path / "kb")
    (root / "claims" / "feed-new.yaml").write_text(NEW, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["generate", "--root", str(root), "--out", str(out), "--quiet"]) == 0
    feed = feedparser.parse((out / "docs" / "feed.xml").read_bytes())
    assert feed.bozo == 0
    assert fallback_titles(feed) == current_claims(root)
    assert feed.entries[0].title == f"{NEW_TITLE} (reported)"
    assert feed.entries[0].updated == "2025-12-16T00:00:00Z"
    assert feed.entries[0].summary.startswith("Reported, not confirmed. The article states")


def test_a_shallow_clone_lists_the_current_claims(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A shallow clone's oldest commit would make every claim look new on that day.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    origin = copy_kb(tmp_path / "origin")
    three_commits(origin)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", origin.as_uri(), str(clone)],
        check=True,
        capture_output=True,
    )
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    report = check(clone)
    feed = feedparser.parse(atom_feed(report.kb).encode())
    assert feed.bozo == 0
    assert fallback_titles(feed) == current_claims(clone)
    assert not any(t.startswith(("New claim", "Verdict changed")) for t in fallback_titles(feed))


def test_a_record_too_large_at_some_commit_is_not_read_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    top = tmp_path / "repo"
    # The knowledge base one folder below the top of the repository.
    root = copy_kb(top / "kb")
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "Publish the knowledge base", date=DATES[0])
    padded = NEW + "# " + "x" * (1024 * 1024) + "\n"
    (root / "claims" / "feed-new.yaml").write_text(padded, encoding="utf-8")
    commit_all(top, "Add feed-new, padded", date=DATES[1])
    (root / "claims" / "feed-new.yaml").write_text(NEW, encoding="utf-8")
    fixed = commit_all(top, "Trim feed-new", date=DATES[2])
    report = check(root)
    assert report.errors == []
    entries = feedparser.parse(atom_feed(report.kb).encode()).entries
    # The padded version is over the size a record may have, so its status is never read:
    # the claim first appears, with its status, at the commit that trimmed it.
    assert entries[0].title == f"New claim: {NEW_TITLE}"
    assert entries[0].updated == DATES[2]
    assert entries[0].id.endswith(f":{fixed[:12]}:new")
    assert [e.title for e in entries].count(f"New claim: {NEW_TITLE}") == 1
    assert {e.updated for e in entries[1:]} == {DATES[0]}
