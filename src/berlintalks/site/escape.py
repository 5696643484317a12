"""Record text made inert for pages: escaped for Markdown, HTML text and attributes."""

from __future__ import annotations

import json
import re
import string
from typing import Any

from markupsafe import Markup

from ..checks import pieces
from ..records import link_target

# In raw HTML (the graph's SVG, attribute values) every ASCII punctuation mark becomes a
# numeric character reference: HTML treats a reference as a plain character, so record text
# can neither open a tag nor end an attribute.
_ESCAPED = {ord(c): f"&#{ord(c)};" for c in string.punctuation}

# In Markdown, a backslash before any of these is undone by Python-Markdown (its own list,
# and `|`, which its tables extension adds), so each is written as `\c`: the page shows the
# character, and the text a builder takes from the Markdown for titles and search carries no
# character reference (Zensical shows those in its search results as written). The few that
# no backslash escapes and that can still start a construct stay references: `<` (a tag),
# `&` before a name or `#` (a reference), `=` (a heading's underline), `~` (a code fence).
# The rest (`"`, `'`, `:`, `,`, `?`, `/`, …) start nothing in Markdown or its extensions
# here, outside attribute values, where record text never goes through this function.
_BACKSLASHED = frozenset("\\`*_{}[]()>#+-.!|")
_MARKDOWN = {ord(c): f"\\{c}" for c in _BACKSLASHED} | {
    ord("<"): "&lt;",
    ord("="): "&#61;",
    ord("~"): "&#126;",
}
_REFERENCE = re.compile(r"&(?=#|[A-Za-z0-9]+;)")


def escape_text(value: object) -> Markup:
    """Untrusted text as inert characters in Markdown (and the HTML it becomes), on one line."""
    text = " ".join(str(value).split())
    return Markup(_REFERENCE.sub("&amp;", text).translate(_MARKDOWN))


def escape_html(value: object) -> Markup:
    """Untrusted text as inert characters in raw HTML: text and attribute values alike."""
    text = " ".join(str(value).split())
    return Markup(text.translate(_ESCAPED))


def escape_run(value: object) -> Markup:
    """A run of text inside a sentence: escaped as text, one space kept at either end."""
    text = str(value)
    inner = escape_text(text)
    lead = " " if text[:1].isspace() and inner else ""
    trail = " " if text[-1:].isspace() else ""
    return Markup(lead) + inner + Markup(trail) if inner else Markup(" " if text else "")


def escape_paragraphs(value: object) -> Markup:
    """Multi-paragraph text: paragraphs kept (blank lines), every line escaped as text."""
    paras = [p for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return Markup("\n\n").join(escape_text(p) for p in paras)


def json_for_script(data: Any) -> Markup:
    """JSON that cannot end its ``<script>`` element or be read as markup."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def link(url: object, text: object = None) -> Markup:
    """An ``<a>`` to an http(s) URL; anything else is shown as plain text, never as a link."""
    label = escape_text(text if text is not None else url)
    safe = link_target(str(url)) if url else None
    if safe is None:
        return label
    return Markup('<a href="{}">{}</a>').format(escape_html(safe), label)


def quote_html(value: object) -> Markup:
    """A quote with its [insertions] set apart: the words the publication or desk put in."""
    out: list[Markup] = []
    for piece in pieces(" ".join(str(value).split())):
        text = escape_run(piece.text)
        if piece.inserted:
            out.append(
                Markup(
                    '<span class="insertion" title="inserted by the publication, not the '
                    'speaker&#39;s words">&#91;{}&#93;</span>'
                ).format(text)
            )
        else:
            out.append(text)
    return Markup("").join(out)
