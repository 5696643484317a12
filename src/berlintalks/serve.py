"""Preview the site with MkDocs' live-reload server; the plugin watches records and templates."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from .build import config_file


def serve(root: Path, dev_addr: str = "127.0.0.1:8000", *, open_browser: bool = False) -> None:
    from mkdocs.commands.serve import serve as mk_serve

    # MkDocs' own command line installs this handler; through the API nothing would be shown.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    mk_serve(
        config_file=str(config_file(root.resolve())),
        dev_addr=dev_addr,
        livereload=True,
        open_in_browser=open_browser,
    )
