"""Provenance on the built site: chains in words, publications, insertions, figures, positions.

A tiny knowledge base with one translated article is built into a real site, and the pages
are read as HTML, the way a reader's browser gets them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from berlintalks.cli import main
from conftest import ARTICLE_CLAIMS, ARTICLE_TITLE, REPO, Run, write_article_kb


class Reader(HTMLParser):
    """A page's article as a reader sees it: its text, and apart the For-editors block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reader: list[str] = []
        self.editors: list[str] = []
        self.hrefs: list[str] = []
        self._article = 0
        self._details = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "article":
            self._article += 1
        if tag == "details" and self._article:
            self._details += 1
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and self._article and a.get("href"):
            self.hrefs.append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._article -= 1
        if tag == "details" and self._details:
            self._details -= 1
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._article or self._skip:
            return
        (self.editors if self._details else self.reader).append(data)

    def text(self) -> str:
        return " ".join("".join(self.reader).split())

    def editors_text(self) -> str:
        return " ".join("".join(self.editors).split())


def page(site: Path, url: str) -> tuple[Reader, str]:
    html = (site / url / "index.html").read_text(encoding="utf-8")
    r = Reader()
    r.feed(html)
    return r, html


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_article_kb(tmp_path_factory.mktemp("prov") / "kb")
    out = root.parent / "site"
    code = main(["build", "--root", str(root), "--site-dir", str(out), "--quiet"])
    assert code == 0
    return out


def test_claim_page_writes_the_chain_out_with_the_translation(site: Path) -> None:
    r, _ = page(site, "claims/no-us-demands")
    assert (
        "Volodymyr Zelensky, at a joint press conference with Friedrich Merz — as reported in "
        f"{ARTICLE_TITLE}, translated from Russian" in r.text()
    )
    assert "../../sources/zelensky/" in r.hrefs
    assert "../../publications/talks-article/" in r.hrefs


def test_quote_is_marked_as_a_translation_and_its_insertion_as_inserted(site: Path) -> None:
    r, html = page(site, "claims/no-us-demands")
    assert (
        "We view this [territorial concessions] as demands from the Russian Federation. "
        "(translation)" in r.text()
    )
    span = re.search(r'<span class="insertion" title="([^"]*)">([^<]*)</span>', html)
    assert span is not None
    assert span.group(1) == "inserted by the publication, not the speaker&#39;s words"
    assert span.group(2) == "&#91;territorial concessions&#93;"
    # The speaker's words around it are not inside the span.
    assert html.count('class="insertion"') == 1


def test_chains_of_intermediaries_collectives_and_the_publication_itself(site: Path) -> None:
    r, _ = page(site, "claims/us-pressed")
    assert (
        "Unnamed sources cited by AFP, via Agence France-Presse — as reported in "
        f"{ARTICLE_TITLE}, translated from Russian" in r.text()
    )
    assert "No direct quote: this is the article's paraphrase." in r.text()
    r, _ = page(site, "claims/talks-difficult")
    assert f"Western media (no outlet named) — as reported in {ARTICLE_TITLE}" in r.text()
    r, _ = page(site, "claims/moscow-demand")
    assert (
        f"The article itself ({ARTICLE_TITLE}), in its own voice, translated from Russian"
        in r.text()
    )
    assert "No quote: the publication says this in its own voice, citing no one." in r.text()


def test_claim_page_starts_with_verdict_reason_and_grade(site: Path) -> None:
    r, _ = page(site, "claims/us-pressed")
    text = r.text()
    verdict = text.index("disputed Disputed on the record.")
    why = text.index("Why: Sources AFP did not name, contradicted on the record by Zelensky.")
    grade = text.index("Credibility: ")
    note = text.index("The status grades the standing of the account")
    chain = text.index("How we know")
    assert verdict < why < grade < note < chain
    assert re.search(r"Credibility: [A-F][1-6] — ", text)
    assert "How statuses and grades work" in text


def test_rule_codes_stay_in_the_block_for_editors(site: Path) -> None:
    # us-pressed has no quote: BT903 is a warning, shown to editors only.
    r, html = page(site, "claims/us-pressed")
    assert '<details class="note bt-editors">\n<summary>For editors</summary>' in html
    assert "BT903" in r.editors_text()
    assert "claims/us-pressed.yaml" in r.editors_text()
    assert "No history: not built from a git repository." in r.editors_text()
    reader = r.text()
    assert not re.search(r"\bBT\d{3}\b", reader)
    assert ".yaml" not in reader
    assert "berlintalks check" not in reader


def test_figure_reads_with_its_qualifier_and_thousands_separator(site: Path) -> None:
    r, _ = page(site, "claims/forces-800000")
    assert "peacetime armed forces up to 800,000 personnel" in r.text()
    assert "800000" not in r.text()


def test_timeline_shows_positions_apart_from_events(site: Path) -> None:
    r, html = page(site, "timeline")
    text = r.text()
    positions = text.index("Positions as of 15 December 2025")
    assert text.index("The article says Moscow has made the same") > positions
    # Under the events of 15 December only the event of that day, not the position.
    events = text[text.index("15 December 2025") : positions]
    assert "Zelensky said he does not believe" in events
    assert "Moscow" not in events
    assert '<h2 id="positions-as-of-15-december-2025">' in html


