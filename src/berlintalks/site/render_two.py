"""The generated pages and files made with a second process (`second_process`).

The copy makes every file besides the pages first (the exports, the feed), packed, then
renders pages from the last one down; the build renders pages from the first one up, and
packs every page as it comes, until the two meet. Pages and files come back in the order
they are asked for, as `render.rendering` gives them.
"""

from __future__ import annotations

import dataclasses
import pickle
from collections.abc import Callable, Iterable, Iterator, Sequence

from ..second_process import SecondProcess, Tally
from .memo_store import DiskRenderMemo, Made
from .rendered import PackedText, RenderedPage, pack_pieces

Pages = Iterator[tuple[str, RenderedPage]]
Files = Iterator[tuple[str, Iterable[str]]]


def in_two(
    paths: Sequence[str],
    made: Callable[[int], RenderedPage],
    files: Files,
    tally: Tally,
    memo: DiskRenderMemo | None = None,
) -> tuple[Pages, Files]:
    """The pages at ``paths`` (``made(n)`` renders the n-th) and ``files``, as `rendering`
    gives them; a file the copy made comes as `PackedText`. ``memo``: where the pages made
    are kept for the next build, those the copy made (and the exports' entries) with them."""
    count = len(paths)

    def sent() -> dict[str, Made | None]:
        if memo is None:
            return {}
        rows, memo.sent = memo.sent, {}
        return rows

    def make(number: int) -> bytes:
        if number < count:
            page = made(number)
            return pickle.dumps((page, sent()))
        packed = [(path, pack_pieces(pieces)) for path, pieces in files]
        return pickle.dumps((packed, sent()))

    helper = SecondProcess.start(count, make, extra=1)
    tally.started = helper is not None
    return _pages(paths, made, helper, tally, memo), _files(count, files, helper, memo)


def _adopt(memo: DiskRenderMemo | None, rows: dict[str, Made | None]) -> None:
    if memo is not None:
        for path, row in rows.items():
            memo.adopt(path, row)


def _pages(
    paths: Sequence[str],
    made: Callable[[int], RenderedPage],
    helper: SecondProcess | None,
    tally: Tally,
    memo: DiskRenderMemo | None,
) -> Pages:
    targets: dict[str, str] = {}
    try:
        for number, path in enumerate(paths):
            data = helper.take(number) if helper is not None else None
            if data is None:
                yield path, made(number)
                continue
            page, rows = pickle.loads(data)  # made by this build's own copy
            _adopt(memo, rows)
            tally.taken += 1
            # One string for each page linked to, as `render` keeps them.
            links = tuple(targets.setdefault(t, t) for t in page.links)
            yield path, dataclasses.replace(page, links=links)
    except BaseException:
        if helper is not None:
            helper.close()
        raise


def _files(
    count: int, files: Files, helper: SecondProcess | None, memo: DiskRenderMemo | None
) -> Files:
    try:
        data = helper.take(count) if helper is not None else None
        if data is None:
            yield from files
            return
        made, rows = pickle.loads(data)
        _adopt(memo, rows)
        for path, packed in made:
            yield path, PackedText(packed)
    finally:
        if helper is not None:
            helper.close()
