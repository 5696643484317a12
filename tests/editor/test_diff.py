"""`berlintalks diff` reports added, removed and changed records between real git revisions."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SOURCES, claim_yaml, commit_all, git, write_kb

AXIOS = "id: axios\nname: Axios\nkind: outlet\nreliability: B\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = write_kb(tmp_path / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Add the first claim")
    return root


def test_added_removed_and_status_changes_between_two_commits(cli, repo):
    first = git(repo, "rev-parse", "--short", "HEAD").strip()
    write_kb(
        repo,
        claims={
            "talks": claim_yaml("talks", status="status: reported"),
            "progress": claim_yaml("progress", title="title: Both sides report progress"),
        },
        sources={"axios": AXIOS},
    )
    (repo / "sources" / "afp.yaml").unlink()
    commit_all(repo, "Downgrade talks, add progress and axios, drop afp")
    run = cli("diff", first, "HEAD", "--root", repo)
    assert run.code == 0
    second = git(repo, "rev-parse", "--short", "HEAD").strip()
    assert run.out == (
        "### Changes to the knowledge base\n"
        "\n"
        f"From `{first}` to `HEAD` (`{second}`): 1 claim added, 1 claim changed; "
        "1 source added, 1 source removed.\n"
        "\n"
        "**Claims added**\n"
        "\n"
        "- `progress`: Both sides report progress — status `confirmed`\n"
        "\n"
        "**Claims changed**\n"
        "\n"
        "- `talks`: Talks took place in Berlin — status: `confirmed` → `reported`\n"
        "\n"
        "**Sources added**\n"
        "\n"
        "- `axios`: Axios — reliability `B`, kind `outlet`\n"
        "\n"
        "**Sources removed**\n"
        "\n"
        "- `afp`: Agence France-Presse — reliability `B`, kind `outlet`\n"
    )


def test_working_tree_is_the_default_and_includes_untracked_files(cli, repo):
    write_kb(
        repo,
        claims={
            "talks": claim_yaml("talks", statement="statement: Delegations met twice."),
            "fresh": claim_yaml("fresh"),
        },
    )
    run = cli("diff", "HEAD", "--root", repo)
    assert run.code == 0
    assert "to the working tree: 1 claim added, 1 claim changed; no sources changed." in run.out
    assert "- `fresh`: Talks took place in Berlin — status `confirmed`" in run.out
    assert "- `talks`: Talks took place in Berlin — changed: `statement`" in run.out


def test_unreadable_records_on_either_side_are_reported_not_fatal(cli, repo):
    write_kb(repo, claims={"talks": "id: talks\ntitle: [unclosed\n", "broken": "- a list\n"})
    commit_all(repo, "Break the talks claim")
    run = cli("diff", "HEAD~1", "HEAD", "--root", repo)
    assert run.code == 0
    assert "- `broken` (`claims/broken.yaml` is unreadable: not a mapping of keys)" in run.out
    assert "**Unreadable records** (run `berlintalks check` for the details)" in run.out
    assert "- `talks`: unreadable in `HEAD` (" in run.out
    assert "line 3" in run.out.split("- `talks`: unreadable", 1)[1]
    # Back again: the record is unreadable before, readable after.
    write_kb(repo, claims={"talks": claim_yaml("talks")})
    back = cli("diff", "HEAD", "--root", repo)
    assert back.code == 0
    assert "- `talks`: unreadable before (line 3" in back.out


def test_reformatting_without_a_value_change_is_said_so(cli, repo):
    path = repo / "claims" / "talks.yaml"
    path.write_text("# Checked against the AFP wire.\n" + path.read_text("utf-8"), "utf-8")
    run = cli("diff", "HEAD", "--root", repo)
    assert "- `talks`: Talks took place in Berlin — reformatted, no value changed" in run.out


def test_no_changes(cli, repo):
    run = cli("diff", "HEAD", "HEAD", "--root", repo)
    assert run.code == 0
    assert run.out.endswith(": no claims changed; no sources changed.\n")
    assert "**" not in run.out


def test_record_text_cannot_inject_markup_or_mentions(cli, repo):
    title = 'title: "@octocat <img src=x onerror=alert(1)> [click](javascript:alert(1)) `x` **b**"'
    write_kb(repo, claims={"evil": claim_yaml("evil", title=title)})
    run = cli("diff", "HEAD", "--root", repo)
    line = next(ln for ln in run.lines() if ln.startswith("- `evil`"))
    assert line == (
        "- `evil`: @\u200boctocat \\<img src=x onerror=alert(1)\\> \\[click\\](javascript:alert(1))"
        " \\`x\\` \\*\\*b\\*\\* — status `confirmed`"
    )


def test_a_status_with_backticks_stays_inside_its_code_span(cli, repo):
    write_kb(repo, claims={"talks": claim_yaml("talks", status="status: 'a`b'")})
    run = cli("diff", "HEAD", "--root", repo)
    assert "status: `confirmed` → ``a`b``" in run.out


def test_root_below_the_top_of_the_repository(cli, tmp_path):
    top = tmp_path / "top"
    root = write_kb(top / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "Add the knowledge base")
    write_kb(root, sources={"axios": AXIOS})
    run = cli("diff", "HEAD", "--root", root)
    assert "no claims changed; 1 source added." in run.out
    assert "- `axios`: Axios" in run.out


def test_unknown_revision_is_a_usage_error(cli, repo):
    run = cli("diff", "no-such-branch", "--root", repo)
    assert run.code == 2
    assert run.err == (
        "berlintalks: error: unknown revision 'no-such-branch': give a commit, branch or tag\n"
    )


def test_outside_a_git_repository_is_a_usage_error(cli, make_kb, monkeypatch):
    root = make_kb()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(root.parent))
    run = cli("diff", "HEAD", "--root", root)
    assert run.code == 2
    assert run.err == f"berlintalks: error: {str(root)!r} is not inside a git repository\n"
