"""`credibility.KeptGrades`: grades taken from the records before are the grades computed
afresh, after every kind of edit."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from berlintalks.checks import KeptGrades, build_graph, grades
from berlintalks.records.load import ParseCache, load
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate


def _sub(path: Path, pattern: str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    assert n == 1, (path, pattern)
    path.write_text(new, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return generate(tmp_path / "kb", 80, seed=5)


def _graded(root: Path, cache: ParseCache, kept: KeptGrades) -> None:
    """The kept grades of the records now, checked against grades computed afresh."""
    kb, _ = load(root, cache=cache)
    graph = build_graph(kb)
    assert grades(kb, graph, kept) == grades(kb)


def test_kept_grades_are_fresh_grades_after_each_edit(root: Path) -> None:
    cache, kept = ParseCache(), KeptGrades()
    _graded(root, cache, kept)
    assert kept.computed == 80
    _graded(root, cache, kept)
    assert kept.computed == 0  # nothing changed: every grade taken again

    claims = sorted((root / "claims").glob("*.yaml"))
    related = next(p for p in claims if re.search(r"^relations:\n  - ", p.read_text(), re.M))
    _sub(related, r"^status: \w+$", "status: denied")
    _graded(root, cache, kept)
    assert 1 <= kept.computed < 20  # the claim, and the claims its relations lead to

    _sub(related, r"^(  - type: )\w+$", r"\1supports")
    _graded(root, cache, kept)

    _neighbour_changed(root, cache, kept, claims)

    sources = sorted((root / "sources").glob("*.yaml"))
    source = next(p for p in sources if "\nreliability: A\n" not in p.read_text())
    _sub(source, r"^reliability: \w$", "reliability: A")
    _graded(root, cache, kept)
    assert kept.computed == 80  # a source: any chain may pass through it

    loose = [p for p in claims if p != related and p.stem not in related.read_text()]
    loose[0].unlink()
    _graded(root, cache, kept)


def _neighbour_changed(root: Path, cache: ParseCache, kept: KeptGrades, claims: list[Path]) -> None:
    """Give a claim that supports or contradicts another other sources, where that changes
    the other claim's grade: whose own record is the same object as before."""
    before = grades(load(root)[0])
    anonymous = sorted((root / "sources").glob("anonymous-*.yaml"))[0].stem
    for path in claims:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^  - type: (?:supports|contradicts)\n    claim: (\S+)$", text, re.M):
            target = root / "claims" / f"{m[1]}.yaml"
            if not target.is_file():
                continue
            own = re.search(r"^  - source: (\S+)$", target.read_text(encoding="utf-8"), re.M)
            assert own is not None
            for sid in (own[1], anonymous):
                edited = re.sub(r"(?m)^  - source: \S+$", f"  - source: {sid}", text)
                path.write_text(edited, encoding="utf-8")
                if grades(load(root)[0])[m[1]] != before[m[1]]:
                    _graded(root, cache, kept)
                    return
        path.write_text(text, encoding="utf-8")
    pytest.fail("no claim whose sources change the grade of a claim it is related to")
