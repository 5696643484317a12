"""A check with the parse cache of earlier checks finds exactly what a fresh check finds."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from berlintalks.checks import check
from berlintalks.checks.report import as_json
from berlintalks.records.load import ParseCache
from conftest import SOURCE_POOL, SOURCES, Run, claim_yaml, copy_from_repo, write_kb

Where = tuple[str, int, int, str]


def same_as_cold(cli: Callable[..., Run], root: Path, cache: ParseCache) -> list[Where]:
    """Check ``root`` with ``cache`` and as `berlintalks check --format json` does afresh;
    both must print the same JSON and hold the same records. The findings, as positions."""
    warm = check(root, cache=cache)
    cold = cli("check", "--root", root, "--format", "json")
    assert as_json(warm.findings) == cold.out
    assert warm.kb == check(root).kb
    return [(f.file, f.line, f.column, f.code) for f in warm.findings]


def test_edits_adds_and_deletes_give_the_findings_of_a_fresh_check(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    root = write_kb(
        tmp_path / "kb", {"talks": claim_yaml(), "meeting": claim_yaml("meeting")}, SOURCES
    )
    cache = ParseCache()
    talks = root / "claims" / "talks.yaml"

    assert same_as_cold(cli, root, cache) == []
    assert cache.parsed == 5  # two claims, two sources, one publication
    assert same_as_cold(cli, root, cache) == []
    assert cache.parsed == 0

    talks.write_text(claim_yaml(title="title: Talks were held in Berlin"), "utf-8")
    assert same_as_cold(cli, root, cache) == []
    assert cache.parsed == 1
    assert check(root, cache=cache).kb.claims["talks"].title == "Talks were held in Berlin"

    # A broken file is parsed again on every check, so its findings stay those of a fresh one.
    talks.write_text(claim_yaml().replace("title:", "titel:"), "utf-8")
    assert same_as_cold(cli, root, cache) == [
        ("claims/talks.yaml", 1, 1, "BT101"),
        ("claims/talks.yaml", 2, 1, "BT102"),
    ]
    assert cache.parsed == 1
    assert same_as_cold(cli, root, cache)[1] == ("claims/talks.yaml", 2, 1, "BT102")
    assert cache.parsed == 1

    talks.write_text(claim_yaml(), "utf-8")
    assert same_as_cold(cli, root, cache) == []

    # Rules across records run over every record, read again or not: a deleted source is
    # missed by the claims that cite it, which were not parsed again.
    (root / "sources" / "afp.yaml").unlink()
    assert same_as_cold(cli, root, cache) == [
        ("claims/meeting.yaml", 9, 10, "BT201"),
        ("claims/talks.yaml", 9, 10, "BT201"),
    ]
    assert cache.parsed == 0
    assert "sources/afp.yaml" not in {path for path, _ in cache.files}

    # Added again, byte for byte: parsed again, since the cache forgot it when it went.
    (root / "sources" / "afp.yaml").write_text(SOURCE_POOL["afp"], "utf-8")
    assert same_as_cold(cli, root, cache) == []
    assert cache.parsed == 1

    # An added file with the id of a kept one: the duplicate is found across files.
    (root / "claims" / "2025").mkdir()
    (root / "claims" / "2025" / "talks.yaml").write_text(claim_yaml(), "utf-8")
    assert same_as_cold(cli, root, cache) == [("claims/talks.yaml", 1, 1, "BT112")]
    assert cache.parsed == 1

    (root / "claims" / "2025" / "talks.yaml").unlink()
    (root / "claims" / "meeting.yaml").unlink()
    assert same_as_cold(cli, root, cache) == []
    assert sorted(key for key, _ in cache.files) == [
        "claims/talks.yaml",
        "publications/berlin-article.yaml",
        "sources/afp.yaml",
        "sources/zelensky.yaml",
    ]


def test_a_change_that_keeps_size_and_time_is_read(cli: Callable[..., Run], tmp_path: Path) -> None:
    # Saved within the file system's clock tick, or restored by a tool: only the bytes tell.
    root = write_kb(tmp_path / "kb", {"talks": claim_yaml()}, SOURCES)
    cache = ParseCache()
    talks = root / "claims" / "talks.yaml"
    assert same_as_cold(cli, root, cache) == []
    before = talks.stat()
    talks.write_text(claim_yaml(status="status: confirmex"), "utf-8")
    os.utime(talks, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert talks.stat().st_size == before.st_size
    assert talks.stat().st_mtime_ns == before.st_mtime_ns
    assert same_as_cold(cli, root, cache) == [("claims/talks.yaml", 4, 9, "BT104")]
    assert "did you mean 'confirmed'?" in cli("check", "--root", root).out


def test_the_did_you_mean_budget_is_spent_as_in_a_fresh_check(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    # A load suggests a word for the first 50 misspelt keys only. Fixing the first of 52
    # files moves the 51st into the budget: its finding changes though its file did not.
    claims = {
        f"c{i:02}": claim_yaml(f"c{i:02}").replace("title:", f"titl{i:02}:") for i in range(52)
    }
    root = write_kb(tmp_path / "kb", claims, SOURCES)
    cache = ParseCache()
    same_as_cold(cli, root, cache)
    late = [f for f in check(root, cache=cache).findings if f.file == "claims/c50.yaml"]
    assert [(f.code, f.message) for f in late] == [
        ("BT101", "a claim is missing the required key 'title' (A headline, in our own words)"),
        ("BT102", "unknown key 'titl50' in a claim"),
    ]
    (root / "claims" / "c00.yaml").write_text(claim_yaml("c00"), "utf-8")
    same_as_cold(cli, root, cache)
    late = [f for f in check(root, cache=cache).findings if f.file == "claims/c50.yaml"]
    assert late[1].message == "unknown key 'titl50' in a claim — did you mean 'title'?"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    root = write_kb(
        tmp_path / "kb", {"talks": claim_yaml(), "meeting": claim_yaml("meeting")}, SOURCES
    )
    return copy_from_repo(root)


def test_a_serve_rebuild_parses_only_the_saved_claim(
    site: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def rebuild(n: int) -> None:
        # As `serve` rebuilds: a fresh configuration each time, the plugin kept by MkDocs.
        config = load_config(str(site / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
        if n == 0:
            config.plugins.on_startup(command="serve", dirty=False)
        build(config)
        plugins.append(config.plugins["berlintalks"])

    plugins: list[object] = []
    talks = site / "claims" / "talks.yaml"
    page = tmp_path / "site" / "claims" / "talks" / "index.html"
    rebuild(0)
    cache = plugins[0]._parsed  # type: ignore[attr-defined]
    assert cache.parsed == 5

    talks.write_text(claim_yaml(title="title: Talks were held in Berlin"), "utf-8")
    rebuild(1)
    assert plugins[1] is plugins[0]
    assert cache.parsed == 1
    assert re.search(r"<h1[^>]*>Talks were held in Berlin<a ", page.read_text("utf-8"))

    talks.write_text(claim_yaml(status="status: confirmex"), "utf-8")
    with pytest.raises(Abort):
        rebuild(2)
    assert "claims/talks.yaml:4:9: error BT104" in caplog.text
    talks.write_text(claim_yaml(), "utf-8")
    rebuild(3)
    assert cache.parsed == 1
    assert re.search(r"<h1[^>]*>Talks took place in Berlin<a ", page.read_text("utf-8"))
