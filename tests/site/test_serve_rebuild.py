"""While serving, a rebuild by the same plugin gives the site a fresh build gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from conftest import BUNDLED, build_process, copy_from_repo


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A copy of the bundled project, outside git so histories are the same in every build."""
    root = tmp_path / "kb"
    root.mkdir()
    return copy_from_repo(root, BUNDLED)


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


def test_a_rebuild_from_kept_pages_equals_a_fresh_build(
    root: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="mkdocs")
    build(serving(root, tmp_path / "first", first=True))
    claim = root / "claims" / "us-article-5-like-guarantees.yaml"
    claim.write_text(
        re.sub(r"(?m)^title: .*$", 'title: "Retitled while serving"', claim.read_text("utf-8")),
        "utf-8",
    )

    second = serving(root, tmp_path / "second")
    caplog.clear()
    build(second)
    # The theme's output of the pages the edit did not touch came from the rebuild before.
    taken = re.search(r"berlintalks: (\d+) of (\d+) generated pages taken", caplog.text)
    assert taken, caplog.text
    assert 0 < int(taken[1]) < int(taken[2]) - 3

    fresh = tmp_path / "fresh"  # another process: nothing kept
    build_process(root, fresh, "--no-cache")
    kept, made = files_of(tmp_path / "second"), files_of(fresh)
    assert kept.keys() == made.keys()
    differ = [name for name in made if kept[name] != made[name]]
    assert differ == []
    page = made["claims/us-article-5-like-guarantees/index.html"].decode()
    assert "Retitled while serving" in page


def test_a_page_mkdocs_warned_about_warns_again(root: Path, tmp_path: Path) -> None:
    # A page with a broken link fails every strict build, not only the first.
    tpl = root / "templates" / "source.html.j2"
    tpl.write_text(
        tpl.read_text("utf-8") + "<a href=\"{{ href('no-such-page.md') }}\">gone</a>\n", "utf-8"
    )
    for attempt in ("first", "second"):
        with pytest.raises(Abort):
            build(serving(root, tmp_path / attempt, first=attempt == "first"))


def test_a_page_whose_link_target_went_away_is_rendered_again(root: Path, tmp_path: Path) -> None:
    # The page is unchanged, but the file its link pointed to is gone.
    (root / "docs" / "background.md").write_text("# Background\n", "utf-8")
    tpl = root / "templates" / "source.html.j2"
    tpl.write_text(
        tpl.read_text("utf-8") + "<a href=\"{{ href('background.md') }}\">B</a>\n", "utf-8"
    )
    build(serving(root, tmp_path / "first", first=True))
    (root / "docs" / "background.md").unlink()
    with pytest.raises(Abort):
        build(serving(root, tmp_path / "second"))


def test_a_claim_deleted_while_serving_leaves_the_site(root: Path, tmp_path: Path) -> None:
    build(serving(root, tmp_path / "first", first=True))
    assert (tmp_path / "first" / "claims" / "trump-feels-european-support" / "index.html").is_file()
    # Nothing else names this claim, so it can go without breaking a reference.
    (root / "claims" / "trump-feels-european-support.yaml").unlink()
    build(serving(root, tmp_path / "second"))
    assert not (tmp_path / "second" / "claims" / "trump-feels-european-support").exists()
    assert (
        tmp_path / "second" / "claims" / "us-article-5-like-guarantees" / "index.html"
    ).is_file()
