"""The one check of a web address: what may become a link on the site, and what it links to.

A URL in a record is shown as written and, when it passes, linked. Everything refused here
is a way for the shown text and the place the link leads to to differ: user info
(`https://www.google.com@evil.example/`), invisible characters, dots a browser reads as
dots but a reader may not, a host mixing scripts (a Cyrillic `а` in `аpple.com`), a port no
server can listen on. An internationalised host that passes is linked in its ASCII
(punycode) form, the name a browser actually looks up.

Hosts are encoded with the standard library's IDNA 2003 codec (`encodings.idna`), which is
always present; it differs from what today's browsers do (UTS #46, non-transitional) only
for the four "deviation" characters ß, ς, ZWJ and ZWNJ, so those are refused: the link and
the browser would disagree on the host. Scripts are told apart by Unicode character names,
which name the script of every letter and mark (the standard library has no Script
property); this is coarse but errs on the side of refusing.
"""

from __future__ import annotations

import codecs
import ipaddress
import unicodedata
from dataclasses import dataclass
from encodings import idna
from urllib.parse import urlsplit

SCHEMES = ("http", "https")

# IDNA reads these as the full stop that separates labels; a reader sees a different dot.
_OTHER_DOTS = {"\u3002": "ideographic full stop", "\uff0e": "fullwidth full stop",
               "\uff61": "halfwidth ideographic full stop"}  # fmt: skip
# Encoded differently by IDNA 2003 (mapped away) and by browsers (kept): see the module doc.
_DEVIATIONS = {"ß": "sharp s", "ς": "final sigma"}
_ASCII_HOST = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

# Unicode TS #39, "highly restrictive": one script per label, or Latin with one of the ways
# Chinese, Japanese and Korean are written, which mix scripts as a matter of course.
_ALLOWED_MIXES = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)
# First words of character names that name no script (Common or Inherited in Scripts.txt).
_NEUTRAL_NAMES = frozenset(
    {"DIGIT", "COMBINING", "MODIFIER", "KATAKANA-HIRAGANA", "SUPERSCRIPT", "SUBSCRIPT"}
)


@dataclass(frozen=True, slots=True)
class WebUrl:
    """A URL that may become a link: ``shown`` as written, ``href`` with an ASCII host."""

    shown: str
    href: str
    host: str  # as written
    ascii_host: str


def _char(c: str) -> str:
    name = unicodedata.name(c, "")
    return f"U+{ord(c):04X}" + (f" ({name.lower()})" if name else "")


def _script(c: str) -> str | None:
    """The script of a letter, digit or mark of a host name, or None for Common/Inherited."""
    if c.isascii():
        return "LATIN" if c.isalpha() else None
    if unicodedata.category(c)[0] not in "LMN":
        return None
    first = unicodedata.name(c, "UNKNOWN").split(" ", 1)[0]
    if first in _NEUTRAL_NAMES:
        return None
    if first in ("CJK", "IDEOGRAPHIC", "KANGXI"):
        return "HAN"
    return first


def _mixed_scripts(label: str) -> list[str] | None:
    """The scripts of ``label`` when TS #39's highly restrictive level refuses the mix."""
    scripts = {s for s in map(_script, label) if s is not None}
    if len(scripts) <= 1 or any(scripts <= allowed for allowed in _ALLOWED_MIXES):
        return None
    return sorted(scripts)


