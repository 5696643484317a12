"""While serving, pages kept from the rebuild before give the site a fresh build gives.

Each step edits the records the way an editor does (a title, a statement, a source's name,
a publication's title, a relation's note, a new claim, a deleted one), rebuilds the one
preview folder as `serve` does (the plugin it keeps, MkDocs' dirty build that leaves the
unchanged pages alone), and compares every file with a build in a fresh process.
"""

from __future__ import annotations

import json
import logging
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from berlintalks.site.serve import _tell_plugin
from berlintalks.site.unchanged import DirtyNotice
from conftest import REPO, build_process

sys.path.insert(0, str(REPO / "benchmarks"))
from synth import generate


def serving(root: Path, site: Path, *, first: bool = False) -> None:
    """One rebuild as `serve` makes it: the first builds every page, the next are dirty."""
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
    if first:
        config.plugins.on_startup(command="serve", dirty=False)
    _tell_plugin(config, not first)
    notice = DirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(notice)
    try:
        build(config, dirty=not first)
    finally:
        logging.getLogger("mkdocs.commands.build").removeFilter(notice)


def files_of(site: Path) -> dict[str, bytes]:
    """Every file's bytes; the search index's entries sorted, as a rebuild that left pages
    alone adds theirs after the rest."""
    out = {
        str(p.relative_to(site)): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.is_file() and p.name not in ("sitemap.xml.gz", ".berlintalks-site")
    }
    index = json.loads(out["search/search_index.json"])
    index["docs"].sort(key=lambda d: json.dumps(d, sort_keys=True))
    out["search/search_index.json"] = json.dumps(index).encode()
    return out


def _sub(path: Path, pattern: str, repl: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, repl, text, count=1, flags=re.M)
    assert n == 1, (path, pattern)
    path.write_text(new, encoding="utf-8")


def referenced(root: Path, cid: str) -> bool:
    return any(
        cid in p.read_text(encoding="utf-8")
        for p in (root / "claims").glob("*.yaml")
        if p.stem != cid
    )


def edits(root: Path, rng: random.Random) -> list[tuple[str, Callable[[], None]]]:
    claims = sorted((root / "claims").glob("*.yaml"))
    sources = sorted((root / "sources").glob("*.yaml"))
    pubs = sorted((root / "publications").glob("*.yaml"))
    with_note = [p for p in claims if re.search(r"^\s+note: ", p.read_text(), re.M)]
    loose = [p for p in claims if not referenced(root, p.stem)]
    copied = rng.choice(loose)

    def add() -> None:
        text = copied.read_text(encoding="utf-8").replace(copied.stem, copied.stem + "-copy")
        (root / "claims" / f"{copied.stem}-copy.yaml").write_text(text, encoding="utf-8")

    return [
        ("claim title", lambda: _sub(rng.choice(claims), r'^title: "(.*)"$',
                                     lambda m: f'title: "{m[1]} again"')),
        ("claim statement", lambda: _sub(rng.choice(claims), r"^statement: >-\n  ",
                                         lambda m: m[0] + "Newly ")),
        ("source name", lambda: _sub(rng.choice(sources), r'^name: "(.*)"$',
                                     lambda m: f'name: "{m[1]} Renamed"')),
        ("publication title", lambda: _sub(rng.choice(pubs), r'^title: "(.*)"$',
                                           lambda m: f'title: "{m[1]} Weekly"')),
        ("relation note", lambda: _sub(rng.choice(with_note), r'^(\s+note: )"(.*)"$',
                                       lambda m: f'{m[1]}"{m[2]} (checked)"')),
        ("new claim", add),
        ("deleted claim", lambda: rng.choice([p for p in loose if p != copied]).unlink()),
    ]  # fmt: skip


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_record_pages_equal_a_fresh_build_after_each_edit(tmp_path: Path, seed: int) -> None:
    root = generate(tmp_path / "kb", 60, seed=seed)
    if seed == 2:
        # Lists in parts of 7 rows: a part is kept or rendered again on its own.
        config = root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        assert "  - berlintalks:\n" in text
        sized = "  - berlintalks:\n      part_size: 7\n"
        config.write_text(text.replace("  - berlintalks:\n", sized), encoding="utf-8")
    rng = random.Random(seed)
    preview = tmp_path / "preview"
    serving(root, preview, first=True)
    for step, (what, edit) in enumerate(edits(root, rng), start=1):
        edit()
        serving(root, preview)
        build_process(root, tmp_path / f"fresh-{step}", "--no-cache", "-q")
        kept, made = files_of(preview), files_of(tmp_path / f"fresh-{step}")
        assert kept.keys() == made.keys(), what
        differ = [name for name in made if kept[name] != made[name]]
        assert differ == [], f"after the {what}: {differ[:5]}"


def _left_alone(caplog: pytest.LogCaptureFixture) -> int:
    found = re.findall(r"berlintalks: (\d+) pages left as the rebuild before", caplog.text)
    assert len(found) == 1, caplog.text
    return int(found[0])


def test_a_rebuild_hands_mkdocs_the_unchanged_pages_it_made_before(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = generate(tmp_path / "kb", 60, seed=3)
    preview = tmp_path / "preview"
    serving(root, preview, first=True)
    generated = len(list(preview.glob("*/*/index.html")))
    claim = sorted((root / "claims").glob("*.yaml"))[5]
    _sub(claim, r'^title: "(.*)"$', lambda m: f'title: "Retitled {m[1]}"')
    caplog.set_level("INFO", logger="mkdocs")
    caplog.clear()
    serving(root, preview)
    # All but the few pages the title is on: the claim's, its topics', sources', the lists.
    assert generated - 20 < _left_alone(caplog) < generated
    page = (preview / "claims" / claim.stem / "index.html").read_text(encoding="utf-8")
    assert ">Retitled " in page


def test_a_plugin_that_reads_every_page_has_every_page_read_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Material's export of every page's tags is made from MkDocs' reading of each page: no
    # page is left unread, and the export is a fresh build's.
    root = generate(tmp_path / "kb", 30, seed=4)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      export: false\n" in text
    config.write_text(text.replace("      export: false\n", "      export: true\n"), "utf-8")
    preview = tmp_path / "preview"
    serving(root, preview, first=True)
    claim = sorted((root / "claims").glob("*.yaml"))[2]
    _sub(claim, r"^topics: \[(.*)\]$", lambda m: f"topics: [a-new-topic, {m[1]}]")
    caplog.set_level("INFO", logger="mkdocs")
    caplog.clear()
    serving(root, preview)
    assert _left_alone(caplog) == 0
    build_process(root, tmp_path / "fresh", "--no-cache", "-q")
    tags = (preview / "tags.json").read_bytes()
    assert b"a-new-topic" in tags
    assert tags == (tmp_path / "fresh" / "tags.json").read_bytes()
