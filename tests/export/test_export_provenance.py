"""Exports of provenance: textual ClaimReview, chains, publications and grades, with keys."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from frictionless import validate

from berlintalks.export import STATUS_WORDS
from berlintalks.export.claimreview import short_claim
from conftest import ARTICLE_CLAIMS, ARTICLE_TITLE, Run, write_article_kb


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every export of the tiny knowledge base, written by `berlintalks export`."""
    from berlintalks.cli import main

    root = write_article_kb(tmp_path_factory.mktemp("prov-export") / "kb")
    out = root.parent / "data"
    args = ["export", "--root", str(root), "--out", str(out)]
    assert main([*args, "--format", "json", "--format", "datapackage"]) == 0
    assert main([*args, "--format", "claimreview"]) == 0
    return out


def reviews(data: Path) -> dict[str, dict]:  # type: ignore[type-arg]
    found = json.loads((data / "claimreview.json").read_text(encoding="utf-8"))
    return {r["url"].rstrip("/").rsplit("/", 1)[-1]: r for r in found}


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_claim_review_rating_is_the_status_in_words_with_no_number(data: Path) -> None:
    text = (data / "claimreview.json").read_text(encoding="utf-8")
    assert "ratingValue" not in text
    assert "bestRating" not in text and "worstRating" not in text
    for cid, review in reviews(data).items():
        rating = review["reviewRating"]
        status = next(
            line for line in ARTICLE_CLAIMS[cid].splitlines() if "status:" in line
        ).split()[-1]
        assert rating == {
            "@type": "Rating",
            "alternateName": STATUS_WORDS[status],
            "name": STATUS_WORDS[status],
            "ratingExplanation": rating["ratingExplanation"],
        }
    pressed = reviews(data)["us-pressed"]["reviewRating"]
    assert pressed["alternateName"] == "Disputed on the record"
    assert pressed["ratingExplanation"] == (
        "Sources AFP did not name, contradicted on the record by Zelensky."
    )


def test_claim_reviewed_is_short_and_cut_at_a_word(data: Path) -> None:
    for review in reviews(data).values():
        assert len(review["claimReviewed"]) < 75
    # 76 characters: cut before the last whole word that fits, with an ellipsis.
    title = "AFP's sources say the U.S. side pressed for a withdrawal from Donetsk Oblast"
    assert len(title) == 76
    pressed = reviews(data)["us-pressed"]
    assert pressed["claimReviewed"] == short_claim(title)
    assert pressed["claimReviewed"] == (
        "AFP's sources say the U.S. side pressed for a withdrawal from Donetsk…"
    )
    assert pressed["headline"] == title
    assert short_claim("Trump said peace is closer") == "Trump said peace is closer"


def test_item_reviewed_author_is_the_original_speaker(data: Path) -> None:
    by_id = reviews(data)
    assert by_id["no-us-demands"]["itemReviewed"]["author"] == {
        "@type": "Person",
        "name": "Volodymyr Zelensky",
    }
    own = by_id["moscow-demand"]["itemReviewed"]["author"]
    assert (own["@type"], own["name"], own["url"]) == (
        "NewsArticle",
        ARTICLE_TITLE,
        "https://news.example/berlin-talks",
    )
    # Unnamed sources and collectives are nobody's name: no author rather than a false type.
    assert "author" not in by_id["us-pressed"]["itemReviewed"]
    assert "author" not in by_id["talks-difficult"]["itemReviewed"]


def test_appearance_is_the_publication_with_its_address(data: Path) -> None:
    item = reviews(data)["us-pressed"]["itemReviewed"]
    article = {
        "@type": "NewsArticle",
        "name": ARTICLE_TITLE,
        "inLanguage": "en",
        "url": "https://news.example/berlin-talks",
        "translationOfWork": {"@type": "CreativeWork", "inLanguage": "ru"},
    }
    assert item["firstAppearance"] == article
    assert item["appearance"] == [article]


