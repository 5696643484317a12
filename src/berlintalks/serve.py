"""Preview the site with MkDocs' live-reload server; the plugin watches records and templates."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .build import BuildFailed, config_file
from .check import Report, check


def serve(root: Path, dev_addr: str = "127.0.0.1:8000", *, open_browser: bool = False) -> Report:
    """Serve until interrupted; returns at once with the report when the records have errors.

    Errors that appear while serving are shown in the terminal and the server waits for the
    fix; only the first build must succeed for the server to start.
    """
    from mkdocs.commands.serve import serve as mk_serve
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
    try:
        mk_serve(
            config_file=str(config_file(root)),
            dev_addr=dev_addr,
            livereload=True,
            open_in_browser=open_browser,
        )
    except MkDocsException as exc:
        raise BuildFailed(str(exc)) from exc
    finally:
        logger.removeHandler(handler)
    return report
