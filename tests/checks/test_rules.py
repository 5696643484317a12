"""References, relations and attribution rules, each failing record with its passing twin."""

from __future__ import annotations

import pytest

from berlintalks.checks.rules.relations import _cycle_members
from conftest import (
    PUBLICATION_ID,
    PUBLICATIONS,
    REPORTED,
    SECOND,
    SOURCE_POOL,
    TWO_PUBLICATIONS,
    att,
    claim,
    pool,
    rel,
    relations,
)

# ---------------------------------------------------------------- references (BT2xx)


def test_bt203_claim_related_to_itself(make_kb, rule_check):
    root = make_kb(
        claims={"a": claim("a", tail=relations(rel("supports", "a")))}, sources=pool("zelensky")
    )
    rule_check(root, [("claims/a.yaml", 13, 12, "BT203")])


def test_bt203_twin_relation_to_another_claim(make_kb, rule_check):
    root = make_kb(
        claims={"a": claim("a", tail=relations(rel("supports", "b"))), "b": claim("b")},
        sources=pool("zelensky"),
    )
    rule_check(root, [])


def test_bt203_source_affiliated_with_itself(rule_check):
    kb = {
        "claims/a.yaml": claim("a"),
        "sources/zelensky.yaml": SOURCE_POOL["zelensky"] + "affiliation: zelensky\n",
        f"publications/{PUBLICATION_ID}.yaml": PUBLICATIONS[PUBLICATION_ID],
    }
    rule_check(kb, [("sources/zelensky.yaml", 6, 14, "BT203")])


