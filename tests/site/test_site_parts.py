"""Lists of the whole knowledge base split into numbered parts: every claim in one part,
parts linked to each other, and a strict build that serves every part."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin

import pytest

from berlintalks.checks.engine import check
from berlintalks.site.parts import PART_SIZES, part_path
from berlintalks.site.render import generate
from berlintalks.site.views import SiteConfig
from conftest import REPO, SOURCES, Run, claim, copy_from_repo, rel, relations, write_kb

SIZE = 4
DAYS = 8
# Three claims a day: a part of four rows holds one whole day, never a day cut in two.
PER_DAY = 3
LISTS = ("claims", "timeline", "disputed", "commitments", "graph")


def _kb_claims() -> dict[str, str]:
    """Twenty-four events (three a day, the third denied), three positions, three
    contradicting pairs and a statement with five parts: each list longer than ``SIZE``."""
    out: dict[str, str] = {}
    for day in range(DAYS):
        for n in range(PER_DAY):
            cid = f"c{day}{n}"
            tail = ""
            if n == 1 and day < 3:
                tail = relations(rel("contradicts", f"c{day}0"))
            out[cid] = claim(
                cid,
                date=f"2025-12-{day + 1:02d}",
                title=f"Claim {day}-{n} took place in Berlin",
                status={0: "confirmed", 1: "disputed" if tail else "confirmed", 2: "denied"}[n],
                tail=tail,
            )
    for n in range(3):
        out[f"p{n}"] = claim(
            f"p{n}",
            date=f"2025-11-{n + 1:02d}",
            title=f"Position {n} held",
            tail="kind: position\n",
        )
    out["statement"] = claim("statement", title="The joint statement", tail="count: 5\n")
    for n in range(5):
        out[f"s{n}"] = claim(
            f"s{n}",
            title=f"Commitment {n} of the statement",
            tail=relations(rel("part_of", "statement")),
        )
    return out


@pytest.fixture(scope="module")
def kb_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kb(tmp_path_factory.mktemp("parts") / "kb", _kb_claims(), SOURCES)


@pytest.fixture(scope="module")
def pages(kb_root: Path) -> dict[str, str]:
    report = check(kb_root)
    assert [f.code for f in report.errors] == []
    return {
        path: text
        for path, text in generate(
            report.kb, templates=REPO / "templates", config=SiteConfig(part_size=SIZE)
        ).items()
        if path.endswith(".md")
    }


def url(path: str) -> str:
    """The address of a generated page (``claims/page/2/index.md``) from the site root."""
    return "/" + path.removesuffix("index.md")


def links(pages: dict[str, str], path: str) -> list[str]:
    """Every link of a page, as addresses from the site root."""
    return [urljoin(url(path), h) for h in re.findall(r'href="([^"#]*)', pages[path])]


def parts_of(pages: dict[str, str], folder: str) -> list[str]:
    """The docs paths of a list's parts, in order, as many as were generated."""
    found = []
    n = 1
    while part_path(folder, n) in pages:
        found.append(part_path(folder, n))
        n += 1
    return found


def claims_linked(pages: dict[str, str], path: str) -> list[str]:
    return [m[1] for u in links(pages, path) if (m := re.fullmatch(r"/claims/([^/]+)/", u))]


@pytest.mark.parametrize("folder", ["claims", "timeline", "graph"])
def test_every_claim_is_in_exactly_one_part(pages: dict[str, str], folder: str) -> None:
    parts = parts_of(pages, folder)
    total = DAYS * PER_DAY + 3 + 1 + 5
    assert len(parts) == {"claims": 9, "timeline": 11, "graph": 9}[folder]
    seen = Counter(cid for p in parts for cid in claims_linked(pages, p))
    assert len(seen) == total
    assert {cid for cid, n in seen.items() if n != 1} == set()


def test_a_day_of_the_timeline_stays_in_one_part(pages: dict[str, str]) -> None:
    parts = parts_of(pages, "timeline")
    where = {cid: i for i, p in enumerate(parts) for cid in claims_linked(pages, p)}
    for day in range(DAYS):
        assert len({where[f"c{day}{n}"] for n in range(PER_DAY)}) == 1, day
    # The day of the statement and its five parts (six claims) is the one cut in two.
    day = [i for i, p in enumerate(parts) if '>14 December 2025<a class="headerlink"' in pages[p]]
    assert day == [8, 9]


