"""`berlintalks serve` rebuilds when a claim or a template changes, and reports bad records."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, claim_yaml, commit_all, copy_from_repo, git, start_serve

# An upper bound on waiting for the server, not a speed target: slow machines pass too.
PATIENCE = 90.0


def wait_for(fetch: Callable[[], str | None], want: str) -> str:
    deadline = time.monotonic() + PATIENCE
    last = None
    while time.monotonic() < deadline:
        last = fetch()
        if last is not None and want in last:
            return last
        time.sleep(0.2)
    raise AssertionError(f"never saw {want!r}; last response: {last!r:.300}")


def talks_page(port: int) -> str | None:
    """The served page of the claim `talks`, or None while the server cannot answer."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/claims/talks/", timeout=5) as r:
            return str(r.read().decode())
    except OSError:
        return None


def scratch(root: Path) -> Path:
    """The server's temporary folder."""
    folder = root.parent / "serve-tmp"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def serve_kb(make_kb: Callable[..., Path]):  # type: ignore[no-untyped-def]
    """Start `berlintalks serve` on a copy of the site files: (root, port, log, process)."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(*options: str) -> tuple[Path, int, Path, subprocess.Popen[bytes]]:
        root = copy_from_repo(make_kb())
        log = root.parent / "serve.log"
        # git must not find a repository around the temporary folder, and the server's own
        # temporary site goes where a test can look for it.
        env = {
            **os.environ,
            "GIT_CEILING_DIRECTORIES": str(root.parent),
            "TMPDIR": str(scratch(root)),
        }
        proc, port = start_serve(root, log, *options, env=env)
        procs.append(proc)
        return root, port, log, procs[-1]

    yield start
    for proc in procs:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture
def served(serve_kb):  # type: ignore[no-untyped-def]
    return serve_kb()


def test_serve_rebuilds_on_claim_and_template_edits(served) -> None:  # type: ignore[no-untyped-def]
    root, port, log, _ = served

    page = functools.partial(talks_page, port)

    wait_for(page, "Talks took place in Berlin")
    (root / "claims" / "talks.yaml").write_text(
        claim_yaml(title="title: Edited while serving"), encoding="utf-8"
    )
    wait_for(page, "Edited while serving")
    tpl = root / "templates" / "claim.html.j2"
    tpl.write_text(tpl.read_text() + "\nTemplate edited while serving.\n")
    wait_for(page, "Template edited while serving.")
    (root / "claims" / "talks.yaml").write_text(
        claim_yaml(status="status: confirmd"), encoding="utf-8"
    )
    wait_for(lambda: log.read_text(), "claims/talks.yaml:4:9: error BT104")


def test_serve_follows_theme_edits_and_new_commits(served) -> None:  # type: ignore[no-untyped-def]
    # The server keeps compiled theme templates and git histories between rebuilds; an
    # edited theme template and a new commit must still show.
    root, port, _, _ = served

    page = functools.partial(talks_page, port)

    wait_for(page, "Talks took place in Berlin")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "Add the Berlin talks")
    claim = root / "claims" / "talks.yaml"
    claim.write_text(claim_yaml(title="title: Retitled after the first commit"), "utf-8")
    first = wait_for(page, "Retitled after the first commit")
    assert "Add the Berlin talks" in first

    commit_all(root, "Retitle the talks", date="2025-12-17T09:00:00+00:00")
    theme = root / "templates" / "theme" / "main.html"
    theme.write_text(
        theme.read_text("utf-8")
        + '{% block extrahead %}<meta name="bt-probe" content="theme edited">{% endblock %}\n',
        "utf-8",
    )
    second = wait_for(page, 'content="theme edited"')
    assert "Retitle the talks" in second
    assert "Add the Berlin talks" in second


def builds(log: Path) -> int:
    return log.read_text("utf-8").count("Building documentation")


def test_serve_rebuilds_once_per_save(served) -> None:  # type: ignore[no-untyped-def]
    # The operating system reports files being opened and read as well as written, and
    # every build reads every record: unless the server listens for writes only, each
    # build sets off the next one.
    root, port, log, _ = served

    page = functools.partial(talks_page, port)
    wait_for(page, "Talks took place in Berlin")
    assert "Told of changes by inotify" in log.read_text("utf-8")
    time.sleep(2.0)
    assert builds(log) == 1, log.read_text("utf-8")
    (root / "claims" / "talks.yaml").write_text(claim_yaml(title="title: Saved once"), "utf-8")
    wait_for(page, "Saved once")
    time.sleep(2.0)
    assert builds(log) == 2, log.read_text("utf-8")


def test_serve_can_poll_for_changes(serve_kb) -> None:  # type: ignore[no-untyped-def]
    # For file systems that do not report changes (some network and container mounts).
    root, port, log, _ = serve_kb("--poll")

    page = functools.partial(talks_page, port)
    wait_for(page, "Talks took place in Berlin")
    assert "Told of changes by" not in log.read_text("utf-8")
    (root / "claims" / "talks.yaml").write_text(claim_yaml(title="title: Polled"), "utf-8")
    wait_for(page, "Polled")


def test_serve_says_when_its_address_is_taken(served) -> None:  # type: ignore[no-untyped-def]
    root, port, _, _ = served

    wait_for(functools.partial(talks_page, port), "Talks took place in Berlin")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "berlintalks.cli", "serve"),
            *("--root", str(root), "--dev-addr", f"127.0.0.1:{port}"),
        ],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 2
    taken = f"berlintalks: cannot serve on 127.0.0.1:{port}: Address already in use"
    assert taken in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_serve_removes_its_temporary_site_when_stopped(
    serve_kb,  # type: ignore[no-untyped-def]
    stop: signal.Signals,
) -> None:
    root, port, log, server = serve_kb()
    wait_for(functools.partial(talks_page, port), "Talks took place in Berlin")
    assert [p.name[:17] for p in scratch(root).iterdir()] == ["berlintalks-serve"]
    server.send_signal(stop)
    deadline = time.monotonic() + PATIENCE
    while any(scratch(root).iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(scratch(root).iterdir()) == []
    assert "Shutting down..." in log.read_text("utf-8")


def test_serve_refuses_records_with_errors(make_kb: Callable[..., Path]) -> None:
    root = make_kb(claims={"talks": claim_yaml(status="status: confirmd")})
    shutil.copy2(REPO / "mkdocs.yml", root / "mkdocs.yml")
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "serve", "--root", str(root)],
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert done.returncode == 1
    assert done.stdout.startswith("claims/talks.yaml:4:9: error BT104 ")
    assert "not serving: 1 error(s) in the records" in done.stderr
    assert "internal error" not in done.stderr


def test_the_plugin_outlives_a_rebuild(tmp_path: Path) -> None:
    # MkDocs keeps a plugin between `serve` rebuilds only if it has a startup hook; without
    # one, the compiled templates and histories it keeps would be thrown away every time.
    from mkdocs.config import load_config

    first = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "a"))
    second = load_config(str(REPO / "mkdocs.yml"), site_dir=str(tmp_path / "b"))
    assert first.plugins["berlintalks"] is second.plugins["berlintalks"]
