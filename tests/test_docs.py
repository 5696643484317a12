"""The README and the docs agree with the tool they describe, as Datasette's test_docs.py does.

Each test reads a page, finds what it states (commands, rules, fields, limits, sample output)
and compares it with what the code says or prints today, so a change to either fails here
and names the page to update.
"""

from __future__ import annotations

import html
import importlib
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO, subcommands

README = REPO / "README.md"
DOC_PAGES = sorted([README, REPO / "CONTRIBUTING.md", *(REPO / "docs").glob("*.md")])

# Where the code defines what the docs state: a move of a constant changes one line here.
_HOMES: dict[str, tuple[str, ...]] = {
    "MAX_FILE_BYTES": ("berlintalks.records.limits",),
    "MAX_DEPTH": ("berlintalks.records.limits",),
    "MAX_NODES": ("berlintalks.records.limits",),
    "MAX_FOLDER_DEPTH": ("berlintalks.records.layout", "berlintalks.records.load"),
    "MAX_ARCHIVE_BYTES": ("berlintalks.checks.archives",),
    "FIGURE_MAX": ("berlintalks.records.fields",),
    "COUNT_MAX": ("berlintalks.records.fields",),
    "STATUS_DOCS": ("berlintalks.records.enums",),
    "RELIABILITY_DOCS": ("berlintalks.records.enums",),
    "field_specs": ("berlintalks.records.fields",),
    "Claim": ("berlintalks.records.claim",),
    "Source": ("berlintalks.records.source",),
    "Publication": ("berlintalks.records.publication",),
}


def code_value(name: str) -> Any:
    """The object the code defines under ``name``, from the first of its homes that has it."""
    for module in _HOMES[name]:
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError:
            continue
        if hasattr(found, name):
            return getattr(found, name)
    raise AssertionError(f"{name} is in none of {_HOMES[name]}: update _HOMES in this test")


