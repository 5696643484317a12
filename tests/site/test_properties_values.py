"""Property tests: whatever values a record holds, what `check` passes renders, and nothing
any output shows (findings, pages, exports) carries a raw control character."""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from berlintalks.checks.engine import check
from berlintalks.finding import printable
from berlintalks.site.render import generate
from conftest import PUBLICATION_ID, REPO, SOURCES, write_kb

settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

VALUES = settings(
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# Characters a value may carry once YAML's escapes are decoded: mostly plain text, with
# every kind of control, separator and invisible character mixed in.
TRICKY = list("\x00\x07\x08\t\n\x0b\x0c\r\x1b\x7f\x85\x9b\xa0\u200b\u200d\u2028\u2029\u202e\ufeff")
chars = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(TRICKY),
)
one_line = st.sampled_from(["Talks in Berlin", "Zaporizhzhia NPP", "München — 日本"])
several_lines = st.sampled_from(["Talks in Berlin.", "a\tb\n\nc", "Zaporizhzhia — 日本"])


def mostly(good: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``good`` about nine times in ten, so that enough records pass check to be rendered."""
    return st.integers(0, 9).flatmap(lambda n: bad if n == 0 else good)


tricky = st.text(chars, min_size=1, max_size=12)
line_text = mostly(one_line, tricky)
long_text = mostly(several_lines, tricky)


def quoted(text: str) -> str:
    """A YAML double-quoted scalar: JSON's escapes (\\u001b, \\t) mean the same in YAML."""
    return json.dumps(text, ensure_ascii=True)


def yaml_int(n: int, base: str) -> str:
    if base == "hex":
        return ("-" if n < 0 else "") + hex(abs(n))
    if base == "octal" and n > 0:
        return "0" + oct(n)[2:]
    return str(n)


def yaml_float(x: float) -> str:
    if math.isnan(x):
        return ".nan"
    if math.isinf(x):
        return ".inf" if x > 0 else "-.inf"
    text = repr(x)
    # YAML 1.1 reads a float only with a dot and a signed exponent.
    if "e" in text:
        mantissa, exp = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        text = f"{mantissa}e{'' if exp[0] in '+-' else '+'}{exp}"
    return text


ints = st.one_of(st.integers(-1000, 1000), st.integers(-(10**16), 10**16))
# Thousands of digits, written as YAML would read them; made as text, because neither
# Python nor Hypothesis can print such an int in decimal.
huge = st.builds(
    lambda prefix, digit, n: prefix + digit * n,
    st.sampled_from(["0x", "-0x", "0b", "0", ""]),
    st.sampled_from(["1", "7"]),
    st.integers(17, 6000),
)
numbers = mostly(
    st.one_of(
        st.builds(yaml_int, st.integers(0, 100), st.sampled_from(["decimal", "hex", "octal"])),
        st.sampled_from(["50", "1.0e+15", "-1.0e+15", "1000000000000000", "0.5", "1:30"]),
    ),
    st.one_of(
        st.builds(yaml_int, ints, st.sampled_from(["decimal", "hex", "octal"])),
        huge,
        st.floats(allow_nan=True, allow_infinity=True).map(yaml_float),
        st.sampled_from(["true", "0b101", "1_000", ".NaN", "1.0e+400", '"12"']),
    ),
)
counts = st.one_of(
    st.integers(0, 3).map(str),
    st.builds(yaml_int, ints, st.sampled_from(["decimal", "hex"])),
    huge,
)
hosts = st.sampled_from(
    ["example.org", "münchen.de", "аpple.com", "例え.テスト", "a..b", "exa\u200bmple.com",
     "www.google.com@evil.example", "example.org:99999", "example.org:8080", "пример.рф",
     "example\uff0ecom", "[::1]", ""]
)  # fmt: skip
urls = mostly(
    st.sampled_from(["https://example.org/", "https://münchen.de/x", "http://例え.テスト:8080/"]),
    st.builds(
        lambda scheme, host, path: f"{scheme}://{host}{path}",
        st.sampled_from(["https", "http", "HTTPS", "ftp", "javascript"]),
        hosts,
        st.one_of(st.just("/"), st.text(chars, max_size=6).map(lambda p: "/" + p)),
    ),
)


@st.composite
def claims(draw: st.DrawFn) -> str:
    title = draw(line_text)
    statement = draw(long_text)
    status = draw(mostly(st.just("reported"), tricky))
    unit = draw(mostly(st.sampled_from(["personnel", "euros"]), st.just("percent")))
    value = draw(numbers)
    values = draw(st.lists(numbers, min_size=1, max_size=2))
    lines = [
        "id: talks",
        f"title: {quoted(title)}",
        f"statement: {quoted(statement)}",
        f"status: {quoted(status)}",
        "date: 2025-12-14",
        "topics: [diplomacy]",
        "attributions:",
        "  - source: zelensky",
        "    via: afp",
        f"    quote: {quoted(draw(long_text))}",
        f"    url: {quoted(draw(urls))}",
        f"    publication: {PUBLICATION_ID}",
        f"rationale: {quoted(draw(long_text))}",
        "figures:",
        f"  - label: {quoted(draw(line_text))}",
        f"    unit: {unit}",
        f"    value: {value}",
        "  - label: split",
        f"    unit: {unit}",
        f"    values: [{', '.join(values)}]",
    ]
    if draw(st.integers(0, 4)) == 0:  # a count always fails BT501 here: no parts
        lines.append(f"count: {draw(counts)}")
    return "\n".join(lines) + "\n"


# Anything that would not show as itself; tabs and line breaks are how text is laid out.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@VALUES
@given(claims())
def test_what_check_passes_renders_and_nothing_shown_is_raw(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = write_kb(Path(tmp), {"talks": text}, SOURCES)
        report = check(root)
        for f in report.findings:
            # Every finding names its place and shows record text escaped.
            assert f.file == "claims/talks.yaml" and f.line >= 1 and f.column >= 1, f
            assert printable(f.message) == f.message, f
        event("refused by check" if report.errors else "passed check")
        if report.errors:
            return
        # Passed: the pages and every export are made, whatever the values were.
        pages = generate(report.kb, templates=REPO / "templates", findings=report.findings)
    assert "claims/talks/index.md" in pages
    for path, page in pages.items():
        # CSV rows end in CRLF (RFC 4180); any other CR would be record text.
        raw = RAW_CONTROL.search(page.replace("\r\n", "\n") if path.endswith(".csv") else page)
        assert raw is None, (path, repr(raw.group()) if raw else None)
    claim = report.kb.claims["talks"]
    for fig in claim.figures:
        for number in (fig.value, *fig.values):
            if number is not None:
                assert math.isfinite(number) and abs(number) <= 10**15
                assert str(number)  # printable, however it was written
    assert claim.count is None or 1 <= claim.count <= 10_000
