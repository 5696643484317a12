"""The benchmark runs: its synthetic records pass check and its serve timing reaches a browser.
The progress bar shows on terminals."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from bench import Reload, chromium_path, report, serve_target
from synth import generate

from berlintalks.checks.progress import Bar, wanted


def test_synthetic_kb_smoke_passes_check(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = generate(tmp_path / "kb", 50, site=False)
    assert len(list((root / "claims").glob("*.yaml"))) == 50
    run = cli("check", "--root", root)
    assert run.code == 0, run.out
    assert run.out == ""
    assert "0 errors, 0 warnings in" in run.err


@pytest.fixture(scope="module")
def kb_330(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 claims and 30 sources: enough files for the bar."""
    return generate(tmp_path_factory.mktemp("bench") / "kb", 300, site=False)


def _check_on_pty(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run check with stderr on a pseudo-terminal; its exit code and everything it wrote there."""
    primary, secondary = os.openpty()
    env = {k: v for k, v in os.environ.items() if k != "CI"} if env is None else env
    proc = subprocess.Popen(
        [sys.executable, "-m", "berlintalks.cli", "check", "--root", str(root), *args],
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env=env,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(primary)
    return proc.wait(timeout=120), b"".join(chunks).decode("utf-8", "replace")


def test_bar_drawn_on_a_terminal(kb_330: Path) -> None:
    code, err = _check_on_pty(kb_330)
    assert code == 0
    assert "checking [" in err
    assert "/333 files" in err
    assert "333/333 files" in err  # the last file always redraws, so the bar ends full
    assert "\r\x1b[K" in err  # and is erased before the summary
    assert err.rstrip().endswith("0 errors, 0 warnings in 333 files")


def test_no_bar_with_quiet_on_a_terminal(kb_330: Path) -> None:
    code, err = _check_on_pty(kb_330, "--quiet")
    assert code == 0
    assert "checking [" not in err
    assert err == ""


def test_no_bar_in_ci_on_a_terminal(kb_330: Path) -> None:
    code, err = _check_on_pty(kb_330, env={**os.environ, "CI": "true"})
    assert code == 0
    assert "checking [" not in err
    assert "0 errors, 0 warnings in 333 files" in err


def test_no_bar_without_a_terminal(kb_330: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", "check", "--root", str(kb_330)],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "CI"},
    )
    assert done.returncode == 0
    assert "checking [" not in done.stderr
    assert done.stderr == "0 errors, 0 warnings in 333 files\n"


def test_bar_skips_small_runs_and_erases_itself() -> None:
    out = io.StringIO()
    bar = Bar("checking", out, min_items=300)
    bar(5, 10)
    assert out.getvalue() == ""
    bar(150, 300)
    assert out.getvalue() == "\rchecking [###############...............] 150/300 files"
    bar.close()
    assert out.getvalue().endswith("\r\x1b[K")


def test_wanted_only_on_a_terminal_outside_ci() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert wanted(Tty(), quiet=False, env={}) is True
    assert wanted(Tty(), quiet=True, env={}) is False
    assert wanted(Tty(), quiet=False, env={"CI": "1"}) is False
    assert wanted(io.StringIO(), quiet=False, env={}) is False


@pytest.mark.bench
def test_bench_times_a_serve_reload_end_to_end(tmp_path: Path) -> None:
    # The bench as a maintainer runs it, serve timing only: it must carry an edit all the way
    # to a browser. No figure is asserted; timings belong in the README, not in tests.
    def bench() -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [
                *(sys.executable, str(REPO / "benchmarks" / "bench.py")),
                *("--sizes", "", "--runs", "1", "--workdir", str(tmp_path)),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done

    done = bench()
    assert "serve: reload after" in done.stderr
    assert "a saved claim → browser told to reload after" in done.stdout
    if chromium_path() is not None:
        assert "headless Chromium showing it after" in done.stdout
    else:
        assert "no browser timing" in done.stderr
    bench()  # again in the same work folder: it starts from a fresh copy of the records


def test_serve_report_holds_each_size_to_its_own_target() -> None:
    # The issue asks under 2 s at 1,000 claims and under 3 s at 10,000: 2.5 s passes one only.
    times = [Reload(told=2.0, page=2.2, browser=2.5)]
    small = report([], times, 1, [], "1,000 synthetic claims", serve_target(1000))
    large = report([], times, 1, [], "10,000 synthetic claims", serve_target(10_000))
    assert "target < 2 s: **no**" in small, small
    assert "target < 3 s: yes" in large, large
    assert serve_target(None) == 2.0