def test_publication_page_lists_what_rests_on_it(site: Path) -> None:
    r, _ = page(site, "publications/talks-article")
    text = r.text()
    assert text.startswith(ARTICLE_TITLE)
    assert "Outlet Not known: the outlet is not named" in text
    assert "English: a translation from Russian" in text
    assert "5 claims rest on this article." in text
    # Its own page does not name it again in each chain.
    assert "Unnamed sources cited by AFP, via Agence France-Presse, translated from Russian" in text
    assert "The article itself, in its own voice, translated from Russian" in text
    for cid in ARTICLE_CLAIMS:
        assert f"../../claims/{cid}/" in r.hrefs, cid
    index, _ = page(site, "publications")
    assert "talks-article/" in index.hrefs
    assert "English, translated from Russian" in index.text()
    source, _ = page(site, "sources/afp")
    assert "../../publications/talks-article/" in source.hrefs
    assert "../../claims/us-pressed/" in source.hrefs


def test_relations_read_as_english_both_ways(site: Path) -> None:
    declaring, _ = page(site, "claims/us-pressed")
    assert "this claim contradicts Zelensky said he does not believe" in declaring.text()
    other, _ = page(site, "claims/no-us-demands")
    assert "this claim is contradicted by AFP's sources say" in other.text()


def test_source_page_shows_the_basis_of_its_grade(site: Path) -> None:
    r, _ = page(site, "sources/western-media")
    assert "Basis of the grade A collective that names no outlet." in r.text()
    assert "Kind collective:" in r.text()


def test_home_page_says_what_the_knowledge_base_rests_on(site: Path) -> None:
    r, _ = page(site, "")
    text = r.text()
    assert f"Everything here rests on one publication: {ARTICLE_TITLE}." in text
    assert "We do not know which outlet published it." in text
    assert "We read it in English, translated from Russian." in text
    assert "most sources are graded F (reliability cannot be judged)" in text


def test_editing_pages_sit_in_a_section_for_editors() -> None:
    nav = yaml.safe_load((REPO / "mkdocs.yml").read_text().replace("!ENV", ""))["nav"]
    top = [next(iter(item)) for item in nav]
    assert "Editing" not in top and "Threat model" not in top
    section = next(item["For editors"] for item in nav if "For editors" in item)
    assert section == [
        {"Editing": "editing.md"},
        {"Records": "records.md"},
        {"Building the site": "building.md"},
        {"Limits and safety": "limits.md"},
        {"Threat model": "threat-model.md"},
    ]
    assert {"Publications": "publications/index.md"} in nav


def test_build_warns_when_the_site_address_is_unset(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_article_kb(tmp_path / "kb")
    monkeypatch.delenv("BERLINTALKS_SITE_URL", raising=False)
    run = cli("build", "--root", root, "--site-dir", tmp_path / "a", "--quiet")
    assert run.code == 0
    warning = [ln for ln in run.err.splitlines() if "site_url is not set" in ln]
    assert warning == [
        "WARNING -  berlintalks: site_url is not set (set BERLINTALKS_SITE_URL to the published "
        "address): the ClaimReview url of every claim is a bare path, pages have no canonical "
        "link and the sitemap lists no addresses"
    ]
    monkeypatch.setenv("BERLINTALKS_SITE_URL", "https://facts.example/")
    run = cli("build", "--root", root, "--site-dir", tmp_path / "b", "--quiet")
    assert run.code == 0
    assert "site_url" not in run.err
    html = (tmp_path / "b" / "claims" / "us-pressed" / "index.html").read_text()
    assert '"url": "https://facts.example/claims/us-pressed/"' in html


def _site_url_step() -> dict[str, object]:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    found = [s for s in steps if "BERLINTALKS_SITE_URL" in s.get("run", "")]
    assert len(found) == 1
    names = [s.get("name") for s in steps]
    # Checked after Pages is configured (which gives the address) and before the build.
    assert names.index("Configure Pages") < names.index(found[0]["name"])
    assert names.index(found[0]["name"]) < names.index("Check the records and build the site")
    return found[0]


@pytest.mark.skipif(shutil.which("bash") is None, reason="the workflow step is a bash script")
@pytest.mark.parametrize(("value", "code"), [("", 1), ("https://org.github.io/repo/", 0)])
def test_pages_workflow_stops_without_the_site_address(value: str, code: int) -> None:
    step = _site_url_step()
    assert step["env"] == {"BERLINTALKS_SITE_URL": "${{ steps.pages.outputs.base_url }}"}
    done = subprocess.run(
        ["bash", "-e", "-c", str(step["run"])],
        env={"PATH": "/usr/bin:/bin", "BERLINTALKS_SITE_URL": value},
        capture_output=True,
        text=True,
    )
    assert done.returncode == code
    if code:
        assert done.stdout.startswith(
            "::error title=No site address::BERLINTALKS_SITE_URL is empty"
        )
    else:
        assert done.stdout == ""
