"""A reader opens a claim page and reads the verdict, why, and how we know, with no rule codes."""

from __future__ import annotations

import re

import pytest

from berlintalks.checks.engine import Report, check
from berlintalks.checks.provenance import speaker_publication
from berlintalks.export import STATUS_WORDS
from berlintalks.records import Claim
from conftest import REPO

pytestmark = pytest.mark.browser

RULE_CODE = re.compile(r"\bBT\d{3}\b")


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def report() -> Report:
    """The bundled records as the checker reads them: the expected text comes from here."""
    return check(REPO)


def reported_claim(report: Report) -> Claim:
    """A claim read in a publication from a named speaker, on which the checker has a warning:
    its page has a chain with "as reported in" and findings for the editors' block."""
    kb = report.kb
    warned = {f.file for f in report.findings}
    for claim in sorted(kb.claims.values(), key=lambda c: c.id):
        relayed = any(
            speaker_publication(kb, a) is None and a.publication in kb.publications
            for a in claim.attributions
        )
        if relayed and claim.rationale and claim.path in warned:
            return claim
    raise AssertionError("no bundled claim has a relayed attribution, a rationale and a finding")


def test_a_reader_sees_verdict_rationale_and_chain_but_no_rule_code(reader, report: Report) -> None:
    claim = reported_claim(report)
    page = reader.open(f"/claims/{claim.id}/")
    main = page.locator("article.md-content__inner")
    visible = squash(main.inner_text())

    assert squash(claim.title) in visible
    verdict = squash(page.locator(".bt-verdict").inner_text())
    # A badge with the status, then the verdict in words.
    assert f"{STATUS_WORDS[claim.status]}." in verdict
    rationale = squash(page.locator(".bt-rationale").inner_text())
    assert rationale == f"Why: {squash(claim.rationale or '')}"
    assert rationale in visible
    # The evidence chain: the publication each account was read in.
    publication = report.kb.publications[claim.attributions[0].publication or ""]
    assert f"as reported in {squash(publication.title)}" in visible

    # Readers first: the verdict and its reason come before the chain.
    assert visible.index(verdict) < visible.index(rationale) < visible.index("as reported in")

    # Rule codes, lines and commands are for editors, in a block a reader has not opened.
    assert RULE_CODE.findall(visible) == []
    editors = page.locator("details.bt-editors")
    assert editors.count() == 1
    assert editors.get_attribute("open") is None
    assert not page.get_by_text(RULE_CODE).first.is_visible()

    # The same page with the block opened shows the codes: the check above can fail.
    editors.locator("summary").click()
    opened = squash(main.inner_text())
    codes = {f.code for f in report.findings if f.file == claim.path}
    assert codes and codes <= set(RULE_CODE.findall(opened))
