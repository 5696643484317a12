"""Property tests: the parser, the loader and the renderer on arbitrary text and structures."""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from mkdocs.utils import meta

from berlintalks.checks.engine import check
from berlintalks.checks.registry import RULES
from berlintalks.finding import Finding
from berlintalks.records import Claim
from berlintalks.records.load import load_file
from berlintalks.records.yaml import DECEPTIVE, MAX_DEPTH, ParseError, parse
from conftest import REPO, write_kb

# CI runs the same examples every time and keeps no example database between runs.
settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

PARSER = settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
RENDERER = settings(
    max_examples=50,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

SYNTAX_BITS = [":", ": ", "-", "- ", "[", "]", "{", "}", ",", "#", "&a", "*a", "!", "!!str",
               "!!python/object:os.system", "|", ">", "'", '"', "\t", "\n", "\r\n", "  ", "?",
               "---", "...", "%YAML 1.1", "\x00", "\ufeff", "\x85", "\u2028", "é",
               "😀"]  # fmt: skip
# YAML 1.1 line breaks, which libyaml counts when it gives a line.
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "claims").mkdir()
        yield root


def assert_well_formed(findings: list[Finding], file: str) -> None:
    for f in findings:
        assert f.file == file
        assert f.line >= 1 and f.column >= 1, f
        assert f.code in RULES, f
        assert f.message.strip(), f


def load_bytes(root: Path, data: bytes) -> list[Finding]:
    path = root / "claims" / "fuzz.yaml"
    path.write_bytes(data)
    loaded = load_file(root, path, Claim)
    assert_well_formed(loaded.findings, "claims/fuzz.yaml")
    # A record comes back only when nothing was found, and then it is the file's record.
    assert (loaded.record is None) == bool(loaded.findings)
    return loaded.findings


yamlish = st.lists(st.one_of(st.sampled_from(SYNTAX_BITS), st.text(max_size=8)), max_size=40).map(
    "".join
)


@PARSER
@given(st.one_of(st.text(), yamlish))
def test_parse_arbitrary_text(text: str) -> None:
    try:
        parsed = parse(text, "x.yaml")
    except ParseError as exc:
        assert exc.code in RULES
        assert 1 <= exc.line <= len(LINE_BREAK.findall(text)) + 1
        assert exc.column >= 1
        return
    for pos in [*parsed.positions.values.values(), *parsed.positions.keys.values()]:
        assert pos.file == "x.yaml" and pos.line >= 1 and pos.column >= 1
    for problem in parsed.problems:
        assert problem.code in RULES and problem.line >= 1


@PARSER
@given(st.binary(max_size=400))
def test_load_arbitrary_bytes(workdir: Path, data: bytes) -> None:
    load_bytes(workdir, data)


@PARSER
@given(yamlish)
def test_load_yamlish_text(workdir: Path, text: str) -> None:
    load_bytes(workdir, text.encode("utf-8", "surrogatepass"))


# Records refuse (BT001) YAML 1.1's extra line breaks (NEL, LS, PS), which PyYAML's writer
# folds inside quoted scalars anyway, and the bidirectional controls that change how a line
# is displayed.
plain_chars = st.characters(codec="utf-8").filter(lambda c: not DECEPTIVE.match(c))
keys = st.text(plain_chars, max_size=8)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(plain_chars, max_size=20),
    st.dates(),
)
structures = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=15,
)


def depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth, value), default=0)
    return 0


@PARSER
@given(st.dictionaries(keys, structures, min_size=1, max_size=6), st.booleans())
def test_safe_dump_round_trips_through_the_parser(value: dict[str, Any], unicode: bool) -> None:
    # The position-tracking parser must read back exactly what a YAML writer wrote.
    assume(depth(value) <= MAX_DEPTH)
    text = yaml.safe_dump(value, allow_unicode=unicode, sort_keys=False)
    parsed = parse(text, "x.yaml")
    assert parsed.value == value
    assert parsed.problems == []
    for key in value:
        assert parsed.positions.key(key).line >= 1


@st.composite
def mutated_dumps(draw: st.DrawFn) -> str:
    text = yaml.safe_dump(draw(structures), allow_unicode=draw(st.booleans()))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(SYNTAX_BITS)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 5)) :]
        else:
            lines = text.splitlines(keepends=True) or [""]
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join(lines[: i + 1] + lines[i:])
    return text


@PARSER
@given(mutated_dumps())
def test_load_mutated_yaml(workdir: Path, text: str) -> None:
    load_bytes(workdir, text.encode("utf-8"))


# ------------------------------------------------------------------- renderer

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "![x](x)",
    "<javascript:alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "{: onclick=alert(1) }",
    '{: .x onclick="alert(1)" }',
    '<div markdown="1" onclick="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "&lt;script&gt;",
    "&#x3C;script&#x3E;",
    "{{ 7 * 7 }}",
    "{% raw %}",
    "<!--",
    "-->",
    "]]>",
    "`code`",
    "| a | b |",
    "# heading",
    "!!! danger",
    "\\",
    "\n\n",
    "*",
    "_",
]
DANGEROUS_TAGS = ("script", "img", "svg", "iframe", "object", "embed", "style", "a", "form")
pieces = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
)
hostile_text = st.lists(pieces, min_size=1, max_size=5).map("".join)
hostile_line = hostile_text.map(lambda s: " ".join(s.split()))


