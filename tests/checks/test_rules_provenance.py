"""Provenance: publications, chains and independence, rationales, insertions and credibility."""

from __future__ import annotations

import json

import pytest

from berlintalks.checks.credibility import METHOD, grade, grade_words, grades
from berlintalks.checks.engine import check
from berlintalks.checks.insertions import pieces, quote_parts, unbalanced
from berlintalks.checks.provenance import chain_words, is_translated, resting_on, translated_from
from berlintalks.checks.registry import explain
from berlintalks.records.load import load
from conftest import (
    PUBLICATION_ID,
    PUBLICATIONS,
    RATIONALE,
    RECORDS,
    REPORTED,
    SECOND,
    TWO_PUBLICATIONS,
    att,
    claim,
    copy_from_repo,
    findings,
    messages,
    pool,
    rel,
    relations,
)
from conftest import REPO as REPO_ROOT

ARTICLE = PUBLICATIONS[PUBLICATION_ID]


def bare(source: str, quote: str | None = None, via: str = "", publication: str = "") -> str:
    """An attribution written out in full: only the keys given."""
    lines = [f"  - source: {source}"]
    if via:
        lines.append(f"    via: {via}")
    if quote is not None:
        lines.append(f"    quote: {json.dumps(quote, ensure_ascii=False)}")
    if publication:
        lines.append(f"    publication: {publication}")
    return "\n".join(lines) + "\n"


def source(sid: str, kind: str, reliability: str = "C", **extra: str) -> str:
    body = f"id: {sid}\nname: {sid.replace('-', ' ').title()}\nkind: {kind}\n"
    body += f"reliability: {reliability}\nreliability_reason: Graded for the test.\n"
    return body + "".join(f"{k}: {v}\n" for k, v in extra.items())


def publication(pid: str, **extra: str) -> str:
    body = f"id: {pid}\ntitle: {pid.replace('-', ' ').capitalize()}\nkind: article\n"
    return body + "language: en\n" + "".join(f"{k}: {v}\n" for k, v in extra.items())


def without_rationale(text: str) -> str:
    return text.replace(RATIONALE + "\n", "")


# ---------------------------------------------------------------- publications (BT206, BT207)


