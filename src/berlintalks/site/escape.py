"""Record text made inert for pages: escaped for Markdown, HTML text and attributes."""

from __future__ import annotations

import json
import re
import string
from typing import Any

from markupsafe import Markup

from ..checks import pieces
from ..records import link_target

# Every ASCII punctuation mark becomes a numeric character reference. Markdown, its
# extensions (attribute lists, tables, emoji, …) and HTML all treat a reference as a plain
# character, so record text can neither open a tag nor start any Markdown construct.
_ESCAPED = {ord(c): f"&#{ord(c)};" for c in string.punctuation}


def escape_text(value: object) -> Markup:
    """Untrusted text as inert characters, safe in Markdown, HTML text and attribute values."""
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
    return Markup('<a href="{}">{}</a>').format(escape_text(safe), label)


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