def test_json_claims_carry_chains_rationales_and_grades(data: Path) -> None:
    claims = {c["id"]: c for c in json.loads((data / "claims.json").read_text("utf-8"))}
    pressed = claims["us-pressed"]
    assert (
        pressed["rationale"] == "Sources AFP did not name, contradicted on the record by Zelensky."
    )
    assert pressed["status_words"] == "Disputed on the record"
    grade = pressed["credibility"]
    assert grade["code"] == f"{grade['reliability']}{grade['credibility']}"
    assert grade["reliability"] in "ABCDEF" and 1 <= grade["credibility"] <= 6
    (att,) = pressed["attributions"]
    assert att["source"]["id"] == "afp-sources"
    assert [v["id"] for v in att["via"]] == ["afp"]
    assert att["publication"] == {
        "id": "talks-article",
        "title": ARTICLE_TITLE,
        "kind": "article",
        "url": "https://news.example/berlin-talks",
    }
    assert att["translated_from"] == "ru"
    assert att["chain"] == (
        f"Unnamed sources cited by AFP, via Agence France-Presse — as reported in {ARTICLE_TITLE}, "
        "translated from Russian"
    )
    quote = claims["no-us-demands"]["attributions"][0]
    assert quote["quote_has_insertion"] is True
    assert claims["moscow-demand"]["attributions"][0]["own_voice"] is True
    assert claims["moscow-demand"]["kind"] == "position"
    figure = claims["forces-800000"]["figures"][0]
    assert (figure["qualifier"], figure["words"]) == ("up_to", "up to 800,000 personnel")
    pubs = json.loads((data / "publications.json").read_text("utf-8"))
    assert [p["id"] for p in pubs] == ["talks-article"]
    assert pubs[0]["translated_from"] == "ru"


def test_data_package_has_publications_chains_and_their_keys(data: Path) -> None:
    package = json.loads((data / "datapackage.json").read_text("utf-8"))
    names = [r["name"] for r in package["resources"]]
    assert names == ["claims", "sources", "publications", "attributions", "via", "relations"]
    keys = {
        r["name"]: [
            (fk["fields"], fk["reference"]["resource"]) for fk in r["schema"]["foreignKeys"]
        ]
        for r in package["resources"]
        if "foreignKeys" in r["schema"]
    }
    assert keys["publications"] == [("outlet", "sources")]
    assert keys["attributions"] == [
        ("claim", "claims"),
        ("source", "sources"),
        ("own_voice", "publications"),
        ("publication", "publications"),
    ]
    assert keys["via"] == [(["claim", "position"], "attributions"), ("source", "sources")]
    assert [r["id"] for r in rows(data / "publications.csv")] == ["talks-article"]
    atts = {r["claim"]: r for r in rows(data / "attributions.csv")}
    assert (atts["moscow-demand"]["source"], atts["moscow-demand"]["own_voice"]) == (
        "",
        "talks-article",
    )
    assert atts["us-pressed"]["via"] == "afp"
    assert atts["no-us-demands"]["translated_from"] == "ru"
    assert [(r["claim"], r["step"], r["source"]) for r in rows(data / "via.csv")] == [
        ("us-pressed", "1", "afp")
    ]
    claims = {r["id"]: r for r in rows(data / "claims.csv")}
    assert claims["us-pressed"]["rationale"].startswith("Sources AFP did not name")
    assert claims["us-pressed"]["grade"] == (
        claims["us-pressed"]["grade"][0] + claims["us-pressed"]["credibility"]
    )


def test_data_package_validates_and_checks_the_publication_key(data: Path, tmp_path: Path) -> None:
    report = validate(str(data / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    broken = tmp_path / "data"
    shutil.copytree(data, broken)
    table = broken / "attributions.csv"
    with table.open(newline="", encoding="utf-8") as f:
        grid = list(csv.reader(f))
    grid[1][grid[0].index("publication")] = "no-such-publication"
    with table.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(grid)
    bad = validate(str(broken / "datapackage.json"))
    assert [e[0] for e in bad.flatten(["type"])] == ["foreign-key"]


def test_frictionless_command_validates_the_package(data: Path) -> None:
    exe = shutil.which("frictionless") or str(Path(sys.executable).parent / "frictionless")
    done = subprocess.run(
        [exe, "validate", str(data / "datapackage.json")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "publications" in done.stdout


def test_export_of_a_claim_without_a_rationale_has_no_explanation(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    from berlintalks.export import Publisher, claim_review
    from berlintalks.records.load import load

    root = write_article_kb(tmp_path / "kb")
    body = textwrap.dedent(ARTICLE_CLAIMS["talks-difficult"])
    body = "\n".join(
        ln for ln in body.splitlines() if not ln.startswith(("rationale:", "  A collective"))
    )
    (root / "claims" / "talks-difficult.yaml").write_text(body + "\n", encoding="utf-8")
    kb, _ = load(root)
    review = claim_review(kb, kb.claims["talks-difficult"], Publisher(), None)
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "Reported, not confirmed",
        "name": "Reported, not confirmed",
    }