def test_bt207_attribution_without_publication(rule_check, cli, make_kb):
    atts = (bare("zelensky", quote="There was ample dialogue on territories."),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    # The publication is then cited nowhere either.
    found = rule_check(
        root,
        [
            ("claims/a.yaml", 8, 5, "BT207"),
            ("publications/berlin-article.yaml", 1, 5, "BT906"),
        ],
    )
    assert found[0].message == (
        "this attribution does not say where we read it; add 'publication:' with the id of a "
        "file in publications/"
    )
    assert cli("check", "--root", root).code == 1


def test_bt207_twin_every_attribution_names_its_publication(rule_check, make_kb):
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt206_unknown_publication_suggests_the_closest(rule_check, make_kb):
    atts = (bare("zelensky", quote="Words.", publication="berlin-artcle"),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    found = rule_check(
        root,
        [
            ("claims/a.yaml", 10, 18, "BT206"),
            ("publications/berlin-article.yaml", 1, 5, "BT906"),
        ],
    )
    assert found[0].message == (
        "unknown publication 'berlin-artcle' — did you mean 'berlin-article'?"
    )


def test_a_publication_speaking_in_its_own_voice_is_a_source(rule_check, make_kb):
    atts = (bare(PUBLICATION_ID, publication=PUBLICATION_ID),)
    claims = {"a": claim("a", status="unverified", atts=atts, tail="")}
    root = make_kb(claims=claims, sources={})
    # Only the reminder that no words are quoted: the source resolves, the publication is used.
    rule_check(root, [("claims/a.yaml", 7, 1, "BT903")])


def test_bt113_a_publication_and_a_source_share_an_id(rule_check, make_kb):
    pubs = {**PUBLICATIONS, "afp": publication("afp")}
    root = make_kb(claims={"a": claim("a", atts=(att("zelensky", via="afp"),))},
                   sources=pool("zelensky", "afp"), publications=pubs)  # fmt: skip
    found = rule_check(
        root,
        [
            ("publications/afp.yaml", 1, 5, "BT113"),
            ("publications/afp.yaml", 1, 5, "BT906"),
        ],
    )
    assert found[0].message == (
        "id 'afp' is also the id of a source (sources/); ids are unique across sources and "
        "publications: rename one"
    )


def test_bt114_language_must_be_a_tag(cli, make_kb):
    pubs = {PUBLICATION_ID: ARTICLE.replace("language: en", "language: English")}
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"), publications=pubs)
    assert findings(cli, root) == ["publications/berlin-article.yaml:4:11:BT114"]
    pubs = {PUBLICATION_ID: ARTICLE.replace("language: en", "language: pt-BR")}
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"), publications=pubs)
    assert findings(cli, root) == []


def test_bt906_publication_nothing_rests_on(rule_check, cli, make_kb):
    pubs = {**PUBLICATIONS, "unused-report": publication("unused-report")}
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"), publications=pubs)
    rule_check(root, [("publications/unused-report.yaml", 1, 5, "BT906")])
    assert cli("check", "--root", root).code == 0  # a warning


def test_a_publication_accepts_a_finding_with_a_reason(rule_check, make_kb):
    pubs = {
        **PUBLICATIONS,
        "unused-report": publication("unused-report")
        + "exceptions:\n  - rule: BT906\n    reason: Claims resting on it are being written.\n",
    }
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"), publications=pubs)
    rule_check(root, [])
    assert [a.finding.code for a in check(root).accepted] == ["BT906"]


def test_via_takes_one_id_or_a_list(rule_check, make_kb):
    atts = (
        att("zelensky", via="afp"),
        att("zelensky", via="[afp, axios]"),
        att("zelensky", via="[afp, axiox]"),
    )
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky", "afp", "axios"))
    found = rule_check(root, [("claims/a.yaml", 17, 16, "BT201")])
    assert found[0].message == "unknown source 'axiox' in via — did you mean 'axios'?"
    kb, _ = load(root)
    assert [a.via for a in kb.claims["a"].attributions] == [
        ("afp",),
        ("afp", "axios"),
        ("afp", "axiox"),
    ]


def test_new_fields_read_with_their_defaults(make_kb):
    tail = "figures:\n  - {label: troops, value: 800000, unit: personnel, qualifier: up_to}\n"
    claims = {
        "a": claim("a", tail=tail),
        "b": claim("b", tail="kind: position\n"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    kb, found = load(root)
    assert found == []
    a, b = kb.claims["a"], kb.claims["b"]
    assert (a.kind, b.kind) == ("event", "position")
    assert a.figures[0].qualifier == "up_to"
    assert a.rationale == "Zelensky said so on the record, in words the article quotes."
    assert a.attributions[0].publication == PUBLICATION_ID
    pub = kb.publications[PUBLICATION_ID]
    assert (pub.kind, pub.language, pub.translated_from, pub.outlet) == (
        "article",
        "en",
        "ru",
        None,
    )


def test_wrong_values_of_the_new_fields(cli, make_kb):
    claims = {
        "a": claim("a", tail="figures:\n  - {label: x, value: 1, unit: u, qualifier: upto}\n"),
        "b": claim("b", tail="credibility: {grade: 7, reason: Too high.}\n"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    msgs = messages(cli, root)
    assert msgs == {
        "claims/a.yaml:12:46:BT104": "'upto' is not a valid qualifier — did you mean 'up_to'? "
        "(choose one of: exact, about, up_to, at_least)",
        "claims/b.yaml:11:22:BT103": "'grade' must be a whole number from 1 to 6, not the number 7",
    }


# ---------------------------------------------------------------- rationale and reasons


def test_bt404_claim_without_rationale(rule_check, make_kb):
    root = make_kb(claims={"a": without_rationale(claim("a"))}, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 4, 9, "BT404")])
    assert found[0].message == (
        "the status 'confirmed' has no rationale; add 'rationale:' saying why, citing the evidence"
    )


def test_bt404_twin_rationale_given(rule_check, make_kb):
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"))
    rule_check(root, [])


def test_bt407_source_without_reliability_reason(rule_check, make_kb):
    zelensky = "id: zelensky\nname: Volodymyr Zelensky\nkind: person\nreliability: C\n"
    root = make_kb(claims={"a": claim("a")}, sources={"zelensky": zelensky})
    found = rule_check(root, [("sources/zelensky.yaml", 4, 14, "BT407")])
    assert found[0].message == (
        "the reliability grade C has no stated basis; add 'reliability_reason:' in one line"
    )


def test_bt407_twin_reason_given(rule_check, make_kb):
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"))
    rule_check(root, [])


# ---------------------------------------------------------------- on the record (BT405)


def test_bt405_confirmed_on_a_participant_listed_without_a_word(rule_check, make_kb):
    root = make_kb(claims={"a": claim("a", atts=(att("zelensky", quote=None),))},
                   sources=pool("zelensky"))  # fmt: skip
    found = rule_check(root, [("claims/a.yaml", 4, 9, "BT405"), ("claims/a.yaml", 7, 1, "BT903")])
    assert found[0].message == (
        "this claim is confirmed on the word of 'zelensky', but no attribution holds their "
        "words; add a quote (or an archive of the document), or set the status to 'reported'"
    )


def test_bt405_a_document_known_only_from_a_paraphrase(cli, make_kb):
    sources = {"statement": source("statement", "document", "B")}
    root = make_kb(claims={"a": claim("a", atts=(att("statement", quote=None),))},
                   sources=sources)  # fmt: skip
    assert "claims/a.yaml:4:9:BT405" in findings(cli, root)


def test_bt405_twins_words_we_hold(rule_check, make_kb):
    # The document's own text in an archive, or a person read in an archived transcript.
    sources = {
        "statement": source("statement", "document", "B", archive="archive/statement.txt"),
        **pool("zelensky"),
    }
    transcript = publication("press-transcript", archive="archive/transcript.txt")
    transcript = transcript.replace("kind: article", "kind: transcript")
    claims = {
        "a": claim("a", atts=(att("statement", quote=None),)),
        "b": claim("b", atts=(bare("zelensky", publication="press-transcript"),)),
    }
    exempt = "exceptions:\n  - rule: BT903\n    reason: The text is held, not quoted.\n"
    claims = {k: v + exempt for k, v in claims.items()}
    pubs = {**PUBLICATIONS, "press-transcript": transcript}
    root = make_kb(claims=claims, sources=sources, publications=pubs)
    (root / "archive").mkdir()
    (root / "archive" / "statement.txt").write_text("The statement.\n", encoding="utf-8")
    (root / "archive" / "transcript.txt").write_text("The press conference.\n", encoding="utf-8")
    rule_check(root, [])


def test_bt405_twin_two_independent_accounts(rule_check, make_kb):
    atts = (att("zelensky", quote=None), att("kremlin", via="axios", publication=SECOND))
    root = make_kb(
        claims={"a": claim("a", atts=atts)},
        sources=pool("zelensky", "kremlin", "axios"),
        publications=TWO_PUBLICATIONS,
    )
    rule_check(root, [])


# ---------------------------------------------------------------- independence (BT401, BT402)


def test_bt401_accounts_sharing_an_affiliation_are_one(rule_check, make_kb):
    sources = {
        "us-government": source("us-government", "organization"),
        "white-house": source("white-house", "organization", affiliation="us-government"),
        "state-department": source("state-department", "organization", affiliation="us-government"),
        **pool("afp", "axios"),
    }
    atts = (att("white-house", via="afp"), att("state-department", via="axios"))
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    rule_check(root, [("claims/a.yaml", 4, 9, "BT401")])


def test_bt401_affiliations_are_followed_to_their_end(cli, make_kb):
    sources = {
        "government": source("government", "organization"),
        "ministry": source("ministry", "organization", affiliation="government"),
        "press-office": source("press-office", "organization", affiliation="ministry"),
        "embassy": source("embassy", "organization", affiliation="government"),
        **pool("afp", "axios"),
    }
    atts = (att("press-office", via="afp"), att("embassy", via="axios", publication=SECOND))
    root = make_kb(
        claims={"a": claim("a", atts=atts)}, sources=sources, publications=TWO_PUBLICATIONS
    )
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT401"]
    # Without the shared top, the same two accounts (read in two articles) are independent.
    sources["embassy"] = source("embassy", "organization")
    root = make_kb(
        claims={"a": claim("a", atts=atts)}, sources=sources, publications=TWO_PUBLICATIONS
    )
    assert findings(cli, root) == []


def test_bt401_a_collective_source_never_counts_as_one_of_two(rule_check, make_kb):
    sources = {
        "western-media": source("western-media", "collective", "F"),
        **pool("kremlin", "afp"),
    }
    atts = (att("western-media"), att("kremlin", via="afp"))
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    rule_check(root, [("claims/a.yaml", 4, 9, "BT401")])


def test_bt401_the_outlet_of_the_publication_is_a_link_of_the_chain(cli, make_kb):
    pubs = {
        "afp-report": publication("afp-report", outlet="afp"),
        "afp-update": publication("afp-update", outlet="afp"),
        "axios-report": publication("axios-report", outlet="axios"),
    }
    sources = {**pool("kremlin", "afp", "axios"), "kyiv": source("kyiv", "organization")}
    same = (bare("kremlin", "Words.", publication="afp-report"),
            bare("kyiv", "Words.", publication="afp-update"))  # fmt: skip
    root = make_kb(claims={"a": claim("a", atts=same)}, sources=sources, publications={
        **pubs, "axios-report": publication("axios-report", outlet="axios")})  # fmt: skip
    assert findings(cli, root) == [
        "claims/a.yaml:4:9:BT401",
        "publications/axios-report.yaml:1:5:BT906",
    ]
    apart = (bare("kremlin", "Words.", publication="afp-report"),
             bare("kyiv", "Words.", publication="axios-report"))  # fmt: skip
    root = make_kb(claims={"a": claim("a", atts=apart)}, sources=sources, publications=pubs)
    (root / "publications" / "afp-update.yaml").unlink()
    assert findings(cli, root) == []


def test_bt402_collective_sources_only(rule_check, make_kb):
    sources = {
        "western-media": source("western-media", "collective", "F"),
        "european-media": source("european-media", "collective", "F"),
    }
    atts = (att("western-media"), att("european-media"))
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    found = rule_check(root, [("claims/a.yaml", 4, 9, "BT402")])
    assert found[0].message == (
        "every attribution of this claim is to an unnamed source, so it cannot be confirmed; "
        "set the status to 'reported' or add a named source"
    )


# ---------------------------------------------------------------- titles of reports (BT406)


def test_bt406_reported_title_states_the_report_as_fact(rule_check, cli, make_kb):
    atts = (att("afp-sources", via="afp"),)
    root = make_kb(claims={"a": claim("a", status="reported", atts=atts)},
                   sources=pool("afp-sources", "afp"))  # fmt: skip
    found = rule_check(root, [("claims/a.yaml", 2, 8, "BT406")])
    assert found[0].message == (
        "this reported claim's title states the report as fact; say who reports it "
        "('AFP: …', '… officials say') or write 'reportedly'"
    )
    assert cli("check", "--root", root).code == 0


@pytest.mark.parametrize(
    "title",
    [
        REPORTED,
        '"AFP: talks took place in Berlin"',
        "According to unnamed sources, talks took place in Berlin",
        "The article says talks took place in Berlin",
    ],
)
def test_bt406_twins_the_title_says_who_reports_it(rule_check, make_kb, title):
    atts = (att("afp-sources", via="afp"),)
    root = make_kb(claims={"a": claim("a", status="reported", atts=atts, title=title)},
                   sources=pool("afp-sources", "afp"))  # fmt: skip
    rule_check(root, [])


# ---------------------------------------------------------------- insertions (BT703, BT701)


def test_bt703_unbalanced_insertion_marks(rule_check, make_kb):
    atts = (att("zelensky", quote="They [presumably Russia and Ukraine agreed."),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    found = rule_check(root, [("claims/a.yaml", 9, 12, "BT703")])
    assert found[0].message == (
        "at character 6 of the quote: this '[' is never closed; square brackets mark "
        "insertions and must pair up"
    )


def test_bt703_twin_balanced_insertion(rule_check, make_kb):
    atts = (att("zelensky", quote="They [presumably Russia and Ukraine] agreed."),)
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool("zelensky"))
    rule_check(root, [])


def test_insertions_are_left_out_of_the_archive_check(cli, make_kb):
    text = "We view this as demands from the Russian Federation. Other words.\n"
    pubs = {PUBLICATION_ID: ARTICLE + "archive: archive/article.txt\n"}
    good = "We view this [territorial concessions] as demands from the Russian Federation."
    bad = "We view this [territorial concessions] as demands of the Russian Federation."
    for quote, expected in ((good, []), (bad, ["claims/a.yaml:9:12:BT701"])):
        root = make_kb(claims={"a": claim("a", atts=(att("zelensky", quote=quote),))},
                       sources=pool("zelensky"), publications=pubs)  # fmt: skip
        (root / "archive").mkdir(exist_ok=True)
        (root / "archive" / "article.txt").write_text(text, encoding="utf-8")
        assert findings(cli, root) == expected
    assert messages(cli, root)["claims/a.yaml:9:12:BT701"].startswith(
        "quote not found in the archive of 'berlin-article' (archive/article.txt); closest "
        'passage: "We view this as demands from the Russian Federation.'
    )


def test_quote_parts_and_pieces():
    quote = "We view this [territorial concessions] as demands."
    assert quote_parts(quote) == ["We view this", "as demands."]
    assert [(p.text, p.inserted) for p in pieces(quote)] == [
        ("We view this ", False),
        ("territorial concessions", True),
        (" as demands.", False),
    ]
    assert quote_parts("[all ours]") == []
    assert unbalanced("a ] b").problem == "this ']' closes no insertion"  # type: ignore[union-attr]
    assert unbalanced("[a [b] c]").offset == 3  # type: ignore[union-attr]
    assert pieces("a [b") == [pieces("a [b")[0]] and pieces("a [b")[0].text == "a [b"


# ---------------------------------------------------------------- chains in words


def test_translation_and_the_chain_in_words(make_kb):
    tail = ""
    atts = ("  - source: zelensky\n    via: afp\n    setting: at a joint press conference\n"
            f"    quote: \"Words.\"\n    publication: {PUBLICATION_ID}\n")  # fmt: skip
    root = make_kb(claims={"a": claim("a", atts=(atts,), tail=tail)})
    kb, found = load(root)
    assert found == []
    attribution = kb.claims["a"].attributions[0]
    assert is_translated(kb, attribution) is True
    assert translated_from(kb, attribution) == "ru"
    assert chain_words(kb, attribution) == (
        "Volodymyr Zelensky, at a joint press conference, via Agence France-Presse — as "
        "reported in Article on the talks in Berlin, translated from Russian"
    )
    assert resting_on(kb) == {PUBLICATION_ID: ["a"]}


# ---------------------------------------------------------------- credibility


def _grades(make_kb, claims, sources, publications=None):
    root = make_kb(claims=claims, sources=sources, publications=publications)
    report = check(root)
    assert report.errors == [], report.errors
    return {cid: grade_words(g) for cid, g in grades(report.kb).items()}


def test_credibility_one_account_on_the_record_and_off_it(make_kb):
    claims = {
        "quoted": claim("quoted"),
        "sourced": claim("sourced", status="reported", atts=(att("afp-sources", via="afp"),),
                         title=REPORTED),
        "unnamed": claim("unnamed", status="reported", atts=(att("us-officials"),),
                         title=REPORTED),
    }  # fmt: skip
    got = _grades(make_kb, claims, pool("zelensky", "afp-sources", "afp", "us-officials"))
    assert got == {
        "quoted": "C2: fairly reliable source; probably true",
        "sourced": "B3: usually reliable source; possibly true",
        "unnamed": "F6: reliability cannot be judged; cannot be judged",
    }


def test_credibility_the_worked_example(make_kb):
    # The AFP account contradicted on the record by Zelensky's words: B5; with Axios's own
    # unnamed sources carrying the same report, two independent accounts: B3.
    afp = att("afp-sources", via="afp")
    contradiction = relations(rel("contradicts", "zelensky"))
    claims = {
        "pressed": claim("pressed", status="disputed", atts=(afp,), tail=contradiction,
                         title=REPORTED),
        "zelensky": claim("zelensky"),
    }  # fmt: skip
    sources = pool("afp-sources", "afp", "zelensky", "axios", "us-officials")
    got = _grades(
        make_kb, claims, {k: v for k, v in sources.items() if k not in ("axios", "us-officials")}
    )
    assert got["pressed"] == "B5: usually reliable source; improbable"
    # Axios's account read in the same article reaches us through it: still one account.
    both = (afp, att("us-officials", via="axios"))
    claims["pressed"] = claim(
        "pressed", status="disputed", atts=both, tail=contradiction, title=REPORTED
    )
    got = _grades(make_kb, claims, sources)
    assert got["pressed"] == "B5: usually reliable source; improbable"
    # Read in an article of its own, it is a second independent account.
    both = (afp, att("us-officials", via="axios", publication=SECOND))
    claims["pressed"] = claim(
        "pressed", status="disputed", atts=both, tail=contradiction, title=REPORTED
    )
    got = _grades(make_kb, claims, sources, TWO_PUBLICATIONS)
    assert got["pressed"] == "B3: usually reliable source; possibly true"
    assert "**A worked example.**" in METHOD and "**B5**" in METHOD and "**B3**" in METHOD


def test_credibility_corroboration_through_supports_and_the_editors_grade(make_kb):
    claims = {
        "main": claim("main", status="reported", atts=(att("kremlin", via="afp"),), title=REPORTED),
        "other": claim("other", status="reported",
                       atts=(att("us-officials", via="axios", publication=SECOND),),
                       tail=relations(rel("supports", "main")), title=REPORTED),
        "set": claim("set", status="reported", atts=(att("kremlin", via="afp"),), title=REPORTED,
                     tail="credibility:\n  grade: 4\n  reason: The report was later withdrawn.\n"),
    }  # fmt: skip
    root = make_kb(
        claims=claims,
        sources=pool("kremlin", "afp", "us-officials", "axios"),
        publications=TWO_PUBLICATIONS,
    )
    report = check(root)
    assert report.errors == []
    main = grade(report.kb, report.kb.claims["main"])
    assert (main.code, main.override) == ("B1", False)
    assert main.reason == "2 independent accounts carry it."
    edited = grade(report.kb, report.kb.claims["set"])
    assert (edited.code, edited.override, edited.reason) == (
        "B4",
        True,
        "The report was later withdrawn.",
    )


def test_credibility_accounts_read_in_one_publication_are_never_confirmed_by_each_other(make_kb):
    # Two speakers sharing nothing, a supporting claim too: all read in one article.
    claims = {
        "main": claim("main", status="reported", title=REPORTED,
                      atts=(att("kremlin", via="afp"), att("us-officials", via="axios"))),
        "other": claim("other", status="reported", atts=(att("afp-sources", via="afp"),),
                       tail=relations(rel("supports", "main")), title=REPORTED),
    }  # fmt: skip
    sources = pool("kremlin", "afp", "us-officials", "axios", "afp-sources")
    got = _grades(make_kb, claims, sources)
    assert got["main"] == "B3: usually reliable source; possibly true"
    # The twin: the second account read in a second article gives grade 1.
    claims["main"] = claim("main", status="reported", title=REPORTED,
                           atts=(att("kremlin", via="afp"),
                                 att("us-officials", via="axios", publication=SECOND)))  # fmt: skip
    got = _grades(make_kb, claims, sources, TWO_PUBLICATIONS)
    assert got["main"] == "B1: usually reliable source; confirmed by other sources"


def test_credibility_of_the_bundled_claims_resting_on_one_article(tmp_path):
    # Every claim here reaches us through one article: none is confirmed by other sources.
    report = check(copy_from_repo(tmp_path, RECORDS))
    assert report.errors == []
    got = grades(report.kb)
    assert {cid for cid, g in got.items() if g.credibility == 1} == set()
    for cid in (
        "both-sides-report-significant-progress",
        "zelensky-no-us-demands",
        "zelensky-different-territorial-positions",
    ):
        assert got[cid].credibility != 1, (cid, got[cid])


def test_credibility_contradiction_is_named_by_title_not_id(make_kb):
    contradiction = relations(rel("contradicts", "zelensky"))
    claims = {
        "pressed": claim("pressed", status="disputed", atts=(att("afp-sources", via="afp"),),
                         tail=contradiction, title=REPORTED),
        "zelensky": claim("zelensky"),
    }  # fmt: skip
    root = make_kb(claims=claims, sources=pool("afp-sources", "afp", "zelensky"))
    report = check(root)
    g = grade(report.kb, report.kb.claims["pressed"])
    assert g.reason == (
        "It is contradicted on the record by another account (“Talks took place in Berlin”), "
        "and no second independent account carries it."
    )
    assert "'zelensky'" not in g.reason


def test_credibility_denied_with_one_account(make_kb):
    claims = {"a": claim("a", status="denied")}
    got = _grades(make_kb, claims, pool("zelensky"))
    assert got == {"a": "C5: fairly reliable source; improbable"}


# ---------------------------------------------------------------- editors' tools


def test_new_publication_skeleton_checks_once_filled(cli, make_kb):
    root = make_kb(claims={"a": claim("a")}, sources=pool("zelensky"))
    run = cli(
        "new", "publication", "kyiv-transcript", "--title", "Press conference", "--root", root
    )
    assert run.code == 0
    assert run.out == "publications/kyiv-transcript.yaml\n"
    path = root / "publications" / "kyiv-transcript.yaml"
    text = path.read_text(encoding="utf-8")
    assert {(f.code, f.file) for f in check(root).errors} == {
        ("BT103", "publications/kyiv-transcript.yaml")
    }
    path.write_text(
        text.replace('kind: ""', "kind: transcript").replace('language: ""', "language: uk"),
        encoding="utf-8",
    )
    assert [(f.code, f.file) for f in check(root).findings] == [
        ("BT906", "publications/kyiv-transcript.yaml")
    ]


def test_publication_schema_on_the_command_line(cli, make_kb):
    run = cli("schema", "publication", "--root", make_kb())
    assert run.code == 0
    printed = json.loads(run.out)
    assert printed["required"] == ["id", "title", "kind", "language"]
    assert printed["properties"]["kind"]["enum"] == [
        "article",
        "transcript",
        "statement",
        "broadcast",
    ]
    assert printed["properties"]["outlet"]["enum"] == ["afp", "zelensky", None]


def test_the_schema_codes_explain_themselves_and_cannot_be_accepted():
    for code, title in (("BT113", "A publication and a source have the same id"),
                        ("BT114", "Not a language tag")):  # fmt: skip
        text = explain(code)
        assert text is not None
        assert text.startswith(f"{code} (error, schema): {title}\n\n")
        assert text.endswith("This finding cannot be accepted with an exception.\n")


def test_bundled_knowledge_base_rests_on_its_publication():
    report = check(REPO_ROOT)
    assert report.errors == []
    kb = report.kb
    assert set(kb.publications) == {"berlin-talks-article"}
    article = kb.publications["berlin-talks-article"]
    assert (article.translated_from, article.outlet) == ("ru", None)
    assert all(
        a.publication == "berlin-talks-article" for c in kb.claims.values() for a in c.attributions
    )
    assert all(c.rationale for c in kb.claims.values())
    assert all(s.reliability_reason for s in kb.sources.values())


def test_bt401_a_publication_in_its_own_voice_is_not_independent_of_what_it_relays(cli, make_kb):
    voice = bare(PUBLICATION_ID, publication=PUBLICATION_ID)
    relayed = bare("kremlin", "Words.", publication=PUBLICATION_ID)
    root = make_kb(claims={"a": claim("a", atts=(voice, relayed))}, sources=pool("kremlin"))
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT401"]
    # Read elsewhere, the same words are a second account.
    pubs = {**PUBLICATIONS, "tass-report": publication("tass-report")}
    elsewhere = bare("kremlin", "Words.", publication="tass-report")
    root = make_kb(
        claims={"a": claim("a", atts=(voice, elsewhere))},
        sources=pool("kremlin"),
        publications=pubs,
    )
    assert findings(cli, root) == []
