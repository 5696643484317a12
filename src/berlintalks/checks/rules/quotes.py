"""Quotes (BT701-BT703).

Quotes against archived text, readable archives, balanced insertion marks.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...finding import Severity
from ...records import (
    Publication,
    Source,
)
from ...records.codes import ARCHIVE_PATH
from ..context import CheckContext, archive_of, archive_words
from ..insertions import quote_parts, unbalanced
from ..quotes import PASSAGES_MAX, Lookup, QuoteSearch
from ..rule import Problem, Rule


def _quote_problem(found: Lookup, where: str) -> str | None:
    if found.found:
        return None
    if found.found is None:
        return (
            f"quote not compared with {where}: quotes before it, of one or two words or of "
            "words the archive repeats thousands of times, took all the searching a check "
            "allows; quote longer passages with rarer words"
        )
    if found.passage is not None:
        return f'quote not found in {where}; closest passage: "{found.passage.text}"'
    if not found.searched:
        return (
            f"quote not found in {where}; the closest passage is shown for the first "
            f"{PASSAGES_MAX} missed quotes of a check only"
        )
    return f"quote not found in {where}"


def quote_in_archive(ctx: CheckContext) -> Iterator[Problem]:
    """
    A quote is the source's words as published, so where the source, an intermediary in
    `via` or the publication it was read in has an `archive` snapshot, the quote must occur
    in it word for word; insertions in [square brackets] are left out, and the words on
    either side of them are looked for separately.
    Typography is set aside: runs of whitespace, quote marks (“ ” „ « » ‘ ’ ' "), dashes
    (– — ‐ -) and the spaces around them, and … against ... count as equal; letters, case and
    punctuation do not. The message shows the closest passage of the archive: copy the quote
    from there. To leave words out of the middle, make two attributions with one quote each.
    Only a plain file under `archive/` is ever read as a snapshot (BT108), so no other file's
    text can appear as a passage.
    (Web addresses are checked when the file is read: only http and https, BT107.)
    """
    kb = ctx.kb
    search = QuoteSearch(memo=ctx.quotes)
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if not att.quote:
                continue
            # Insertions in [brackets] are not the speaker's: the words around them are checked.
            parts = quote_parts(att.quote)
            for sid in dict.fromkeys(s for s in (att.source, *att.via, att.publication) if s):
                source = kb.sources.get(sid) or kb.publications.get(sid)
                if source is None or source.archive is None:
                    continue
                archive = archive_of(ctx, source)
                if archive.text is None:
                    continue
                # The parts around insertions are looked up one by one; when one is missed,
                # the passage shown is the one closest to the speaker's words as a whole.
                where = f"the archive of '{sid}' ({source.archive})"
                words_of = archive_words(ctx, source)
                for part in parts:
                    problem = _quote_problem(search.look_up(part, words_of), where)
                    if problem is not None:
                        if len(parts) > 1:
                            whole = _quote_problem(search.look_up(" ".join(parts), words_of), where)
                            problem = whole or problem
                        yield Problem(claim.pos("attributions", i, "quote"), problem)
                        break


def archive_readable(ctx: CheckContext) -> Iterator[Problem]:
    """
    A source's or publication's `archive` names the plain-text snapshot its quotes are
    checked against. The file must exist under `archive/`, be UTF-8 text and at most 16 MiB.
    Add the file, correct the path (relative to the root, e.g.
    `archive/afp-2025-12-15.txt`), or remove the key. A path that is no plain file under
    `archive/` (a link, a dotfile, `.git/config`) is BT108 and is not read at all.
    """
    kb = ctx.kb
    records: list[Source | Publication] = [*kb.sources.values(), *kb.publications.values()]
    for source in records:
        if source.archive is None:
            continue
        archive = archive_of(ctx, source)
        if archive.problem is not None:
            # A path the boundary refuses is no unreadable snapshot but a bad archive path:
            # the records stage's code, which also covers paths that leave the root.
            code = ARCHIVE_PATH if archive.refused else None
            yield Problem(source.pos("archive"), archive.problem, code)


def balanced_insertions(ctx: CheckContext) -> Iterator[Problem]:
    """
    In a quote, [square brackets] mark words inserted by the publication or by us, shown as
    insertions and left out of the quote check. Every `[` must be closed by a `]` before the
    next `[`; otherwise the page cannot tell the speaker's words from the insertion. Write
    the publication's own parenthetical insertions, e.g. "(territorial concessions)", in
    square brackets too, and close every bracket.
    """
    kb = ctx.kb
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if not att.quote:
                continue
            bad = unbalanced(att.quote)
            if bad is not None:
                yield Problem(
                    claim.pos("attributions", i, "quote"),
                    f"at character {bad.offset + 1} of the quote: {bad.problem}; square "
                    "brackets mark insertions and must pair up",
                )


RULES = (
    Rule.of(
        "BT701",
        Severity.ERROR,
        "A quote is not in the archived text",
        group="quotes",
        check=quote_in_archive,
    ),
    Rule.of(
        "BT702",
        Severity.ERROR,
        "An archive snapshot cannot be read",
        group="quotes",
        check=archive_readable,
        also=(ARCHIVE_PATH,),
    ),
    Rule.of(
        "BT703",
        Severity.ERROR,
        "A quote with unbalanced insertion marks",
        group="quotes",
        exemptable=False,
        check=balanced_insertions,
    ),
)
