"""The bundled knowledge base as its editor signs it: who said what, what may be confirmed, and
that statements are ours while quotes are the article's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from berlintalks.checks.insertions import quote_parts
from berlintalks.checks.quotes import normalise, occurs
from berlintalks.records import Claim, KnowledgeBase
from berlintalks.records.load import load
from conftest import REPO

# The seed article sits beside the repository (../shared), never inside it.
ARTICLE = REPO.parent / "shared" / "seed" / "berlin-talks-article.txt"
ARTICLE_ID = "berlin-talks-article"
# A statement in our own words shares no run of this many words with the article.
SHARED_RUN = 10


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    loaded, findings = load(REPO)
    assert [f for f in findings if f.severity.value == "error"] == []
    return loaded


@pytest.fixture(scope="module")
def article() -> str:
    if not ARTICLE.is_file():
        pytest.skip(f"the seed article is not beside this checkout ({ARTICLE.name} in ../shared)")
    return ARTICLE.read_text(encoding="utf-8")


def speakers(claim: Claim) -> list[str]:
    return [att.source for att in claim.attributions]


# ---------------------------------------------------------------- who said it


@pytest.mark.parametrize(
    ("cid", "expected"),
    [
        # The article says these things in its own voice.
        ("berlin-talks-held", [ARTICLE_ID]),
        ("moscow-demands-donetsk-withdrawal", [ARTICLE_ID]),
        ("initial-us-proposals-included-donetsk-withdrawal", [ARTICLE_ID]),
        ("kyiv-rejects-donetsk-withdrawal", [ARTICLE_ID]),
        ("us-proposals-not-public", [ARTICLE_ID]),
        ("zelensky-merz-press-conference", [ARTICLE_ID]),
        ("european-statement-alignment-with-us-unclear", [ARTICLE_ID]),
        # Reports through outlets and unnamed people.
        ("us-pressed-donetsk-withdrawal", ["afp-sources"]),
        ("axios-territorial-disagreements-sharpest", ["axios"]),
        ("talks-described-as-difficult", ["western-media"]),
        ("us-article-5-like-guarantees", ["us-officials"]),
        ("ninety-percent-of-issues-agreed", ["western-outlet-sources"]),
        ("trump-not-pressuring-on-territory", ["us-officials"]),
        ("trump-satisfied-with-progress", ["us-officials"]),
        ("ukrainian-officials-warn-of-media-speculation", ["ukrainian-officials"]),
        # Named people on the record.
        ("zelensky-no-us-demands", ["zelensky"]),
        ("zelensky-different-territorial-positions", ["zelensky"]),
        ("trump-closer-to-peace-than-ever", ["trump"]),
    ],
)
def test_the_source_is_who_the_article_says_spoke(
    kb: KnowledgeBase, cid: str, expected: list[str]
) -> None:
    assert speakers(kb.claims[cid]) == expected


def test_intermediaries_are_recorded_in_the_chain(kb: KnowledgeBase) -> None:
    assert kb.claims["us-pressed-donetsk-withdrawal"].attributions[0].via == ("afp",)
    assert kb.claims["us-article-5-like-guarantees"].attributions[0].via == ("european-media",)


def test_people_who_say_nothing_in_the_article_are_no_sources(kb: KnowledgeBase) -> None:
    for sid in ("merz", "umerov", "witkoff", "kushner", "kremlin"):
        assert sid not in kb.sources
    setting = kb.claims["zelensky-different-territorial-positions"].attributions[0].setting
    assert setting is not None and "Merz" in setting


def test_every_attribution_ends_at_the_article_we_read(kb: KnowledgeBase) -> None:
    publication = kb.publications[ARTICLE_ID]
    assert (publication.outlet, publication.translated_from, publication.language) == (
        None,
        "ru",
        "en",
    )
    chains = [att.publication for c in kb.claims.values() for att in c.attributions]
    assert len(chains) >= 33
    assert set(chains) == {ARTICLE_ID}


def test_every_claim_and_source_gives_its_reason(kb: KnowledgeBase) -> None:
    assert [c.id for c in kb.claims.values() if not (c.rationale or "").strip()] == []
    assert [s.id for s in kb.sources.values() if not (s.reliability_reason or "").strip()] == []


def test_collectives_and_shared_affiliations_cannot_fake_independence(kb: KnowledgeBase) -> None:
    assert kb.sources["western-media"].kind == "collective"
    assert kb.sources["european-media"].kind == "collective"
    for sid in ("us-officials", "us-representative", "trump"):
        assert kb.sources[sid].affiliation == "us-government", sid


# ---------------------------------------------------------------- verdicts


def test_nothing_known_only_from_a_paraphrase_is_confirmed(kb: KnowledgeBase) -> None:
    statement = ["european-leaders-joint-statement"] + [
        c.id
        for c in kb.claims.values()
        if any(
            r.type == "part_of" and r.claim == "european-leaders-joint-statement"
            for r in c.relations
        )
    ]
    assert len(statement) == 7
    assert kb.claims["european-leaders-joint-statement"].count == 6
    unnamed = {"afp-sources", "us-officials", "us-representative", "western-outlet-sources"}
    for claim in kb.claims.values():
        if claim.id in statement or set(speakers(claim)) & (unnamed | {ARTICLE_ID}):
            assert claim.status != "confirmed", claim.id


def test_confirmed_claims_rest_on_a_named_speakers_quoted_words(kb: KnowledgeBase) -> None:
    confirmed = [c for c in kb.claims.values() if c.status == "confirmed"]
    assert len(confirmed) >= 5
    for claim in confirmed:
        assert any(
            kb.sources[att.source].kind == "person" and att.quote
            for att in claim.attributions
            if att.source in kb.sources
        ), claim.id


def test_both_sides_carry_both_words(kb: KnowledgeBase) -> None:
    claim = kb.claims["both-sides-report-significant-progress"]
    said = {(att.source, att.quote) for att in claim.attributions}
    assert said == {
        (side, words)
        for side in ("us-government", "ukraine-government")
        for words in ("significant progress", "productive")
    }


def test_anonymous_reports_say_who_reports_them_in_the_title(kb: KnowledgeBase) -> None:
    for cid in (
        "us-pressed-donetsk-withdrawal",
        "us-article-5-like-guarantees",
        "territory-and-zaporizhzhia-plant-unresolved",
        "zaporizhzhia-capacity-split-50-50",
    ):
        title = kb.claims[cid].title
        assert re.search(
            r"\b(say|says|said|reportedly|according|sources|officials)\b", title, re.I
        ), (
            cid,
            title,
        )


def test_no_inference_beyond_the_text(kb: KnowledgeBase) -> None:
    for claim in kb.claims.values():
        assert "all of" not in f"{claim.title} {claim.statement}".lower(), claim.id
    figure = kb.claims["european-statement-military-support-800000"].figures[0]
    assert (figure.value, figure.qualifier) == (800000, "up_to")


def test_accounts_that_pull_against_each_other_are_labelled_alike(kb: KnowledgeBase) -> None:
    afp = {r.claim: r.type for r in kb.claims["us-pressed-donetsk-withdrawal"].relations}
    assert afp["zelensky-no-us-demands"] == "contradicts"
    assert afp["trump-not-pressuring-on-territory"] == "contradicts"
    kyiv = {r.claim: r.type for r in kb.claims["kyiv-rejects-donetsk-withdrawal"].relations}
    assert kyiv["moscow-demands-donetsk-withdrawal"] != "qualifies"
    moscow = {r.claim for r in kb.claims["moscow-demands-donetsk-withdrawal"].relations}
    assert "us-pressed-donetsk-withdrawal" in moscow
    for cid in ("moscow-demands-donetsk-withdrawal", "kyiv-rejects-donetsk-withdrawal"):
        assert kb.claims[cid].kind == "position", cid


# ---------------------------------------------------------------- words


def words(text: str) -> list[str]:
    """Words with whitespace, quote marks, apostrophes and dashes set aside, lower case."""
    text = text.lower()
    text = re.sub(r"[\u2018\u2019\u02bc`']", "", text)
    text = re.sub(r"[\u201c\u201d\"«»\u2010-\u2015\u2212-]", " ", text)
    text = re.sub(r"(?<=\d),(?=\d{3})", "", text)
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)
    return re.sub(r"[^\w\s]", " ", text).split()


def shared_runs(text: str, article_words: list[str], run: int = SHARED_RUN) -> list[str]:
    grams = {tuple(article_words[i : i + run]) for i in range(len(article_words) - run + 1)}
    ours = words(text)
    return [
        " ".join(ours[i : i + run])
        for i in range(len(ours) - run + 1)
        if tuple(ours[i : i + run]) in grams
    ]


def test_shared_runs_finds_a_copied_sentence(article: str) -> None:
    # The twin: the check is not blind to a sentence copied with its punctuation changed.
    copied = "Talks between Ukrainian and U.S. delegations took place in Berlin on December 14-15."
    assert shared_runs(copied, words(article)) != []


def test_statements_are_in_our_own_words(kb: KnowledgeBase, article: str) -> None:
    article_words = words(article)
    copied = {}
    for claim in kb.claims.values():
        for field, text in (
            ("title", claim.title),
            ("statement", claim.statement),
            ("rationale", claim.rationale or ""),
        ):
            runs = shared_runs(text, article_words)
            if runs:
                copied[f"{claim.id}.{field}"] = runs[0]
    assert copied == {}


def test_every_quote_is_the_articles_words(kb: KnowledgeBase, article: str) -> None:
    text = normalise(article)
    quotes = [(c.id, att.quote) for c in kb.claims.values() for att in c.attributions if att.quote]
    assert len(quotes) >= 15
    # Insertions in [brackets] are the publication's: the words around them are checked.
    missing = [(cid, q) for cid, q in quotes if not all(occurs(p, text) for p in quote_parts(q))]
    assert missing == []
    marked = kb.claims["zelensky-no-us-demands"].attributions[0].quote or ""
    assert "[territorial concessions]" in marked and "(" not in marked
    # The matcher is not blind: one changed word is a miss.
    longest = max((q for _, q in quotes), key=len)
    assert not occurs(longest.replace(" ", " not ", 1), text)


def test_the_article_is_not_copied_into_the_project(article: str) -> None:
    first = article.split(".")[0]
    hits = [
        str(p.relative_to(REPO))
        for folder in ("claims", "sources", "publications", "docs", "templates", "archive")
        if (REPO / folder).is_dir()
        for p in Path(REPO / folder).rglob("*")
        if p.is_file() and first in p.read_text(encoding="utf-8", errors="replace")
    ]
    assert hits == []
