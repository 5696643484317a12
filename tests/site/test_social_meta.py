"""Link previews: a claim page's Open Graph and Twitter card metadata, from a real build."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from berlintalks.cli import main
from berlintalks.site.social import DESCRIPTION_MAX, shorten
from conftest import BUNDLED, copy_from_repo

SITE_URL = "https://example.org/berlin/"
HOSTILE_TITLE = 'The article says "><script>alert(1)</script> & <b>more</b>'
RATIONALE = "The article states this in its own voice & names no one; <i>hostile</i> text."
HOSTILE = f"""\
id: preview-hostile
title: '{HOSTILE_TITLE}'
statement: According to the article, the delegations plan another round in January.
status: reported
rationale: '{RATIONALE}'
date: 2025-12-16
topics: [diplomacy]
attributions:
  - source: berlin-talks-article
    publication: berlin-talks-article
"""
LONG_RATIONALE = " ".join(["The article names no one for this point, and says it once."] * 8)
LONG = (
    HOSTILE.replace("preview-hostile", "preview-long")
    .replace(f"'{HOSTILE_TITLE}'", "A plain title for the long rationale")
    .replace(f"'{RATIONALE}'", LONG_RATIONALE)
)


class Head(HTMLParser):
    """The ``<meta>`` elements and the raw text of the head."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self.meta.append(dict(attrs))

    def values(self, attr: str, key: str) -> list[str | None]:
        return [m.get("content") for m in self.meta if m.get(attr) == key]


def head_of(page: Path) -> tuple[str, Head]:
    html = page.read_text(encoding="utf-8")
    head = html.split("</head>", 1)[0]
    parsed = Head()
    parsed.feed(head)
    return head, parsed


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("social")
    root = base / "kb"
    root.mkdir()
    copy_from_repo(root, BUNDLED)
    (root / "claims" / "preview-hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    (root / "claims" / "preview-long.yaml").write_text(LONG, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CEILING_DIRECTORIES", str(base))
        mp.setenv("BERLINTALKS_SITE_URL", SITE_URL)
        out = base / "site"
        code = main(["build", "--root", str(root), "--site-dir", str(out), "--quiet"])
    assert code == 0
    return out


def test_a_claim_page_previews_title_and_verdict(site: Path) -> None:
    _, head = head_of(site / "claims" / "preview-long" / "index.html")
    assert head.values("property", "og:type") == ["article"]
    assert head.values("property", "og:title") == ["A plain title for the long rationale"]
    assert head.values("name", "twitter:title") == ["A plain title for the long rationale"]
    assert head.values("name", "twitter:card") == ["summary"]
    assert head.values("property", "og:site_name") == ["Berlin talks fact-check"]
    assert head.values("property", "og:url") == [SITE_URL + "claims/preview-long/"]
    # No image of any kind: a preview fetches nothing from anywhere.
    assert [m for m in head.meta if "image" in str(m.get("property") or m.get("name"))] == []
    (description,) = head.values("property", "og:description")
    assert head.values("name", "twitter:description") == [description]
    full = f"Reported, not confirmed. {LONG_RATIONALE}"
    assert description is not None
    assert description.endswith("…")
    assert len(description) <= DESCRIPTION_MAX
    kept = description.removesuffix("…")
    # Cut where a word ends, not inside one.
    assert full.startswith(kept)
    assert full[len(kept)] in " ,."
    assert description == (
        "Reported, not confirmed. The article names no one for this point, and says it once. "
        "The article names no one for this point, and says it once. The article names no "
        "one for this point, and says it…"
    )


def test_markup_in_a_title_stays_text_in_the_head(site: Path) -> None:
    raw, head = head_of(site / "claims" / "preview-hostile" / "index.html")
    assert head.values("property", "og:title") == [HOSTILE_TITLE]
    assert head.values("name", "twitter:title") == [HOSTILE_TITLE]
    assert head.values("property", "og:description") == [f"Reported, not confirmed. {RATIONALE}"]
    assert '"><script>' not in raw
    assert "<script>alert(1)" not in raw
    assert "<b>more" not in raw and "<i>hostile" not in raw
    assert (
        '<meta property="og:title" content="The article says &#34;&gt;&lt;script&gt;alert(1)'
        '&lt;/script&gt; &amp; &lt;b&gt;more&lt;/b&gt;">' in raw
    )


@pytest.mark.parametrize("page", ["index.html", "sources/index.html", "claims/index.html"])
def test_pages_other_than_claims_have_no_preview_metadata(site: Path, page: str) -> None:
    _, head = head_of(site / page)
    shown = [m for m in head.meta if str(m.get("property") or m.get("name")).startswith("og:")]
    assert shown == []
    assert head.values("name", "twitter:card") == []


def test_shorten_keeps_short_text_and_cuts_long_text_at_a_space() -> None:
    assert shorten("  two\n words ") == "two words"
    assert shorten("alpha beta gamma", 12) == "alpha beta…"
    # One long word has no space to cut at: it is cut at the limit instead.
    assert shorten("x" * 30, 10) == "x" * 9 + "…"
