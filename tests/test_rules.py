"""References, relations and attribution rules, each failing record with its passing twin."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from berlintalks.checks.rules.relations import _cycle_members
from conftest import PUBLICATION_ID, PUBLICATIONS, RATIONALE

SOURCE_POOL = {
    "afp": "id: afp\nname: Agence France-Presse\nkind: outlet\nreliability: B\n"
    "reliability_reason: A news organisation with a record of accurate reports.\n",
    "axios": "id: axios\nname: Axios\nkind: outlet\nreliability: B\n"
    "reliability_reason: A news organisation with a record of accurate reports.\n",
    "zelensky": "id: zelensky\nname: Volodymyr Zelensky\nkind: person\nreliability: C\n"
    "reliability_reason: A first-hand participant with an interest in the outcome.\n",
    "merz": "id: merz\nname: Friedrich Merz\nkind: person\nreliability: C\n"
    "reliability_reason: A first-hand participant with an interest in the outcome.\n",
    "us-officials": "id: us-officials\nname: Unnamed U.S. officials\nkind: anonymous\n"
    "reliability: F\n"
    "reliability_reason: Unnamed, so their reliability cannot be judged.\n",
    "afp-sources": "id: afp-sources\nname: Unnamed sources cited by AFP\nkind: anonymous\n"
    "reliability: F\n"
    "reliability_reason: Unnamed, so their reliability cannot be judged.\n",
    "kremlin": "id: kremlin\nname: The Kremlin\nkind: organization\nreliability: D\n"
    "reliability_reason: A party whose past statements have often been contradicted.\n",
}

QUOTE = "There was ample dialogue on territories."


def att(
    source: str,
    via: str | None = None,
    quote: str | None = QUOTE,
    date: str = "",
    publication: str = PUBLICATION_ID,
) -> str:
    """One attribution entry; its first line is ``  - source: …``."""
    lines = [f"  - source: {source}"]
    if via:
        lines.append(f"    via: {via}")
    if quote is not None:
        lines.append(f"    quote: {json.dumps(quote, ensure_ascii=False)}")
    if date:
        lines.append(f"    date: {date}")
    lines.append(f"    publication: {publication}")
    return "\n".join(lines) + "\n"


# A second article, for accounts that must reach us apart: two accounts read in the same
# publication are one chain through it.
SECOND = "second-article"
TWO_PUBLICATIONS = {
    **PUBLICATIONS,
    SECOND: f"id: {SECOND}\ntitle: A second article on the talks\nkind: article\nlanguage: en\n",
}


def claim(
    cid: str,
    *,
    status: str = "confirmed",
    date: str = "2025-12-14",
    atts: tuple[str, ...] = (),
    tail: str = "",
    statement: str = "Delegations met in Berlin.",
    title: str = "Talks took place in Berlin",
) -> str:
    """A claim: id on line 1, status on line 4 (column 9), attributions from line 7.

    With the default single attribution (zelensky, one quote, the publication) the tail starts
    on line 11; the rationale follows the tail.
    """
    body = (
        f"id: {cid}\n"
        f"title: {title}\n"
        f"statement: {statement}\n"
        f"status: {status}\n"
        f"date: {date}\n"
        "topics: [diplomacy]\n"
        "attributions:\n"
    )
    return body + "".join(atts or (att("zelensky"),)) + tail + RATIONALE + "\n"


# A reported claim's title says it is reported (BT406).
REPORTED = "Talks reportedly took place in Berlin"


def rel(kind: str, other: str) -> str:
    """One relation entry: ``type`` value at column 11, ``claim`` value at column 12."""
    return f"  - type: {kind}\n    claim: {other}\n"


def relations(*entries: str) -> str:
    return "relations:\n" + "".join(entries)


def pool(*ids: str) -> dict[str, str]:
    return {sid: SOURCE_POOL[sid] for sid in ids}


def findings(cli: Callable[..., object], root: Path) -> list[str]:
    """``file:line:col:CODE`` of every finding, in the checker's order."""
    run = cli("check", "--root", root, "--format", "json")
    assert run.code in (0, 1), run.err  # type: ignore[attr-defined]
    data = json.loads(run.out)  # type: ignore[attr-defined]
    return [f"{f['file']}:{f['line']}:{f['column']}:{f['code']}" for f in data]


def messages(cli: Callable[..., object], root: Path) -> dict[str, str]:
    """Each finding's message by its ``file:line:col:CODE``."""
    run = cli("check", "--root", root, "--format", "json")
    data = json.loads(run.out)  # type: ignore[attr-defined]
    return {f"{f['file']}:{f['line']}:{f['column']}:{f['code']}": f["message"] for f in data}


# ---------------------------------------------------------------- references (BT2xx)


def test_bt203_claim_related_to_itself(cli, make_kb):
    root = make_kb(
        claims={"a": claim("a", tail=relations(rel("supports", "a")))}, sources=pool("zelensky")
    )
    assert findings(cli, root) == ["claims/a.yaml:13:12:BT203"]


def test_bt203_twin_relation_to_another_claim(cli, make_kb):
    root = make_kb(
        claims={"a": claim("a", tail=relations(rel("supports", "b"))), "b": claim("b")},
        sources=pool("zelensky"),
    )
    assert findings(cli, root) == []


def test_bt203_source_affiliated_with_itself(cli, make_kb):
    sources = {"zelensky": SOURCE_POOL["zelensky"] + "affiliation: zelensky\n"}
    root = make_kb(claims={"a": claim("a")}, sources=sources)
    assert findings(cli, root) == ["sources/zelensky.yaml:6:14:BT203"]


