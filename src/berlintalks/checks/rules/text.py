"""The text of records (BT902, BT903): words in another script, claims without a quote."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    Claim,
    Publication,
    Source,
)
from ..context import CheckContext
from ..rule import Problem, Rule
from .wording import short as _short

# Letters that Unicode names without a script but that English text uses.
_SCRIPTLESS = ("LATIN", "MODIFIER LETTER", "FEMININE ORDINAL", "MASCULINE ORDINAL", "MICRO SIGN")

_WORD = re.compile(r"\w+")


def foreign_words(text: str) -> list[tuple[str, str]]:
    """Each word of ``text`` with a letter outside the Latin script, with that letter's script."""
    if text.isascii():
        return []
    found = []
    for m in _WORD.finditer(text):
        word = m.group()
        if word.isascii():
            continue
        for ch in word:
            name = unicodedata.name(ch, "")
            if ch.isalpha() and not name.startswith(_SCRIPTLESS):
                script = name.split(" ", 1)[0] if name else "non-Latin"
                found.append((word, script if script == "CJK" else script.capitalize()))
                break
    return found


def _text_fields(
    record: Claim | Source | Publication,
) -> Iterator[tuple[str, tuple[str | int, ...], str]]:
    if isinstance(record, Claim):
        yield "title", ("title",), record.title
        yield "statement", ("statement",), record.statement
        if record.rationale:
            yield "rationale", ("rationale",), record.rationale
        for i, att in enumerate(record.attributions):
            if att.quote:
                yield "quote", ("attributions", i, "quote"), att.quote
            if att.setting:
                yield "setting", ("attributions", i, "setting"), att.setting
        for i, rel in enumerate(record.relations):
            if rel.note:
                yield "note", ("relations", i, "note"), rel.note
        if record.credibility is not None:
            yield "reason", ("credibility", "reason"), record.credibility.reason
    elif isinstance(record, Publication):
        yield "title", ("title",), record.title
        if record.note:
            yield "note", ("note",), record.note
    else:
        yield "name", ("name",), record.name
        for key in ("role", "description", "reliability_reason"):
            value = getattr(record, key)
            if value:
                yield key, (key,), value
    for i, ex in enumerate(record.exceptions):
        yield "reason", ("exceptions", i, "reason"), ex.reason


def foreign_script(ctx: CheckContext) -> Iterator[Problem]:
    """
    The site is in English, and a word in Cyrillic, Greek or another non-Latin script in a
    title, statement, quote, note, name, role, description or reason is usually left over
    from a translation (the seed article itself carries an untranslated Russian
    "предусматривает", "provides for"). Translate the word, or transliterate a name; if the
    original wording matters, accept the finding with an exception saying why.
    """
    kb = ctx.kb
    records: list[Claim | Source | Publication] = [
        *kb.claims.values(),
        *kb.sources.values(),
        *kb.publications.values(),
    ]
    for record in records:
        for key, path, text in _text_fields(record):
            words = foreign_words(text)
            if not words:
                continue
            word, script = words[0]
            more = len({w for w, _ in words}) - 1
            extra = f" (and {more} more)" if more else ""
            yield Problem(
                record.pos(*path),
                f"'{key}' contains the {script} word '{_short(word)}'{extra}; the site is in "
                "English: translate or transliterate it",
            )


def claim_without_quote(ctx: CheckContext) -> Iterator[Problem]:
    """
    A quote lets the reader see the source's own words beside our summary. A claim with no
    `quote` in any attribution rests on our paraphrase alone. Add the quote when the source
    has one; when it published no words to quote (a report summarised by an outlet, say),
    the warning stands as a reminder, or accept it with an exception giving that reason.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        if claim.attributions and not any(att.quote for att in claim.attributions):
            assert claim.positions is not None
            yield Problem(
                claim.positions.key("attributions"),
                "no attribution of this claim has a quote; add the source's own words if "
                "they were published",
            )


RULES = (
    Rule.of(
        "BT902",
        Severity.WARNING,
        "A word in another script in English text",
        group="advice",
        check=foreign_script,
    ),
    Rule.of(
        "BT903",
        Severity.WARNING,
        "A claim with no quote",
        group="advice",
        check=claim_without_quote,
    ),
)
