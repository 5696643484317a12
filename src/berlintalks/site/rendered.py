"""A generated page as the templates rendered it: its HTML, headings, meta and search entries."""

from __future__ import annotations

import codecs
import html
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.S)
# What `toc: permalink: true` appends to every heading.
_PERMALINK = '<a class="headerlink" href="#{0}" title="Permanent link">&para;</a>'


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    id: str
    name: str  # the heading's text as HTML, its tags stripped (what toc's tokens carry)


@dataclass(frozen=True, slots=True)
class SearchEntry:
    """One entry of Material's search index: a page, or a section of it at ``anchor``."""

    anchor: str | None
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A generated page: its HTML body, and what MkDocs reads from a page besides its HTML."""

    html: str | PackedHtml  # a kept page's stays packed
    title: str  # as HTML (escaped), as MkDocs keeps a title it took from a page's heading
    headings: tuple[Heading, ...]
    meta: Mapping[str, Any]  # the front matter besides the title (a claim's tags, say)
    # Docs paths the page links to (``claims/x.md``, ``methodology.md#anchor``), sorted.
    links: tuple[str, ...] = ()
    # Entries for the search index made from the records; None lets the search plugin read
    # the HTML as it reads every other page.
    search: tuple[SearchEntry, ...] | None = None

    def source(self) -> str:
        """The page as a Markdown file any MkDocs-like builder reads: front matter, then the
        HTML, which Markdown passes through as one raw HTML block."""
        front = ["---"]
        for key, value in self.meta.items():
            if isinstance(value, list | tuple):
                front.append(f"{key}:")
                front += [f"  - {_yaml_scalar(v)}" for v in value]
            else:
                front.append(f"{key}: {_yaml_scalar(value)}")
        # The title too: a builder finds no heading inside raw HTML to take it from. `<`, `>`
        # and `&` stay escaped, since MkDocs' themes write a page's title into the page as it
        # is; quotes and apostrophes are written plainly, since Zensical escapes the title
        # itself and would show their references as written.
        title = html.escape(html.unescape(self.title), quote=False)
        front.append(f"title: {json.dumps(title, ensure_ascii=False)}")
        front.append("---")
        return "\n".join(front) + '\n\n<div class="bt-page">\n' + str(self.html) + "</div>\n"


_PLAIN = re.compile(r"[a-z][a-z0-9-]*")
# Words YAML 1.1 reads as a boolean or null rather than as text.
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _yaml_scalar(value: object) -> str:
    """A slug as it is; anything else as a JSON string, which YAML reads as the same text."""
    text = str(value)
    if _PLAIN.fullmatch(text) and text not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def with_headings(body: str) -> tuple[str, tuple[Heading, ...]]:
    """``body`` with an id and a permalink on each heading, as toc gives them, and the headings.

    Ids are toc's own: the heading's text slugified, made unique within the page by ``_1``,
    ``_2``, so that links into a page keep their anchors.
    """
    used: set[str] = set()
    counters: dict[str, int] = {}
    found: list[Heading] = []

    def one(m: re.Match[str]) -> str:
        level, inner = int(m[1]), m[2].strip()
        name = strip_tags(inner)
        anchor = unique(slugify(html.unescape(name), "-"), used, counters)
        found.append(Heading(level, anchor, name))
        return f'<h{level} id="{anchor}">{inner}{_PERMALINK.format(anchor)}</h{level}>'

    return _HEADING.sub(one, body), tuple(found)


def pack(text: str) -> bytes:
    """``text`` compressed, for a page or file held from the start of a build to its writing.

    MkDocs reads every page before it writes any, so a build holds all of them at once: their
    HTML compresses about seven times at the fastest level, for some 3% of the rendering time.
    """
    return zlib.compress(text.encode("utf-8"), 1)


class PackedHtml:
    """A page's HTML as `pack` packed it, left packed: a page the build before rendered and
    kept (`memo_store`), which this build hands to MkDocs packed as it is. Unpacking every
    kept page only to pack it again was a twentieth of a build after one changed record."""

    __slots__ = ("packed",)

    def __init__(self, packed: bytes) -> None:
        self.packed = packed

    def __str__(self) -> str:
        return unpack(self.packed)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PackedHtml) and other.packed == self.packed

    def __hash__(self) -> int:
        return hash(self.packed)


def packed_form(html: str | PackedHtml) -> bytes:
    """`pack` of a page's HTML, taken as it is when it is held packed."""
    return html.packed if isinstance(html, PackedHtml) else pack(html)


def pack_pieces(pieces: Iterable[str]) -> bytes:
    """`pack` of the text made of ``pieces``, never holding the whole text."""
    packer = zlib.compressobj(1)
    out = [packer.compress(piece.encode("utf-8")) for piece in pieces]
    out.append(packer.flush())
    return b"".join(out)


class PackedText:
    """A file's text as `pack_pieces` packed it, read in pieces: what a second process sends."""

    def __init__(self, packed: bytes) -> None:
        self.packed = packed

    def __iter__(self) -> Iterator[str]:
        return unpack_pieces(self.packed)


# A file's text as a build holds it: packed (`pack`), a text, or the text's pieces.
Held = bytes | str | tuple[str, ...]


def held_pieces(pieces: Iterable[str], whole: bool) -> Held:
    """A file's text, in ``pieces``, as a build holds it until it is written: packed, or
    ``whole`` for `serve`, which writes every export again on each rebuild (compressing it
    each time was a tenth of a rebuild at 10,000 claims), and for a build under the
    plugin's ``pack_from``: the pieces as they are, in `serve` mostly the memo's own
    strings. Joined, claims.json at 10,000 claims was a text of 30 million characters, not
    all of them ASCII, which took 0.13 s to join and write against 0.03 s for its pieces
    written one by one."""
    if isinstance(pieces, PackedText):
        return pieces.packed
    return tuple(pieces) if whole else pack_pieces(pieces)


def unpack(packed: bytes) -> str:
    return zlib.decompress(packed).decode("utf-8")


def held_text(held: Held) -> str:
    """The text of what `pack` packed, or a text held as it is or in pieces."""
    if isinstance(held, str):
        return held
    return "".join(held) if isinstance(held, tuple) else unpack(held)


def unpack_pieces(packed: bytes, size: int = 1 << 20) -> Iterator[str]:
    """The text of ``packed`` in pieces of at most ``size`` characters."""
    unpacker = zlib.decompressobj()
    decoder = codecs.getincrementaldecoder("utf-8")()
    data = packed
    while data:
        piece = unpacker.decompress(data, size)
        data = unpacker.unconsumed_tail
        yield decoder.decode(piece)
    yield decoder.decode(unpacker.flush(), final=True)


def toc_tokens(headings: tuple[Heading, ...]) -> list[dict[str, Any]]:
    return nest_toc_tokens([{"level": h.level, "id": h.id, "name": h.name} for h in headings])