def _label_problem(label: str, host: str) -> tuple[str | None, str]:
    """Why ``label`` cannot be part of a host, else None; and its ASCII form."""
    if not label:
        return f"the host '{host}' has an empty part between dots; remove the extra dot", ""
    if label.isascii():
        if not set(label) <= _ASCII_HOST:
            bad = next(c for c in label if c not in _ASCII_HOST)
            return (
                f"the host '{host}' holds '{bad}'; a host is letters, digits, hyphens and dots",
                "",
            )
        ascii_label = label.lower()
    else:
        for c, what in _DEVIATIONS.items():
            if c in label:
                return (
                    f"the host '{host}' holds '{c}' ({what}), which older and newer browsers "
                    "look up as different names; write the host in its xn-- form",
                    "",
                )
        try:
            ascii_label = idna.ToASCII(label).decode("ascii")
        except UnicodeError:
            return (
                f"the host '{host}' cannot be written as an internationalised name; give it in "
                "its xn-- (punycode) form",
                "",
            )
    unicode_label = ascii_label
    if ascii_label.startswith("xn--"):
        try:
            unicode_label = codecs.decode(ascii_label[4:].encode("ascii"), "punycode")
        except UnicodeError:
            return f"the host '{host}' holds an invalid xn-- (punycode) part '{label}'", ""
    mixed = _mixed_scripts(unicode_label)
    if mixed is not None:
        scripts = " and ".join(s.capitalize() for s in mixed)
        return (
            f"the host part '{unicode_label}' mixes {scripts} letters, which can make one name "
            "look like another; write every letter of it in one script",
            "",
        )
    return None, ascii_label


def check_web_url(value: str) -> WebUrl | str:
    """The link for ``value``, or why it cannot be one (a sentence saying what to do)."""
    if not value:
        return "the address is empty"
    # Printable ASCII without a space holds none of the characters looked for below.
    plain = value.isascii() and value.isprintable() and " " not in value
    for i, c in enumerate("" if plain else value):
        category = unicodedata.category(c)
        if c.isspace() or category == "Cc":
            return (
                f"the address holds {_char(c)} at character {i + 1}; write spaces as %20 and "
                "remove other whitespace and control characters"
            )
        if category in ("Cf", "Zl", "Zp", "Cs"):
            # Zero-width spaces and joiners, the BOM, direction controls: invisible to a reader.
            return f"the address holds the invisible character {_char(c)}; delete it"
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"the address cannot be read ({exc}); give the full https address"
    if parts.scheme not in SCHEMES or not value[len(parts.scheme) :].startswith("://"):
        return (
            "only http and https addresses become links; give the full address, beginning "
            "with https://"
        )
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, after = netloc.rpartition("@")
        return (
            f"the address holds '{userinfo}@' before the host, so it leads to '{after}', not "
            f"to '{userinfo}'; remove everything between :// and the @"
        )
    host, port = netloc, None
    if host.startswith("["):
        end = host.find("]")
        literal = host[1:end] if end > 0 else ""
        try:
            ipaddress.IPv6Address(literal)
        except ValueError:
            return f"'{host}' is not a valid IPv6 address in brackets"
        host, rest = host[: end + 1], host[end + 1 :]
        if rest and not rest.startswith(":"):
            return f"'{netloc}' has text after the IPv6 address; remove it"
        port = rest[1:] if rest else None
    elif ":" in host:
        host, _, port = host.partition(":")
    # An empty port (`host:/`) means the default one, as browsers read it.
    if port and (not (port.isascii() and port.isdigit()) or int(port) > 65535):
        return (
            f"the port '{port}' is not a port number (0 to 65535); correct it or remove it "
            "with its ':'"
        )
    if not host:
        return "the address has no host; give the full address, such as https://example.org/"
    if host.startswith("["):
        ascii_host = host
    else:
        for c, what in _OTHER_DOTS.items():
            if c in host:
                return (
                    f"the host '{host}' holds the {what} ({c}), which a browser reads as a dot; "
                    "write the dot as '.'"
                )
        labels = host.split(".")
        if labels[-1] == "" and len(labels) > 1:  # one trailing dot: the root, valid
            labels = labels[:-1]
        encoded = []
        for label in labels:
            problem, ascii_label = _label_problem(label, host)
            if problem is not None:
                return problem
            encoded.append(ascii_label)
        ascii_host = ".".join(encoded) + ("." if host.endswith(".") else "")
    if host.isascii():
        href = value
    else:
        start = len(parts.scheme) + 3
        written = ascii_host + ("" if port is None else ":" + port)
        href = value[:start] + written + value[start + len(netloc) :]
    return WebUrl(shown=value, href=href, host=host, ascii_host=ascii_host)


def link_target(value: str | None) -> str | None:
    """The address a link to ``value`` points to (its host in ASCII), or None for no link."""
    if not value:
        return None
    checked = check_web_url(value)
    return checked.href if isinstance(checked, WebUrl) else None
