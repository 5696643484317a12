"""read_history tells when each record was added and changed, and why, from a real git repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from berlintalks.records.history import Change, read_history
from conftest import SOURCES, claim_yaml, commit_all, git, write_kb


@pytest.fixture
def no_outer_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Whatever encloses the temporary folder, git must not find a repository above it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return tmp_path


def test_added_and_last_changed_with_commit_subjects(no_outer_repo):
    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    first = commit_all(root, "Add the Berlin talks", date="2025-12-14T18:00:00+00:00")
    write_kb(root, claims={"talks": claim_yaml("talks", status="status: reported")})
    second = commit_all(
        root,
        "Downgrade talks: only one source\n\nThe second outlet quoted the first.",
        date="2025-12-16T08:30:00+00:00",
    )
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    commit_all(root, "Add notes", date="2025-12-17T08:30:00+00:00")

    history = read_history(root)
    assert history is not None
    assert sorted(history) == ["claims/talks.yaml", "sources/afp.yaml", "sources/zelensky.yaml"]
    talks = history["claims/talks.yaml"]
    assert talks.changes == (
        Change(second[:7], "2025-12-16", "Downgrade talks: only one source"),
        Change(first[:7], "2025-12-14", "Add the Berlin talks"),
    )
    assert talks.added.subject == "Add the Berlin talks"
    assert talks.last_changed.date == "2025-12-16"
    afp = history["sources/afp.yaml"]
    assert afp.added == afp.last_changed == Change(first[:7], "2025-12-14", "Add the Berlin talks")


def test_subjects_keep_their_characters(no_outer_repo):
    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Zelensky: “territory is painful” | 50/50 split — Zaporizhzhia")
    history = read_history(root)
    assert history is not None
    assert history["claims/talks.yaml"].added.subject == (
        "Zelensky: “territory is painful” | 50/50 split — Zaporizhzhia"
    )


def test_root_below_the_top_of_the_repository(no_outer_repo):
    top = no_outer_repo / "top"
    root = write_kb(top / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    (top / "claims").mkdir()
    (top / "claims" / "elsewhere.yaml").write_text("id: elsewhere\n", encoding="utf-8")
    git(top, "init", "-q", "-b", "main")
    commit_all(top, "Add a knowledge base in a subfolder")
    history = read_history(root)
    assert history is not None
    assert sorted(history) == ["claims/talks.yaml", "sources/afp.yaml", "sources/zelensky.yaml"]


def test_no_git_repository_gives_none(no_outer_repo):
    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    assert read_history(root) is None


def test_a_repository_without_commits_gives_none(no_outer_repo):
    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    assert read_history(root) is None


def test_uncommitted_files_have_no_history(no_outer_repo):
    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml("talks")}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Add the Berlin talks")
    write_kb(root, claims={"fresh": claim_yaml("fresh")})
    history = read_history(root)
    assert history is not None
    assert "claims/fresh.yaml" not in history
    assert history["claims/talks.yaml"].added.subject == "Add the Berlin talks"