@pytest.mark.parametrize("folder", LISTS)
def test_parts_link_to_previous_next_and_every_part(pages: dict[str, str], folder: str) -> None:
    parts = parts_of(pages, folder)
    assert len(parts) >= 2
    addresses = [url(p) for p in parts]
    for i, path in enumerate(parts):
        linked = links(pages, path)
        assert set(addresses) - {addresses[i]} <= set(linked), path
        prev = re.search(r'<a href="([^"]*)" rel="prev">Previous part</a>', pages[path])
        nxt = re.search(r'<a href="([^"]*)" rel="next">Next part</a>', pages[path])
        assert (urljoin(url(path), prev[1]) if prev else None) == (addresses[i - 1] if i else None)
        assert (urljoin(url(path), nxt[1]) if nxt else None) == (
            addresses[i + 1] if i + 1 < len(parts) else None
        )
        title = re.search(r'^title: "(.*)"$', pages[path], re.M)
        assert title is not None and title[1].endswith(f", part {i + 1} of {len(parts)}"), path


def test_disputed_and_commitment_parts_hold_every_row(pages: dict[str, str]) -> None:
    disputed = "".join(pages[p] for p in parts_of(pages, "disputed"))
    # Three pairs, each under the title of the claim declaring it, and the denied claims.
    assert sorted(
        re.findall(r">(Claim \d-\d) took place in Berlin<a class=\"headerlink\"", disputed)
    ) == [
        "Claim 0-1",
        "Claim 1-1",
        "Claim 2-1",
    ]
    assert disputed.count('>Also disputed or denied<a class="headerlink"') >= 1
    for day in range(DAYS):
        assert f"Claim {day}-2 took place in Berlin</a>" in disputed
    commitments = "".join(pages[p] for p in parts_of(pages, "commitments"))
    for n in range(5):
        assert commitments.count(f"Commitment {n} of the statement</a>") == 1


def test_below_the_size_each_list_is_one_page(kb_root: Path) -> None:
    report = check(kb_root)
    out = generate(report.kb, templates=REPO / "templates")
    assert min(PART_SIZES.values()) > 40
    assert [p for p in out if "/page/" in p] == []
    assert out["claims/index.md"].startswith('---\ntitle: "All claims"\n---\n')
    assert 'class="bt-parts"' not in "".join(out[f"{f}/index.md"] for f in LISTS)


def test_strict_build_serves_every_part(
    pages: dict[str, str], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = copy_from_repo(write_kb(tmp_path / "kb", _kb_claims(), SOURCES))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - berlintalks:\n" in text
    config.write_text(
        text.replace("  - berlintalks:\n", f"  - berlintalks:\n      part_size: {SIZE}\n"),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    run = cli("build", "--root", root, "--site-dir", site, "-q")
    assert run.code == 0, run.err
    for folder in LISTS:
        for n, path in enumerate(parts_of(pages, folder), start=1):
            built = site / path.removesuffix("index.md") / "index.html"
            html = built.read_text(encoding="utf-8")
            assert f", part {n} of " in html, built


@pytest.mark.parametrize("size", ["0", "-3", "true", "many"])
def test_a_part_size_that_is_not_a_positive_whole_number_is_refused(
    size: str, make_kb: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = copy_from_repo(make_kb())
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("  - berlintalks:\n", f"  - berlintalks:\n      part_size: {size}\n"),
        encoding="utf-8",
    )
    site = tmp_path / "site"
    run = cli("build", "--root", root, "--site-dir", site, "-q")
    assert run.code == 2
    assert "part_size" in run.err
    assert "Traceback" not in run.err
    assert not site.exists()
    # `generate`, which other builders build from, refuses it the same way.
    run = cli("generate", "--root", root, "--out", tmp_path / "out")
    assert run.code == 2
    assert "part_size" in run.err and "Traceback" not in run.err