def section(text: str, heading: str) -> str:
    """The body of the Markdown section ``heading`` (a full heading line), up to the next one."""
    level = heading.split(" ", 1)[0]
    assert f"\n{heading}\n" in f"\n{text}", f"no section {heading!r}"
    body = f"\n{text}".split(f"\n{heading}\n", 1)[1]
    return re.split(rf"\n#{{1,{len(level)}}} ", body, maxsplit=1)[0]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row in ``text``, header and rule rows left out."""
    rows = []
    for line in text.splitlines():
        line = line.strip()
        if not (line.startswith("|") and line.endswith("|")):
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line[1:-1])]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        rows.append(cells)
    return rows[1:] if rows else rows


# ------------------------------------------------------------------------------ the README


def test_readme_is_one_screen() -> None:
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 120


def test_quick_start_is_two_make_commands() -> None:
    body = section(README.read_text(encoding="utf-8"), "## Quick start")
    block = body.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make site", "make test"]


def _subcommands() -> dict[str, str]:
    """Every command of ``berlintalks`` and its one-line help, read from the argparse parser."""
    sub = subcommands()
    helps = {a.dest: a.help for a in sub._choices_actions}
    return {name: helps[name] for name in sub.choices}


def test_subcommands_are_read_from_the_parser() -> None:
    # A guard for the reader above: if it came back empty, the test below would check nothing.
    commands = _subcommands()
    assert {"check", "build", "new"} <= set(commands)
    assert commands["check"] == "check every record against the model and the editorial rules"


def test_readme_lists_exactly_the_commands_of_help_with_their_help() -> None:
    rows = table_rows(section(README.read_text(encoding="utf-8"), "## Commands"))
    documented = {}
    for cells in rows:
        match = re.fullmatch(r"`berlintalks (\w+)`", cells[0])
        assert match, f"README command table: {cells[0]!r} is not `berlintalks COMMAND`"
        documented[match.group(1)] = cells[1]
    assert documented == _subcommands()


def test_every_command_help_runs(cli: Callable[..., Any]) -> None:
    for name in _subcommands():
        with pytest.raises(SystemExit) as exit_:
            cli(name, "--help")
        assert exit_.value.code == 0, name


# -------------------------------------------------------------------------------- the rules


def _rules(cli: Callable[..., Any]) -> dict[str, tuple[str, str]]:
    """Every code ``check --explain`` knows, with its severity and title."""
    run = cli("check", "--explain", "BT000")
    assert run.code == 2
    listed = re.search(r"known codes: (BT\d{3}(?:, BT\d{3})*)$", run.err.strip())
    assert listed, f"`check --explain` with an unknown code no longer lists the codes: {run.err!r}"
    rules = {}
    for code in listed.group(1).split(", "):
        run = cli("check", "--explain", code)
        first = re.fullmatch(rf"{code} \((error|warning), [\w ]+\): (.+)", run.out.split("\n")[0])
        assert run.code == 0 and first, f"`check --explain {code}` changed form: {run.out!r}"
        rules[code] = (first.group(1), first.group(2))
    return rules


def test_methodology_page_lists_every_rule_and_only_those(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    rules = _rules(cli)
    assert len(rules) > 40 and "BT104" in rules and "BT906" in rules
    assert cli("generate", "--root", REPO, "--out", tmp_path, "--quiet").code == 0
    page = html.unescape((tmp_path / "docs" / "methodology/index.md").read_text(encoding="utf-8"))
    for code, (severity, title) in rules.items():
        heading = rf'^<h4 id="[^"]+">{code}: {re.escape(title)}<a class="headerlink"'
        assert re.search(rf"{heading}[^\n]*</h4>\n<p><em>{severity}</em>", page, re.M), code
    assert set(re.findall(r"^<h4 id=[^>]+>(BT\d{3}):", page, re.M)) == set(rules)


def test_every_code_the_docs_name_exists(cli: Callable[..., Any]) -> None:
    rules = _rules(cli)
    named = {}
    for page in DOC_PAGES:
        for code in re.findall(r"\bBT\d{3}\b", page.read_text(encoding="utf-8")):
            named.setdefault(code, page.relative_to(REPO).as_posix())
    assert "BT104" in named and "BT903" in named
    assert {c: p for c, p in named.items() if c not in rules} == {}


# ------------------------------------------------------------------------------- the fields


RECORDS_PAGE = REPO / "docs" / "records.md"


@pytest.mark.parametrize(
    ("heading", "model"),
    [("## Claims", "Claim"), ("## Sources", "Source"), ("## Publications", "Publication")],
)
def test_records_page_documents_every_field_and_whether_it_is_required(
    heading: str, model: str
) -> None:
    rows = table_rows(section(RECORDS_PAGE.read_text(encoding="utf-8"), heading))
    documented = {cells[0]: cells[1] for cells in rows}
    specs = code_value("field_specs")(code_value(model))
    expected = {
        f"`{key}`": "yes" if spec.required else "by a rule" if spec.expected else "no"
        for key, spec in specs.items()
    }
    assert documented == expected


def test_records_page_scales_match_the_model() -> None:
    text = RECORDS_PAGE.read_text(encoding="utf-8")
    for heading, docs in (
        ("## Status scale", code_value("STATUS_DOCS")),
        ("## Source reliability (the Admiralty scale)", code_value("RELIABILITY_DOCS")),
    ):
        rows = table_rows(section(text, heading))
        assert {cells[0]: cells[1] for cells in rows} == {f"`{k}`": v for k, v in docs.items()}


# ------------------------------------------------------------------------------- the limits


def _mib(name: str) -> int:
    value = code_value(name)
    assert value % (1024 * 1024) == 0, f"{name} is no whole number of MiB: say it in bytes"
    return value // (1024 * 1024)


def _power_of_ten(name: str) -> int:
    value = code_value(name)
    exponent = len(str(value)) - 1
    assert value == 10**exponent, f"{name} is no power of ten: the docs say ±10^n"
    return exponent


def test_limits_page_states_the_code_limits() -> None:
    rows = table_rows((REPO / "docs" / "limits.md").read_text(encoding="utf-8"))
    stated = {cells[0]: cells[1] for cells in rows if len(cells) == 3}
    assert stated == {
        "size of a record file": f"at most **{_mib('MAX_FILE_BYTES')} MiB**",
        "nesting of a record": f"at most **{code_value('MAX_DEPTH')} levels**",
        "values in a record, anchors and aliases counted in full": (
            f"at most **{code_value('MAX_NODES'):,} values**"
        ),
        "folders under `claims/`, `sources/` or `publications/`": (
            f"at most **{code_value('MAX_FOLDER_DEPTH')} folders deep**"
        ),
        "size of an archive snapshot": f"at most **{_mib('MAX_ARCHIVE_BYTES')} MiB**",
        "a figure's value": f"within **±10^{_power_of_ten('FIGURE_MAX')}**",
        "a claim's `count`": f"from 1 to **{code_value('COUNT_MAX'):,}**",
    }


def test_other_pages_state_the_same_limits() -> None:
    records = RECORDS_PAGE.read_text(encoding="utf-8")
    assert f"from 1 to {code_value('COUNT_MAX'):,} (the joint statement" in records
    assert f"every value lies within ±10^{_power_of_ten('FIGURE_MAX')} |" in records
    threat = (REPO / "docs" / "threat-model.md").read_text(encoding="utf-8")
    assert f"at most {code_value('MAX_FOLDER_DEPTH')} folders deep" in threat
    assert f"`read_bytes`, at most {_mib('MAX_ARCHIVE_BYTES')} MiB |" in threat
    assert f"| file size | {_mib('MAX_FILE_BYTES')} MiB (`MAX_FILE_BYTES`) |" in threat
    assert f"| nesting | {code_value('MAX_DEPTH')} levels (`MAX_DEPTH`) |" in threat
    assert f"| {code_value('MAX_NODES'):,} (`MAX_NODES`) |" in threat


# ------------------------------------------------------------------------- sample outputs

# A sample is a code block right after `<!-- sample: COMMAND -->`, at the same indentation.
_SAMPLE = re.compile(
    r"^(?P<indent>[ \t]*)<!-- sample: (?P<command>.+?) -->\n"
    r"(?P=indent)```\w*\n(?P<body>.*?)^(?P=indent)```",
    re.M | re.S,
)


_RUN_CLI = "import sys; from berlintalks.cli import main; sys.exit(main())"


def _samples() -> list[tuple[str, str, str]]:
    found = []
    for page in DOC_PAGES:
        for m in _SAMPLE.finditer(page.read_text(encoding="utf-8")):
            indent = m.group("indent")
            body = "".join(
                line.removeprefix(indent) for line in m.group("body").splitlines(keepends=True)
            )
            found.append((page.relative_to(REPO).as_posix(), m.group("command"), body))
    return found


def test_samples_are_found_where_the_docs_show_output() -> None:
    pages = {page for page, _, _ in _samples()}
    assert {"README.md", "docs/editing.md"} <= pages


@pytest.mark.parametrize(("page", "command", "expected"), _samples())
def test_sample_output_is_what_the_command_prints(page: str, command: str, expected: str) -> None:
    argv = shlex.split(command)
    assert argv[0] == "berlintalks", f"{page}: a sample runs berlintalks, not {argv[0]}"
    for arg in argv:
        if arg.startswith("tests/samples/"):
            assert (REPO / arg).is_dir(), f"{page}: no sample knowledge base {arg}"
    run = subprocess.run(
        [sys.executable, "-c", _RUN_CLI, *argv[1:]],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert run.returncode in (0, 1), f"{page}: `{command}` failed: {run.stderr}"
    assert run.stdout == expected, f"{page}: the sample of `{command}` is out of date"


def test_readme_links_point_at_files_that_exist() -> None:
    targets = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README.read_text(encoding="utf-8"))
    local = [t for t in targets if "://" not in t]
    assert "docs/records.md" in local and "CONTRIBUTING.md" in local
    assert [t for t in local if not (REPO / t).is_file()] == []


def test_new_docs_pages_are_in_the_editors_nav() -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8").split("- For editors:", 1)[1]
    for page in ("editing.md", "records.md", "building.md", "limits.md", "threat-model.md"):
        assert re.search(rf"^\s+- [^:\n]+: {re.escape(page)}$", nav, re.M), page
