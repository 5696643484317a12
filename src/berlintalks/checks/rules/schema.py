"""Ids and tags (BT113, BT114): ids unique across sources and publications, language tags."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ...finding import Severity
from ..context import CheckContext
from ..rule import Problem, Rule
from .wording import short as _short

# A BCP 47 language tag as editors write them: a two- or three-letter language, then
# optional subtags (script, region, variant): en, ru, pt-BR, sr-Latn.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def publication_source_clash(ctx: CheckContext) -> Iterator[Problem]:
    """
    An attribution's `source` names a source or, when a publication makes the point in its
    own voice, a publication; an id used by both would leave the reader (and the checker)
    guessing which is meant. Ids are unique across sources/ and publications/: rename one.
    """
    kb = ctx.kb
    for pub in kb.publications.values():
        if kb.source_exists(pub.id):
            yield Problem(
                pub.pos("id"),
                f"id '{pub.id}' is also the id of a source (sources/); ids are unique across "
                "sources and publications: rename one",
            )


def language_tags(ctx: CheckContext) -> Iterator[Problem]:
    """
    A publication's `language` and `translated_from` are BCP 47 language tags, as web pages
    declare their language: `en`, `ru`, `uk`, `de`, `pt-BR`. The site says in words which
    language a quote was translated from, so the tag must be one it can read.
    """
    kb = ctx.kb
    for pub in kb.publications.values():
        for key in ("language", "translated_from"):
            tag = getattr(pub, key)
            if tag is not None and not LANGUAGE_TAG.match(tag.strip()):
                yield Problem(
                    pub.pos(key),
                    f"'{_short(tag)}' is not a language tag; write a BCP 47 tag such as 'en', "
                    "'ru' or 'pt-BR'",
                )


RULES = (
    Rule.of(
        "BT113",
        Severity.ERROR,
        "A publication and a source have the same id",
        group="schema",
        exemptable=False,
        check=publication_source_clash,
    ),
    Rule.of(
        "BT114",
        Severity.ERROR,
        "Not a language tag",
        group="schema",
        exemptable=False,
        check=language_tags,
    ),
)
