"""Generated pages for the cases the bundled records do not show: supersedes, exceptions, no git."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from berlintalks.checks.engine import check
from berlintalks.records.history import read_history
from berlintalks.site.render import generate
from conftest import REPO, claim_yaml


def pages(root: Path) -> dict[str, str]:
    report = check(root)
    assert report.errors == []
    return generate(
        report.kb,
        templates=REPO / "templates",
        findings=report.findings,
        history=read_history(root),
    )


def test_superseded_claim_is_marked_outdated_with_a_link_to_the_newer(
    make_kb: Callable[..., Path],
) -> None:
    newer = claim_yaml("newer") + "relations:\n  - type: supersedes\n    claim: older\n"
    root = make_kb(claims={"older": claim_yaml("older"), "newer": newer})
    out = pages(root)
    older = out["claims/older/index.md"]
    assert '<div class="admonition warning">\n<p class="admonition-title">Outdated</p>' in older
    assert 'superseded by a newer one: <a href="../newer/">Talks took place in Berlin</a>' in older
    assert "Outdated" not in out["claims/newer/index.md"]
    assert (
        "<td>this claim <strong>is superseded by</strong></td>\n"
        '<td><a href="../newer/">Talks took place in Berlin</a></td>'
    ) in older
    assert (
        "<td>this claim <strong>supersedes</strong></td>\n"
        '<td><a href="../older/">Talks took place in Berlin</a></td>'
    ) in out["claims/newer/index.md"]


def test_accepted_findings_show_rule_and_reason(make_kb: Callable[..., Path]) -> None:
    text = claim_yaml() + (
        "exceptions:\n  - rule: BT903\n    reason: The statement was only paraphrased <b>.\n"
    )
    out = pages(make_kb(claims={"talks": text}))["claims/talks/index.md"]
    # Accepted findings are for editors: inside the collapsed block, after the reader's part.
    editors = out.index('<details class="note bt-editors">')
    assert out.index("<strong>Accepted findings.</strong>") > editors
    assert (
        "<li><strong>BT903</strong> (A claim with no quote): The statement was only "
        "paraphrased &lt;b&gt;.</li>"
    ) in out


def test_pages_built_outside_git_say_there_is_no_history(make_kb: Callable[..., Path]) -> None:
    out = pages(make_kb())["claims/talks/index.md"]
    assert "No history: not built from a git repository." in out
    assert out.index("No history") > out.index("<summary>For editors</summary>")


def test_part_names_its_parent_and_parent_lists_parts(make_kb: Callable[..., Path]) -> None:
    parent = claim_yaml("statement") + "count: 2\n"
    part = claim_yaml("one") + "relations:\n  - type: part_of\n    claim: statement\n"
    part2 = claim_yaml("two") + "relations:\n  - type: part_of\n    claim: statement\n"
    out = pages(make_kb(claims={"statement": parent, "one": part, "two": part2}))
    assert (
        '<p>Part of <a href="../statement/">Talks took place in Berlin</a>, one of its 2 parts.</p>'
        in out["claims/one/index.md"]
    )
    assert "The statement has 2 parts; 2 are recorded here." in out["claims/statement/index.md"]
    assert "2 of the 2 parts the statement lists are recorded" in out["commitments/index.md"]


def test_edit_links_point_at_the_yaml_record(make_kb: Callable[..., Path]) -> None:
    from mkdocs.config import load_config

    from berlintalks.site.plugin import site_config

    config = load_config(
        str(REPO / "mkdocs.yml"),
        repo_url="https://github.com/example/berlintalks",
        edit_uri="edit/main/docs/",
    )
    conf = site_config(config, "berlintalks")
    assert conf.edit_base == "https://github.com/example/berlintalks/edit/main/"
    report = check(make_kb())
    out = generate(report.kb, templates=REPO / "templates", config=conf)
    assert (
        '<a href="https://github.com/example/berlintalks/edit/main/claims/talks.yaml">Edit '
        "<code>claims/talks.yaml</code></a>" in out["claims/talks/index.md"]
    )


def test_a_record_named_index_keeps_its_own_page(make_kb: Callable[..., Path]) -> None:
    from conftest import SOURCES

    other = claim_yaml("other") + "relations:\n  - type: supports\n    claim: index\n"
    index = "id: index\nname: Index Agency\nkind: outlet\nreliability: C\n"
    sources = {**SOURCES, "index": index + "reliability_reason: A regional agency.\n"}
    root = make_kb(claims={"index": claim_yaml("index"), "other": other}, sources=sources)
    out = pages(root)
    assert out["claims/index.md"].startswith('---\ntitle: "All claims"\n---\n')
    assert out["sources/index.md"].startswith('---\ntitle: "Sources"\n---\n')
    assert out["claims/index/index.md"].startswith(
        '---\ntags:\n  - diplomacy\ntitle: "Talks took place in Berlin"\n---\n'
    )
    assert '<a href="../index/">Talks took place in Berlin</a>' in out["claims/other/index.md"]
    assert out["sources/index/index.md"].startswith('---\ntitle: "Index Agency"\n---\n')


def test_edit_url_option_needs_no_repo_url() -> None:
    from mkdocs.config import load_config

    from berlintalks.site.plugin import site_config

    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.repo_url is None
    conf = site_config(config, "berlintalks", "https://git.example/kb/edit/main")
    assert conf.edit_base == "https://git.example/kb/edit/main/"
    assert site_config(config, "berlintalks").edit_base is None


def test_mkdocs_yml_takes_the_edit_address_from_the_environment(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from mkdocs.config import load_config

    monkeypatch.setenv("BERLINTALKS_EDIT_URL", "https://git.example/kb/edit/main/")
    config = load_config(str(REPO / "mkdocs.yml"))
    assert config.plugins["berlintalks"].config.edit_url == "https://git.example/kb/edit/main/"
    monkeypatch.delenv("BERLINTALKS_EDIT_URL")
    assert load_config(str(REPO / "mkdocs.yml")).plugins["berlintalks"].config.edit_url is None