def test_bt204_part_of_cycle_reports_every_edge_of_the_loop_only(make_kb, rule_check):
    claims = {
        "a": claim("a", tail=relations(rel("part_of", "b"))),
        "b": claim("b", tail=relations(rel("part_of", "c"))),
        "c": claim("c", tail=relations(rel("part_of", "a"))),
        "d": claim("d", tail=relations(rel("part_of", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    found = rule_check(
        root,
        [
            ("claims/a.yaml", 13, 12, "BT204"),
            ("claims/b.yaml", 13, 12, "BT204"),
            ("claims/c.yaml", 13, 12, "BT204"),
        ],
    )
    assert found[0].message == (
        "'a' part_of 'b', which leads back to 'a' (a part cannot contain its whole); the loop "
        "runs through 'a', 'b', 'c': remove one of its part_of relations"
    )


def test_bt204_twin_a_chain_is_no_cycle(make_kb, rule_check):
    claims = {
        "a": claim("a", tail=relations(rel("part_of", "b"))),
        "b": claim("b", tail=relations(rel("part_of", "c"))),
        "c": claim("c"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt205_supersedes_cycle(make_kb, rule_check):
    claims = {
        "a": claim("a", tail=relations(rel("supersedes", "b"))),
        "b": claim("b", tail=relations(rel("supersedes", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 13, 12, "BT205"), ("claims/b.yaml", 13, 12, "BT205")])


def test_bt205_twin_one_way_supersedes(make_kb, rule_check):
    claims = {"a": claim("a", tail=relations(rel("supersedes", "b"))), "b": claim("b")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_cycle_search_is_iterative_on_long_chains():
    n = 20_000
    chain = {f"c{i}": [f"c{i + 1}"] for i in range(n)} | {f"c{n}": []}
    assert _cycle_members(chain) == {}
    ring = {f"c{i}": [f"c{(i + 1) % n}"] for i in range(n)}
    members = _cycle_members(ring)
    assert len(members) == n
    assert len(set(members.values())) == 1


# ---------------------------------------------------------------- relations (BT3xx)


def test_bt301_confirmed_contradiction_is_reported_on_both_files(make_kb, rule_check):
    claims = {"a": claim("a", tail=relations(rel("contradicts", "b"))), "b": claim("b")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 12, 11, "BT301"), ("claims/b.yaml", 4, 9, "BT301")])
    assert found[1].message == (
        "this claim is confirmed but contradicted by confirmed claim 'a' (claims/a.yaml); at "
        "most one of them can be confirmed: lower the weaker one's status"
    )


def test_bt301_twin_one_side_disputed(make_kb, rule_check):
    claims = {
        "a": claim("a", tail=relations(rel("contradicts", "b"))),
        "b": claim("b", status="disputed"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt302_supports_and_contradicts_across_two_files(make_kb, rule_check):
    claims = {
        "a": claim("a", tail=relations(rel("supports", "b"))),
        "b": claim("b", status="disputed", tail=relations(rel("contradicts", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 12, 11, "BT302"), ("claims/b.yaml", 12, 11, "BT302")])


def test_bt302_supports_and_contradicts_in_one_file(make_kb, rule_check):
    tail = relations(rel("supports", "b"), rel("contradicts", "b"))
    claims = {"a": claim("a", tail=tail), "b": claim("b", status="disputed")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 12, 11, "BT302"), ("claims/a.yaml", 14, 11, "BT302")])


def test_bt302_twin_supports_and_qualifies(make_kb, rule_check):
    tail = relations(rel("supports", "b"), rel("qualifies", "b"))
    root = make_kb(claims={"a": claim("a", tail=tail), "b": claim("b")}, sources=pool("zelensky"))
    rule_check(root, [])


# ---------------------------------------------------------------- attribution policy (BT4xx)


@pytest.mark.parametrize(
    ("atts", "used"),
    [
        ((att("afp"),), ("afp",)),
        # the same outlet carrying two original sources is one channel
        (
            (att("kremlin", via="afp"), att("us-officials", via="afp")),
            ("afp", "kremlin", "us-officials"),
        ),
        # two outlets repeating the same original source are one account
        ((att("kremlin", via="afp"), att("kremlin", via="axios")), ("afp", "axios", "kremlin")),
    ],
)
def test_bt401_confirmed_without_on_record_or_independent_attributions(
    make_kb, rule_check, atts, used
):
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool(*used))
    rule_check(root, [("claims/a.yaml", 4, 9, "BT401")])


@pytest.mark.parametrize(
    ("atts", "used"),
    [
        ((att("zelensky"),), ("zelensky",)),
        ((att("afp"), att("axios", publication=SECOND)), ("afp", "axios")),
        (
            (att("kremlin", via="afp"), att("us-officials", via="axios", publication=SECOND)),
            ("afp", "axios", "kremlin", "us-officials"),
        ),
        # neither of the first two is independent of the third, but they are of each other
        (
            (
                att("kremlin", via="afp"),
                att("us-officials", via="afp", publication=SECOND),
                att("kremlin", via="axios"),
            ),
            ("afp", "axios", "kremlin", "us-officials"),
        ),
    ],
)
def test_bt401_twins_on_record_or_independent(make_kb, rule_check, atts, used):
    pubs = TWO_PUBLICATIONS if any(SECOND in a for a in atts) else None
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool(*used), publications=pubs)
    rule_check(root, [])


def test_bt401_two_accounts_read_in_one_publication_are_one(make_kb, rule_check):
    # Independent speakers, but both reach us through the same article.
    atts = (att("kremlin", via="afp"), att("us-officials", via="axios"))
    root = make_kb(
        claims={"a": claim("a", atts=atts)}, sources=pool("afp", "axios", "kremlin", "us-officials")
    )
    rule_check(root, [("claims/a.yaml", 4, 9, "BT401")])


def test_bt402_anonymous_only_is_never_confirmed(make_kb, rule_check):
    atts = (att("us-officials", via="afp"), att("afp-sources", via="axios"))
    root = make_kb(
        claims={"a": claim("a", atts=atts)},
        sources=pool("afp", "axios", "us-officials", "afp-sources"),
    )
    rule_check(root, [("claims/a.yaml", 4, 9, "BT402")])


def test_bt402_twin_anonymous_only_reported(make_kb, rule_check):
    atts = (att("us-officials", via="afp"), att("afp-sources", via="axios"))
    root = make_kb(
        claims={"a": claim("a", status="reported", atts=atts, title=REPORTED)},
        sources=pool("afp", "axios", "us-officials", "afp-sources"),
    )
    rule_check(root, [])


def test_bt403_disputed_without_contradiction(make_kb, rule_check):
    root = make_kb(claims={"a": claim("a", status="disputed")}, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 4, 9, "BT403")])


def test_bt403_twin_contradiction_declared_by_the_other_claim(make_kb, rule_check):
    claims = {
        "a": claim("a", status="disputed"),
        "b": claim("b", tail=relations(rel("contradicts", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_a_typo_in_a_source_is_reported_once(make_kb, rule_check):
    # No BT401 (the source's kind is unknown) and no BT901 for the source the typo meant.
    root = make_kb(claims={"a": claim("a", atts=(att("zelenksy"),))}, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 8, 13, "BT201")])
