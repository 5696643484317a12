"""Warnings that never fail the check, exceptions with reasons, output formats and the rule docs."""

from __future__ import annotations

import json
import re

import pytest

from berlintalks.checks.engine import check
from berlintalks.checks.registry import RULES, explain
from conftest import (
    REPO,
    SECOND,
    SOURCE_POOL,
    TWO_PUBLICATIONS,
    att,
    claim,
    messages,
    pool,
    rel,
    relations,
)

# Unverified: a confirmed claim on a person's word needs their words (BT405).
UNQUOTED = (att("zelensky", quote=None),)


def exceptions(*entries: tuple[str, str]) -> str:
    """An exceptions list: each ``rule`` value at column 11, its reason on the next line."""
    return "exceptions:\n" + "".join(
        f"  - rule: {code}\n    reason: {reason}\n" for code, reason in entries
    )


# ---------------------------------------------------------------- BT901


def test_bt901_source_nobody_cites(rule_check, cli, make_kb):
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky", "afp"))
    rule_check(root, [("sources/afp.yaml", 1, 5, "BT901")])
    run = cli("check", "--root", root)
    assert run.code == 0  # a warning never fails the check
    assert run.out == (
        "sources/afp.yaml:1:5: warning BT901 no claim cites 'afp' (as source or via) and no "
        "source or publication names it (as affiliation or outlet); cite it or delete the file\n"
    )


def test_bt901_twins_cited_as_via_or_affiliation(rule_check, make_kb):
    sources = pool("zelensky", "afp", "kremlin")
    sources["zelensky"] += "affiliation: kremlin\n"
    root = make_kb(claims={"a": claim("a", atts=(att("zelensky", via="afp"),))}, sources=sources)
    rule_check(root, [])


def test_bt901_waits_while_a_claim_cannot_be_read(rule_check, make_kb):
    claims = {"a": claim("a"), "b": claim("b", status="confirmd", atts=(att("afp"),))}
    root = make_kb(claims=claims, sources=pool("zelensky", "afp"))
    rule_check(root, [("claims/b.yaml", 4, 9, "BT104")])


# ---------------------------------------------------------------- BT902


def test_bt902_word_in_another_script(rule_check, make_kb):
    statement = "The third commitment предусматривает monitoring of a ceasefire."
    root = make_kb(claims={"a": claim("a", statement=statement)}, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 3, 12, "BT902")])
    assert found[0].message == (
        "'statement' contains the Cyrillic word 'предусматривает'; the site is in English: "
        "translate or transliterate it"
    )


def test_bt902_in_a_source_role(cli, make_kb):
    sources = {"zelensky": SOURCE_POOL["zelensky"] + "role: Президент України\n"}
    root = make_kb(claims={"a": claim("a")}, sources=sources)
    assert messages(cli, root) == {
        "sources/zelensky.yaml:6:7:BT902": "'role' contains the Cyrillic word 'Президент' (and "
        "1 more); the site is in English: translate or transliterate it"
    }


def test_bt902_twin_accented_latin_is_english_enough(rule_check, make_kb):
    statement = (
        "Zelensky and Merz met at a café in Zürich; Umerov’s aide—São Paulo-born—took notes."
    )
    root = make_kb(claims={"a": claim("a", statement=statement)}, sources=pool("zelensky"))
    rule_check(root, [])


# ---------------------------------------------------------------- BT903


def test_bt903_claim_without_any_quote(rule_check, make_kb):
    claims = {"a": claim("a", status="unverified", atts=UNQUOTED)}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 7, 1, "BT903")])


def test_bt903_twin_one_quoted_attribution_is_enough(rule_check, make_kb):
    # AFP read in an article of its own: a second independent account, so confirmed holds.
    atts = (*UNQUOTED, att("afp", publication=SECOND))
    root = make_kb(
        claims={"a": claim("a", atts=atts)},
        sources=pool("zelensky", "afp"),
        publications=TWO_PUBLICATIONS,
    )
    rule_check(root, [])


# ---------------------------------------------------------------- exceptions


def test_an_exception_accepts_the_finding_and_keeps_its_reason(rule_check, make_kb):
    tail = exceptions(("BT903", "The article paraphrases this point without quoting it."))
    claims = {"a": claim("a", status="unverified", atts=UNQUOTED, tail=tail)}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [])
    report = check(root)
    assert [(a.finding.code, a.finding.line, a.exemption.reason) for a in report.accepted] == [
        ("BT903", 7, "The article paraphrases this point without quoting it.")
    ]
    assert report.kb.claims["a"].exceptions[0].rule == "BT903"


def test_a_stale_exception_is_bt904(rule_check, make_kb):
    tail = exceptions(("BT903", "The article paraphrases this point."))
    root = make_kb(claims={"a": claim("a", tail=tail)}, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 12, 11, "BT904")])
    assert found[0].message == (
        "nothing in this file is reported as BT903 any more; remove the exception"
    )


def test_a_structural_finding_cannot_be_accepted(rule_check, cli, make_kb):
    tail = exceptions(("BT201", "The source file is coming in another pull request."))
    atts = (att("zelenksy"),)
    root = make_kb(claims={"a": claim("a", atts=atts, tail=tail)}, sources=pool("zelensky"))
    found = rule_check(
        root, [("claims/a.yaml", 8, 13, "BT201"), ("claims/a.yaml", 12, 11, "BT801")]
    )
    assert found[1].message == (
        "BT201 (unknown source) cannot be accepted with an exception; fix the record and "
        "remove the exception"
    )
    assert cli("check", "--root", root).code == 1


