"""The linear shortcuts in the rules agree with the obvious quadratic definitions."""

from __future__ import annotations

from datetime import date
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from berlintalks.model import Attribution, Claim
from berlintalks.quotes import normalise, occurs
from berlintalks.rules import _cycle_members, _independent_pair

NODES = [f"c{i}" for i in range(6)]


def reaches(edges: dict[str, list[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(edges.get(node, []))
    return False


@given(st.lists(st.tuples(st.sampled_from(NODES), st.sampled_from(NODES)), max_size=14))
def test_an_edge_is_in_a_cycle_component_iff_its_target_leads_back(pairs):
    edges: dict[str, list[str]] = {n: [] for n in NODES}
    for u, v in pairs:
        if u != v:
            edges[u].append(v)
    component = _cycle_members(edges)
    for u, targets in edges.items():
        for v in targets:
            on_cycle = reaches(edges, v, u)
            assert (u in component and component.get(v) == component[u]) is on_cycle


SOURCES = st.sampled_from(["kremlin", "us-officials", "afp-sources", "zelensky"])
OUTLETS = st.sampled_from([None, "afp", "axios", "kremlin"])


@given(st.lists(st.tuples(SOURCES, OUTLETS), min_size=1, max_size=6))
def test_independent_pair_matches_the_pairwise_definition(atts):
    claim = Claim(
        id="c",
        title="t",
        statement="s",
        status="confirmed",
        date=date(2025, 12, 14),
        topics=("x",),
        attributions=tuple(Attribution(source=s, via=v) for s, v in atts),
    )
    channels = [(v or s, s) for s, v in atts]
    expected = any(a[0] != b[0] and a[1] != b[1] for a, b in combinations(channels, 2))
    assert _independent_pair(claim) is expected


TYPOGRAPHY = st.sampled_from(["“", "”", "«", "»", "’", "'", '"', "—", "–", "-", " ", "\n", "…"])


@given(st.lists(st.one_of(st.sampled_from(["war", "end", "Kyiv", "talks", "5"]), TYPOGRAPHY)))
def test_a_text_always_contains_itself_and_its_retyped_copy(parts):
    text = "".join(parts)
    retyped = text.translate(str.maketrans("“”«»’—–\n", '""""\'-- ')).replace("…", "...")
    assert occurs(text, normalise(text))
    assert occurs(retyped, normalise(text))
