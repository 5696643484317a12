"""Values that attack: escaped control characters, numbers out of range, deceptive links.

Each case is the attack as it would arrive in a pull request: a record file, checked by
`berlintalks check` run as CI runs it, and where it passes, built into the site.
"""

from __future__ import annotations

import html
import io
import json
import subprocess
import sys
import textwrap
from contextlib import redirect_stderr, redirect_stdout
from html.parser import HTMLParser
from pathlib import Path

import pytest

from berlintalks.cli import main
from berlintalks.editor.schema import schema_for
from berlintalks.finding import Finding, printable
from berlintalks.records.urls import check_web_url, link_target
from conftest import SOURCES, claim_yaml, copy_from_repo, write_kb

TIMEOUT = 120
CLAIM = "claims/talks.yaml"


def run(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """``berlintalks ARGS`` in a fresh interpreter; the raw bytes it writes, to see every ESC."""
    done = subprocess.run(
        [sys.executable, "-m", "berlintalks.cli", *map(str, args)],
        capture_output=True,
        timeout=TIMEOUT,
    )
    both = done.stdout + done.stderr
    assert b"Traceback" not in both and b"internal error" not in both, both.decode()
    return done


def check(root: Path, *extra: str, fresh: bool = False) -> tuple[int, str]:
    """Exit code and output of ``berlintalks check``; ``fresh``: in a new interpreter, as CI."""
    if fresh:
        done = run("check", "--root", root, *extra)
        code, out, err = done.returncode, done.stdout, done.stderr
    else:
        with redirect_stdout(io.StringIO()) as o, redirect_stderr(io.StringIO()) as e:
            code = main(["check", "--root", str(root), *extra])
        out, err = o.getvalue().encode(), e.getvalue().encode()
        assert b"internal error" not in err and b"Traceback" not in err, err.decode()
    # Whatever a record holds, nothing the checker prints can steer the terminal.
    for byte in (b"\x1b", b"\x9b", b"\x07", b"\x00", b"\r", b"\xc2\x9b", b"\xe2\x80\xa8"):
        assert byte not in out + err, (byte, out)
    return code, out.decode("utf-8")


def kb(tmp_path: Path, text: str) -> Path:
    return write_kb(tmp_path / "kb", {"talks": text}, SOURCES)


def errors(out: str) -> list[str]:
    return [ln for ln in out.splitlines() if ": error " in ln]


# ---------------------------------------------------------------- control characters

# (YAML double-quoted escape, the character it writes)
ESCAPES = [
    ("\\0", "U+0000"),
    ("\\a", "U+0007"),
    ("\\b", "U+0008"),
    ("\\e", "U+001B"),
    ("\\x1b", "U+001B"),
    ("\\e[31m", "U+001B"),
    ("\\r", "U+000D"),
    ("\\v", "U+000B"),
    ("\\f", "U+000C"),
    ("\\x7f", "U+007F"),
    ("\\x9b", "U+009B"),
    ("\\x80", "U+0080"),
    ("\\u0090", "U+0090"),
]


@pytest.mark.parametrize(("escape", "char"), ESCAPES)
def test_escaped_control_character_in_a_title_is_a_finding(
    tmp_path: Path, escape: str, char: str
) -> None:
    root = kb(tmp_path, claim_yaml(title=f'title: "Talks {escape} in Berlin"'))
    code, out = check(root)
    assert code == 1
    assert errors(out) == [
        f"{CLAIM}:2:8: error BT103 'title' holds the control character {char}: it can act on a "
        "terminal or a spreadsheet, and no reader would see it; remove it (in double quotes it "
        f"may be written as an escape, such as \\x{int(char[2:], 16):02x})"
    ]


@pytest.mark.parametrize(
    ("line", "where", "field"),
    [
        ('statement: "Delegations met.\\e[2K"', "3:12", "statement"),
        ('status: "confirmed\\0"', "4:9", "status"),
        ('topics: ["diplo\\x9bmacy"]', "6:10", "topics[0]"),
        ('id: "talks\\a"', "1:5", "id"),
    ],
)
def test_escaped_control_character_in_any_kind_of_field(
    tmp_path: Path, line: str, where: str, field: str
) -> None:
    key = line.split(":", 1)[0]
    root = kb(tmp_path, claim_yaml(**{key: line}))
    code, out = check(root)
    assert code == 1
    assert f"{CLAIM}:{where}: error BT103 '{field}' holds the control character U+" in out


def test_escaped_control_character_in_a_quote_is_found_at_the_quote(tmp_path: Path) -> None:
    text = claim_yaml().replace(
        'quote: "There was ample dialogue on territories."',
        'quote: "There was ample \\e[1Adialogue."',
    )
    code, out = check(kb(tmp_path, text))
    assert code == 1
    assert errors(out) == [
        f"{CLAIM}:10:12: error BT103 'quote' holds the control character U+001B: it can act on "
        "a terminal or a spreadsheet, and no reader would see it; remove it (in double quotes "
        "it may be written as an escape, such as \\x1b)"
    ]


def test_tabs_and_line_breaks_only_in_multi_line_text(tmp_path: Path) -> None:
    # A statement may hold both; a title (one line) or a status (a choice) neither.
    ok = kb(
        tmp_path / "ok", claim_yaml(statement='statement: "Delegations\\tmet.\\n\\nThen left."')
    )
    assert check(ok) == (0, "")
    tab = kb(tmp_path / "tab", claim_yaml(title='title: "Talks\\tin Berlin"'))
    code, out = check(tab)
    assert code == 1
    assert errors(out) == [
        f"{CLAIM}:2:8: error BT103 'title' holds the control character U+0009: tabs and line "
        "breaks belong only in text that may run over several lines; remove it (in double "
        "quotes it may be written as an escape, such as \\x09)"
    ]
    status = kb(tmp_path / "status", claim_yaml(status='status: "confirmed\\n"'))
    code, out = check(status)
    assert code == 1
    assert f"{CLAIM}:4:9: error BT103 'status' holds the control character U+000A" in out


@pytest.mark.parametrize("escape", ["\\L", "\\P", "\\N", "\\u202e"])
def test_escaped_invisible_line_breaks_and_direction_controls(tmp_path: Path, escape: str) -> None:
    # U+2028, U+2029, NEL and the direction controls: refused however they are written.
    root = kb(tmp_path, claim_yaml(title=f'title: "Talks {escape}in Berlin"'))
    code, out = check(root)
    assert code == 1
    assert f"{CLAIM}:2:8: error BT103 'title' holds U+" in out
    assert "an invisible line break or text-direction control; remove it" in out


def test_escaped_control_character_in_a_key_is_shown_escaped(tmp_path: Path) -> None:
    root = kb(tmp_path, claim_yaml() + '"stat\\e[2Kus": confirmed\n')
    code, out = check(root)
    assert code == 1
    assert errors(out) == [
        f"{CLAIM}:13:1: error BT102 unknown key 'stat\\x1b[2Kus' in a claim — did you mean "
        "'status'?"
    ]


ERASE = 'status: "\\e[2K\\e[1A\\e[2Kconfirmed"'


def test_terminal_erasing_status_in_text_format(tmp_path: Path) -> None:
    code, out = check(kb(tmp_path, claim_yaml(status=ERASE)), fresh=True)
    assert code == 1
    assert errors(out) == [
        f"{CLAIM}:4:9: error BT103 'status' holds the control character U+001B: it can act on "
        "a terminal or a spreadsheet, and no reader would see it; remove it (in double quotes "
        "it may be written as an escape, such as \\x1b)"
    ]


def test_terminal_erasing_status_in_json_format(tmp_path: Path) -> None:
    code, out = check(kb(tmp_path, claim_yaml(status=ERASE)), "--format", "json", fresh=True)
    assert code == 1
    [finding] = json.loads(out)
    assert (finding["file"], finding["line"], finding["column"], finding["code"]) == (
        CLAIM,
        4,
        9,
        "BT103",
    )
    assert finding["message"].startswith("'status' holds the control character U+001B")
    assert "\x1b" not in finding["message"]


def test_terminal_erasing_status_in_github_format(tmp_path: Path) -> None:
    code, out = check(kb(tmp_path, claim_yaml(status=ERASE)), "--format", "github", fresh=True)
    assert code == 1
    assert out.startswith(
        f"::error file={CLAIM},line=4,col=9,title=BT103::'status' holds the control character "
        "U+001B"
    )


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_record_text_quoted_in_a_message_is_escaped(tmp_path: Path, fmt: str) -> None:
    # The date and the relation type are quoted back in their messages, escapes and all.
    text = claim_yaml(date='date: "2025\\e[2K-12\\x9b-14"') + textwrap.dedent(
        """\
        relations:
          - type: "supp\\e]8;;https://evil.example\\aorts"
            claim: talks
        """
    )
    code, out = check(kb(tmp_path, text), "--format", fmt, fresh=True)
    assert code == 1
    decoded = "".join(f["message"] for f in json.loads(out)) if fmt == "json" else out
    assert "'2025\\x1b[2K-12\\x9b-14' is not a real calendar date" in decoded
    assert "'type' holds the control character U+001B" in decoded


def test_printable_escapes_what_would_not_show_and_keeps_the_rest() -> None:
    assert printable("a\x1b[2Kb\x9b\x00\r\n\t\u2028\u200b\ufeff\u202e") == (
        "a\\x1b[2Kb\\x9b\\x00\\r\\n\\t\\u2028\\u200b\\ufeff\\u202e"
    )
    assert printable("Zaporizhzhia — Запоріжжя, 日本, 😀") == "Zaporizhzhia — Запоріжжя, 日本, 😀"
    once = printable("x\x1by")
    assert printable(once) == once
    made = Finding(CLAIM, 1, 1, "BT103", "error", "x \x1b[2K y")  # type: ignore[arg-type]
    assert made.message == "x \\x1b[2K y"


# ---------------------------------------------------------------- numbers

HUGE_HEX = "0x" + "f" * 5000
FIGURE = """\
figures:
  - label: agreed share
    unit: {unit}
    {key}: {value}
"""


def figure_claim(value: str, unit: str = "personnel", key: str = "value") -> str:
    return claim_yaml() + FIGURE.format(unit=unit, key=key, value=value)


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (
            figure_claim(HUGE_HEX),
            "16:12",
            "'value' holds a number written with 5,002 characters; figures lie within ±10^15",
        ),
        (
            figure_claim(HUGE_HEX, unit="percent"),
            "16:12",
            "'value' holds a number written with 5,002 characters; figures lie within ±10^15",
        ),
        (
            figure_claim(f"[50, {HUGE_HEX}]", unit="percent", key="values"),
            "16:18",
            "'values[1]' holds a number written with 5,002 characters; figures lie within ±10^15",
        ),
        (
            claim_yaml() + f"count: {HUGE_HEX}\n",
            "13:8",
            "'count' holds a number written with 5,002 characters; a count is a whole number "
            "from 1 to 10,000",
        ),
        (
            claim_yaml() + "count: 0" + "7" * 5000 + "\n",  # octal, in YAML 1.1
            "13:8",
            "'count' holds a number written with 5,001 characters",
        ),
        (
            figure_claim("0b" + "1" * 5000),
            "16:12",
            "'value' holds a number written with 5,002 characters",
        ),
        (
            figure_claim("9" * 5000),
            "16:12",
            "'value' holds a number written with 5,000 characters",
        ),
        # Sexagesimal (YAML 1.1 `1:30`) integers cost time quadratic in their length.
        (
            claim_yaml() + "count: 1" + ":59" * 300_000 + "\n",
            "13:8",
            "'count' holds a number written with 900,001 characters",
        ),
        (
            figure_claim("0x" + "f" * 40),
            "16:12",
            "'value' is a number of about 49 digits, beyond ±10^15; check it, or give it in a "
            "larger unit (millions, billions)",
        ),
        (
            figure_claim("1000000000000001"),
            "16:12",
            "'value' is a number of about 16 digits, beyond ±10^15",
        ),
        (
            figure_claim("-2.0e+15"),
            "16:12",
            "'value' is the number -2000000000000000.0, beyond ±10^15",
        ),
        (figure_claim("1.0e+400"), "16:12", "'value' must be a finite number, not inf"),
        (figure_claim(".inf"), "16:12", "'value' must be a finite number, not inf"),
        (figure_claim("-.inf"), "16:12", "'value' must be a finite number, not -inf"),
        (figure_claim(".nan"), "16:12", "'value' must be a finite number, not nan"),
        (figure_claim("true"), "16:12", "'value' must be a number, not the boolean true"),
        (
            claim_yaml() + "count: 10001\n",
            "13:8",
            "'count' must be a whole number from 1 to 10,000, not the number 10001",
        ),
        (
            claim_yaml() + "count: 0x" + "f" * 40 + "\n",
            "13:8",
            "'count' must be a whole number from 1 to 10,000, not a number of about 49 digits",
        ),
        (
            claim_yaml(title="title: 0x" + "f" * 5000),
            "2:8",
            "'title' holds a number written with 5,002 characters; text goes in quotes",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else v,
)
def test_numbers_out_of_range_are_findings(
    tmp_path: Path, text: str, where: str, message: str
) -> None:
    code, out = check(kb(tmp_path, text))
    assert code == 1
    assert any(ln.startswith(f"{CLAIM}:{where}: error BT103 {message}") for ln in errors(out)), out


def test_huge_numbers_stop_export_with_the_finding(tmp_path: Path) -> None:
    root = kb(tmp_path, figure_claim(HUGE_HEX))
    done = run("export", "--root", root, "--out", tmp_path / "out")
    assert done.returncode == 1, done.stderr.decode()
    assert f"{CLAIM}:16:12: error BT103 'value' holds a number written with 5,002" in (
        done.stdout.decode()
    )
    assert not (tmp_path / "out").exists()


def site_root(tmp_path: Path, claims: dict[str, str], sources: dict[str, str]) -> Path:
    return copy_from_repo(write_kb(tmp_path / "kb", claims, sources))


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.found.append((self._href, ""))

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            href, text = self.found[-1]
            self.found[-1] = (href, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def links(page: Path) -> list[tuple[str, str]]:
    """Every link of a built page as a browser reads it: (href, visible text)."""
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.found


def test_values_at_the_bounds_check_and_build(tmp_path: Path) -> None:
    # What check accepts, build renders and exports: the largest figures, an IDN link.
    text = claim_yaml(
        status="status: reported", title="title: Talks reportedly took place in Berlin"
    ).replace(
        '    quote: "There was ample dialogue on territories."\n',
        '    quote: "There was ample dialogue on territories."\n'
        "    url: https://münchen.de/x?q=1\n",
    ) + textwrap.dedent(
        """\
        figures:
          - label: budget
            unit: euros
            value: 1000000000000000
          - label: debt
            unit: euros
            values: [-1.0e+15, 0x38d7ea4c68000, 0.000001]
        """
    )
    sources = {**SOURCES, "afp": SOURCES["afp"] + "url: https://пример.рф/\n"}
    root = site_root(tmp_path, {"talks": text}, sources)
    assert check(root) == (0, "")
    site = tmp_path / "site"
    done = run("build", "--root", root, "--site-dir", site, "-q")
    assert done.returncode == 0, done.stderr.decode()
    claim = links(site / "claims" / "talks" / "index.html")
    assert ("https://xn--mnchen-3ya.de/x?q=1", "https://münchen.de/x?q=1") in claim
    # Figures are shown with thousands separators; the largest one is there in full.
    page = html.unescape((site / "claims" / "talks" / "index.html").read_text("utf-8"))
    assert "<td>1,000,000,000,000,000 euros</td>" in page
    source = links(site / "sources" / "afp" / "index.html")
    assert ("https://xn--e1afmkfd.xn--p1ai/", "https://пример.рф/") in source
    data = json.loads((site / "data" / "claims.json").read_text(encoding="utf-8"))
    [record] = data if isinstance(data, list) else data["claims"]
    assert [f.get("value") for f in record["figures"]] == [1000000000000000, None]
    assert record["figures"][1]["values"] == [-1e15, 1000000000000000, 0.000001]


# ---------------------------------------------------------------- URLs

DECEPTIVE_URLS = [
    (
        "https://www.google.com@evil.example/login",
        "holds 'www.google.com@' before the host, so it leads to 'evil.example', not to "
        "'www.google.com'; remove everything between :// and the @",
    ),
    ("https://user:pass@example.org/", "holds 'user:pass@' before the host"),
    (
        "https://аpple.com/",
        "the host part 'аpple' mixes Cyrillic and Latin letters, which can make one name "
        "look like another; write every letter of it in one script",
    ),
    ("https://xn--pple-43d.com/", "the host part 'аpple' mixes Cyrillic and Latin letters"),
    ("https://paypal.cοm/", "the host part 'cοm' mixes Greek and Latin letters"),
    (
        "https://exa\\u200bmple.com/",
        "holds the invisible character U+200B (zero width space); delete it",
    ),
    (
        "https://example.com/\\ufeffpath",
        "holds the invisible character U+FEFF (zero width no-break space); delete it",
    ),
    ("https://example.com/\\u200dx", "holds the invisible character U+200D (zero width joiner)"),
    ("https://example.com/\\u202ex", "U+202E"),
    (
        "https://example\\uff0ecom/",
        "the host 'example．com' holds the fullwidth full stop (．), which a browser reads as a "
        "dot; write the dot as '.'",
    ),
    ("https://example\\u3002com/", "holds the ideographic full stop (。)"),
    ("https://example\\uff61com/", "holds the halfwidth ideographic full stop (｡)"),
    (
        "https://example.com:99999/",
        "the port '99999' is not a port number (0 to 65535); correct it or remove it with its ':'",
    ),
    ("https://example.com:80a/", "the port '80a' is not a port number"),
    ("https://example.com:８０/", "the port '８０' is not a port number"),
    ("https:///path", "the address has no host"),
    ("https://", "the address has no host"),
    ("https://a..example/", "the host 'a..example' has an empty part between dots"),
    (
        "https://google.com\\\\.evil.example/",
        "the host 'google.com\\.evil.example' holds '\\'; a host is letters, digits, hyphens "
        "and dots",
    ),
    ("https://straße.de/", "holds 'ß' (sharp s), which older and newer browsers look up as"),
    ("https://exa mple.com/", "holds U+0020 (space) at character 12"),
    ("https://example.com/\\x1b[2K", "the control character U+001B"),
    ("ftp://example.org/", "only http and https addresses become links"),
    ("javascript:alert(1)", "only http and https addresses become links"),
    ("https:example.org", "only http and https addresses become links"),
]


@pytest.mark.parametrize(("url", "message"), DECEPTIVE_URLS, ids=[u for u, _ in DECEPTIVE_URLS])
def test_deceptive_url_is_a_finding(tmp_path: Path, url: str, message: str) -> None:
    text = claim_yaml().replace(
        '    quote: "There was ample dialogue on territories."\n',
        f'    quote: "There was ample dialogue on territories."\n    url: "{url}"\n',
    )
    code, out = check(kb(tmp_path, text))
    assert code == 1
    [line] = errors(out)
    assert line.startswith(f"{CLAIM}:11:10: error BT"), line
    assert message in line, line
    # Control and direction characters are refused in every text field (BT103), before
    # the URL check (BT107) is reached.
    refused_as_text = "control character" in message or message == "U+202E"
    assert line.split(" error ")[1][:5] == ("BT103" if refused_as_text else "BT107")


@pytest.mark.parametrize(
    ("url", "href"),
    [
        ("https://münchen.de/", "https://xn--mnchen-3ya.de/"),
        ("https://MÜNCHEN.de:8443/a?b#c", "https://xn--mnchen-3ya.de:8443/a?b#c"),
        ("https://пример.рф/", "https://xn--e1afmkfd.xn--p1ai/"),
        ("https://例え.テスト/", "https://xn--r8jz45g.xn--zckzah/"),
        ("https://한국어.kr/", "https://xn--3e0bk47br7k.kr/"),
        ("https://www.afp.com/en", "https://www.afp.com/en"),
        ("https://[2001:db8::1]:443/", "https://[2001:db8::1]:443/"),
        ("http://example.org:/", "http://example.org:/"),
        ("https://xn--mnchen-3ya.de/", "https://xn--mnchen-3ya.de/"),
    ],
)
def test_allowed_urls_link_to_their_ascii_host(url: str, href: str) -> None:
    assert link_target(url) == href
    checked = check_web_url(url)
    assert not isinstance(checked, str) and checked.shown == url


@pytest.mark.parametrize(
    "url", [u for u, m in DECEPTIVE_URLS if not any(w in m for w in ("mixes", "empty part", "ß"))]
)
def test_the_schema_refuses_them_too(url: str) -> None:
    # Editors see the same refusal, except for script mixing, empty host parts and the
    # IDNA deviation characters, which the checker finds and a regular expression cannot.
    from jsonschema import Draft202012Validator

    written = url.encode("ascii", "backslashreplace").decode("unicode_escape")
    source = {
        "id": "afp",
        "name": "AFP",
        "kind": "outlet",
        "reliability": "B",
        "reliability_reason": "An international news agency.",
        "url": written,
    }
    assert not Draft202012Validator(schema_for("source")).is_valid(source), written
    allowed = {**source, "url": "https://münchen.de/"}
    assert Draft202012Validator(schema_for("source")).is_valid(allowed)


def test_diff_shows_escaped_values_escaped(tmp_path: Path) -> None:
    from conftest import commit_all, git

    root = kb(tmp_path, claim_yaml(status="status: reported"))
    git(root, "init", "-q")
    commit_all(root, "one")
    (root / "claims" / "talks.yaml").write_text(claim_yaml(status=ERASE), encoding="utf-8")
    done = run("diff", "--root", root, "HEAD")
    assert b"\x1b" not in done.stdout + done.stderr
    assert "status: `reported` → `\\x1b[2K\\x1b[1A\\x1b[2Kconfirmed`" in done.stdout.decode()
