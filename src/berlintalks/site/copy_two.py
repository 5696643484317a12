"""The pages written straight from the cache (`copied`), a share of them by a second process.

After one changed record in a build with no site before last to bring up to date (a CI run
that restores the cache folder, say), every page is written from the cache: reading the
entry, unpacking it and writing the file took a third of such a build at 10,000 claims. The
writes are independent, so they split like the pages (`second_process`): the copy writes
from the last page down, the build from the first up, until they meet.

A write is not a result to take or leave: both may write the same page, which is harmless
(the same bytes, each write whole). What must not be left is a page the copy was writing
when it was stopped: once the copy has ended, the build writes that page again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from ..second_process import SecondProcess

_T = TypeVar("_T")


def write_all(items: Sequence[_T], write: Callable[[_T], bool]) -> list[bool]:
    """``write(item)`` for each of ``items``, a share of them in a second process where it
    can start; whether each was written."""
    count = len(items)

    def make(number: int) -> bytes | None:
        return b"1" if write(items[number]) else None

    helper = SecondProcess.start(count, make)
    written: list[bool] = []
    made: set[int] = set()
    for number, item in enumerate(items):
        if helper is not None and helper.take(number) == b"1":
            written.append(True)
            continue
        written.append(write(item))
        made.add(number)
    if helper is not None:
        helper.close()
        half = helper.unfinished()
        if half is not None and half in made:
            written[half] = write(items[half])
    return written
