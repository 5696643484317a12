"""Parts, figures and dates rules, each failing record with its passing twin."""

from __future__ import annotations

from conftest import REPORTED, att, claim, pool, rel, relations


def figure(label: str, value: str, unit: str = "percent") -> str:
    """A figures list of one entry: label, value(s) and unit on three lines after ``figures:``."""
    key = "values" if value.startswith("[") else "value"
    return f"figures:\n  - label: {label}\n    {key}: {value}\n    unit: {unit}\n"


# ---------------------------------------------------------------- parts (BT501)


def test_bt501_count_larger_than_the_parts(rule_check, make_kb):
    claims = {
        "whole": claim("whole", tail="count: 2\n"),
        "one": claim("one", tail=relations(rel("part_of", "whole"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    found = rule_check(root, [("claims/whole.yaml", 11, 8, "BT501")])
    assert found[0].message == "count is 2 but 1 claim is part_of it: 'one'; make them agree"


def test_bt501_twin_count_matches_distinct_parts(rule_check, make_kb):
    claims = {
        "whole": claim("whole", tail="count: 2\n"),
        # a part that names its whole twice is still one part
        "one": claim("one", tail=relations(rel("part_of", "whole"), rel("part_of", "whole"))),
        "two": claim("two", tail=relations(rel("part_of", "whole"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


# ---------------------------------------------------------------- figures (BT502–BT504)


def test_bt502_percent_above_100(rule_check, make_kb):
    root = make_kb(
        claims={"a": claim("a", tail=figure("agreed share", "120"))}, sources=pool("zelensky")
    )
    found = rule_check(root, [("claims/a.yaml", 13, 12, "BT502")])
    assert found[0].message == "120 percent is outside 0–100; correct the value or the unit"


def test_bt502_each_value_of_a_split_and_its_sum(rule_check, make_kb):
    root = make_kb(
        claims={"a": claim("a", tail=figure("capacity split", "[-5, 50, 105]"))},
        sources=pool("zelensky"),
    )
    rule_check(
        root,
        [
            ("claims/a.yaml", 13, 13, "BT503"),
            ("claims/a.yaml", 13, 14, "BT502"),
            ("claims/a.yaml", 13, 22, "BT502"),
        ],
    )


def test_bt502_twins_in_range_or_not_percent(rule_check, make_kb):
    claims = {
        "a": claim("a", tail=figure("agreed share", "90", unit="Percent")),
        "b": claim("b", tail=figure("peacetime armed forces", "800000", unit="personnel")),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt503_split_not_adding_up(rule_check, make_kb):
    root = make_kb(
        claims={"a": claim("a", tail=figure("capacity split", "[50, 40]"))},
        sources=pool("zelensky"),
    )
    found = rule_check(root, [("claims/a.yaml", 13, 13, "BT503")])
    assert found[0].message == (
        "the shares of 'capacity split' add up to 90 percent, not 100; correct them"
    )


def test_bt503_twins(rule_check, make_kb):
    claims = {
        "a": claim("a", tail=figure("capacity split", "[50, 50]")),
        "b": claim("b", tail=figure("thirds", "[33.3, 33.3, 33.4]")),
        "c": claim("c", tail=figure("delegates", "[4, 5]", unit="people")),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt504_related_claims_disagree_on_a_figure_reported_on_both(rule_check, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("supports", "b")) + figure("Agreed share", "90")),
        "b": claim("b", status="reported", tail=figure("agreed  share", "85"), title=REPORTED),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    found = rule_check(
        root, [("claims/a.yaml", 16, 12, "BT504"), ("claims/b.yaml", 13, 12, "BT504")]
    )
    assert found[1].message == (
        "'agreed  share' is 85 percent here but 90 percent in related claim 'a'; make them "
        "agree or give the figures different labels"
    )


def test_bt504_twins_same_value_or_contradicting_claims(rule_check, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("supports", "b")) + figure("agreed share", "90")),
        "b": claim("b", tail=figure("agreed share", "90.0")),
        "c": claim("c", tail=relations(rel("contradicts", "d")) + figure("agreed share", "90")),
        "d": claim("d", status="reported", tail=figure("agreed share", "50"), title=REPORTED),
        "e": claim("e", tail=relations(rel("supersedes", "d")) + figure("agreed share", "70")),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


# ---------------------------------------------------------------- dates (BT601)


def test_bt601_attribution_before_the_event(rule_check, make_kb):
    atts = (att("zelensky", date="2025-12-13"),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 10, 11, "BT601")])
    assert found[0].message == (
        "attributed on 2025-12-13, before the claim's date 2025-12-14; correct one of the two dates"
    )


def test_bt601_twin_same_day_and_later(rule_check, make_kb):
    claims = {
        "a": claim("a", atts=(att("zelensky", date="2025-12-14"),)),
        "b": claim("b", atts=(att("zelensky", date="2026-01-02"),)),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])


def test_an_impossible_date_is_the_loaders_finding_not_a_rule_crash(rule_check, make_kb):
    atts = (att("zelensky", date="2025-02-30"),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 10, 11, "BT105")])
