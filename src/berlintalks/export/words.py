"""Records in words: a status, a figure and a chain of attribution as pages and exports say them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..checks import language_name, publication_of, speaker_publication, translated_from
from ..records import (
    QUALIFIER_WORDS,
    Attribution,
    Figure,
    KnowledgeBase,
    PublicationKind,
    Status,
)

# The status in words, as pages and ClaimReview's textual rating show it. The scale grades the
# standing of an account (who said it, on what record), not the truth of what was said, so
# no status is published as a number: a truth score of 4 of 5 for an anonymous report would
# tell aggregators the report is nearly true, which nothing here says.
STATUS_WORDS: dict[str, str] = {
    Status.CONFIRMED: "Confirmed on the record",
    Status.REPORTED: "Reported, not confirmed",
    Status.DISPUTED: "Disputed on the record",
    Status.DENIED: "Denied on the record",
    Status.UNVERIFIED: "Unverified",
}


def number_words(value: float) -> str:
    """``800000`` → ``800,000``; a whole float loses its ``.0``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}"


def figure_words(figure: Figure) -> str:
    """``up to 800,000 personnel``: the qualifier in words, the number with separators."""
    values = figure.values or ((figure.value,) if figure.value is not None else ())
    number = " / ".join(number_words(v) for v in values)
    words = QUALIFIER_WORDS.get(figure.qualifier, "")
    return " ".join(part for part in (words, number, figure.unit) if part)


# How a chain names a publication speaking in its own voice: "The article itself (…)".
_ITSELF = {
    PublicationKind.ARTICLE: "The article itself",
    PublicationKind.TRANSCRIPT: "The transcript itself",
    PublicationKind.STATEMENT: "The statement itself",
    PublicationKind.BROADCAST: "The broadcast itself",
}


def _plain(text: str, target: str | None) -> str:
    return text


def chain_text(
    kb: KnowledgeBase,
    att: Attribution,
    name: Callable[[str, str | None], Any] = _plain,
    here: str | None = None,
) -> list[Any]:
    """The chain of an attribution in words, as pieces: ``name(text, target)`` for each record.

    ``Volodymyr Zelensky, at a joint press conference with Friedrich Merz — as reported in
    ‹publication›, translated from Russian``; a publication speaking itself reads "The article
    itself (‹title›), in its own voice". ``target`` is ``sources/<id>`` or
    ``publications/<id>`` (None for an id that names no record), so a page can make links.
    On the page of publication ``here`` the chain does not name that publication again.
    """

    def ref(rid: str) -> Any:
        if rid in kb.sources:
            return name(kb.sources[rid].name, f"sources/{rid}")
        if rid in kb.publications:
            return name(kb.publications[rid].title, f"publications/{rid}")
        return name(rid, None)

    out: list[Any] = []
    own = speaker_publication(kb, att)
    if own is not None:
        itself = _ITSELF.get(PublicationKind(own.kind), "The publication itself")
        if own.id == here:
            out.append(f"{itself}, in its own voice")
        else:
            out += [f"{itself} (", ref(own.id), "), in its own voice"]
    else:
        out.append(ref(att.source))
        if att.setting:
            out.append(", ")
            out.append(name(att.setting, None))
    for i, sid in enumerate(att.via):
        out.append(", via " if i == 0 else ", then ")
        out.append(ref(sid))
    pub = publication_of(kb, att)
    if pub is not None and pub is not own and pub.id != here:
        out += [" — as reported in ", ref(pub.id)]
    elif att.publication and pub is None:
        out += [" — as reported in ", ref(att.publication)]
    elif own is None and not att.publication:
        out.append(" — the publication we read it in is not recorded")
    lang = translated_from(kb, att)
    if lang:
        out.append(f", translated from {language_name(lang)}")
    return out


def chain_sentence(kb: KnowledgeBase, att: Attribution) -> str:
    """The chain in plain words (see :func:`chain_text`)."""
    return "".join(str(p) for p in chain_text(kb, att))