class Markup(HTMLParser):
    """Tags, event-handler attributes and script URLs of an HTML page, as a browser decodes them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter[str] = Counter()
        self.handlers: list[str] = []
        self.script_urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            squeezed = "".join(ch for ch in (value or "") if ch > " ").lower()
            if name in ("href", "src", "action", "xlink:href") and squeezed.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.script_urls.append(f"<{tag} {name}={value!r}>")


def page_markup(pages: dict[str, str]) -> dict[str, Markup]:
    md = markdown.Markdown(
        extensions=["admonition", "attr_list", "md_in_html", "tables", "toc"],
    )
    out: dict[str, Markup] = {}
    for path, text in pages.items():
        if not path.endswith(".md"):
            continue
        # A builder reads the front matter (the page's title) as YAML, not as Markdown.
        body, _ = meta.get_data(text)
        parser = Markup()
        parser.feed(md.reset().convert(body))
        parser.close()
        out[path] = parser
    return out


def site_kb(root: Path, text: dict[str, str]) -> Path:
    """Two claims, a person, an outlet and a publication, every free-text field from ``text``."""
    person = {"id": "person", "name": text["name"], "kind": "person", "reliability": "B",
              "reliability_reason": text["reason"],
              "role": text["role"], "description": text["description"]}  # fmt: skip
    outlet = {"id": "outlet", "name": "Outlet", "kind": "outlet", "reliability": "A",
              "reliability_reason": "A wire service.",
              "url": "https://example.org/"}  # fmt: skip
    article = {"id": "article", "title": text["publication"], "kind": "article",
               "language": "en", "translated_from": "ru", "note": text["pub_note"]}  # fmt: skip
    first = {"id": "first", "title": text["title"], "statement": text["statement"],
             "status": "confirmed", "rationale": text["rationale"],
             "date": "2025-12-14", "topics": ["diplomacy"],
             "attributions": [{"source": "person", "via": "outlet", "publication": "article",
                               "setting": text["setting"], "quote": text["quote"]}],
             "figures": [{"label": text["label"], "unit": text["unit"], "value": 90}]}  # fmt: skip
    second = {"id": "second", "title": "Second", "statement": "Second statement.",
              "status": "reported", "rationale": "One account.",
              "date": "2025-12-15", "topics": ["diplomacy"],
              "attributions": [{"source": "person", "via": "outlet", "publication": "article",
                                "quote": "Words."}],
              "relations": [{"type": "supports", "claim": "first",
                             "note": text["note"]}]}  # fmt: skip
    dump = {"sort_keys": False, "allow_unicode": True}
    write_kb(
        root,
        claims={k: yaml.safe_dump(v, **dump) for k, v in (("first", first), ("second", second))},
        sources={k: yaml.safe_dump(v, **dump) for k, v in (("person", person), ("outlet", outlet))},
    )
    (root / "publications").mkdir(exist_ok=True)
    (root / "publications" / "article.yaml").write_text(
        yaml.safe_dump(article, **dump), encoding="utf-8"
    )
    return root


FIELDS_LINE = ("name", "role", "title", "label", "unit", "reason", "publication", "setting")
FIELDS_TEXT = ("description", "statement", "quote", "note", "rationale", "pub_note")


def rendered(root: Path) -> dict[str, Markup] | None:
    from berlintalks.site.render import generate

    report = check(root)
    if report.errors:
        return None
    return page_markup(generate(report.kb, templates=REPO / "templates", findings=report.findings))


@pytest.fixture(scope="module")
def baseline() -> Iterator[dict[str, Markup]]:
    with tempfile.TemporaryDirectory() as tmp:
        plain = dict.fromkeys(FIELDS_LINE + FIELDS_TEXT, "Plain words")
        pages = rendered(site_kb(Path(tmp), plain))
        assert pages is not None
        yield pages


@RENDERER
@given(
    st.fixed_dictionaries(
        {**dict.fromkeys(FIELDS_LINE, hostile_line), **dict.fromkeys(FIELDS_TEXT, hostile_text)}
    )
)
def test_rendered_pages_carry_no_markup_from_record_text(
    baseline: dict[str, Markup], text: dict[str, str]
) -> None:
    assume(all(v.strip() for v in text.values()))
    with tempfile.TemporaryDirectory() as tmp:
        pages = rendered(site_kb(Path(tmp), text))
    assume(pages is not None)
    assert pages is not None
    assert set(pages) == set(baseline)
    for path, page in pages.items():
        base = baseline[path]
        for tag in DANGEROUS_TAGS:
            assert page.tags[tag] == base.tags[tag], (path, tag)
        assert page.handlers == base.handlers, path
        assert page.script_urls == base.script_urls == [], path


def test_template_syntax_in_record_text_is_shown_not_run() -> None:
    # Record text is data for the templates, never a template itself.
    from berlintalks.site.render import generate

    text = dict.fromkeys(FIELDS_LINE + FIELDS_TEXT, "Plain words")
    text["title"] = "{{ 7 * 7 }} {% if true %}yes{% endif %} {{ config }}"
    with tempfile.TemporaryDirectory() as tmp:
        report = check(site_kb(Path(tmp), text))
        assert report.errors == []
        pages = generate(report.kb, templates=REPO / "templates", findings=report.findings)
    page = markdown.markdown(pages["claims/first/index.md"], extensions=["attr_list", "md_in_html"])
    shown = html.unescape(page)
    assert "49 yes" not in shown
    assert "{{ 7 * 7 }} {% if true %}yes{% endif %} {{ config }}" in shown
