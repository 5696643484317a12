"""Attacks on `build`, the history and `serve`, each tried as a pull request would try it."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from berlintalks import __version__
from berlintalks.site.build import MARK, remove_leftovers
from conftest import (
    SITE_FILES,
    SOURCES,
    Run,
    claim_yaml,
    commit_all,
    copy_from_repo,
    git,
    start_serve,
    write_kb,
)

LINK_REFUSED = "is a symbolic link; the site is built only into a real folder, never through a link"
NOT_A_SITE = f"is not a built site (no {MARK} mark from a berlintalks build) and is not empty"


def site_kb(root: Path, claims: dict[str, str] | None = None) -> Path:
    """A tiny knowledge base with the bundled site configuration, templates and docs."""
    write_kb(root, claims or {"talks": claim_yaml()}, SOURCES)
    return copy_from_repo(root)


def someones_files(folder: Path) -> Path:
    """A folder that was never a site: photos, notes, a database, and an index.html."""
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (folder / "notes.txt").write_text("call the notary\n", encoding="utf-8")
    (folder / "important").mkdir()
    (folder / "important" / "db.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(64))
    (folder / "index.html").write_text("<h1>My home page</h1>\n", encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` with the hash of its content ("dir" for folders)."""
    return {
        p.relative_to(folder).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        )
        for p in sorted(folder.rglob("*"))
    }


def temporary_folders(*folders: Path) -> list[str]:
    return sorted(p.name for f in folders for p in f.iterdir() if p.name.startswith(".site-"))


@pytest.fixture
def no_outer_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Whatever encloses the temporary folder, git must not find a repository above it.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return tmp_path


# ---------------------------------------------------------------- replacing what is not a site


