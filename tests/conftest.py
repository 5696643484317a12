"""Shared fixtures: one tiny knowledge base on disk, one rule test, the CLI as a user runs it."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from berlintalks.cli import main

REPO = Path(__file__).resolve().parent.parent
# What a knowledge base needs beside its records to build the bundled site.
SITE_FILES = ("mkdocs.yml", "templates", "docs")
# The bundled knowledge base: its records and their archived snapshots; with the site files.
RECORDS = ("claims", "sources", "publications", "archive")
BUNDLED = (*RECORDS, *SITE_FILES)


def pytest_configure(config: pytest.Config) -> None:
    # Builds keep their pages in the user's cache folder by default; the suite keeps them in
    # one of its own, so it neither reads nor fills the cache of the person running it.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="berlintalks-tests-cache-")
    os.environ.pop("BERLINTALKS_CACHE_DIR", None)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.get("XDG_CACHE_HOME", ""), ignore_errors=True)


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


# The sources the fixture claims cite, by id; ``pool(*ids)`` picks a knowledge base's sources.
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


def pool(*ids: str) -> dict[str, str]:
    """The sources of ``SOURCE_POOL`` with these ids, for ``sources=``."""
    return {sid: SOURCE_POOL[sid] for sid in ids}


# The sources ``make_kb`` writes unless told otherwise: the speaker and the outlet of
# ``claim_yaml``'s one attribution.
SOURCES = pool("afp", "zelensky")

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
# A second article, for accounts that must reach us apart: two accounts read in the same
# publication are one chain through it.
SECOND = "second-article"
TWO_PUBLICATIONS = {
    **PUBLICATIONS,
    SECOND: f"id: {SECOND}\ntitle: A second article on the talks\nkind: article\nlanguage: en\n",
}
RATIONALE = "rationale: Zelensky said so on the record, in words the article quotes."
QUOTE = "There was ample dialogue on territories."
# A reported claim's title says it is reported (BT406).
REPORTED = "Talks reportedly took place in Berlin"


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


def rel(kind: str, other: str) -> str:
    """One relation entry: ``type`` value at column 11, ``claim`` value at column 12."""
    return f"  - type: {kind}\n    claim: {other}\n"


def relations(*entries: str) -> str:
    return "relations:\n" + "".join(entries)


def claim_yaml(cid: str = "talks", **replace: str) -> str:
    """The minimal valid claim (zelensky via afp), with whole lines replaced by key
    (``status="status: reported"``)."""
    text = claim(cid, atts=(att("zelensky", via="afp"),))
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


# A knowledge base read in one translated article whose outlet is not named: speakers on
# the record, unnamed sources, a collective, and the article speaking in its own voice.
ARTICLE_TITLE = "Article on the Berlin talks, 14–15 December 2025"

ARTICLE_SOURCES = {
    "afp": """\
        id: afp
        name: Agence France-Presse
        kind: outlet
        reliability: B
        reliability_reason: An international news agency with a long record of accurate reports.
        """,
    "afp-sources": """\
        id: afp-sources
        name: Unnamed sources cited by AFP
        kind: anonymous
        reliability: F
        reliability_reason: Sources AFP does not name; nothing to weigh them by.
        """,
    "western-media": """\
        id: western-media
        name: Western media (no outlet named)
        kind: collective
        reliability: F
        reliability_reason: A collective that names no outlet.
        """,
    "zelensky": """\
        id: zelensky
        name: Volodymyr Zelensky
        kind: person
        role: President of Ukraine
        reliability: F
        reliability_reason: A party to the talks speaking of them, read in translation.
        """,
}

ARTICLE_PUBLICATIONS = {
    "talks-article": f"""\
        id: talks-article
        title: "{ARTICLE_TITLE}"
        kind: article
        url: https://news.example/berlin-talks
        language: en
        translated_from: ru
        note: >-
          The one article we read; its outlet is not named.
        """,
}

ARTICLE_CLAIMS = {
    "no-us-demands": """\
        id: no-us-demands
        title: Zelensky said he does not believe the U.S. demanded anything of Ukraine
        statement: >-
          Asked about territorial concessions, Zelensky said he did not believe Washington
          had demanded anything and called such concessions Russia's demands.
        status: confirmed
        rationale: >-
          Zelensky's own words, on the record, quoted in the article in translation.
        date: 2025-12-15
        topics: [territory]
        attributions:
          - source: zelensky
            publication: talks-article
            setting: at a joint press conference with Friedrich Merz
            quote: >-
              I do not believe the United States demanded anything from us. We view
              this [territorial concessions] as demands from the Russian Federation.
        """,
    "us-pressed": """\
        id: us-pressed
        title: AFP's sources say the U.S. side pressed for a withdrawal from Donetsk Oblast
        statement: >-
          Unnamed sources quoted by AFP said the U.S. side pushed for Ukrainian forces to
          leave Donetsk Oblast.
        status: disputed
        rationale: >-
          Sources AFP did not name, contradicted on the record by Zelensky.
        date: 2025-12-14
        topics: [territory]
        attributions:
          - source: afp-sources
            via: [afp]
            publication: talks-article
        relations:
          - type: contradicts
            claim: no-us-demands
            note: The two accounts cannot both be right.
        """,
    "talks-difficult": """\
        id: talks-difficult
        title: Western media, no outlet named, reported that the talks were difficult
        statement: Unnamed Western coverage described the talks as difficult.
        status: reported
        rationale: >-
          A collective reference that names no outlet; nothing independent carries it.
        date: 2025-12-14
        topics: [diplomacy]
        attributions:
          - source: western-media
            publication: talks-article
        """,
    "forces-800000": """\
        id: forces-800000
        title: "Reportedly, a commitment to armed forces of up to 800,000"
        statement: >-
          In its own voice, the article says the statement commits to Ukraine's peacetime
          forces numbering up to 800,000.
        status: reported
        rationale: >-
          Only the article's paraphrase; the statement's own text is not held.
        date: 2025-12-15
        topics: [european-commitments]
        attributions:
          - source: talks-article
            publication: talks-article
        figures:
          - label: peacetime armed forces
            value: 800000
            unit: personnel
            qualifier: up_to
        """,
    "moscow-demand": """\
        id: moscow-demand
        title: The article says Moscow has made the same Donetsk withdrawal demand
        statement: In its own voice, the article says Moscow demands the same withdrawal.
        status: reported
        rationale: >-
          The article asserts it without citing anyone: the publication is the source.
        kind: position
        date: 2025-12-15
        topics: [territory]
        attributions:
          - source: talks-article
            publication: talks-article
        """,
}


def write_article_kb(root: Path) -> Path:
    """The knowledge base read in one translated article, with the site files."""
    return copy_from_repo(write_kb(root, ARTICLE_CLAIMS, ARTICLE_SOURCES, ARTICLE_PUBLICATIONS))


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


def build_process(root: Path, site: Path, *args: str) -> str:
    """`berlintalks build` of ``root`` into ``site`` as a process of its own, which keeps
    nothing from this one; what it said on stderr. The test fails if the build does."""
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "build", "--root", str(root),
         "--site-dir", str(site), *args],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stderr


def findings(cli: Callable[..., Run], root: Path) -> list[str]:
    """``file:line:col:CODE`` of every finding ``check`` gives on ``root``, in its order."""
    return [f"{f.file}:{f.line}:{f.column}:{f.code}" for f in check_json(cli, root)]


def messages(cli: Callable[..., Run], root: Path) -> dict[str, str]:
    """Each finding's message by its ``file:line:col:CODE``."""
    return {f"{f.file}:{f.line}:{f.column}:{f.code}": f.message for f in check_json(cli, root)}


