"""Accessibility in Chromium: no serious or critical axe-core violations, status badges in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from berlintalks.records import KnowledgeBase, Status
from berlintalks.records.load import load
from conftest import REPO

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    base, _ = load(REPO)
    return base


def quoted_claim(kb: KnowledgeBase) -> str:
    """A claim with a quote and a relation: the claim page with the most kinds of content."""
    return max(
        kb.claims.values(),
        key=lambda c: (any(a.quote for a in c.attributions), len(c.relations), c.id),
    ).id


def audited_pages(kb: KnowledgeBase) -> dict[str, str]:
    cid = quoted_claim(kb)
    sid = kb.claims[cid].attributions[0].source
    return {
        "home": "/",
        "claim": f"/claims/{cid}/",
        "source": f"/sources/{sid}/",
        "disputed": "/disputed/",
    }


def blocking_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    lines = []
    for v in results.response["violations"]:
        if v.get("impact") in BLOCKING:
            for node in v["nodes"]:
                lines.append(f"{v['impact']} {v['id']} at {node['target']}: {v['help']}")
    return lines


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", ["home", "claim", "source", "disputed"])
def test_axe_finds_no_serious_or_critical_violations(
    open_reader: Callable[..., Any], kb: KnowledgeBase, name: str, scheme: str
) -> None:
    reader = open_reader(color_scheme=scheme)
    path = audited_pages(kb)[name]
    page = reader.open(path)
    expected = "slate" if scheme == "dark" else "default"
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == expected
    found = blocking_violations(page)
    assert not found, f"axe on {path} ({scheme}):\n" + "\n".join(found)


@pytest.mark.parametrize("path", ["/", "/claims/", "/disputed/", "/commitments/", "/timeline/"])
def test_status_badges_say_their_status_in_words(reader: Any, kb: KnowledgeBase, path: str) -> None:
    page = reader.open(path)
    badges = page.locator(".bt-status").evaluate_all(
        """els => els.map(e => ({
            text: e.innerText.trim(),
            cls: [...e.classList].filter(c => c.startsWith('bt-status--')).join(' '),
            visible: e.offsetWidth > 0 && e.offsetHeight > 0,
        }))"""
    )
    assert badges, f"no status badge on {path}"
    words = {s.value for s in Status}
    wrong = [
        b
        for b in badges
        if not b["visible"]
        or b["text"].lower() not in words
        or b["cls"] != f"bt-status--{b['text'].lower()}"
    ]
    assert not wrong, f"badges on {path} whose colour is not matched by a visible word: {wrong}"
    if path == "/claims/":
        # The claim index shows one badge per claim, so every claim's status reads in words.
        assert sorted(b["text"].lower() for b in badges) == sorted(
            c.status for c in kb.claims.values()
        )
