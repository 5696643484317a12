"""The limits on a record file: far above any real record, they bound what a hostile file costs."""

from __future__ import annotations

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000
