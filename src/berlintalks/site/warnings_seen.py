"""Whether MkDocs will fail the build under way: in strict mode, any warning logged.

MkDocs fails a strict build for its warnings only after every plugin's `on_post_build`
has run, so the plugin would keep that build's pages in the cache folder (and drop the
last good build's) for a build that fails: after a broken link was mended, every page
would be rendered again. The plugin counts the warnings as MkDocs does, on the logger it
counts them on, and keeps nothing of a build that will fail.
"""

from __future__ import annotations

import logging


class WarningsSeen(logging.Handler):
    """Counts the warnings logged under ``mkdocs`` from `start` to `stop`."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1

    @classmethod
    def start(cls) -> WarningsSeen:
        seen = cls()
        logging.getLogger("mkdocs").addHandler(seen)
        return seen

    def stop(self) -> int:
        """Stop counting; the warnings seen."""
        logging.getLogger("mkdocs").removeHandler(self)
        return self.count
