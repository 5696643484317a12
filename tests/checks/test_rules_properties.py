"""The linear shortcuts in the rules agree with the obvious quadratic definitions."""

from __future__ import annotations

from datetime import date
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from berlintalks.checks.quotes import normalise, occurs
from berlintalks.checks.rules.relations import _cycle_members
from berlintalks.checks.rules.verdicts import _independent_pair
from berlintalks.records import Attribution, Claim, KnowledgeBase, Source

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


SOURCE_IDS = ["kremlin", "us-officials", "afp-sources", "zelensky", "afp", "axios", "usg"]
SOURCES = st.sampled_from(SOURCE_IDS[:4])
VIAS = st.lists(st.sampled_from(["afp", "axios", "kremlin", "western-media"]), max_size=2)
AFFILIATIONS = st.dictionaries(
    st.sampled_from(SOURCE_IDS), st.sampled_from([*SOURCE_IDS, None]), max_size=4
)


def _reach(affiliation: dict[str, str | None], sid: str) -> set[str]:
    seen: set[str] = set()
    while sid is not None and sid not in seen:
        seen.add(sid)
        sid = affiliation.get(sid)  # type: ignore[assignment]
    return seen


@given(st.lists(st.tuples(SOURCES, VIAS), min_size=1, max_size=6), AFFILIATIONS)
def test_independent_pair_matches_the_pairwise_definition(atts, affiliation):
    sources = {
        sid: Source(
            id=sid,
            name=sid,
            kind="collective" if sid == "western-media" else "organization",
            reliability="C",
            affiliation=affiliation.get(sid),
        )
        for sid in [*SOURCE_IDS, "western-media"]
    }
    claim = Claim(
        id="c",
        title="t",
        statement="s",
        status="confirmed",
        date=date(2025, 12, 14),
        topics=("x",),
        attributions=tuple(Attribution(source=s, via=tuple(v)) for s, v in atts),
    )
    kb = KnowledgeBase(root=".", claims={"c": claim}, sources=sources)
    # The definition: chains (speaker and intermediaries, with everything they belong to)
    # that share nothing, neither passing through a collective source.
    chains = [
        (set().union(*(_reach(affiliation, m) for m in (s, *v))), "western-media" in v)
        for s, v in atts
    ]
    expected = any(
        not (a & b) and not ca and not cb for (a, ca), (b, cb) in combinations(chains, 2)
    )
    assert _independent_pair(kb, claim) is expected


TYPOGRAPHY = st.sampled_from(["“", "”", "«", "»", "’", "'", '"', "—", "–", "-", " ", "\n", "…"])


@given(st.lists(st.one_of(st.sampled_from(["war", "end", "Kyiv", "talks", "5"]), TYPOGRAPHY)))
def test_a_text_always_contains_itself_and_its_retyped_copy(parts):
    text = "".join(parts)
    retyped = text.translate(str.maketrans("“”«»’—–\n", '""""\'-- ')).replace("…", "...")
    assert occurs(text, normalise(text))
    assert occurs(retyped, normalise(text))
