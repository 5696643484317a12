"""Work split with a second process, on a second core, the two meeting in the middle.

A build renders pages one after another on one core. Where the pages are independent (each
page's HTML from our templates, each page's output from the theme, each record file's
outcome in a load, see `records.load_two`), the build forks once
the shared state is ready: the copy makes the extra items first (the exports, say), then
the items from the last one down, sending each result back through a pipe; the build makes
the items from the first one up, taking each from the copy when the copy has sent it. Where
the two meet, the build takes the copy's results for the rest and stops it. So neither
waits for the other, whatever the share of the work each can do: a page the copy has not
made yet when the build reaches it is made by the build.

An item the copy could not make (it failed, or logged a warning), or any item after the copy
has gone, is made by the build itself, so the copy can make a build faster but never change
what it writes. Each caller checks what it takes besides (the theme's outputs carry the key
of everything they are made of, see `theme_share`). The build reads the pipe whenever it
asks for an item and keeps what came, so the copy does not wait on a full pipe: what it
holds is the copy's results the build has not reached yet, up to about half the pages.
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

from .gcpause import freeze, thaw

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


class SecondProcess:
    """The second process of one piece of work, and the results it has sent so far."""

    def __init__(self, pid: int, fd: int, count: int, extra: int) -> None:
        self._pid = pid
        self._fd: int | None = fd
        self._count = count
        self._extra = extra
        self._buffer = bytearray()
        self._results: dict[int, bytes] = {}
        self._received = 0  # how many results have come, in the copy's order
        self.taken = 0

    @classmethod
    def start(cls, count: int, make: Make, extra: int = 0) -> SecondProcess | None:
        """Fork a process that makes the ``extra`` items ``count..count+extra-1``, then
        items ``count-1`` down to 0 with ``make``, until the build stops it; None when too few
        or too many, or it cannot start."""
        if not MIN_ITEMS <= count <= MAX_ITEMS or not can_fork():
            return None
        order = list(range(count, count + extra)) + list(range(count - 1, -1, -1))
        read_end, write_end = os.pipe()
        _widen(write_end)
        sys.stdout.flush()
        sys.stderr.flush()
        # Objects frozen before the fork are never visited by the copy's collector, which
        # would otherwise touch, and so copy, every page the build holds.
        freeze()
        try:
            pid = os.fork()
        except OSError:
            thaw()
            os.close(read_end)
            os.close(write_end)
            return None
        if pid == 0:  # the copy: it never returns
            os.close(read_end)
            _make_share(write_end, order, make)
        thaw()
        os.close(write_end)
        return cls(pid, read_end, count, extra)

    def _position(self, number: int) -> int:
        """Where item ``number`` comes in the copy's order."""
        if number >= self._count:
            return number - self._count
        return self._extra + self._count - 1 - number

    def take(self, number: int) -> bytes | None:
        """The second process's result for item ``number``; None if it has none.

        An item of ``0..count-1`` the copy has not sent yet is the build's to make: it is
        not waited for. An extra item is waited for (the build has nothing else to do).
        """
        if not 0 <= number < self._count + self._extra:
            return None
        self._drain(wait=False)
        while self._position(number) >= self._received:
            if number < self._count or self._fd is None or not self._drain(wait=True):
                return None
        data = self._results.pop(number, b"")
        if number < self._count:
            # Met: the copy has sent every item after this one, and the build made those
            # before it, so what the copy would make next is done already.
            self.close()
        if not data:
            return None
        self.taken += 1
        return data

    def unfinished(self) -> int | None:
        """The item the copy was making when it was stopped (the next in its order after
        the last it sent), or None when it had sent them all. Once `close` has returned the
        copy makes nothing more: an item whose making writes a file, say, may have been
        left half made, and is the build's to make again."""
        position = self._received
        if position >= self._count + self._extra:
            return None
        if position < self._extra:
            return self._count + position
        return self._count - 1 - (position - self._extra)

    def _drain(self, wait: bool) -> bool:
        """Keep every whole result the pipe holds; with ``wait``, until one more has come.
        False, and the second process stopped, when it ended or sent nothing for
        `STALL_S` seconds while waited for."""
        before = self._received
        while self._fd is not None:
            try:
                ready, _, _ = select.select([self._fd], [], [], STALL_S if wait else 0)
                chunk = os.read(self._fd, 1 << 20) if ready else None
            except OSError:
                chunk = b""  # as if it ended
            if chunk is None:  # nothing more for now
                if wait:
                    self.close()  # silent for a minute: stopped
                    return False
                return True
            if not chunk:
                self.close()  # ended
                return False
            self._buffer += chunk
            self._split()
            if wait and self._received > before:
                return True
        return False

    def _split(self) -> None:
        """Move the whole results at the start of the buffer into ``_results``."""
        buffer, at = self._buffer, 0
        while len(buffer) - at >= _HEAD.size:
            number, size = _HEAD.unpack_from(buffer, at)
            if len(buffer) - at - _HEAD.size < size:
                break
            start = at + _HEAD.size
            if size and number < self._count + self._extra:
                self._results[number] = bytes(buffer[start : start + size])
            self._received += 1
            at = start + size
        del buffer[:at]

    def close(self) -> None:
        """Stop reading and stop the second process: what it was making is not needed.

        The results it has sent stay to be taken.
        """
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)
        # What it sent before it ended is counted, so that `unfinished` names what it was
        # making: the pipe ends where it stopped writing.
        with contextlib.suppress(OSError):
            os.set_blocking(fd, False)  # never wait: the copy has ended
            while chunk := os.read(fd, 1 << 20):
                self._buffer += chunk
            self._split()
        os.close(fd)
        self._buffer.clear()


def _widen(fd: int) -> None:
    """Let the pipe hold a megabyte (Linux' default is 64 KB), so a large result (the
    exports) goes through in a few reads."""
    with contextlib.suppress(AttributeError, OSError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)


class _Warned(logging.Handler):
    """Notes whether anything was logged at warning level or above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


def _make_share(fd: int, order: list[int], make: Make) -> None:
    """The second process: make each item of ``order`` and send it; then end."""
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
            for number in order:
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
