"""What berlintalks' own code is, for the caches that must not outlive a change to it."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from . import __version__


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of berlintalks' modules: a change to the code changes it, released or not."""
    h = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