def test_bt204_part_of_cycle_reports_every_edge_of_the_loop_only(cli, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("part_of", "b"))),
        "b": claim("b", tail=relations(rel("part_of", "c"))),
        "c": claim("c", tail=relations(rel("part_of", "a"))),
        "d": claim("d", tail=relations(rel("part_of", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == [
        "claims/a.yaml:13:12:BT204",
        "claims/b.yaml:13:12:BT204",
        "claims/c.yaml:13:12:BT204",
    ]
    message = messages(cli, root)["claims/a.yaml:13:12:BT204"]
    assert message == (
        "'a' part_of 'b', which leads back to 'a' (a part cannot contain its whole); the loop "
        "runs through 'a', 'b', 'c': remove one of its part_of relations"
    )


def test_bt204_twin_a_chain_is_no_cycle(cli, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("part_of", "b"))),
        "b": claim("b", tail=relations(rel("part_of", "c"))),
        "c": claim("c"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == []


def test_bt205_supersedes_cycle(cli, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("supersedes", "b"))),
        "b": claim("b", tail=relations(rel("supersedes", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:13:12:BT205", "claims/b.yaml:13:12:BT205"]


def test_bt205_twin_one_way_supersedes(cli, make_kb):
    claims = {"a": claim("a", tail=relations(rel("supersedes", "b"))), "b": claim("b")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == []


def test_cycle_search_is_iterative_on_long_chains():
    n = 20_000
    chain = {f"c{i}": [f"c{i + 1}"] for i in range(n)} | {f"c{n}": []}
    assert _cycle_members(chain) == {}
    ring = {f"c{i}": [f"c{(i + 1) % n}"] for i in range(n)}
    members = _cycle_members(ring)
    assert len(members) == n
    assert len(set(members.values())) == 1


# ---------------------------------------------------------------- relations (BT3xx)


def test_bt301_confirmed_contradiction_is_reported_on_both_files(cli, make_kb):
    claims = {"a": claim("a", tail=relations(rel("contradicts", "b"))), "b": claim("b")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:12:11:BT301", "claims/b.yaml:4:9:BT301"]
    assert messages(cli, root)["claims/b.yaml:4:9:BT301"] == (
        "this claim is confirmed but contradicted by confirmed claim 'a' (claims/a.yaml); at "
        "most one of them can be confirmed: lower the weaker one's status"
    )


def test_bt301_twin_one_side_disputed(cli, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("contradicts", "b"))),
        "b": claim("b", status="disputed"),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == []


def test_bt302_supports_and_contradicts_across_two_files(cli, make_kb):
    claims = {
        "a": claim("a", tail=relations(rel("supports", "b"))),
        "b": claim("b", status="disputed", tail=relations(rel("contradicts", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:12:11:BT302", "claims/b.yaml:12:11:BT302"]


def test_bt302_supports_and_contradicts_in_one_file(cli, make_kb):
    tail = relations(rel("supports", "b"), rel("contradicts", "b"))
    claims = {"a": claim("a", tail=tail), "b": claim("b", status="disputed")}
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:12:11:BT302", "claims/a.yaml:14:11:BT302"]


def test_bt302_twin_supports_and_qualifies(cli, make_kb):
    tail = relations(rel("supports", "b"), rel("qualifies", "b"))
    root = make_kb(claims={"a": claim("a", tail=tail), "b": claim("b")}, sources=pool("zelensky"))
    assert findings(cli, root) == []


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
def test_bt401_confirmed_without_on_record_or_independent_attributions(cli, make_kb, atts, used):
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool(*used))
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT401"]


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
def test_bt401_twins_on_record_or_independent(cli, make_kb, atts, used):
    pubs = TWO_PUBLICATIONS if any(SECOND in a for a in atts) else None
    root = make_kb(claims={"a": claim("a", atts=atts)}, sources=pool(*used), publications=pubs)
    assert findings(cli, root) == []


def test_bt401_two_accounts_read_in_one_publication_are_one(cli, make_kb):
    # Independent speakers, but both reach us through the same article.
    atts = (att("kremlin", via="afp"), att("us-officials", via="axios"))
    root = make_kb(
        claims={"a": claim("a", atts=atts)}, sources=pool("afp", "axios", "kremlin", "us-officials")
    )
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT401"]


def test_bt402_anonymous_only_is_never_confirmed(cli, make_kb):
    atts = (att("us-officials", via="afp"), att("afp-sources", via="axios"))
    root = make_kb(
        claims={"a": claim("a", atts=atts)},
        sources=pool("afp", "axios", "us-officials", "afp-sources"),
    )
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT402"]


def test_bt402_twin_anonymous_only_reported(cli, make_kb):
    atts = (att("us-officials", via="afp"), att("afp-sources", via="axios"))
    root = make_kb(
        claims={"a": claim("a", status="reported", atts=atts, title=REPORTED)},
        sources=pool("afp", "axios", "us-officials", "afp-sources"),
    )
    assert findings(cli, root) == []


def test_bt403_disputed_without_contradiction(cli, make_kb):
    root = make_kb(claims={"a": claim("a", status="disputed")}, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:4:9:BT403"]


def test_bt403_twin_contradiction_declared_by_the_other_claim(cli, make_kb):
    claims = {
        "a": claim("a", status="disputed"),
        "b": claim("b", tail=relations(rel("contradicts", "a"))),
    }
    root = make_kb(claims=claims, sources=pool("zelensky"))
    assert findings(cli, root) == []


def test_a_typo_in_a_source_is_reported_once(cli, make_kb):
    # No BT401 (the source's kind is unknown) and no BT901 for the source the typo meant.
    root = make_kb(claims={"a": claim("a", atts=(att("zelenksy"),))}, sources=pool("zelensky"))
    assert findings(cli, root) == ["claims/a.yaml:8:13:BT201"]