@dataclass(frozen=True, slots=True)
class Found:
    """One finding as ``check --format json`` prints it."""

    file: str
    line: int
    column: int
    code: str
    severity: str
    message: str

    @property
    def where(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)


def check_json(cli: Callable[..., Run], root: Path) -> list[Found]:
    """Run ``berlintalks check --format json`` on ``root``; its findings, in the checker's order.

    The exit code must follow the findings: 1 exactly when one of them is an error.
    """
    run = cli("check", "--root", root, "--format", "json")
    found = [Found(**f) for f in json.loads(run.out)]
    failed = any(f.severity == "error" for f in found)
    assert run.code == (1 if failed else 0), (run.code, run.err)
    return found


Expected = tuple[str, int, int, str]


@pytest.fixture
def rule_check(tmp_path: Path, cli: Callable[..., Run]) -> Callable[..., list[Found]]:
    """``rule_check(kb, expect=[("claims/a.yaml", 4, 9, "BT401")], codes=None)``: run the real
    ``check`` and compare its findings, position and code, with ``expect``, in order.

    ``kb`` is a knowledge base on disk (from ``make_kb``) or ``{relative path: YAML}`` written
    as-is into a fresh folder. By default every finding is compared, so a rule's passing twin
    is ``expect=[]``; ``codes`` narrows the comparison to those codes when the records give
    other findings by design. Returns the compared findings, for tests of their messages.
    (yamllint's ``RuleTestCase.check(source, conf, problem=(line, col))`` is the model.)
    """
    made = 0

    def check(
        kb: Path | dict[str, str | bytes],
        expect: list[Expected],
        codes: tuple[str, ...] | None = None,
    ) -> list[Found]:
        nonlocal made
        if isinstance(kb, dict):
            made += 1
            root = tmp_path / f"rule-kb-{made}"
            for rel_path, body in kb.items():
                path = root / rel_path
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(body, bytes):
                    path.write_bytes(body)
                else:
                    path.write_text(textwrap.dedent(body), encoding="utf-8")
        else:
            root = kb
        found = [f for f in check_json(cli, root) if codes is None or f.code in codes]
        assert [f.where for f in found] == expect
        return found

    return check


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled knowledge base built once per session by ``berlintalks build``; the site dir."""
    site = tmp_path_factory.mktemp("built") / "site"
    code = main(["build", "--root", str(REPO), "--site-dir", str(site), "--quiet"])
    assert code == 0, f"berlintalks build exited {code}"
    assert (site / "index.html").is_file()
    return site


def subcommands() -> argparse._SubParsersAction:
    """The subcommands of ``berlintalks``, read from its argparse parser, not from ``--help``."""
    from berlintalks.cli import _parser

    actions = [a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction)]
    assert len(actions) == 1, "the CLI no longer has exactly one set of subcommands"
    return actions[0]


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


# ---------------------------------------------------------------- builders

BUILDERS = ("mkdocs", "properdocs", "zensical")
OTHER_BUILDERS = ("properdocs", "zensical")

# One build per builder and session, shared with the browser tests of the builders.
_SITES: dict[str, Path] = {}


def site_built_by(builder: str, request: pytest.FixtureRequest) -> Path:
    """The bundled knowledge base built once per session by ``berlintalks build --builder``."""
    if builder == "mkdocs":
        return request.getfixturevalue("built_site")  # the one the other tests read
    if builder not in _SITES:
        factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
        site = factory.mktemp(f"built-{builder}") / "site"
        args = ["build", "--root", str(REPO), "--site-dir", str(site), "--quiet"]
        code = main([*args, "--builder", builder])
        assert code == 0, f"berlintalks build --builder {builder} exited {code}"
        assert (site / "index.html").is_file()
        _SITES[builder] = site
    return _SITES[builder]


# ---------------------------------------------------------------- serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_serve(
    root: Path, log: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], int]:
    """`berlintalks serve` of ``root`` on a free local port, its output written to ``log``."""
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "berlintalks.cli", "serve", "--root", str(root),
             "--dev-addr", f"127.0.0.1:{port}", *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )  # fmt: skip
    return proc, port
