"""Without libyaml's C parser, records read the same: same values, same positions, same errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from berlintalks.records import yaml as parse
from conftest import REPO

RECORDS = sorted((REPO / "claims").glob("*.yaml")) + sorted((REPO / "sources").glob("*.yaml"))

BAD = {
    "syntax": "title: [unclosed\n",
    "tab": "title: x\n\tstatus: reported\n",
    "two documents": "title: a\n---\ntitle: b\n",
    "duplicate key": "title: a\nstatus: reported\ntitle: b\n",
    "python tag": "title: !!python/object:os.system x\n",
    "unknown alias": "title: *nowhere\n",
    "list key": "[a, b]: c\n",
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(5)
    ),
    "deep": "a: " + "[" * 70 + "]" * 70 + "\n",
    "empty": "# nothing\n",
}


def _both(text: str) -> tuple[object, object]:
    def run() -> object:
        try:
            got = parse.parse(text, "claims/x.yaml")
        except parse.ParseError as exc:
            return ("error", exc.code, exc.line, exc.column)
        return (
            got.value,
            dict(got.positions.values),
            dict(got.positions.keys),
            [(p.code, p.line, p.column) for p in got.problems],
        )

    fast = run()
    saved = parse._Loader
    parse._Loader = yaml.SafeLoader  # type: ignore[misc]
    try:
        plain = run()
    finally:
        parse._Loader = saved  # type: ignore[misc]
    return fast, plain


def test_the_c_parser_is_in_use_here() -> None:
    # Otherwise the comparisons below would compare the fallback with itself.
    assert parse._Loader is yaml.CSafeLoader


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_bundled_records_read_the_same(path: Path) -> None:
    fast, plain = _both(path.read_text(encoding="utf-8"))
    assert fast == plain


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_records_fail_the_same(name: str) -> None:
    fast, plain = _both(BAD[name])
    assert fast == plain
    if name != "duplicate key":
        assert isinstance(fast, tuple) and fast[0] == "error", fast
