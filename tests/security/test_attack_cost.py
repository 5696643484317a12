"""Cost attacks within the limits: each hostile input gets the right findings, each once.

The hostile files are those of the benchmark (benchmarks/hostile.py). The subprocess
timeouts only catch a hang; how fast `check` is, the benchmark measures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from berlintalks.checks.quotes import (
    PASSAGES_MAX,
    QuoteSearch,
    closest_passage,
    normalise,
    occurs,
    words,
)
from berlintalks.checks.suggest import SUGGESTIONS_MAX
from conftest import REPO, SOURCE_POOL, att, claim, findings, messages, rel, relations

sys.path.insert(0, str(REPO / "benchmarks"))
import hostile

HANG = 60  # seconds: far beyond what any of these takes; only a hang reaches it


def check_json(root: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "check", "--root", str(root), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert done.returncode == 1, done.stderr
    return json.loads(done.stdout)


# ---------------------------------------------------------------- BT504, duplicated relations


def test_bt504_two_claims_of_5000_figures_related_1000_times_report_each_figure_once(tmp_path):
    hostile.figures_case(tmp_path)
    found = check_json(tmp_path)
    assert Counter((f["file"], f["code"]) for f in found) == {
        ("claims/hostile-figures-a.yaml", "BT504"): 5000,
        ("claims/hostile-figures-b.yaml", "BT504"): 5000,
        ("claims/hostile-figures-a.yaml", "BT903"): 1,  # no quote: a warning
        ("claims/hostile-figures-b.yaml", "BT903"): 1,
    }
    first = min(
        (f for f in found if f["file"] == "claims/hostile-figures-b.yaml" and f["code"] == "BT504"),
        key=lambda f: f["line"],
    )
    assert first["message"] == (
        "'figure 0' is 0.5 people here but 0 people in related claim 'hostile-figures-a'; "
        "make them agree or give the figures different labels"
    )


def figure(label: str, value: str) -> str:
    return f"figures:\n  - label: {label}\n    unit: people\n    value: {value}\n"


def test_bt504_a_figure_that_differs_from_several_related_claims_names_them_in_one_finding(
    cli, make_kb
):
    claims = {
        "x": claim("x", tail=figure("delegates", "5")),
        "b": claim(
            "b",
            tail=relations(rel("supports", "x"), rel("supports", "x")) + figure("delegates", "6"),
        ),
        "c": claim("c", tail=relations(rel("qualifies", "x")) + figure("delegates", "7")),
        "d": claim("d", tail=relations(rel("part_of", "x")) + figure("Delegates", "5")),
    }
    root = make_kb(claims=claims, sources={"zelensky": SOURCE_POOL["zelensky"]})
    got = messages(cli, root)
    assert sorted(got) == [
        "claims/b.yaml:19:12:BT504",
        "claims/c.yaml:17:12:BT504",
        "claims/x.yaml:14:12:BT504",
    ]
    assert got["claims/x.yaml:14:12:BT504"] == (
        "'delegates' is 5 people here but 6 people in related claim 'b', and other values in "
        "1 more ('c'); make them agree or give the figures different labels"
    )
    assert got["claims/b.yaml:19:12:BT504"] == (
        "'delegates' is 6 people here but 5 people in related claim 'x'; make them agree or "
        "give the figures different labels"
    )


# ---------------------------------------------------------------- BT302 and BT301, duplicates


def test_bt302_and_bt301_repeated_relations_give_one_finding_per_declaration(tmp_path):
    hostile.relations_case(tmp_path, each=300)
    found = check_json(tmp_path)
    assert Counter((f["file"], f["code"]) for f in found) == {
        # a: 300 supports and 300 contradicts relations, each reported once
        ("claims/hostile-relations-a.yaml", "BT302"): 600,
        # b: its 300 contradictions of a, which supports it
        ("claims/hostile-relations-b.yaml", "BT302"): 300,
        # each side's contradicts relations, and the other's status once
        ("claims/hostile-relations-a.yaml", "BT301"): 301,
        ("claims/hostile-relations-b.yaml", "BT301"): 301,
        ("claims/hostile-relations-a.yaml", "BT903"): 1,  # no quote: a warning
        ("claims/hostile-relations-b.yaml", "BT903"): 1,
        # confirmed from a person, with no words of theirs we hold
        ("claims/hostile-relations-a.yaml", "BT405"): 1,
        ("claims/hostile-relations-b.yaml", "BT405"): 1,
    }


# ---------------------------------------------------------------- did you mean


def test_unknown_claim_ids_get_a_suggestion_for_the_first_ones_and_nothing_wrong_after(
    cli, make_kb
):
    count = SUGGESTIONS_MAX + 5
    ids = [f"berlin-talk-{i}" for i in range(count)] + ["berlin-talk-0"]
    tail = relations(*(rel("qualifies", i) for i in ids))
    claims = {"berlin-talks": claim("berlin-talks"), "a": claim("a", tail=tail)}
    root = make_kb(claims=claims, sources={"zelensky": SOURCE_POOL["zelensky"]})
    got = messages(cli, root)
    lines = [13 + 2 * i for i in range(len(ids))]
    shown = [got[f"claims/a.yaml:{line}:12:BT202"] for line in lines]
    assert shown[:SUGGESTIONS_MAX] == [
        f"unknown claim 'berlin-talk-{i}' — did you mean 'berlin-talks'?"
        for i in range(SUGGESTIONS_MAX)
    ]
    assert shown[SUGGESTIONS_MAX:count] == [
        f"unknown claim 'berlin-talk-{i}'" for i in range(SUGGESTIONS_MAX, count)
    ]
    # a word already searched keeps its suggestion
    assert shown[-1] == "unknown claim 'berlin-talk-0' — did you mean 'berlin-talks'?"


def test_unknown_keys_get_a_suggestion_for_the_first_ones_and_nothing_wrong_after(cli, make_kb):
    count = 55
    tail = "".join(f"statment{i}: x\n" for i in range(count))
    root = make_kb(claims={"a": claim("a") + tail}, sources={"zelensky": SOURCE_POOL["zelensky"]})
    got = messages(cli, root)
    shown = [got[f"claims/a.yaml:{12 + i}:1:BT102"] for i in range(count)]
    assert shown[:50] == [
        f"unknown key 'statment{i}' in a claim — did you mean 'statement'?" for i in range(50)
    ]
    assert shown[50:] == [f"unknown key 'statment{i}' in a claim" for i in range(50, count)]


def test_15000_unknown_relation_ids_are_each_reported(tmp_path):
    hostile.unknown_ids_case(tmp_path, padding=30)
    found = check_json(tmp_path)
    unknown = [f for f in found if f["code"] == "BT202"]
    assert len(unknown) == 15000
    assert unknown[-1]["message"] == "unknown claim 'missing-claim-number-14999'"


# ---------------------------------------------------------------- quotes


SNAPSHOT = "Zelensky said: «There was ample dialogue on territories.»\n"


def with_archive(sid: str) -> str:
    return SOURCE_POOL[sid] + "archive: archive/afp.txt\n"


def test_the_closest_passage_of_a_near_miss_in_a_1_mib_archive_is_the_right_passage(cli, make_kb):
    filler = hostile.archive_text(512 * 1024)
    text = filler + " Zelensky said the guarantees were strong and binding. " + filler
    atts = (att("zelensky", via="afp", quote="the guarantees were strong and lasting"),)
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    (root / "archive").mkdir()
    (root / "archive" / "afp.txt").write_text(text, encoding="utf-8")
    assert messages(cli, root) == {
        "claims/a.yaml:10:12:BT701": "quote not found in the archive of 'afp' (archive/afp.txt); "
        'closest passage: "the guarantees were strong and binding."'
    }


def test_a_near_miss_made_only_of_words_the_archive_repeats_still_gets_a_passage():
    text = words(hostile.archive_text())
    quote = hostile.near_miss_quotes(1)[0]
    passage = closest_passage(quote, text)
    assert passage is not None
    assert set(passage.text.rstrip("…").split()) <= set(hostile.ARCHIVE_VOCABULARY)
    assert len(passage.text) == 160
    assert 0.5 < passage.similarity < 1.0


def test_after_the_first_missed_quotes_the_closest_passage_is_no_longer_searched(cli, make_kb):
    count = PASSAGES_MAX + 3
    atts = tuple(
        att("zelensky", via="afp", quote=f"There was extensive dialogue number {i}.")
        for i in range(count)
    )
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    (root / "archive").mkdir()
    (root / "archive" / "afp.txt").write_text(SNAPSHOT, encoding="utf-8")
    got = messages(cli, root)
    shown = [got[f"claims/a.yaml:{10 + 4 * i}:12:BT701"] for i in range(count)]
    where = "quote not found in the archive of 'afp' (archive/afp.txt)"
    assert (
        shown[:PASSAGES_MAX]
        == [f'{where}; closest passage: "«There was ample dialogue on territories.»"']
        * PASSAGES_MAX
    )
    assert (
        shown[PASSAGES_MAX:]
        == [
            f"{where}; the closest passage is shown for the first {PASSAGES_MAX} missed quotes of "
            "a check only"
        ]
        * 3
    )


def test_a_file_of_two_word_misses_is_checked_and_the_rest_said_not_compared(tmp_path):
    hostile.short_quotes_case(tmp_path)
    found = check_json(tmp_path)
    codes = Counter(f["code"] for f in found)
    assert set(codes) == {"BT701"}
    kinds = Counter(str(f["message"]).split(" with ")[0].split(" in ")[0] for f in found)
    total = sum(codes.values())
    # The node limit bounds the file: each two-word miss takes 7 nodes with its publication.
    assert total > 11000
    assert kinds["quote not found"] > 30  # the first ones were searched for in full
    assert kinds["quote not compared"] == total - kinds["quote not found"]
    last = max(found, key=lambda f: f["line"])
    assert last["message"] == (
        "quote not compared with the archive of 'hostile-outlet' (archive/hostile.txt): quotes "
        "before it, of one or two words or of words the archive repeats thousands of times, "
        "took all the searching a check allows; quote longer passages with rarer words"
    )


def test_a_quote_with_a_rare_word_is_found_in_a_hostile_archive_however_many_quotes_came_first(
    cli, make_kb
):
    filler = hostile.archive_text()
    text = filler + " Zelensky said the guarantees were strong. " + filler
    atts = tuple(att("zelensky", via="afp", quote=f"talks went{i}") for i in range(200))
    atts += (att("zelensky", via="afp", quote="said the guarantees were strong."),)
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=sources)
    (root / "archive").mkdir()
    (root / "archive" / "afp.txt").write_text(text, encoding="utf-8")
    found = findings(cli, root)
    # the 200 two-word misses are reported; the last quote, anchored on a rare word, is found
    assert len(found) == 200
    assert "claims/a.yaml:810:12:BT701" not in found
    assert found[-1] == "claims/a.yaml:806:12:BT701"


PIECES = st.sampled_from(["a", "ab", "b", "ba", "-", "—", " ", "  ", "\n", "«", "»", "a-b", "…"])


@given(st.lists(PIECES, max_size=40), st.lists(PIECES, max_size=8), st.sampled_from([0, 1, 2000]))
def test_the_indexed_look_up_agrees_with_a_substring_search(text, quote, anchor_max):
    text_s, quote_s = "".join(text), "".join(quote)
    search = QuoteSearch(anchor_max=anchor_max)
    assert search.look_up(quote_s, words(text_s)).found is occurs(quote_s, normalise(text_s))


@given(st.lists(PIECES, max_size=40), st.integers(0, 40), st.integers(1, 12))
def test_the_indexed_look_up_finds_every_piece_of_the_text(text, start, length):
    text_s = "".join(text)
    quote_s = text_s[start : start + length]
    assert QuoteSearch(anchor_max=1).look_up(quote_s, words(text_s)).found is True
