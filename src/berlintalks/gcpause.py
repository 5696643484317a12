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


# How many holders want the heap kept out of the collector's view (`freeze`); the objects
# frozen go back to it when the last of them lets go.
_holders = 0


def freeze() -> None:
    """Keep every object alive now out of the cycle collector's view, until `thaw`.

    A build holds the records, their pages and MkDocs' files for its whole length, and each
    full collection walks all of them again: at 10,000 claims nine such collections took
    5.4 s of a 117 s build. Frozen objects are still freed by reference counting; a cycle
    among them waits for the thaw. Counted, so a holder inside another's freeze (the second
    process's fork) does not end it early.
    """
    global _holders
    _holders += 1
    gc.freeze()


def freeze_more() -> None:
    """Add what was made since to a freeze already held; nothing when none is."""
    if _holders:
        gc.freeze()


def thaw() -> None:
    """Let go of one `freeze`; the last one puts the frozen objects back in the collector's view."""
    global _holders
    if _holders == 0:
        return
    _holders -= 1
    if _holders == 0:
        gc.unfreeze()
