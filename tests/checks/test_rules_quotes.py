"""Quote rules: archived snapshots, the typography-blind matcher, and the bundled quotes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from berlintalks.checks.quotes import closest_passage, normalise, occurs, words
from conftest import SOURCE_POOL, att, claim, messages

SNAPSHOT = (
    "BERLIN (AFP) — Talks went on late.\n"
    "«There was  ample\ndialogue on territories.» Zelensky also said the guarantees — "
    "essentially equivalent to Article 5 — were “strong”.\n"
)


def archived(root: Path, name: str, text: str | bytes) -> None:
    path = root / "archive" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def with_archive(sid: str, rel: str = "archive/afp.txt") -> str:
    """A pool source with ``archive:`` on line 5 (value at column 10)."""
    return SOURCE_POOL[sid] + f"archive: {rel}\n"


def afp_claim(quote: str) -> dict[str, str]:
    """A claim whose only quote (line 10, column 12) came from Zelensky via AFP."""
    return {"a": claim("a", atts=(att("zelensky", via="afp", quote=quote),))}


# ---------------------------------------------------------------- BT701


def test_bt701_quote_missing_from_the_outlets_archive_shows_the_closest_passage(
    rule_check, make_kb
):
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(
        claims=afp_claim("There was extensive dialogue on territories."), sources=sources
    )
    archived(root, "afp.txt", SNAPSHOT)
    found = rule_check(root, [("claims/a.yaml", 10, 12, "BT701")])
    assert found[0].message == (
        "quote not found in the archive of 'afp' (archive/afp.txt); closest passage: "
        '"«There was ample dialogue on territories.»"'
    )


def test_bt701_twin_typography_does_not_count(rule_check, make_kb):
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    claims = {
        "a": claim(
            "a",
            atts=(
                att("zelensky", via="afp", quote="There was ample dialogue on territories."),
                att("zelensky", via="afp", quote="guarantees—essentially equivalent to Article 5"),
                att("zelensky", via="afp", quote="were 'strong'"),
            ),
        )
    }
    root = make_kb(claims=claims, sources=sources)
    archived(root, "afp.txt", SNAPSHOT)
    rule_check(root, [])


def test_bt701_the_sources_own_archive_is_checked_too(rule_check, make_kb):
    sources = {
        "afp": with_archive("afp"),
        "zelensky": with_archive("zelensky", "archive/zelensky.txt"),
    }
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    archived(root, "afp.txt", SNAPSHOT)
    archived(root, "zelensky.txt", "We spoke about territories at length.\n")
    found = rule_check(root, [("claims/a.yaml", 10, 12, "BT701")])
    assert found[0].message.startswith(
        "quote not found in the archive of 'zelensky' (archive/zelensky.txt); closest passage: "
    )


def test_bt701_letters_and_case_still_count():
    text = normalise(SNAPSHOT)
    assert occurs("There  was ample dialogue on territories.", text)
    assert not occurs("there was ample dialogue on territories.", text)
    assert not occurs("There was ample dialogue on territory.", text)


def test_closest_passage_without_a_shared_word_is_none():
    assert closest_passage("Nichts", words(SNAPSHOT)) is None
    passage = closest_passage("the guarantees were strong", words(SNAPSHOT))
    assert passage is not None
    assert passage.text == "the guarantees — essentially equivalent"


# ---------------------------------------------------------------- BT702


@pytest.mark.parametrize(
    ("write", "message"),
    [
        (
            None,
            "archive 'archive/afp.txt' does not exist; give the path of a text file under archive/",
        ),
        (b"caf\xe9\n", "archive 'archive/afp.txt' is not UTF-8 text (line 1); save it as UTF-8"),
    ],
)
def test_bt702_unreadable_archive_points_at_the_archive_line(rule_check, make_kb, write, message):
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    if write is not None:
        archived(root, "afp.txt", write)
    found = rule_check(root, [("sources/afp.yaml", 6, 10, "BT702")])
    assert found[0].message == message


def test_bt108_archive_link_leading_outside_the_root(cli, make_kb, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("There was ample dialogue on territories.\n", encoding="utf-8")
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    (root / "archive").mkdir()
    os.symlink(outside, root / "archive" / "afp.txt")
    assert messages(cli, root) == {
        "sources/afp.yaml:6:10:BT108": "archive 'archive/afp.txt' is a symbolic link; a snapshot "
        "is a plain text file under archive/"
    }


def test_bt702_twin_readable_archive(rule_check, make_kb):
    sources = {"afp": with_archive("afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    archived(root, "afp.txt", SNAPSHOT)
    rule_check(root, [])


# ---------------------------------------------------------------- the bundled quotes


def test_bt108_a_folder_is_not_an_archive(cli, make_kb):
    sources = {"afp": with_archive("afp", "archive/afp"), "zelensky": SOURCE_POOL["zelensky"]}
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    (root / "archive" / "afp").mkdir(parents=True)
    assert messages(cli, root) == {
        "sources/afp.yaml:6:10:BT108": "archive 'archive/afp' is not a regular file; a snapshot "
        "is a plain text file under archive/"
    }


def test_closest_passage_in_a_long_archive_finds_the_near_copy():
    filler = "The delegations met again and the talks went on through the night. " * 2000
    text = words(filler + "Zelensky said: “We view this as demands from Russia.” " + filler)
    passage = closest_passage("We view these as demands from the Russian Federation.", text)
    assert passage is not None
    assert passage.text == "“We view this as demands from Russia.” The delegations"


def test_bt108_a_loop_of_links_or_a_nul_in_the_path(cli, make_kb):
    sources = {
        "afp": with_archive("afp", "archive/a"),
        "zelensky": SOURCE_POOL["zelensky"] + 'archive: "archive/x\\0y"\n',
    }
    root = make_kb(claims=afp_claim("There was ample dialogue on territories."), sources=sources)
    (root / "archive").mkdir()
    os.symlink("b", root / "archive" / "a")
    os.symlink("a", root / "archive" / "b")
    assert messages(cli, root) == {
        "sources/afp.yaml:6:10:BT108": "archive 'archive/a' is a symbolic link; a snapshot is a "
        "plain text file under archive/",
        # A NUL written as an escape is refused with the value, before any path is tried.
        "sources/zelensky.yaml:6:10:BT103": "'archive' holds the control character U+0000: it "
        "can act on a terminal or a spreadsheet, and no reader would see it; remove it (in "
        "double quotes it may be written as an escape, such as \\x00)",
    }


def test_a_long_missed_quote_is_compared_by_its_first_words_only():
    from berlintalks.checks.quotes import QUOTE_WORDS_MAX, closest_passage, words

    text = words(" ".join(f"w{i}" for i in range(5 * QUOTE_WORDS_MAX)))
    quote = " ".join(f"w{i}" for i in range(3 * QUOTE_WORDS_MAX))
    passage = closest_passage(quote, text)
    assert passage is not None
    assert passage.text.startswith("w0 w1 w2 ")
    assert passage.similarity == 1.0  # the first QUOTE_WORDS_MAX words, compared exactly
