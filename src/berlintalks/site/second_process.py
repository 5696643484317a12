"""Work split with a second process, on a second core, its results read back in order.

A build renders pages one after another on one core. Where the pages are independent (each
page's HTML from our templates, each page's output from the theme), the build forks once
the shared state is ready: the copy makes its share of the items, in order, and sends each
result back through a pipe; the build makes the rest itself and reads the copy's results as
it reaches them. An item the copy could not make (it failed, or logged a warning), or any
item after the copy has gone, is made by the build itself, so the copy can make a build
faster but never change what it writes. Each caller checks what it takes besides (the
theme's outputs carry the key of everything they are made of, see `theme_share`).

The pipe holds a few results at most, so the copy never runs far ahead of the build and the
results in flight take little memory.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

# Below this many items, starting the second process costs more than it saves. Above the
# most, it saves nothing and doubles the memory: the copy's allocations land all over the heap
# it shares with the build, so the system copies nearly all of it (at 55,000 pages the two
# processes held 2.4 GB together, against 1.3 GB for one, in the same time).
MIN_ITEMS = 200
MAX_ITEMS = 20_000
# A second process that sends nothing for this long is stopped (a page takes milliseconds):
# the build goes on alone rather than wait.
STALL_S = 60.0

_HEAD = struct.Struct("!II")  # the item's number, the size of its result (0: none)

# What the second process makes of item number N: its result, or None (make it in the build).
Make = Callable[[int], bytes | None]


@dataclass
class Tally:
    """How many results a piece of work took from its second process."""

    started: bool = False
    taken: int = 0


def can_fork() -> bool:
    """Whether this build may start a second process: Linux, two cores, no other thread."""
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) >= 2 and threading.active_count() == 1


def share_of(count: int, share: float) -> list[int]:
    """Which of ``count`` items the second process makes: ``share`` of them, spread evenly."""
    return [i for i in range(count) if int((i + 1) * share) > int(i * share)]


class SecondProcess:
    """The second process of one piece of work, and its results, read as they are needed."""

    def __init__(self, pid: int, fd: int, share: list[int]) -> None:
        self._pid = pid
        self._fd: int | None = fd
        self._buffer = bytearray()
        self.share = frozenset(share)
        self._last = -1  # the number of the last result read from the pipe
        self.taken = 0

    @classmethod
    def start(cls, count: int, make: Make, share: float, extra: int = 0) -> SecondProcess | None:
        """Fork a process that makes ``share`` of items ``0..count-1`` with ``make``, and the
        ``extra`` items after them; None when too few or too many, or it cannot start."""
        picked = share_of(count, share) + list(range(count, count + extra))
        if not MIN_ITEMS <= count <= MAX_ITEMS or not picked or not can_fork():
            return None
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        # Objects frozen before the fork are never visited by the copy's collector, which
        # would otherwise touch, and so copy, every page the build holds.
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:
            gc.unfreeze()
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the copy: it never returns
            os.close(read_end)
            _make_share(write_end, picked, make)
        gc.unfreeze()
        os.close(write_end)
        return cls(pid, read_end, picked)

    def take(self, number: int) -> bytes | None:
        """The second process's result for item ``number``; None if it has none."""
        if number not in self.share or self._fd is None or number <= self._last:
            return None
        data: bytes | None = b""
        while self._last < number:
            head = self._read(_HEAD.size)
            if head is None:
                return None
            self._last, size = _HEAD.unpack(head)
            data = self._read(size)
            if data is None:
                return None
        if self._last != number or not data:
            return None
        self.taken += 1
        return data

    def _read(self, size: int) -> bytes | None:
        """``size`` bytes from the pipe; None, and the second process stopped, if it ended
        or sent nothing for `STALL_S` seconds."""
        while len(self._buffer) < size and self._fd is not None:
            ready: list[int] = []
            try:
                ready, _, _ = select.select([self._fd], [], [], STALL_S)
                chunk = os.read(self._fd, 1 << 16) if ready else b""
            except OSError:
                chunk = b""
            if not chunk:
                self.close(stop=not ready)  # silent: stop it; ended: reap it
                return None
            self._buffer += chunk
        if self._fd is None:
            return None
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def close(self, stop: bool = False) -> None:
        """Stop reading, and wait for the second process to end: it ends at a closed pipe,
        or, with ``stop``, at once."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        os.close(fd)
        self._buffer.clear()
        if stop:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)


class _Warned(logging.Handler):
    """Notes whether anything was logged at warning level or above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _make_share(fd: int, share: list[int], make: Make) -> None:
    """The second process: make each item of ``share`` and send it; then end."""
    code = 0
    try:
        gc.disable()  # short-lived, and its heap is the build's
        # What this copy would print is the build's to say: an item that logs a warning is
        # left to the build, which makes it and reports the warning itself.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        warned = _Warned()
        for name in ("", "mkdocs"):
            logging.getLogger(name).addHandler(warned)
        with os.fdopen(fd, "wb") as out:
            for number in share:
                warned.seen = False
                try:
                    data = make(number) or b""
                except Exception:
                    data = b""
                if warned.seen:
                    data = b""
                out.write(_HEAD.pack(number, len(data)) + data)
                out.flush()
    except BaseException:
        code = 1
    finally:
        os._exit(code)
