"""A build holds each generated page's HTML packed, and lets it go once the page is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files

from berlintalks.checks import check
from berlintalks.export import export_all
from berlintalks.export.records_json import dump_json
from berlintalks.site.htmlpage import HtmlPage
from berlintalks.site.render import rendering
from berlintalks.site.rendered import pack_pieces, unpack, unpack_pieces
from berlintalks.site.site_files import json_list
from conftest import write_article_kb


class _Probe(BasePlugin):  # type: ignore[type-arg]
    """Looks at the generated pages between MkDocs' steps of a real build."""

    def __init__(self) -> None:
        self.files: Files | None = None
        self.read_twice: dict[str, bool] = {}
        self.at_post_page: dict[str, str | None] = {}
        self.after_build: dict[str, tuple[str | None, str | None, str | None, str]] = {}

    def on_files(self, files: Files, /, **_: Any) -> Files:
        self.files = files  # runs after the berlintalks plugin: its files are in
        return files

    def on_env(self, env: Any, /, **_: Any) -> Any:
        # Every page has been read: a generated page's content is text made afresh at each
        # read, not a string held since.
        assert self.files is not None
        for page in _generated(self.files):
            first, second = page.content, page.content
            self.read_twice[page.file.src_uri] = first == second and first is not second
        return env

    def on_post_page(self, output: str, /, *, page: Any, **_: Any) -> str:
        # Runs before the berlintalks plugin's own on_post_page: the content is still there.
        if isinstance(page, HtmlPage):
            self.at_post_page[page.file.src_uri] = page.content
        return output

    def on_post_build(self, **_: Any) -> None:
        assert self.files is not None
        for page in _generated(self.files):
            self.after_build[page.file.src_uri] = (
                page.content,
                page.markdown,
                page.title,
                page.file.content_string,
            )


def _pack_always(root: Path) -> None:
    """A knowledge base this small is held as text unless the plugin is told otherwise."""
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  - berlintalks:\n" in text
    packed = "  - berlintalks:\n      pack_from: 0\n"
    config.write_text(text.replace("  - berlintalks:\n", packed), encoding="utf-8")


def _generated(files: Files) -> list[HtmlPage]:
    return [f.page for f in files if isinstance(f.page, HtmlPage)]


def _built(root: Path) -> tuple[_Probe, Path]:
    """A strict build of ``root`` into ``root/site``, with the probe watching it."""
    site = root / "site"
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    probe = _Probe()
    config.plugins["probe"] = probe
    mkdocs_build(config)
    return probe, site


@pytest.fixture(scope="module")
def probed(tmp_path_factory: pytest.TempPathFactory) -> tuple[_Probe, Path]:
    root = write_article_kb(tmp_path_factory.mktemp("kb"))
    _pack_always(root)
    return _built(root)


def test_each_page_is_read_back_from_its_packed_form(probed: tuple[_Probe, Path]) -> None:
    probe, _ = probed
    assert len(probe.read_twice) >= 10
    assert probe.read_twice["claims/no-us-demands/index.md"] is True
    assert set(probe.read_twice.values()) == {True}


def test_other_plugins_see_the_html_until_the_page_is_written(
    probed: tuple[_Probe, Path],
) -> None:
    probe, site = probed
    content = probe.at_post_page["claims/no-us-demands/index.md"]
    assert content is not None
    assert content.startswith('<h1 id="')
    written = (site / "claims" / "no-us-demands" / "index.html").read_text(encoding="utf-8")
    assert content.split("\n")[0] in written


def test_no_generated_page_keeps_its_html_after_the_build(probed: tuple[_Probe, Path]) -> None:
    probe, _ = probed
    assert set(probe.after_build) == set(probe.read_twice)
    content, markdown, title, file_text = probe.after_build["claims/no-us-demands/index.md"]
    assert (content, markdown, file_text) == (None, "", "")
    # The title, shown in the navigation of the pages written later, stays.
    assert title is not None and title.startswith("Zelensky said he does not believe")
    assert {v[:2] for v in probe.after_build.values()} == {(None, "")}


def test_the_exports_in_the_site_are_export_all_s(tmp_path: Path) -> None:
    root = write_article_kb(tmp_path / "kb")
    report = check(root)
    _, made = rendering(report.kb, templates=root / "templates", graph=report.graph)
    files = {path: "".join(pieces) for path, pieces in made}
    exported = export_all(report.kb)
    assert [p for p in files if p.startswith("data/")] == [f"data/{n}" for n in exported]
    for name, text in exported.items():
        assert files[f"data/{name}"] == text, name
    assert {c["id"] for c in json.loads(files["data/claims.json"])} >= {
        "no-us-demands",
        "us-pressed",
    }


@pytest.mark.parametrize(
    "items",
    [[], [{}], [[]], [1, "a\nb", None], [{"a": [1, {"b": "x\ny"}], "c": {}}, {"d": "é—€"}]],
)
def test_json_list_is_dump_json_of_the_list(items: list[Any]) -> None:
    assert "".join(json_list(iter(items))) == dump_json(items)


def test_packed_text_reads_back_whole_and_in_pieces() -> None:
    text = "é—€ line\n" * 50_000  # multi-byte characters cut across the pieces
    packed = pack_pieces([text[:7], text[7:200_001], text[200_001:]])
    assert len(packed) < len(text) // 20
    assert unpack(packed) == text
    pieces = list(unpack_pieces(packed, size=4096))
    assert "".join(pieces) == text
    assert max(len(p) for p in pieces) <= 4096


def test_a_small_site_is_held_as_text_and_built_the_same(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Under `pack_from` claims a build holds each page's HTML as text; the site is the one
    # a build holding it packed makes, byte for byte.
    sites = {}
    for packed in (False, True):
        root = write_article_kb(tmp_path_factory.mktemp("kb"))
        if packed:
            _pack_always(root)
        probe, site = _built(root)
        assert probe.read_twice and all(probe.read_twice.values()) is packed
        sites[packed] = {
            str(p.relative_to(site)): p.read_bytes()
            for p in sorted(site.rglob("*"))
            if p.is_file() and p.name != "sitemap.xml.gz"
        }
    assert sites[False].keys() == sites[True].keys()
    assert [name for name in sites[True] if sites[False][name] != sites[True][name]] == []
