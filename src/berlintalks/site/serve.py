"""Preview the site with MkDocs' live-reload server; the plugin watches records and templates."""

from __future__ import annotations

import errno
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..checks import Report, check
from .paths import BuildFailed, config_file
from .unchanged import DirtyNotice

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver, ObservedWatch

log = logging.getLogger("mkdocs.berlintalks.serve")


class ServeFailed(Exception):
    """The server could not start: its address is taken, or changes cannot be watched."""


def serve(
    root: Path, dev_addr: str = "127.0.0.1:8000", *, open_browser: bool = False, poll: bool = False
) -> Report:
    """Serve until interrupted; returns at once with the report when the records have errors.

    Errors that appear while serving are shown in the terminal and the server waits for the
    fix; only the first build must succeed for the server to start. ``poll`` looks for
    changed files every half second instead of being told of them by the operating system,
    for file systems that do not tell (some network and container mounts).
    """
    from mkdocs.exceptions import MkDocsException

    root = root.resolve()
    report = check(root)
    if report.errors:
        return report
    # MkDocs' own command line installs this handler; through the API nothing would be shown.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    notice = DirtyNotice()
    logging.getLogger("mkdocs.commands.build").addFilter(notice)
    try:
        _serve(config_file(root), dev_addr, open_browser=open_browser, poll=poll)
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from exc
    finally:
        logger.removeHandler(handler)
        logging.getLogger("mkdocs.commands.build").removeFilter(notice)
    return report


def _serve(config_path: Path, dev_addr: str, *, open_browser: bool, poll: bool) -> None:
    """`mkdocs serve`, told of changes by the operating system rather than polling for them.

    MkDocs looks for changed files every 0.5 s, which is a quarter of a second of every
    reload on average and a stat of every watched file twice a second; inotify (or the
    platform's equivalent, which watchdog picks) reports a save at once and costs nothing
    while idle, whatever the number of records.
    """
    site_dir = tempfile.mkdtemp(prefix="berlintalks-serve-")
    try:
        with _terminate_as_interrupt():
            _run_server(config_path, dev_addr, site_dir, open_browser=open_browser, poll=poll)
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """Stop on SIGTERM and on SIGINT (Ctrl-C) alike, so the temporary site is removed.

    SIGINT is set explicitly too: a process started in the background of a script inherits
    it ignored, and Python then leaves it so, which made `kill -INT` do nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {
        sig: signal.signal(sig, signal.default_int_handler)
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _run_server(
    config_path: Path, dev_addr: str, site_dir: str, *, open_browser: bool, poll: bool
) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.exceptions import Abort, MkDocsException
    from mkdocs.livereload import LiveReloadServer

    def get_config() -> MkDocsConfig:
        return load_config(config_file=str(config_path), site_dir=site_dir, dev_addr=dev_addr)

    config = get_config()
    config.plugins.on_startup(command="serve", dirty=False)
    # The site's inputs besides the records, as of the last rebuild that succeeded; None
    # until one has, or after one failed, when the next must build every page.
    last: list[tuple[tuple[str, int, int], ...] | None] = [None]
    try:
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path

        def builder(config: MkDocsConfig | None = None) -> None:
            log.info("Building documentation...")
            if config is None:
                config = get_config()
            config.site_url = server.url
            inputs = site_inputs(config_path.parent, config.docs_dir)
            # Only records changed: MkDocs may leave the pages that did not change alone.
            dirty = last[0] is not None and inputs == last[0]
            last[0] = None
            _tell_plugin(config, dirty)
            try:
                build(config, serve_url=server.url, dirty=dirty)
                last[0] = inputs
            except MkDocsException:
                raise
            except Exception as exc:
                # MkDocs' server prints the traceback of anything but its own errors; an
                # editor saving a record needs one line, and the next save rebuilds.
                log.error(
                    "berlintalks: the site could not be built: %s: %s", type(exc).__name__, exc
                )
                raise Abort("Aborted with an error") from None

        server = LiveReloadServer(
            builder=builder, host=host, port=port, root=site_dir, mount_path=mount_path
        )
        if not poll:
            # Replaced before anything is watched, so every watch goes to the new observer.
            server.observer = _changes_observer()
        server.error_handler = lambda code: _error_page(Path(site_dir), code)

        builder(config)
        server.watch(config.docs_dir)
        if config.config_file_path:
            server.watch(config.config_file_path)
        server = config.plugins.on_serve(server, config=config, builder=builder)
        for item in config.watch:
            server.watch(item)
        try:
            server.serve(open_in_browser=open_browser)
        except KeyboardInterrupt:
            log.info("Shutting down...")
        except OSError as exc:
            hint = ""
            if exc.errno in (errno.ENOSPC, errno.EMFILE) and not poll:
                hint = " (the limit on watched files; try --poll)"
            raise ServeFailed(f"{exc.strerror or exc}{hint}") from exc
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()


def site_inputs(root: Path, docs_dir: str) -> tuple[tuple[str, int, int], ...]:
    """Every file of the site but the records (mkdocs.yml, docs/, templates/), by path, size
    and time of change: a change to any of them rebuilds every page, as MkDocs' dirty
    builds do not redo the pages a new title or template would change."""
    found = []
    for top in (root / "mkdocs.yml", Path(docs_dir), root / "templates"):
        paths = [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []
        for path in paths:
            try:
                info = path.lstat()
            except OSError:
                continue
            found.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(found)


def _tell_plugin(config: Any, dirty: bool) -> None:
    from .plugin import BerlinTalksPlugin

    for plugin in config.plugins.values():
        if isinstance(plugin, BerlinTalksPlugin):
            plugin.leave_unchanged(dirty)


def _changes_observer() -> BaseObserver:
    """The platform's notifying observer, told only of files written, created, moved or removed.

    Unlike polling, notifications also report files being opened and read, and a build
    reads every record: without the filter each build would set off the next. (MkDocs'
    server ignores events on folders.)
    """
    import watchdog.events as ev
    from watchdog.observers import Observer

    changes: list[type[ev.FileSystemEvent]] = [
        ev.FileCreatedEvent,
        ev.FileModifiedEvent,
        ev.FileMovedEvent,
        ev.FileDeletedEvent,
        ev.FileClosedEvent,
        ev.FileAttribEvent,  # `touch`, to rebuild on purpose
    ]

    class ChangesObserver(Observer):  # type: ignore[misc,valid-type]
        def schedule(self, *args: Any, **kwargs: Any) -> ObservedWatch:
            kwargs.setdefault("event_filter", changes)
            return super().schedule(*args, **kwargs)  # type: ignore[no-any-return]

    # InotifyObserver, FSEventsObserver, KqueueObserver, WindowsApiObserver or, where the
    # platform has none, PollingObserver.
    log.info("Told of changes by %s", Observer.__name__.removesuffix("Observer").lower())
    return ChangesObserver()


def _error_page(site: Path, code: int) -> bytes | None:
    if code in (404, 500):
        page = site / f"{code}.html"
        if page.is_file():
            return page.read_bytes()
    return None