def test_a_committed_site_link_is_refused_and_its_target_kept(
    no_outer_repo: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(no_outer_repo / "kb")
    elsewhere = someones_files(no_outer_repo / "elsewhere")
    before = snapshot(elsewhere)
    (root / "site").symlink_to(elsewhere, target_is_directory=True)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Add a site link")
    assert git(root, "ls-files", "-s", "site").startswith("120000 ")  # committed as a link

    run = cli("build", "--root", root)
    assert run.code == 2
    assert run.err == f"berlintalks: error: {root}/site {LINK_REFUSED} (remove the link or " + (
        "choose another --site-dir)\n"
    )
    assert snapshot(elsewhere) == before
    assert (elsewhere / "important" / "db.sqlite").read_bytes().startswith(b"SQLite format 3")
    assert (root / "site").is_symlink()
    # No temporary folder beside the link's target, nor beside the link.
    assert temporary_folders(no_outer_repo, root) == []


def test_a_site_dir_through_a_link_inside_the_repository_is_refused(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    elsewhere = someones_files(tmp_path / "elsewhere")
    before = snapshot(elsewhere)
    (root / "out").symlink_to(elsewhere, target_is_directory=True)

    run = cli("build", "--root", root, "--site-dir", root / "out" / "photos", "-q")
    assert run.code == 2
    assert run.err.startswith(f"berlintalks: error: {root}/out {LINK_REFUSED}")
    assert len(run.err.splitlines()) == 1
    assert snapshot(elsewhere) == before
    assert temporary_folders(elsewhere, root) == []


def test_a_site_dir_at_a_foreign_folder_with_an_index_html_is_refused(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    home = someones_files(tmp_path / "home")
    before = snapshot(home)

    run = cli("build", "--root", root, "--site-dir", home, "-q")
    assert run.code == 2
    assert run.err.startswith(f"berlintalks: error: {home} {NOT_A_SITE}; refusing to replace it")
    assert len(run.err.splitlines()) == 1
    assert snapshot(home) == before
    assert (home / "index.html").read_text(encoding="utf-8") == "<h1>My home page</h1>\n"
    assert temporary_folders(tmp_path) == []


def test_a_site_it_built_is_replaced_and_marked_with_the_version(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    site = tmp_path / "site"
    assert cli("build", "--root", root, "--site-dir", site, "-q").code == 0
    assert (site / MARK).read_text(encoding="utf-8") == f"berlintalks {__version__}\n"
    (site / "stale.html").write_text("from an older build", encoding="utf-8")

    again = cli("build", "--root", root, "--site-dir", site, "-q")
    assert again.code == 0, again.err
    assert not (site / "stale.html").exists()
    assert (site / "claims" / "talks" / "index.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "site"]


# ---------------------------------------------------------------- leftovers of killed builds


def test_leftovers_with_the_mark_are_removed_and_others_left_alone(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    ours_new, ours_old, foreign = (
        tmp_path / ".site-new-x",
        tmp_path / ".site-old-y",
        tmp_path / ".site-new-z",
    )
    for folder in (ours_new, ours_old):
        (folder / "claims").mkdir(parents=True)
        (folder / MARK).write_text(f"berlintalks {__version__}\n", encoding="utf-8")
        (folder / "claims" / "half.html").write_text("half-built", encoding="utf-8")
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine", encoding="utf-8")
    # A link named like a leftover, to a folder carrying the mark: never followed.
    marked_elsewhere = tmp_path / "elsewhere"
    marked_elsewhere.mkdir()
    (marked_elsewhere / MARK).write_text("berlintalks 0.0.1\n", encoding="utf-8")
    (tmp_path / ".site-new-link").symlink_to(marked_elsewhere, target_is_directory=True)

    run = cli("build", "--root", root, "--site-dir", tmp_path / "site", "-q")
    assert run.code == 0, run.err
    assert not ours_new.exists()
    assert not ours_old.exists()
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (marked_elsewhere / MARK).is_file()
    assert temporary_folders(tmp_path) == [".site-new-link", ".site-new-z"]


def test_a_build_killed_with_sigkill_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    # The bundled knowledge base takes seconds to build: long enough to find the build's
    # folder and kill the build inside it.
    root = tmp_path / "kb"
    copy_from_repo(root, ("claims", "sources", "publications", *SITE_FILES, "archive"))
    site = tmp_path / "site"
    proc = subprocess.Popen(
        [sys.executable, "-m", "berlintalks.cli", "build", "--root", str(root),
         "--site-dir", str(site), "-q"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        building: list[Path] = []
        while not building and proc.poll() is None and time.monotonic() < deadline:
            building = [p for p in tmp_path.glob(".site-new-*") if (p / MARK).is_file()]
            time.sleep(0.01)
        assert building, "the build ended before its folder was seen"
        # While the build runs its folder is not a leftover, even to another build.
        assert remove_leftovers(site) == []
        assert building[0].is_dir()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert building[0].is_dir()  # what SIGKILL leaves behind

    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "build", "--root", str(root),
         "--site-dir", str(site), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not building[0].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "site"]


# ---------------------------------------------------------------- readable by a web server


def test_the_site_is_readable_by_others_whatever_the_umask(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    site = tmp_path / "site"
    old = os.umask(0o077)
    try:
        run = cli("build", "--root", root, "--site-dir", site, "-q")
    finally:
        os.umask(old)
    assert run.code == 0, run.err
    modes = {
        p.relative_to(site).as_posix(): stat.S_IMODE(p.lstat().st_mode) for p in site.rglob("*")
    }
    assert stat.S_IMODE(site.stat().st_mode) == 0o755
    assert modes["claims/talks/index.html"] == 0o644
    assert modes["claims/talks"] == 0o755
    assert modes[MARK] == 0o644
    assert {m for p, m in modes.items() if (site / p).is_dir()} == {0o755}
    assert {m for p, m in modes.items() if (site / p).is_file()} == {0o644}


# ---------------------------------------------------------------- commit messages are data


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[str] = []
        self._li = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._li += tag == "li"
        if tag == "li":
            self.items.append("")

    def handle_endtag(self, tag: str) -> None:
        self._li -= tag == "li"

    def handle_data(self, data: str) -> None:
        if self._li:
            self.items[-1] += data


def commit_raw(root: Path, message: bytes, date: str) -> None:
    """Commit everything with ``message`` exactly as given: no cleanup, any bytes."""
    (root.parent / "message").write_bytes(message)
    git(root, "add", "-A", ".", date=date)
    git(root, "commit", "-q", "--cleanup=verbatim", "-F", str(root.parent / "message"), date=date)


def test_hostile_commit_subjects_build_and_are_shown_inert(
    no_outer_repo: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(no_outer_repo / "kb")
    git(root, "init", "-q", "-b", "main")
    commit_raw(
        root,
        b"Add\x1etalks\x1fnow\rhere <script>alert(1)</script>\n",
        "2025-12-14T09:00:00+00:00",
    )
    write_kb(root, claims={"talks": claim_yaml(status="status: reported")})
    commit_raw(
        root,
        b"Downgrade \xff\xfe talks\x1b[2K\xe2\x80\xae\n\nbody\x1e\n",
        "2025-12-15T09:00:00+00:00",
    )
    write_kb(root, claims={"talks": claim_yaml(title="title: Talks took place in Berlin again")})
    commit_raw(root, "one line\u2028two & <b>bold</b>\n".encode(), "2025-12-16T09:00:00+00:00")

    site = no_outer_repo / "site"
    run = cli("build", "--root", root, "--site-dir", site, "-q")
    assert run.code == 0, run.err
    html = (site / "claims" / "talks" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<b>bold" not in html
    for raw in ("\x1e", "\x1f", "\r", "\x1b", "\u202e", "\u2028"):
        assert raw not in html, repr(raw)
    page = Text()
    page.feed(html)
    items = [" ".join(i.split()) for i in page.items]
    changes = [i for i in items if re.match(r"2025-12-1\d [0-9a-f]{7,} ", i)]
    assert changes[0].endswith(r"one line\u2028two & <b>bold</b>")
    # Bytes that are not UTF-8 arrive as git re-encodes them, or as U+FFFD: never a crash.
    assert changes[1].split(" ", 2)[2].startswith("Downgrade ")
    assert changes[1].endswith(" talks\\x1b[2K\\u202e")
    assert changes[2].endswith(r"Add\x1etalks\x1fnow\rhere <script>alert(1)</script>")
    assert [c.split()[0] for c in changes] == ["2025-12-16", "2025-12-15", "2025-12-14"]


# ---------------------------------------------------------------- serve reports, not traces


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_a_record_that_cannot_be_rendered_is_one_line_under_serve_and_build(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    root = site_kb(tmp_path / "kb")
    # `check` refuses every value too large to print (BT103), so the failure comes from a
    # template that cannot show a record with no figures, as an edited template might.
    template = root / "templates" / "claim.html.j2"
    failing = template.read_text(encoding="utf-8") + "{{ 1 // (claim.figures | length) }}\n"
    where = "claims/talks.yaml: templates/claim.html.j2:"

    log = tmp_path / "serve.log"
    proc, port = start_serve(root, log)
    try:
        deadline = time.monotonic() + 120
        while _get(f"http://127.0.0.1:{port}/claims/talks/") is None:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        template.write_text(failing, encoding="utf-8")
        while "An error happened during the rebuild" not in log.read_text():
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    text = log.read_text()
    assert "Traceback" not in text
    errors = [line for line in text.splitlines() if where in line]
    assert len(errors) == 1, text
    assert errors[0].startswith(f"ERROR   -  berlintalks: {where}")
    assert "the page cannot be rendered (ZeroDivisionError:" in errors[0]

    site = tmp_path / "site"
    built = cli("build", "--root", root, "--site-dir", site, "-q")
    assert built.code == 2
    assert "Traceback" not in built.err
    assert f"berlintalks: {where}" in built.err
    assert "the last good site was left as it was" in built.err
    assert not site.exists()


def test_history_survives_forged_fields_and_names_with_newlines(no_outer_repo: Path) -> None:
    from berlintalks.records.history import Change, read_history

    root = write_kb(no_outer_repo / "kb", claims={"talks": claim_yaml()}, sources=SOURCES)
    git(root, "init", "-q", "-b", "main")
    # A subject built to look like the old separators and a second commit's fields.
    first = commit_all(root, "x\x1ffake\x1e0000000\x1f2000-01-01\x1fforged\nclaims/talks.yaml")
    # A file named with a newline, and a commit object written by hand with a NUL in its
    # message (git itself refuses one): the rest of the message must not become file names.
    (root / "claims" / "odd\nname.yaml").write_text("id: odd\n", encoding="utf-8")
    git(root, "add", "-A", ".")
    tree = git(root, "write-tree").strip()
    raw = (
        f"tree {tree}\nparent {first}\nauthor E <e@x> 1765875600 +0000\n"
        f"committer E <e@x> 1765875600 +0000\n\nnul\0claims/talks.yaml\n"
    )
    forged = (
        subprocess.run(
            ["git", "-C", str(root), "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
            input=raw.encode(),
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .strip()
    )
    git(root, "reset", "-q", forged)

    history = read_history(root)
    assert history is not None
    assert history["claims/talks.yaml"].changes == (
        Change(
            first[:7],
            "2025-12-16",
            r"x\x1ffake\x1e0000000\x1f2000-01-01\x1fforged claims/talks.yaml",
        ),
    )
    assert history["claims/odd\nname.yaml"].changes == (Change(forged[:7], "2025-12-16", "nul"),)
    assert sorted(history) == [
        "claims/odd\nname.yaml",
        "claims/talks.yaml",
        "sources/afp.yaml",
        "sources/zelensky.yaml",
    ]
