"""Schema findings of `berlintalks check`: each with a failing record and its exact place."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from berlintalks.checks.engine import check
from berlintalks.records import KnowledgeBase
from conftest import REPO, claim_yaml


def findings(cli, root: Path) -> list[str]:
    run = cli("check", "--root", root, "--format", "json")
    assert run.code in (0, 1), run.err
    return [f"{f['file']}:{f['line']}:{f['column']}:{f['code']}" for f in json.loads(run.out)]


def test_valid_twin_passes(cli, make_kb):
    root = make_kb()
    run = cli("check", "--root", root)
    assert run.code == 0
    assert run.out == ""
    assert "0 errors, 0 warnings in 4 files" in run.err


@pytest.mark.parametrize(
    ("claim", "expected"),
    [
        (
            claim_yaml(title="titel: Talks"),
            ["claims/talks.yaml:1:1:BT101", "claims/talks.yaml:2:1:BT102"],
        ),
        (claim_yaml(status="status: confirmd"), ["claims/talks.yaml:4:9:BT104"]),
        (claim_yaml(status="status: no"), ["claims/talks.yaml:4:9:BT103"]),
        (claim_yaml(date="date: 2025-02-30"), ["claims/talks.yaml:5:7:BT105"]),
        (claim_yaml(date="date: '2025-12-14'"), []),
        (claim_yaml(date="date: 14.12.2025"), ["claims/talks.yaml:5:7:BT105"]),
        (claim_yaml(topics="topics: [Territory]"), ["claims/talks.yaml:6:10:BT106"]),
        (claim_yaml(topics="topics: []"), ["claims/talks.yaml:6:9:BT109"]),
        (claim_yaml(topics="topics: territory"), ["claims/talks.yaml:6:9:BT103"]),
        (claim_yaml(id="id: other"), ["claims/talks.yaml:1:5:BT111"]),
        (claim_yaml() + "count: 0\n", ["claims/talks.yaml:13:8:BT103"]),
        (
            claim_yaml() + "figures:\n  - {label: share, unit: percent}\n",
            ["claims/talks.yaml:14:5:BT110"],
        ),
        (claim_yaml() + "title: again\n", ["claims/talks.yaml:13:1:BT005"]),
    ],
)
def test_claim_schema_findings(cli, make_kb, claim, expected):
    root = make_kb(claims={"talks": claim})
    assert findings(cli, root) == expected


def test_unknown_key_suggests_the_closest(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml().replace("quote:", "qoute:")})
    run = cli("check", "--root", root)
    assert run.code == 1
    assert run.lines() == [
        "claims/talks.yaml:10:5: error BT102 unknown key 'qoute' in 'attributions[0]' — did you "
        "mean 'quote'?"
    ]


def test_enum_suggestion_and_choices(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml(status="status: confirmd")})
    out = cli("check", "--root", root).out
    assert "did you mean 'confirmed'?" in out
    assert "confirmed, reported, disputed, denied, unverified" in out


def test_unknown_references(cli, make_kb):
    claim = claim_yaml().replace("source: zelensky", "source: zelenksy") + (
        "relations:\n  - {type: supports, claim: nowhere}\n"
    )
    root = make_kb(claims={"talks": claim})
    run = cli("check", "--root", root)
    assert run.code == 1
    assert run.lines() == [
        "claims/talks.yaml:8:13: error BT201 unknown source 'zelenksy' — did you mean 'zelensky'?",
        "claims/talks.yaml:14:29: error BT202 unknown claim 'nowhere'",
    ]


def test_source_findings(cli, make_kb):
    sources = {
        "afp": "id: afp\nname: AFP\nkind: wire\nreliability: B\nurl: javascript:alert(1)\n",
        "zelensky": "id: zelensky\nname: Z\nkind: person\nreliability: G\naffiliation: kyiv\n",
    }
    root = make_kb(sources=sources)
    assert findings(cli, root) == [
        "sources/afp.yaml:3:7:BT104",
        "sources/afp.yaml:5:6:BT107",
        "sources/zelensky.yaml:4:14:BT104",
    ]


def test_duplicate_ids_across_subfolders(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml(), "2025/talks": claim_yaml()})
    assert findings(cli, root) == ["claims/talks.yaml:1:1:BT112"]


def test_invalid_file_names_are_not_records(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml(), "Not_An_Id": claim_yaml(), "x.yml": "id: x\n"})
    assert findings(cli, root) == [
        "claims/Not_An_Id.yaml:1:1:BT008",
        "claims/x.yml:1:1:BT008",
    ]


def test_output_formats(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml(status="status: confirmd")})
    gh = cli("check", "--root", root, "--format", "github")
    assert gh.code == 1
    assert gh.out.startswith("::error file=claims/talks.yaml,line=4,col=9,title=BT104::")
    data = json.loads(cli("check", "--root", root, "--format", "json").out)
    assert data[0]["severity"] == "error" and data[0]["code"] == "BT104"


def test_usage_errors_exit_2(cli, tmp_path):
    assert cli("check", "--root", tmp_path / "missing").code == 2
    assert cli("check", "--root", tmp_path).code == 2
    assert cli("check", "--explain", "BT999").code == 2


def test_explain_prints_the_rule_doc(cli):
    run = cli("check", "--explain", "BT103")
    assert run.code == 0
    assert run.out.startswith("BT103 (error, schema): A value has the wrong type")
    assert "put such values in quotes" in run.out


def test_bundled_knowledge_base_has_no_errors(cli):
    run = cli("check", "--root", REPO, "--format", "json")
    errors = [f for f in json.loads(run.out) if f["severity"] == "error"]
    assert errors == []
    assert run.code == 0


def test_empty_values_get_advice_that_fits_the_key(cli, make_kb):
    claim = (
        claim_yaml(statement='statement: ""')
        .replace('quote: "', 'quote: "  ')
        .replace('    quote: "  There was ample dialogue on territories."', '    quote: " "')
    )
    root = make_kb(claims={"talks": claim})
    assert cli("check", "--root", root).lines() == [
        "claims/talks.yaml:3:12: error BT103 'statement' is empty; write the text",
        "claims/talks.yaml:10:12: error BT103 'quote' is empty; write the text or remove the key",
    ]


def test_an_escaped_invisible_line_break_is_refused_like_a_raw_one(cli, make_kb):
    root = make_kb(claims={"talks": claim_yaml(title='title: "Talks\\u2028status: denied"')})
    assert cli("check", "--root", root).lines() == [
        "claims/talks.yaml:2:8: error BT103 'title' holds U+2028, an invisible line break or "
        "text-direction control; remove it"
    ]


def test_a_finished_check_keeps_no_records_alive(make_kb):
    # `serve` checks again on every edit and a command's process ends after one check: the
    # records must go with their report, not linger for the interpreter to sweep at exit.
    root = make_kb()
    report = check(root)
    assert report.kb.claims
    del report
    gc.collect()
    assert not [o for o in gc.get_objects() if type(o) is KnowledgeBase and o.root == str(root)]
