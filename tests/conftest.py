"""Shared fixtures: tiny knowledge bases written to disk, and the CLI run the way a user runs it."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from berlintalks.cli import main

REPO = Path(__file__).resolve().parent.parent
# What a knowledge base needs beside its records to build the bundled site.
SITE_FILES = ("mkdocs.yml", "templates", "docs")


def copy_from_repo(root: Path, names: tuple[str, ...] = SITE_FILES) -> Path:
    """Copy files and folders of the repository (the site files by default) into ``root``;
    names the repository does not have are left out."""
    for name in names:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        elif src.is_file():
            shutil.copy2(src, root / name)
    return root


SOURCES = {
    "afp": """\
        id: afp
        name: Agence France-Presse
        kind: outlet
        reliability: B
        reliability_reason: An international news agency with a record of accurate reports.
        """,
    "zelensky": """\
        id: zelensky
        name: Volodymyr Zelensky
        kind: person
        role: President of Ukraine
        reliability: B
        reliability_reason: A first-hand participant, with an interest in the outcome.
        """,
}

# The publication every fixture attribution is read in. Keys a rule requires come last in
# each fixture record, so the lines of the keys before them stay where tests expect them.
PUBLICATION_ID = "berlin-article"
PUBLICATIONS = {
    PUBLICATION_ID: """\
        id: berlin-article
        title: Article on the talks in Berlin
        kind: article
        language: en
        translated_from: ru
        """,
}
RATIONALE = "rationale: Zelensky said so on the record, in words the article quotes."

CLAIM = """\
    id: {id}
    title: Talks took place in Berlin
    statement: Delegations met in Berlin.
    status: confirmed
    date: 2025-12-14
    topics: [diplomacy]
    attributions:
      - source: zelensky
        via: afp
        quote: "There was ample dialogue on territories."
        publication: berlin-article
    rationale: Zelensky said so on the record, in words the article quotes.
    """


def claim_yaml(cid: str = "talks", **replace: str) -> str:
    """The minimal valid claim, with whole lines replaced by key (``status="status: reported"``)."""
    text = textwrap.dedent(CLAIM).format(id=cid)
    for key, line in replace.items():
        lines = text.splitlines()
        lines = [line if ln.startswith(f"{key}:") else ln for ln in lines]
        text = "\n".join(lines) + "\n"
    return text


def write_kb(
    root: Path,
    claims: dict[str, str | bytes] | None = None,
    sources: dict[str, str | bytes] | None = None,
    publications: dict[str, str | bytes] | None = None,
) -> Path:
    """Write a knowledge base: ``{file stem: YAML}``; texts are dedented, bytes written as-is.

    ``publications`` defaults to the one publication the fixture claims are read in; pass
    ``{}`` for none.
    """
    if publications is None:
        publications = PUBLICATIONS
    folders = (("claims", claims), ("sources", sources), ("publications", publications))
    for folder, records in folders:
        (root / folder).mkdir(parents=True, exist_ok=True)
        for name, body in (records or {}).items():
            path = root / folder / (name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(body, bytes):
                path.write_bytes(body)
            else:
                path.write_text(textwrap.dedent(body), encoding="utf-8")
    return root


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """``make_kb(claims={...}, sources={...}, publications={...})``.

    Sources default to afp and zelensky, publications to the article the claims are read in.
    """

    def make(
        claims: dict[str, str | bytes] | None = None,
        sources: dict[str, str | bytes] | None = None,
        publications: dict[str, str | bytes] | None = None,
    ) -> Path:
        root = tmp_path / "kb"
        return write_kb(
            root,
            claims if claims is not None else {"talks": claim_yaml()},
            SOURCES if sources is None else sources,
            publications,
        )

    return make


@dataclass
class Run:
    code: int
    out: str
    err: str

    def lines(self) -> list[str]:
        return self.out.splitlines()


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Run ``berlintalks ARGS`` in-process and capture exit code, stdout and stderr."""

    def run(*args: str | Path) -> Run:
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge base built once per session by ``berlintalks build``; the site dir."""
    site = tmp_path_factory.mktemp("built") / "site"
    code = main(["build", "--root", str(REPO), "--site-dir", str(site), "--quiet"])
    assert code == 0, f"berlintalks build exited {code}"
    assert (site / "index.html").is_file()
    return site


def git(root: Path, *args: str, date: str = "2025-12-16T09:00:00+00:00") -> str:
    """Run git in ``root`` with a fixed identity and date, whatever the machine's git config."""
    import os
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": date,
        "GIT_COMMITTER_DATE": date,
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    cmd = ["git", "-C", str(root), "-c", "user.name=Editor", "-c", "user.email=editor@example.org"]
    done = subprocess.run([*cmd, *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout


def commit_all(root: Path, message: str, date: str = "2025-12-16T09:00:00+00:00") -> str:
    """Stage everything under ``root`` and commit it; returns the commit id."""
    git(root, "add", "-A", ".", date=date)
    git(root, "commit", "-q", "-m", message, date=date)
    return git(root, "rev-parse", "HEAD").strip()
