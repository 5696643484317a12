"""`memo.RenderMemo`: a page is taken as kept exactly when every value it read is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from berlintalks.site.memo import Recorder, RenderMemo, recorded


def _made_again(
    memo: RenderMemo,
    shared: dict[str, Any],
    paths: list[str],
    text: Callable[[Recorder], Callable[[str], str]],
) -> list[str]:
    """One rebuild of the pages at ``paths``, each page's text ``text(recorder)(path)``;
    which of them were rendered again."""
    recorder = Recorder()
    page_text = text(recorder)
    rendered: list[str] = []
    memo.start("scope")
    for path in paths:

        def render(path: str = path) -> str:
            rendered.append(path)
            return page_text(path)

        memo.page(path, None, shared, recorder, render)
    memo.finish()
    return rendered


def _rebuild(memo: RenderMemo, shared: dict[str, Any], paths: list[str]) -> list[str]:
    """Make each page of ``paths``, reading ``shared["names"]`` twice for its own key and
    once for "b"."""

    def text(recorder: Recorder) -> Callable[[str], str]:
        names = recorded("names", shared["names"], recorder)
        return lambda path: f"{names.get(path)} {names.get(path)} {names.get('b')}"

    return _made_again(memo, shared, paths, text)


def test_a_page_is_made_again_when_a_value_it_read_changed() -> None:
    memo = RenderMemo()
    shared = {"names": {"a": "A", "b": "B", "c": "C"}}
    assert _rebuild(memo, shared, ["a", "c"]) == ["a", "c"]
    assert _rebuild(memo, shared, ["a", "c"]) == []
    shared = {"names": {"a": "A2", "b": "B", "c": "C"}}
    assert _rebuild(memo, shared, ["a", "c"]) == ["a"]
    shared = {"names": {"a": "A2", "b": "B2", "c": "C"}}
    assert _rebuild(memo, shared, ["a", "c"]) == ["a", "c"]
    shared = {"names": {"a": "A2", "c": "C"}}  # a key gone is a change too
    assert _rebuild(memo, shared, ["a", "c"]) == ["a", "c"]
    assert memo.pages["a"].page == "A2 A2 None"


def test_a_page_notes_a_value_it_read_twice_once() -> None:
    memo = RenderMemo()
    _rebuild(memo, {"names": {"a": "A", "b": "B"}}, ["a"])
    numbers = memo.pages["a"].numbers
    assert len(numbers) == len(set(numbers)) == 2
    assert [memo.reads[n] for n in numbers] == [("names", "item", "a"), ("names", "item", "b")]


def test_a_page_left_by_a_failed_rebuild_is_made_in_the_next() -> None:
    memo = RenderMemo()
    _rebuild(memo, {"names": {"a": "A", "b": "B", "c": "C"}}, ["a", "c"])
    changed = {"names": {"a": "A", "b": "B2", "c": "C"}}
    recorder = Recorder()
    memo.start("scope")

    def fails() -> str:
        raise ValueError("a value the template cannot show")

    with pytest.raises(ValueError):
        memo.page("a", None, changed, recorder, fails)
    # The rebuild stopped before "c"; the next, with the same records, makes both.
    assert _rebuild(memo, changed, ["a", "c"]) == ["a", "c"]
    assert memo.pages["c"].page == "C C B2"
    assert _rebuild(memo, changed, ["a", "c"]) == []


def test_a_page_reading_one_sources_citations_is_kept_when_anothers_change() -> None:
    from berlintalks.checks.graph import Graph
    from berlintalks.site.memo import RecordedGraph

    memo = RenderMemo()

    def rebuild(citations: dict[str, list[str]]) -> list[str]:
        shared = {"graph": Graph(links={}, parts={}, citations=citations)}

        def text(recorder: Recorder) -> Callable[[str], str]:
            graph = RecordedGraph(shared["graph"], recorder)
            return lambda sid: f"{sid}: {len(graph.citations.get(sid, []))}"

        return _made_again(memo, shared, ["s1", "s2"], text)

    assert rebuild({"s1": ["a"], "s2": ["b"]}) == ["s1", "s2"]
    assert rebuild({"s1": ["a"], "s2": ["b", "c"]}) == ["s2"]
    assert rebuild({"s2": ["b", "c"]}) == ["s1"]
    assert memo.pages["s1"].page == "s1: 0"
