"""`berlintalks new` writes skeletons that check accepts once filled, and refuses misuse."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from berlintalks.checks.engine import check
from berlintalks.editor.scaffold import skeleton
from berlintalks.records import Claim, Source, field_specs


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each empty placeholder (`key: ""` or `key: []`) with the given value."""

    def sub(m: re.Match[str]) -> str:
        return f"{m.group(1)}{m.group(2)}: {values[m.group(2)]}"

    return re.sub(r'^(\s*(?:- )?)(\w+): (?:""|\[\])$', sub, text, flags=re.M)


CLAIM_VALUES = {
    "statement": "Delegations met in Berlin.",
    "status": "reported",
    "date": "2025-12-14",
    "topics": "[diplomacy]",
    "source": "zelensky",
    "rationale": "The article paraphrases Zelensky without quoting him.",
    "publication": "berlin-article",
}
SOURCE_VALUES = {
    "name": "Axios",
    "kind": "outlet",
    "reliability": "B",
    "reliability_reason": "A news site with a record of accurate reports.",
}


def file_findings(root, rel):
    return [(f.line, f.code) for f in check(root).findings if f.file == rel]


def test_new_claim_fails_check_until_filled_then_passes(cli, make_kb):
    root = make_kb()
    run = cli("new", "claim", "talks-resume", "--title", "Talks resume in Berlin", "--root", root)
    assert run.code == 0
    assert run.out == "claims/talks-resume.yaml\n"
    path = root / "claims" / "talks-resume.yaml"
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    # Each empty required value is reported at its own line.
    empty = {
        i + 1
        for i, ln in enumerate(lines)
        if re.match(
            r'^\s*(- )?(statement|status|rationale|date|topics|source|publication): (""|\[\])$',
            ln,
        )
    }
    found = file_findings(root, "claims/talks-resume.yaml")
    assert {line for line, _ in found} == empty
    assert len(empty) == 7
    assert {code for _, code in found} == {"BT103", "BT105", "BT109"}

    path.write_text(fill(text, CLAIM_VALUES), encoding="utf-8")
    assert [f for f in check(root).errors if f.file == "claims/talks-resume.yaml"] == []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["title"] == "Talks resume in Berlin"
    assert data["attributions"] == [{"source": "zelensky", "publication": "berlin-article"}]


def test_new_source_passes_check_once_filled(cli, make_kb):
    root = make_kb()
    assert cli("new", "source", "axios", "--root", root).code == 0
    path = root / "sources" / "axios.yaml"
    path.write_text(fill(path.read_text(encoding="utf-8"), SOURCE_VALUES), encoding="utf-8")
    assert [f for f in check(root).errors if f.file == "sources/axios.yaml"] == []
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {
        "id": "axios",
        "name": "Axios",
        "kind": "outlet",
        "reliability": "B",
        "reliability_reason": "A news site with a record of accurate reports.",
    }


@pytest.mark.parametrize(("kind", "record"), [("claim", Claim), ("source", Source)])
def test_skeleton_explains_every_key_from_the_model(kind, record):
    text = skeleton(kind, "x")
    comments = " ".join(
        ln.strip().lstrip("#").strip() for ln in text.splitlines() if ln.strip().startswith("#")
    )
    for name, fs in field_specs(record).items():
        required = fs.required or fs.expected
        assert f"{name} ({'required' if required else 'optional'}" in comments
        assert fs.doc in comments
        for nested in (fs.item.record,) if fs.item and fs.item.record else ():
            for inner, ifs in field_specs(nested).items():
                assert f"{inner} (" in comments and ifs.doc in comments


def test_uncommenting_an_optional_block_gives_valid_yaml():
    text = skeleton("claim", "x")
    block = text.split("# relations:", 1)[1].split("# count (optional)", 1)[0]
    # Explanations are indented comments; only commented-out YAML starts at column 0.
    restored = "relations:" + "\n".join(
        ln[2:] if ln.startswith("# ") else ln for ln in block.splitlines()
    )
    assert yaml.safe_load(restored) == {"relations": [{"type": "", "claim": ""}]}


def test_title_with_quotes_and_colons_is_kept_exactly(cli, make_kb):
    root = make_kb()
    title = 'Zelensky: "no U.S. demands" # not a comment'
    assert cli("new", "claim", "quoted", "--title", title, "--root", root).code == 0
    data = yaml.safe_load((root / "claims" / "quoted.yaml").read_text(encoding="utf-8"))
    assert data["title"] == title


def test_refuses_an_existing_id_and_keeps_the_file(cli, make_kb):
    root = make_kb()
    before = (root / "claims" / "talks.yaml").read_bytes()
    run = cli("new", "claim", "talks", "--root", root)
    assert run.code == 2
    assert "the claim id 'talks' is already used by claims/talks.yaml" in run.err
    assert (root / "claims" / "talks.yaml").read_bytes() == before


def test_refuses_an_id_used_in_a_subfolder(cli, make_kb):
    root = make_kb()
    (root / "sources" / "people").mkdir()
    (root / "sources" / "people" / "merz.yaml").write_text("id: merz\n", encoding="utf-8")
    run = cli("new", "source", "merz", "--root", root)
    assert run.code == 2
    assert "already used by sources/people/merz.yaml" in run.err
    assert not (root / "sources" / "merz.yaml").exists()


@pytest.mark.parametrize(
    "bad", ["Talks", "talks_resume", "../escape", "a--b", "x" * 81, "a-", "con"]
)
def test_refuses_an_invalid_id(cli, make_kb, bad):
    root = make_kb()
    before = sorted(p.name for p in (root / "claims").iterdir())
    run = cli("new", "claim", bad, "--root", root)
    assert run.code == 2
    assert f"{bad!r} is not a valid id" in run.err
    assert sorted(p.name for p in (root / "claims").iterdir()) == before


def test_refuses_a_multi_line_title(cli, make_kb):
    run = cli("new", "claim", "x", "--title", "one\ntwo", "--root", make_kb())
    assert run.code == 2
    assert "--title must be one line of text" in run.err


def test_refreshes_the_schemas_and_links_the_new_file_to_them(cli, make_kb):
    root = make_kb()
    assert cli("schema", "--write", "--root", root).code == 0
    assert cli("new", "claim", "talks-resume", "--root", root).code == 0
    text = (root / "claims" / "talks-resume.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../schemas/claim.schema.json"
    schema = json.loads((root / "schemas" / "claim.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["Relation"]["properties"]["claim"]["enum"] == ["talks", "talks-resume"]
    assert cli("schema", "--check", "--root", root).code == 0


def test_without_schemas_no_modeline_and_no_schema_files(cli, make_kb):
    root = make_kb()
    assert cli("new", "claim", "talks-resume", "--root", root).code == 0
    text = (root / "claims" / "talks-resume.yaml").read_text(encoding="utf-8")
    assert "yaml-language-server" not in text
    assert not (root / "schemas").exists()
