"""Record text made inert for pages: escaped for HTML text and attribute values."""

from __future__ import annotations

import string
from typing import Any

from markupsafe import Markup, escape

from ..checks import pieces
from ..export.json_text import indented
from ..records import link_target

# In attribute values (the graph's SVG, link addresses) every ASCII punctuation mark becomes a
# numeric character reference: HTML treats a reference as a plain character, so record text
# can neither open a tag nor end an attribute, whichever quote the attribute uses.
_ESCAPED = {ord(c): f"&#{ord(c)};" for c in string.punctuation}


def escape_text(value: object) -> Markup:
    """Untrusted text as inert HTML text, on one line.

    The generated pages are HTML handed to the builder as they are (a raw HTML block in the
    Markdown that `generate` writes), so no Markdown runs over record text: escaping for
    HTML is all it needs, and titles and search text keep their punctuation as written.
    """
    return escape(" ".join(str(value).split()))


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


def json_for_script(data: Any) -> Markup:
    """JSON that cannot end its ``<script>`` element or be read as markup."""
    text = indented(data)
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
