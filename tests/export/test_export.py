"""Exports: the data/ files of the site and `berlintalks export` list exactly the records."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from frictionless import validate

from berlintalks.records import Status
from berlintalks.records.load import load
from conftest import REPO, Run

KB, _ = load(REPO)
CLAIMS = sorted(KB.claims)
SOURCES = sorted(KB.sources)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_site_json_exports_list_exactly_the_records(built_site: Path) -> None:
    data = built_site / "data"
    claims = json.loads((data / "claims.json").read_text())
    sources = json.loads((data / "sources.json").read_text())
    assert [c["id"] for c in claims] == CLAIMS
    assert [s["id"] for s in sources] == SOURCES
    by_id = {c["id"]: c for c in claims}
    for cid, claim in KB.claims.items():
        exported = by_id[cid]
        assert exported["statement"] == claim.statement
        assert exported["status"] == claim.status
        assert exported["rationale"] == claim.rationale
        first = exported["attributions"][0]["source"]
        sid = claim.attributions[0].source
        if sid in KB.sources:
            assert first == {
                "id": sid,
                "name": KB.sources[sid].name,
                "kind": KB.sources[sid].kind,
                "reliability": KB.sources[sid].reliability,
            }
        else:  # the publication, in its own voice
            assert first == {"id": sid, "title": KB.publications[sid].title, "kind": "publication"}
        assert [a["publication"]["id"] for a in exported["attributions"]] == [
            a.publication for a in claim.attributions
        ]
    reviews = json.loads((data / "claimreview.json").read_text())
    assert [r["url"].rsplit("/", 2)[-2] for r in reviews] == CLAIMS


def test_site_datapackage_tables_list_exactly_the_records(built_site: Path) -> None:
    data = built_site / "data"
    package = json.loads((data / "datapackage.json").read_text())
    names = [r["name"] for r in package["resources"]]
    assert names == ["claims", "sources", "publications", "attributions", "via", "relations"]
    attributions = package["resources"][3]["schema"]["foreignKeys"]
    assert {fk["fields"]: fk["reference"]["resource"] for fk in attributions} == {
        "claim": "claims",
        "source": "sources",
        "own_voice": "publications",
        "publication": "publications",
    }
    assert [r["id"] for r in rows(data / "claims.csv")] == CLAIMS
    assert [r["id"] for r in rows(data / "sources.csv")] == SOURCES
    assert [r["id"] for r in rows(data / "publications.csv")] == sorted(KB.publications)
    expected = sorted((c.id, a.source) for c in KB.claims.values() for a in c.attributions)
    speakers = [
        (r["claim"], r["source"] or r["own_voice"]) for r in rows(data / "attributions.csv")
    ]
    assert sorted(speakers) == expected
    via = sorted((c.id, v) for c in KB.claims.values() for a in c.attributions for v in a.via)
    assert sorted((r["claim"], r["source"]) for r in rows(data / "via.csv")) == via


def test_datapackage_is_valid_and_its_foreign_keys_are_checked(
    built_site: Path, tmp_path: Path
) -> None:
    report = validate(str(built_site / "data" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    # The same package with one unknown source must fail: the validation is not vacuous.
    broken = tmp_path / "data"
    shutil.copytree(built_site / "data", broken)
    table = broken / "attributions.csv"
    lines = table.read_text().splitlines()
    header = lines[0].split(",")
    row = next(i for i, ln in enumerate(lines) if i and ln.split(",")[header.index("source")])
    cells = lines[row].split(",")
    cells[header.index("source")] = "no-such-source"
    lines[row] = ",".join(cells)
    table.write_text("\n".join(lines) + "\n")
    bad = validate(str(broken / "datapackage.json"))
    assert not bad.valid
    assert [e[0] for e in bad.flatten(["type"])] == ["foreign-key"]


def test_export_command_writes_the_site_files(
    built_site: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    out = tmp_path / "out"
    run = cli("export", "--root", REPO, "--out", out, "--format", "json", "--format", "datapackage")
    assert run.code == 0, run.err
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "attributions.csv",
        "claims.csv",
        "claims.json",
        "datapackage.json",
        "publications.csv",
        "publications.json",
        "relations.csv",
        "sources.csv",
        "sources.json",
        "via.csv",
    ]
    for name in written:
        assert (out / name).read_bytes() == (built_site / "data" / name).read_bytes(), name
    run = cli("export", "--root", REPO, "--out", out, "--format", "claimreview")
    assert run.code == 0
    assert (out / "claimreview.json").read_bytes() == (
        built_site / "data" / "claimreview.json"
    ).read_bytes()


def test_export_and_generate_refuse_records_with_errors(
    make_kb: Callable[..., Path], cli: Callable[..., Run], tmp_path: Path
) -> None:
    from conftest import claim_yaml

    root = make_kb(claims={"talks": claim_yaml(status="status: confirmd")})
    for command in ("export", "generate"):
        run = cli(command, "--root", root, "--out", tmp_path / command)
        assert run.code == 1
        assert run.out.startswith("claims/talks.yaml:4:9: error BT104 ")
        assert not (tmp_path / command).exists()
    run = cli("export", "--root", root, "--out", root / "claims" / "x")
    assert run.code == 2
    assert "inside claims/" in run.err
    (root / "claims" / "talks.yaml").write_text(claim_yaml())
    run = cli("generate", "--root", root, "--out", root)
    assert run.code == 2
    assert "is the knowledge base itself" in run.err
    assert sorted(p.name for p in (root / "claims").iterdir()) == ["talks.yaml"]


def test_generate_writes_the_markdown_tree(tmp_path: Path, cli: Callable[..., Run]) -> None:
    project = tmp_path / "md"
    run = cli("generate", "--root", REPO, "--out", project)
    out = project / "docs"
    assert run.code == 0, run.err
    # Each page is the index of its own folder; the list of all claims is claims/index.md.
    assert sorted(p.parent.name for p in (out / "claims").glob("*/index.md")) == sorted(CLAIMS)
    assert sorted(p.parent.name for p in (out / "sources").glob("*/index.md")) == sorted(SOURCES)
    assert (out / "claims" / "index.md").is_file() and (out / "sources" / "index.md").is_file()
    page = (out / "claims" / "european-leaders-joint-statement" / "index.md").read_text()
    assert page.startswith("---\ntags:\n  - european-commitments\n")
    assert '<script type="application/ld+json">' in page
    assert (out / "data" / "datapackage.json").is_file()


def test_datapackage_tables_carry_the_models_choices(built_site: Path, tmp_path: Path) -> None:
    package = json.loads((built_site / "data" / "datapackage.json").read_text())
    claims = next(r for r in package["resources"] if r["name"] == "claims")
    status = next(f for f in claims["schema"]["fields"] if f["name"] == "status")
    assert status["constraints"]["enum"] == [str(s) for s in Status]
    # A status outside the model's list must fail validation of the table.
    broken = tmp_path / "data"
    shutil.copytree(built_site / "data", broken)
    table = broken / "claims.csv"
    with table.open(newline="", encoding="utf-8") as f:
        grid = list(csv.reader(f))
    grid[1][grid[0].index("status")] = "probably"
    with table.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(grid)
    bad = validate(str(broken / "datapackage.json"))
    assert [e[0] for e in bad.flatten(["type"])] == ["constraint-error"]
