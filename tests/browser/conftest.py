"""Browser fixtures: the built site served on 127.0.0.1, one headless Chromium, a watched page."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

HOST = "127.0.0.1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

# Without these Chromium phones home (updates, sync, safe browsing, QUIC probes) on start,
# which would show up as requests leaving 127.0.0.1 that the site never made. The resolver
# rule makes every other host unreachable, so a stray request fails here as it would offline.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers give /dev/shm 64 MB, too little for a renderer
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-default-apps",
    "--disable-extensions",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {HOST}",
]

HOW_TO_GET_CHROMIUM = (
    "the browser tests need Chromium: install it with `sudo apt-get install chromium` "
    "(Debian/Ubuntu) or set BERLINTALKS_CHROMIUM to a Chromium or Chrome executable"
)


def find_chromium() -> str | None:
    """The Chromium to drive: $BERLINTALKS_CHROMIUM, else `chromium` on PATH, else Debian's."""
    configured = os.environ.get("BERLINTALKS_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None  # a wrong path is not ignored
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def unavailable(reason: str) -> None:
    """Skip on a developer's machine; fail under CI, where a skipped browser suite hides defects."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A page left mid-download (the next goto) closes its sockets; that is no defect.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over HTTP on a free port of 127.0.0.1, as ``http://127.0.0.1:PORT``."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _Server((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the whole session; contexts keep the tests apart."""
    executable = find_chromium()
    if executable is None:
        configured = os.environ.get("BERLINTALKS_CHROMIUM")
        unavailable(
            f"BERLINTALKS_CHROMIUM={configured} is not a file; {HOW_TO_GET_CHROMIUM}"
            if configured
            else HOW_TO_GET_CHROMIUM
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is missing: install the test extra with `pip install -e '.[test]'`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def shots_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: under pytest's temporary folder, never in the repository."""
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class Reader:
    """A browser context on the served site that records what a reader's browser did."""

    context: Any
    page: Any
    base: str
    shots: Path
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def open(self, path: str) -> Any:
        """Go to a site path and wait until it has loaded; fails on an HTTP error status."""
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None, f"no response for {path}"
        assert response.status == 200, f"{path} answered HTTP {response.status}"
        self.visited.append(path)
        return self.page

    def path(self) -> str:
        """The current page's path on the site, e.g. ``/claims/x/``."""
        return urlsplit(self.page.url).path

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        """Save a full-page screenshot in the session's folder and in $BERLINTALKS_ARTIFACTS."""
        target = self.shots / f"{name}.png"
        self.page.screenshot(path=str(target), full_page=full_page)
        artifacts = os.environ.get("BERLINTALKS_ARTIFACTS")
        if artifacts:
            Path(artifacts).mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, Path(artifacts) / target.name)
        return target

    def _on_request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != HOST:
            try:
                origin = request.frame.url
            except Exception:  # a worker's request has no frame, and Playwright raises
                origin = "a worker"
            self.foreign.append(f"{request.url} (from {origin})")

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"console error on {self.page.url}: {message.text}")

    def _on_page_error(self, error: Any) -> None:
        self.errors.append(f"uncaught exception on {self.page.url}: {error}")


def _route(base: str, reader: Reader) -> Callable[[Any], None]:
    """Let requests to the served site through and abort, after recording, every other one."""
    own = urlsplit(base).netloc

    def handle(route: Any) -> None:
        parts = urlsplit(route.request.url)
        if parts.scheme in ("http", "https") and parts.netloc != own:
            reader.foreign.append(f"{route.request.url} (aborted)")
            route.abort()
        else:
            route.continue_()

    return handle


@pytest.fixture
def open_reader(browser: Any, site_url: str, shots_dir: Path) -> Iterator[Callable[..., Reader]]:
    """Make readers (one browser context each) and check, after the test, what their pages did.

    Every request is recorded and any whose host is not 127.0.0.1 fails the test (fonts, CDN
    scripts, analytics), as does any console error or uncaught exception on any page visited.
    """
    readers: list[Reader] = []

    def make(
        viewport: dict[str, int] = DESKTOP, color_scheme: str = "light", **options: Any
    ) -> Reader:
        context = browser.new_context(
            viewport=viewport, color_scheme=color_scheme, service_workers="block", **options
        )
        context.set_default_timeout(10_000)
        page = context.new_page()
        reader = Reader(context=context, page=page, base=site_url, shots=shots_dir)
        context.route("**/*", _route(site_url, reader))
        context.on("request", reader._on_request)
        page.on("console", reader._on_console)
        page.on("pageerror", reader._on_page_error)
        readers.append(reader)
        return reader

    yield make

    for reader in readers:
        reader.context.close()
    foreign = [r for reader in readers for r in reader.foreign]
    errors = [e for reader in readers for e in reader.errors]
    visited = sorted({p for reader in readers for p in reader.visited})
    assert not foreign, "requests left 127.0.0.1:\n" + "\n".join(sorted(set(foreign)))
    assert not errors, "errors in the browser:\n" + "\n".join(errors) + f"\n(visited {visited})"


@pytest.fixture
def reader(open_reader: Callable[..., Reader]) -> Reader:
    """A desktop-sized reader in the light scheme."""
    return open_reader()
