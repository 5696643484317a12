"""Nothing lost: no command writes into claims/ or sources/; a failed build keeps the old site."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from berlintalks.site.site_folder import exchange, swap
from conftest import BUNDLED, copy_from_repo, start_serve, subcommands

TIMEOUT = 300
# An upper bound on waiting for the preview server, not a speed target.
PATIENCE = 120.0


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """``berlintalks ARGS`` in a fresh interpreter, the way an editor or CI runs it."""
    return subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def writing_commands() -> dict[str, str]:
    """Each command that writes files where it is told, with the option that tells it where.

    Read from the parser, so a new command with ``--out`` is tried too; the three known ones
    must be among them, so a reader that found nothing fails rather than tries nothing.
    """
    found = {
        name: option
        for name, parser in subcommands().choices.items()
        for action in parser._actions
        for option in action.option_strings
        if option in ("--out", "--site-dir")
    }
    assert found.keys() >= {"build", "export", "generate"}, found
    return found


def copy_kb(dest: Path) -> Path:
    """A copy of the bundled knowledge base and site sources, so tests may break it."""
    return copy_from_repo(dest, BUNDLED)


def records_snapshot(root: Path) -> dict[str, tuple[str, int]]:
    """Every path under the record folders with its content hash and mtime in nanoseconds."""
    snap: dict[str, tuple[str, int]] = {}
    for folder in ("claims", "sources", "publications"):
        for path in sorted((root / folder).rglob("*")):
            stat = path.lstat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
            snap[path.relative_to(root).as_posix()] = (digest, stat.st_mtime_ns)
    return snap


def tree_hashes(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def test_commands_never_write_under_records(tmp_path: Path) -> None:
    root = copy_kb(tmp_path / "kb")
    before = records_snapshot(root)
    assert len([p for p in before if p.startswith("claims/")]) >= 10
    writing = writing_commands()
    ran = {"check": run("check", "--root", root, "-q").returncode}
    for name, option in sorted(writing.items()):
        done = run(name, "--root", root, option, tmp_path / name, "-q")
        assert "Traceback" not in done.stderr
        ran[name] = done.returncode
    assert ran == dict.fromkeys(["check", *writing], 0)
    assert records_snapshot(root) == before


@pytest.mark.parametrize("folder", ["claims", "sources"])
def test_writing_into_the_records_is_refused(tmp_path: Path, folder: str) -> None:
    root = copy_kb(tmp_path / "kb")
    before = records_snapshot(root)
    for name, option in sorted(writing_commands().items()):
        done = run(name, "--root", root, option, root / folder / "out")
        assert done.returncode == 2, (name, done.stderr)
        assert f"lies inside {folder}/; write the files somewhere else" in done.stderr
        assert "Traceback" not in done.stderr
    assert records_snapshot(root) == before


def test_failed_build_leaves_the_previous_site_exactly(tmp_path: Path) -> None:
    root = copy_kb(tmp_path / "kb")
    site = tmp_path / "site"
    first = run("build", "--root", root, "--site-dir", site, "-q")
    assert first.returncode == 0, first.stderr
    good = tree_hashes(site)
    assert "index.html" in good

    claim = root / "claims" / "berlin-talks-held.yaml"
    original = claim.read_bytes()
    claim.write_bytes(original.replace(b"\nstatus: ", b"\nstatus: no\nold_status: ", 1))
    records = records_snapshot(root)
    bad_claim = run("build", "--root", root, "--site-dir", site)
    assert bad_claim.returncode == 1
    assert "claims/berlin-talks-held.yaml:" in bad_claim.stdout
    assert " error BT103 'status' must be one of " in bad_claim.stdout
    assert "Traceback" not in bad_claim.stdout + bad_claim.stderr
    assert tree_hashes(site) == good
    assert records_snapshot(root) == records
    claim.write_bytes(original)
    records = records_snapshot(root)

    template = root / "templates" / "claim.html.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(text + "{% if %}\n", encoding="utf-8")
    broken = run("build", "--root", root, "--site-dir", site)
    assert broken.returncode == 2
    assert "Traceback" not in broken.stdout + broken.stderr
    assert "templates/claim.html.j2" in broken.stderr
    assert tree_hashes(site) == good

    template.write_text(text, encoding="utf-8")
    (root / "docs" / "stray.md").write_text("[gone](nowhere.md)\n", encoding="utf-8")
    warned = run("build", "--root", root, "--site-dir", site)
    assert warned.returncode == 2
    assert "nowhere.md" in warned.stderr
    assert "Traceback" not in warned.stdout + warned.stderr
    assert tree_hashes(site) == good

    # No half-built folders left beside the site, and the records were never touched.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kb", "site"]
    assert records_snapshot(root) == records


def test_debug_shows_the_traceback_of_a_template_error(tmp_path: Path) -> None:
    root = copy_kb(tmp_path / "kb")
    template = root / "templates" / "claim.html.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    debug = run("build", "--root", root, "--site-dir", tmp_path / "site", "--debug")
    assert debug.returncode == 2
    assert "Traceback (most recent call last)" in debug.stderr
    assert not (tmp_path / "site").exists()


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def test_serve_never_writes_into_the_knowledge_base(tmp_path: Path) -> None:
    root = copy_kb(tmp_path / "kb")
    before = records_snapshot(root)
    entries = sorted(p.name for p in root.iterdir())
    log = tmp_path / "serve.log"
    proc, port = start_serve(root, log)
    try:
        page = None
        deadline = time.monotonic() + PATIENCE
        while page is None and proc.poll() is None and time.monotonic() < deadline:
            page = _get(f"http://127.0.0.1:{port}/claims/berlin-talks-held/")
            time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert page is not None, log.read_text()
    assert "<h1" in page
    assert "Traceback" not in log.read_text()
    assert records_snapshot(root) == before
    assert sorted(p.name for p in root.iterdir()) == entries


def _site(folder: Path, text: str) -> Path:
    folder.mkdir()
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_swap_replaces_the_site_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    target = tmp_path / "site"
    swap(_site(tmp_path / "first", "first"), target)
    assert (target / "index.html").read_text() == "first"
    swap(_site(tmp_path / "second", "second"), target)
    assert (target / "index.html").read_text() == "second"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="atomic exchange is Linux's")
def test_swap_never_leaves_the_site_missing(tmp_path: Path) -> None:
    # Another process reads the site as fast as it can while builds swap it in, as a web
    # server would; it must never find the site gone.
    if not exchange(_site(tmp_path / "a", "a"), _site(tmp_path / "b", "b")):
        pytest.skip("this file system cannot exchange two folders in one step")
    target = _site(tmp_path / "site", "0")
    watcher = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import os, sys\n"
            "path, stop, misses = sys.argv[1], sys.argv[2], 0\n"
            "print('ready', flush=True)\n"
            "while not os.path.exists(stop):\n"
            "    misses += not os.path.exists(path)\n"
            "print(misses)\n",
            str(target / "index.html"),
            str(tmp_path / "stop"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert watcher.stdout is not None
    try:
        assert watcher.stdout.readline() == "ready\n"
        n, start = 0, time.monotonic()
        while time.monotonic() - start < 1.0:
            n += 1
            swap(_site(tmp_path / f"new-{n}", str(n)), target)
    finally:
        (tmp_path / "stop").touch()
        out, _ = watcher.communicate(timeout=60)
    assert (target / "index.html").read_text() == str(n)
    assert out.strip() == "0", f"the site was missing {out.strip()} times"
