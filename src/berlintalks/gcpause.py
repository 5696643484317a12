"""Pausing Python's cycle collector around work that builds many objects and no cycles."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable
from typing import Any, TypeVar

_F = TypeVar("_F", bound=Callable[..., Any])


def without_cycle_collector(fn: _F) -> _F:
    """Run ``fn`` with Python's cycle collector paused, and restore it after.

    Loading allocates hundreds of thousands of small objects, none in a reference cycle, so
    each collection rescans a growing heap for nothing: a sixth of load time at 10,000 claims
    (`python benchmarks/bench.py --sizes 10000`), and the rules that run over the loaded
    records would pay the same. Memory is still freed by reference counting.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper  # type: ignore[return-value]
