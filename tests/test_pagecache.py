"""While serving, pages whose inputs did not change are taken back, and the site is the same."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from conftest import REPO


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the bundled project, outside git so histories are the same in every build."""
    root = tmp_path / "kb"
    for name in ("claims", "sources", "publications", "templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def serving(root: Path, site: Path, *, first: bool = False) -> MkDocsConfig:
    """A build's configuration as `serve` loads it: MkDocs keeps the plugin between them, and
    starts it up once."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    if first:
        config.plugins.on_startup(command="serve", dirty=False)
    return config


def files_of(site: Path) -> dict[str, bytes]:
    # The compressed sitemap carries the time it was written; `berlintalks build` marks the
    # sites it builds, MkDocs on its own does not.
    return {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in ("sitemap.xml.gz", ".berlintalks-site")
    }


def test_a_rebuild_from_kept_pages_equals_a_fresh_build(root: Path, tmp_path: Path) -> None:
    build(serving(root, tmp_path / "first", first=True))
    claim = root / "claims" / "us-article-5-like-guarantees.yaml"
    claim.write_text(
        re.sub(r"(?m)^title: .*$", 'title: "Retitled while serving"', claim.read_text("utf-8")),
        "utf-8",
    )

    second = serving(root, tmp_path / "second")
    build(second)
    cache = second.plugins["berlintalks"].pages
    assert cache is not None
    # The edited claim, and every page that lists it, rendered again; the rest taken back.
    assert cache.misses >= 5
    assert cache.hits >= 40

    fresh = tmp_path / "fresh"  # another process: nothing kept
    done = subprocess.run(
        [
            *(sys.executable, "-m", "berlintalks.cli", "build"),
            *("--root", str(root), "--site-dir", str(fresh)),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    kept, made = files_of(tmp_path / "second"), files_of(fresh)
    assert kept.keys() == made.keys()
    differ = [name for name in made if kept[name] != made[name]]
    assert differ == []
    page = made["claims/us-article-5-like-guarantees/index.html"].decode()
    assert "Retitled while serving" in page


def test_a_single_build_keeps_nothing(root: Path, tmp_path: Path) -> None:
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="build", dirty=False)
    build(config)
    assert config.plugins["berlintalks"].pages is None


def test_a_page_mkdocs_warned_about_warns_again(root: Path, tmp_path: Path) -> None:
    # Taken back silently, a page with a broken link would let the next strict build pass.
    tpl = root / "templates" / "source.html.j2"
    tpl.write_text(tpl.read_text("utf-8") + "\n[gone](../no-such-page.md)\n", "utf-8")
    for attempt in ("first", "second"):
        with pytest.raises(Abort):
            build(serving(root, tmp_path / attempt, first=attempt == "first"))


def test_a_page_whose_link_target_went_away_is_rendered_again(root: Path, tmp_path: Path) -> None:
    # The page's Markdown is unchanged, but the file its link pointed to is gone.
    (root / "docs" / "background.md").write_text("# Background\n", "utf-8")
    tpl = root / "templates" / "source.html.j2"
    tpl.write_text(tpl.read_text("utf-8") + "\n[Background](../background.md)\n", "utf-8")
    build(serving(root, tmp_path / "first", first=True))
    (root / "docs" / "background.md").unlink()
    with pytest.raises(Abort):
        build(serving(root, tmp_path / "second"))


def test_nothing_is_kept_with_an_extension_that_reads_other_files(
    root: Path, tmp_path: Path
) -> None:
    # pymdownx.snippets includes other files: a page could change with its Markdown unchanged.
    conf = root / "mkdocs.yml"
    conf.write_text(
        conf.read_text("utf-8").replace(
            "markdown_extensions:\n", "markdown_extensions:\n  - pymdownx.snippets\n"
        ),
        "utf-8",
    )
    build(serving(root, tmp_path / "first", first=True))
    second = serving(root, tmp_path / "second")
    build(second)
    cache = second.plugins["berlintalks"].pages
    assert cache is not None
    assert cache.hits == 0


def test_a_deleted_claim_is_let_go(root: Path, tmp_path: Path) -> None:
    config = serving(root, tmp_path / "first", first=True)
    build(config)
    cache = config.plugins["berlintalks"].pages
    assert cache is not None
    assert "claims/trump-feels-european-support.md" in cache
    # Nothing else names this claim, so it can go without breaking a reference.
    (root / "claims" / "trump-feels-european-support.yaml").unlink()
    build(serving(root, tmp_path / "second"))
    assert "claims/trump-feels-european-support.md" not in cache
    assert "claims/us-article-5-like-guarantees.md" in cache
