"""The README's quick start and reference tables agree with the code they describe."""

from __future__ import annotations

from berlintalks.records.model import RELIABILITY_DOCS, STATUS_DOCS, Claim, field_specs
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_two_make_commands():
    block = README.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make site", "make test"]


def test_status_and_reliability_tables_match_the_model():
    for value, doc in (*STATUS_DOCS.items(), *RELIABILITY_DOCS.items()):
        assert f"| `{value}` | {doc} |" in README


def test_every_claim_key_is_documented():
    for key in field_specs(Claim):
        assert f"| `{key}` |" in README
