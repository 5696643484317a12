"""A progress bar on stderr for long runs, drawn only for a person watching a terminal."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TextIO

# Below this many files a check ends before a bar would be worth reading.
MIN_ITEMS = 300
WIDTH = 30
# Redraw at most this often: a terminal repainting on each of 50,000 files slows the run.
INTERVAL = 0.1


class Callback(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


class Bar:
    """Draws ``label [#####.....] done/total files`` in place on one terminal line."""

    def __init__(self, label: str, stream: TextIO, *, min_items: int = MIN_ITEMS) -> None:
        self.label = label
        self.stream = stream
        self.min_items = min_items
        self.drawn = False
        self._last = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_items:
            return
        now = time.monotonic()
        if done < total and now - self._last < INTERVAL:
            return
        self._last = now
        filled = WIDTH * done // total
        self.stream.write(
            f"\r{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {done}/{total} files"
        )
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        # Erase the bar, so the findings and the summary start on a clean line.
        if self.drawn:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.drawn = False


def wanted(stream: TextIO, *, quiet: bool, env: Mapping[str, str] | None = None) -> bool:
    """Whether to draw: on a terminal, unless asked to be quiet or running in CI."""
    env = os.environ if env is None else env
    if quiet or env.get("CI"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False


@contextmanager
def progress(
    label: str, *, quiet: bool = False, stream: TextIO | None = None
) -> Iterator[Callback | None]:
    """A callback for ``load(root, progress=...)``, or None where no bar should be drawn."""
    stream = sys.stderr if stream is None else stream
    if not wanted(stream, quiet=quiet):
        yield None
        return
    bar = Bar(label, stream)
    try:
        yield bar
    finally:
        bar.close()
