"""The JSON Schemas accept the bundled records, reject what the checker rejects, stay current."""

from __future__ import annotations

import json
import re
import tempfile
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from berlintalks.checks.engine import check
from berlintalks.editor.schema import Ids, existing_ids, schema_for, schema_path, stale_files
from berlintalks.records import Claim
from berlintalks.records.load import load_file
from berlintalks.records.yaml import DECEPTIVE
from conftest import REPO, claim_yaml, write_kb


def as_json(value: Any) -> Any:
    """What a YAML editor's schema validator sees: dates are plain strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def committed(kind: str) -> dict[str, Any]:
    return json.loads(schema_path(REPO, kind).read_text(encoding="utf-8"))


def bundled(folder: str) -> list[Path]:
    return sorted((REPO / folder).rglob("*.yaml"))


def test_committed_schemas_are_current():
    stale = [p.relative_to(REPO).as_posix() for p in stale_files(REPO)]
    assert stale == [], (
        f"{stale} no longer match claims/ and sources/: run `berlintalks schema --write` "
        "and commit schemas/"
    )


@pytest.mark.parametrize("kind", ["claim", "source"])
def test_schema_is_valid_draft_2020_12(kind):
    schema = committed(kind)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("kind", "folder", "least"),
    [("claim", "claims", 10), ("source", "sources", 10), ("publication", "publications", 1)],
)
def test_every_bundled_record_is_valid(kind, folder, least):
    v = validator(committed(kind))
    files = bundled(folder)
    assert len(files) >= least
    problems = {
        p.name: [e.message for e in v.iter_errors(as_json(yaml.safe_load(p.read_text("utf-8"))))]
        for p in files
    }
    assert {name: errs for name, errs in problems.items() if errs} == {}


def test_reference_fields_list_the_existing_ids():
    claim, source = committed("claim"), committed("source")
    sources = sorted(p.stem for p in bundled("sources"))
    claims = sorted(p.stem for p in bundled("claims"))
    publications = sorted(p.stem for p in bundled("publications"))
    attribution = claim["$defs"]["Attribution"]["properties"]
    # A speaker is a source or a publication in its own voice; `via` is one id or a list.
    assert attribution["source"]["enum"] == sorted([*sources, *publications])
    assert attribution["via"]["anyOf"][0]["enum"] == sources
    assert attribution["via"]["anyOf"][1]["items"]["enum"] == sources
    assert attribution["via"]["anyOf"][2] == {"type": "null"}
    assert attribution["publication"]["enum"] == [*publications, None]
    assert claim["$defs"]["Relation"]["properties"]["claim"]["enum"] == claims
    assert source["properties"]["affiliation"]["enum"] == [*sources, None]
    assert "afp" in sources and "berlin-talks-held" in claims


def test_status_choices_carry_their_explanations():
    status = committed("claim")["properties"]["status"]
    assert status["enum"] == ["confirmed", "reported", "disputed", "denied", "unverified"]
    assert status["enumDescriptions"][4] == "Not public and cannot be checked."


# Each case: a change to the minimal valid claim, and whether it is still valid. The same
# text goes through the checker, so the schema and the checker must agree on every case.
CASES: list[tuple[str, dict[str, str], bool]] = [
    ("minimal", {}, True),
    ("optional via left empty", {"    via": "    via:"}, True),
    ("status misspelt", {"status": "status: confirmd"}, False),
    ("title on two lines", {"title": 'title: "Talks\\nin Berlin"'}, False),
    ("title blank", {"title": 'title: "  "'}, False),
    ("unknown key", {"title": "titel: Talks"}, False),
    ("missing statement", {"statement": ""}, False),
    ("no topics", {"topics": "topics: []"}, False),
    ("topic not a slug", {"topics": "topics: [Diplomacy]"}, False),
    ("30 February", {"date": 'date: "2025-02-30"'}, False),
    ("date with a time", {"date": "date: 2025-12-14T10:00:00"}, False),
    ("date as text", {"date": 'date: "2025-12-14"'}, True),
    ("id not a slug", {"id": "id: Talks_1"}, False),
    ("topic a Windows device name", {"topics": "topics: [diplomacy, aux]"}, False),
    ("unknown source", {"  - source": "  - source: nobody"}, False),
    ("unknown outlet", {"    via": "    via: afpp"}, False),
    ("status as a boolean", {"status": "status: yes"}, False),
    ("via as a list", {"    via": "    via: [afp]"}, True),
    ("no rationale", {"rationale": ""}, False),
    ("no publication", {"    publication": ""}, False),
    ("unknown publication", {"    publication": "    publication: nowhere"}, False),
    (
        "credibility set with a reason",
        {"rationale": "rationale: x\ncredibility: {grade: 3, reason: r}"},
        True,
    ),
    (
        "credibility grade above 6",
        {"rationale": "rationale: x\ncredibility: {grade: 7, reason: r}"},
        False,
    ),
]


def _apply(changes: dict[str, str]) -> str:
    text = claim_yaml("talks")
    lines = []
    for line in text.splitlines():
        key = next((k for k in changes if line.startswith(k + ":")), None)
        if key is None:
            lines.append(line)
        elif changes[key]:
            lines.append(changes[key])
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("name", "changes", "valid"), CASES, ids=[c[0] for c in CASES])
def test_schema_and_checker_agree(tmp_path, name, changes, valid):
    text = _apply(changes)
    root = write_kb(tmp_path, claims={"talks": text}, sources=None)
    write_kb(
        root,
        sources={
            "afp": "id: afp\nname: AFP\nkind: outlet\nreliability: B\n",
            "zelensky": "id: zelensky\nname: Zelensky\nkind: person\nreliability: B\n",
        },
    )
    errors = [f for f in check(root).errors if f.file == "claims/talks.yaml"]
    schema_errors = list(
        validator(schema_for("claim", existing_ids(root))).iter_errors(
            as_json(yaml.safe_load(text))
        )
    )
    assert (errors == [], schema_errors == []) == (valid, valid), (errors, schema_errors)


FIGURES = [
    ("value: 90", True),
    ("values: [50, 50]", True),
    ("value: 90\n    values: [50, 50]", False),
    ("values: []", False),
    ('value: "ninety"', False),
]


@pytest.mark.parametrize(("figure", "valid"), FIGURES)
def test_figures_need_exactly_one_of_value_or_values(tmp_path, figure, valid):
    text = (
        claim_yaml("talks")
        + textwrap.dedent(
            """\
        figures:
          - label: agreed share
            unit: percent
        """
        )
        + f"    {figure}\n"
    )
    root = write_kb(
        tmp_path,
        claims={"talks": text},
        sources={
            "afp": "id: afp\nname: AFP\nkind: outlet\nreliability: B\n",
            "zelensky": "id: zelensky\nname: Zelensky\nkind: person\nreliability: B\n",
        },
    )
    errors = [f for f in check(root).errors if f.file == "claims/talks.yaml"]
    ok = validator(schema_for("claim", existing_ids(root))).is_valid(as_json(yaml.safe_load(text)))
    assert (errors == [], ok) == (valid, valid), errors


@pytest.mark.parametrize(
    ("key", "value", "valid"),
    [
        ("url", "https://www.afp.com/en", True),
        ("url", "javascript:alert(1)", False),
        ("url", "https://", False),
        ("archive", "archive/afp.txt", True),
        ("archive", "../etc/passwd", False),
        ("archive", "/etc/passwd", False),
        ("archive", "archive/../../x", False),
        ("reliability", "G", False),
        ("kind", "newspaper", False),
    ],
)
def test_source_fields(key, value, valid):
    record = {
        "id": "afp",
        "name": "AFP",
        "kind": "outlet",
        "reliability": "B",
        "reliability_reason": "A news agency with a record of accuracy.",
        key: value,
    }
    schema = schema_for("source", existing_ids(REPO))
    assert validator(schema).is_valid(record) is valid


def test_without_records_references_fall_back_to_the_id_pattern():
    schema = schema_for("claim")
    source = schema["$defs"]["Attribution"]["properties"]["source"]
    assert "enum" not in source
    pattern = re.compile(source["pattern"])
    assert [bool(pattern.search(v)) for v in ("afp", "us-officials", "aux", "com1", "Afp")] == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_cli_prints_the_schema_with_current_ids(cli, make_kb):
    root = make_kb()
    run = cli("schema", "source", "--root", root)
    assert run.code == 0
    printed = json.loads(run.out)
    assert printed["properties"]["affiliation"]["enum"] == ["afp", "zelensky", None]
    assert printed["required"] == ["id", "name", "kind", "reliability", "reliability_reason"]


def test_cli_write_then_check(cli, make_kb):
    root = make_kb()
    stale = cli("schema", "--check", "--root", root)
    assert stale.code == 1
    assert "schemas/claim.schema.json is out of date" in stale.err
    assert "run `berlintalks schema --write`" in stale.err
    assert cli("schema", "--write", "--root", root).code == 0
    assert cli("schema", "--check", "--root", root).code == 0
    (root / "sources" / "axios.yaml").write_text(
        "id: axios\nname: Axios\nkind: outlet\nreliability: B\n", encoding="utf-8"
    )
    again = cli("schema", "--check", "--root", root)
    assert again.code == 1
    assert "schemas/source.schema.json is out of date" in again.err


def test_cli_needs_a_kind(cli, make_kb):
    run = cli("schema", "--root", make_kb())
    assert run.code == 2
    assert "berlintalks schema claim|source" in run.err


BASE = {
    "id": "talks",
    "title": "Talks",
    "statement": "Delegations met.",
    "status": "confirmed",
    "date": "2025-12-14",
    "topics": ["diplomacy"],
    "attributions": [{"source": "zelensky", "publication": "berlin-article"}],
    "rationale": "Zelensky said so on the record.",
}
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.text(max_size=4), max_size=2),
    st.sampled_from(
        ["reported", "2025-02-30", "2025-12-15", "2025-12-15T10:00:00", "x\ny", " x ", "con"]
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    key=st.sampled_from(["title", "statement", "status", "date", "topics", "count"]), value=VALUES
)
def test_schema_and_loader_agree_on_arbitrary_values(key, value):
    # JSON has one number type: 2.0 is an integer to JSON Schema, a float to the loader.
    assume(not (key == "count" and isinstance(value, float)))
    text = yaml.safe_dump({**BASE, key: value}, allow_unicode=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "claims" / "talks.yaml"
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        loaded = load_file(Path(tmp), path, Claim)
    if DECEPTIVE.search(text):
        # Written raw, YAML folds an NEL into a space, so the loaded value is harmless and
        # the schema (which sees values, not text) cannot tell; the checker refuses the file.
        assert [f.code for f in loaded.findings] == ["BT001"]
        return
    schema = schema_for("claim", Ids(claim=("talks",), source=("zelensky",)))
    ok = validator(schema).is_valid(as_json(yaml.safe_load(text)))
    assert ok is (loaded.record is not None), [f.message for f in loaded.findings]