def test_an_unknown_code_is_bt905_and_accepts_nothing(rule_check, make_kb):
    tail = exceptions(("BT9O3", "Typed with a letter O."))
    claims = {"a": claim("a", status="unverified", atts=UNQUOTED, tail=tail)}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 7, 1, "BT903"), ("claims/a.yaml", 11, 11, "BT905")])
    assert found[1].message == "no check has the code 'BT9O3' — did you mean 'BT903'?"


def test_an_exception_covers_only_its_own_file(rule_check, make_kb):
    tail = exceptions(("BT301", "Both accounts are on the record; the page explains."))
    claims = {
        "a": claim("a", tail=relations(rel("contradicts", "b"))),
        "b": claim("b", tail=tail),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    rule_check(root, [("claims/a.yaml", 12, 11, "BT301")])


def test_a_source_can_accept_a_finding(rule_check, make_kb):
    afp = SOURCE_POOL["afp"] + exceptions(("BT901", "Kept for claims now being written."))
    root = make_kb(claims={"a": claim("a")}, sources={"afp": afp, **pool("zelensky")})
    rule_check(root, [])


# ---------------------------------------------------------------- output


def test_all_findings_of_all_files_in_one_sorted_run(rule_check, make_kb):
    claims = {
        "b": claim("b", status="disputed", atts=UNQUOTED),
        "a": claim("a", tail=relations(rel("supports", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky", "afp"))
    rule_check(
        root,
        [
            ("claims/a.yaml", 13, 12, "BT203"),
            ("claims/b.yaml", 4, 9, "BT403"),
            ("claims/b.yaml", 7, 1, "BT903"),
            ("sources/afp.yaml", 1, 5, "BT901"),
        ],
    )


def test_rule_findings_in_github_and_json_formats(cli, make_kb):
    claims = {"b": claim("b", status="disputed", atts=UNQUOTED)}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    gh = cli("check", "--root", root, "--format", "github")
    assert gh.code == 1
    assert gh.lines() == [
        "::error file=claims/b.yaml,line=4,col=9,title=BT403::a disputed claim needs a "
        "'contradicts' relation to the account that disputes it; add one (on either claim) or "
        "change the status",
        "::warning file=claims/b.yaml,line=7,col=1,title=BT903::no attribution of this claim "
        "has a quote; add the source's own words if they were published",
    ]
    data = json.loads(cli("check", "--root", root, "--format", "json").out)
    assert data[0] == {
        "file": "claims/b.yaml",
        "line": 4,
        "column": 9,
        "code": "BT403",
        "severity": "error",
        "message": "a disputed claim needs a 'contradicts' relation to the account that disputes "
        "it; add one (on either claim) or change the status",
    }


# ---------------------------------------------------------------- documentation

RULE_CODES = sorted(c for c in RULES if c[2] in "23456789")


def test_rule_codes_are_numbered_by_group_and_structure_is_not_exemptable():
    assert RULE_CODES == [
        "BT201", "BT202", "BT203", "BT204", "BT205", "BT206", "BT207",
        "BT301", "BT302",
        "BT401", "BT402", "BT403", "BT404", "BT405", "BT406", "BT407",
        "BT501", "BT502", "BT503", "BT504",
        "BT601",
        "BT701", "BT702", "BT703",
        "BT801",
        "BT901", "BT902", "BT903", "BT904", "BT905", "BT906",
    ]  # fmt: skip
    exemptable = {c for c in RULES if RULES[c].exemptable}
    assert exemptable == {
        "BT301", "BT302", "BT401", "BT402", "BT403", "BT405", "BT406", "BT501", "BT502",
        "BT503", "BT504", "BT601", "BT701", "BT702", "BT901", "BT902", "BT903", "BT906",
    }  # fmt: skip
    assert {c for c in RULES if RULES[c].severity == "warning"} == {
        "BT406", "BT901", "BT902", "BT903", "BT904", "BT905", "BT906",
    }  # fmt: skip


@pytest.mark.parametrize("code", RULE_CODES)
def test_every_rule_explains_its_reason_and_what_to_do(code):
    text = explain(code)
    assert text is not None
    head, doc = text.split("\n\n", 1)
    assert re.fullmatch(rf"{code} \((error|warning), [a-z]+\): [A-Za-z`].+", head)
    sentences = [s for s in re.split(r"(?<=[.:;])\s", doc) if s.strip()]
    assert len(sentences) >= 2, doc
    assert "  " not in doc.replace("\n", " ").strip()


def test_explain_on_the_command_line(cli):
    run = cli("check", "--explain", "bt701")
    assert run.code == 0
    assert run.out.startswith("BT701 (error, quotes): A quote is not in the archived text\n\n")
    assert "closest passage" in run.out and "BT107" in run.out
    run = cli("check", "--explain", "BT204")
    assert run.out.endswith("This finding cannot be accepted with an exception.\n")


# ---------------------------------------------------------------- the bundled knowledge base


def test_bundled_knowledge_base_has_no_errors_and_only_the_explained_warnings():
    report = check(REPO)
    assert report.errors == []
    # docs/records.md ("Warnings on the bundled knowledge base") explains why these stay.
    assert {f.code for f in report.warnings} <= {"BT903"}
    unquoted = {
        c.path for c in report.kb.claims.values() if not any(a.quote for a in c.attributions)
    }
    assert {f.file for f in report.warnings} == unquoted
