"""Record files read, parsed and checked with a second process, on a second core.

Each file's outcome depends on its bytes alone, so a load splits like the pages of a build
(`second_process`): the copy takes the files from the last one down, the load from the first
one up, until they meet. Only an outcome without findings comes back from the copy. A file
with findings is read again in this process when its turn comes, since what it says can
depend on the files before it (a load gives "did you mean" for its first fifty unknown words
only): the findings, and their order, are those of a load in one process.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator
from typing import Any

from ..second_process import SecondProcess
from .wording import suggested


def in_two(count: int, load_one: Callable[[int], Any]) -> Iterator[Any]:
    """``load_one(n)`` for n in ``0..count-1``, in order, a share made by a second process
    where it can start (see `second_process.SecondProcess.start`)."""

    def make(number: int) -> bytes | None:
        asked = len(suggested)
        loaded = load_one(number)
        if loaded.findings or loaded.record is None or len(suggested) != asked:
            return None
        return pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)

    helper = SecondProcess.start(count, make)
    try:
        for number in range(count):
            data = helper.take(number) if helper is not None else None
            # Made by this load's own copy of itself, from the same files.
            yield pickle.loads(data) if data is not None else load_one(number)
    finally:
        if helper is not None:
            helper.close()
