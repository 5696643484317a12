"""A reader on a claim page in headless Chromium: verdict, reason, chain; no rule code in sight."""

from __future__ import annotations

import re
from typing import Any

import pytest

from berlintalks.checks.engine import check
from berlintalks.export import STATUS_WORDS
from conftest import REPO

pytestmark = pytest.mark.browser


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def claim_with_a_warning() -> str:
    """A bundled claim the checker has a warning about: its page has something for editors."""
    report = check(REPO)
    files = sorted({f.file for f in report.findings if f.file.startswith("claims/")})
    assert files, "the bundled records raise no warning on any claim"
    return files[0].removeprefix("claims/").removesuffix(".yaml")


def test_reader_sees_verdict_reason_and_chain_but_no_rule_code(reader: Any) -> None:
    cid = claim_with_a_warning()
    report = check(REPO)
    claim = report.kb.claims[cid]
    codes = sorted({f.code for f in report.findings if f.file == claim.path})
    page = reader.open(f"/claims/{cid}/")
    article = page.locator("article")
    seen = squash(article.inner_text())
    assert STATUS_WORDS[claim.status] in seen
    assert squash(claim.rationale or "") in seen
    assert re.search(r"Credibility: [A-F][1-6] — ", seen), seen
    assert "as reported in" in squash(article.locator("#how-we-know + ol").inner_text())
    # The editors' block is closed: its codes, file lines and commands are not shown.
    for code in codes:
        assert code not in seen
    assert ".yaml" not in seen and "berlintalks check" not in seen
    editors = article.locator("details.bt-editors")
    assert editors.count() == 1 and editors.get_attribute("open") is None
    editors.locator("summary").click()
    opened = squash(editors.inner_text())
    for code in codes:
        assert code in opened
    assert claim.path in opened
    reader.screenshot("claim-for-editors")
