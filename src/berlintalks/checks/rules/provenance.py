"""The provenance rules: publications, rationales, reliability reasons, words, insertions."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

from ...finding import Finding, Severity
from ...records import Claim, KnowledgeBase, Status
from ..insertions import unbalanced
from ..provenance import (
    Provenance,
    on_record,
    on_record_kind,
    publication_of,
    speaker_publication,
)
from ..registry import rule

# A BCP 47 language tag as editors write them: a two- or three-letter language, then
# optional subtags (script, region, variant): en, ru, pt-BR, sr-Latn.
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

# Words by which a title says that it reports an account rather than states a fact.
_REPORTING = re.compile(
    r"\b(?:reportedly|reports?|reported|reporting|says?|said|saying|according|told|tells|"
    r"claims?|claimed|cites?|cited|citing|allegedly|alleges?|alleged|describes?|described|"
    r"calls?|called|announces?|announced|denies|denied|insists?|insisted|warns?|warned|"
    r"paraphrases?|paraphrased|summary|summari[sz]es)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


def _did_you_mean(word: str, known: object) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)  # type: ignore[call-overload]
    return f" — did you mean '{close[0]}'?" if close else ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------- schema (BT1xx)


@rule(
    "BT113",
    Severity.ERROR,
    "A publication and a source have the same id",
    group="schema",
    exemptable=False,
)
def publication_source_clash(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    An attribution's `source` names a source or, when a publication makes the point in its
    own voice, a publication; an id used by both would leave the reader (and the checker)
    guessing which is meant. Ids are unique across sources/ and publications/: rename one.
    """
    for pub in kb.publications.values():
        if kb.source_exists(pub.id):
            yield Finding.at(
                pub.pos("id"),
                "BT113",
                f"id '{pub.id}' is also the id of a source (sources/); ids are unique across "
                "sources and publications: rename one",
            )


@rule("BT114", Severity.ERROR, "Not a language tag", group="schema", exemptable=False)
def language_tags(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A publication's `language` and `translated_from` are BCP 47 language tags, as web pages
    declare their language: `en`, `ru`, `uk`, `de`, `pt-BR`. The site says in words which
    language a quote was translated from, so the tag must be one it can read.
    """
    for pub in kb.publications.values():
        for key in ("language", "translated_from"):
            tag = getattr(pub, key)
            if tag is not None and not LANGUAGE_TAG.match(tag.strip()):
                yield Finding.at(
                    pub.pos(key),
                    "BT114",
                    f"'{_short(tag)}' is not a language tag; write a BCP 47 tag such as 'en', "
                    "'ru' or 'pt-BR'",
                )


# ---------------------------------------------------------------- references (BT2xx)


@rule("BT206", Severity.ERROR, "Unknown publication", group="references", exemptable=False)
def unknown_publication(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    The `publication` of every attribution must be the id of a file in publications/: the
    publication the desk read it in. Add the publication (`berlintalks new publication ID`)
    or fix the id.
    """
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            pid = att.publication
            if pid is not None and not kb.publication_exists(pid):
                yield Finding.at(
                    claim.pos("attributions", i, "publication"),
                    "BT206",
                    f"unknown publication '{pid}'{_did_you_mean(pid, kb.publications)}",
                )


@rule(
    "BT207",
    Severity.ERROR,
    "An attribution without a publication",
    group="references",
    exemptable=False,
)
def attribution_needs_publication(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    The first question about every claim is "how do we know this?". Every attribution ends
    at the publication the desk read it in (an article, a transcript, a statement's text, a
    broadcast): `publication: ID`, a file in publications/. A point the publication makes in
    its own voice has the publication as its `source` as well. Add the key.
    """
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if att.publication is None:
                yield Finding.at(
                    claim.pos("attributions", i),
                    "BT207",
                    "this attribution does not say where we read it; add 'publication:' with "
                    "the id of a file in publications/",
                )


# ---------------------------------------------------------------- verdicts (BT4xx)


@rule("BT404", Severity.ERROR, "A claim without a rationale", group="attribution", exemptable=False)
def claim_needs_rationale(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A status is a verdict, and a reader needs its reason for this claim, not the generic
    definition of the status: `rationale:` says, in the desk's words, why the claim is
    `confirmed`, `reported`, `disputed`, `denied` or `unverified`, citing the evidence (who
    said it, where we read it, what is missing). The status grades the standing of the
    account, not its truth; the rationale is where that is explained. Add the key.
    """
    for claim in kb.claims.values():
        if claim.rationale is None:
            yield Finding.at(
                claim.pos("status"),
                "BT404",
                f"the status '{claim.status}' has no rationale; add 'rationale:' saying why, "
                "citing the evidence",
            )


@rule(
    "BT405",
    Severity.ERROR,
    "A confirmed claim whose on-record support has no words of the speaker",
    group="attribution",
)
def on_record_needs_words(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A named person or a document is on the record only in words we hold: a `quote` of
    theirs, the document's own `archive`, or the archived transcript or statement we read it
    in. A participant listed without a word of theirs, or a document known only from an
    article's paraphrase, confirms nothing. When such an attribution is the only on-record
    support of a `confirmed` claim and no two independent accounts carry it, add the quote
    or the archive, or set the status to `reported`.
    """
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        atts = claim.attributions
        named = [a for a in atts if on_record_kind(kb, a)]
        if not named or any(on_record(kb, a) for a in named):
            continue
        if Provenance(kb).independent_pair(atts):
            continue
        who = ", ".join(dict.fromkeys(f"'{a.source}'" for a in named))
        yield Finding.at(
            claim.pos("status"),
            "BT405",
            f"this claim is confirmed on the word of {who}, but no attribution holds their "
            "words; add a quote (or an archive of the document), or set the status to "
            "'reported'",
        )


def _mentions(title: str, name: str, by_last_word: bool) -> bool:
    """Whether the title names ``name``: in full, or by its last word (a surname, 'Axios')."""
    folded = title.casefold()
    name = name.strip().casefold()
    if not name:
        return False
    if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", folded):
        return True
    if not by_last_word:
        return False
    words = _WORD.findall(name)
    last = words[-1] if words else ""
    return len(last) >= 4 and re.search(rf"(?<!\w){re.escape(last)}(?!\w)", folded) is not None


def _names_in_chains(kb: KnowledgeBase, claim: Claim) -> list[tuple[str, bool]]:
    """Each name the title could give the account by, and whether its last word will do."""
    names: list[tuple[str, bool]] = []
    for att in claim.attributions:
        for pub in (speaker_publication(kb, att), publication_of(kb, att)):
            if pub is not None:
                # A publication's title is descriptive ("… talks in Berlin"): only the whole
                # of it, or "the article", names it.
                names += [(pub.title, False), (f"the {pub.kind}", False)]
        for sid in (att.source, *att.via):
            source = kb.sources.get(sid)
            if source is None:
                continue
            names += [(source.name, True), (sid.replace("-", " "), False)]
    return names


@rule(
    "BT406",
    Severity.WARNING,
    "A reported claim whose title states the report as fact",
    group="attribution",
)
def reported_title_attributes(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A `reported` claim rests on anonymous or second-hand attribution, so a title that states
    it as fact ("The U.S. pressed Kyiv to withdraw") says more than the evidence carries; a
    reader who sees only the title takes it as established. The title should say who reports
    it ("AFP: the U.S. pressed Kyiv…", "U.S. officials say…") or that it is reported
    ("reportedly"). The check is a heuristic: the title names none of the claim's sources,
    intermediaries or publications ("the article" names its publication) and has no
    reporting word (reportedly, reports, says, said, according, told, claims, cited…).
    Rewrite the title, or accept the warning with an exception saying why the title is
    attributed already.
    """
    for claim in kb.claims.values():
        if claim.status != Status.REPORTED:
            continue
        if _REPORTING.search(claim.title):
            continue
        if any(_mentions(claim.title, n, last) for n, last in _names_in_chains(kb, claim)):
            continue
        yield Finding.at(
            claim.pos("title"),
            "BT406",
            "this reported claim's title states the report as fact; say who reports it "
            "('AFP: …', '… officials say') or write 'reportedly'",
        )


@rule(
    "BT407",
    Severity.ERROR,
    "A source without the reason for its reliability grade",
    group="attribution",
    exemptable=False,
)
def reliability_needs_reason(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A reliability grade (A–F) is a judgement, and the source page shows its basis:
    `reliability_reason:` gives it in one line (a track record, a first-hand participant with
    an interest in the outcome, an unnamed source that cannot be judged). Add the key.
    """
    for source in kb.sources.values():
        if source.reliability_reason is None:
            yield Finding.at(
                source.pos("reliability"),
                "BT407",
                f"the reliability grade {source.reliability} has no stated basis; add "
                "'reliability_reason:' in one line",
            )


# ---------------------------------------------------------------- quotes (BT7xx)


@rule(
    "BT703",
    Severity.ERROR,
    "A quote with unbalanced insertion marks",
    group="quotes",
    exemptable=False,
)
def balanced_insertions(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    In a quote, [square brackets] mark words inserted by the publication or by us, shown as
    insertions and left out of the quote check. Every `[` must be closed by a `]` before the
    next `[`; otherwise the page cannot tell the speaker's words from the insertion. Write
    the publication's own parenthetical insertions, e.g. "(territorial concessions)", in
    square brackets too, and close every bracket.
    """
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if not att.quote:
                continue
            bad = unbalanced(att.quote)
            if bad is not None:
                yield Finding.at(
                    claim.pos("attributions", i, "quote"),
                    "BT703",
                    f"at character {bad.offset + 1} of the quote: {bad.problem}; square "
                    "brackets mark insertions and must pair up",
                )


# ---------------------------------------------------------------- advice (BT9xx)


@rule("BT906", Severity.WARNING, "A publication nothing rests on", group="advice")
def unused_publication(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A publication that no attribution names (as `publication`, or as `source` when it
    speaks in its own voice) supports nothing on the site, often left behind when a claim
    was changed. Cite it or delete the file. Not reported while a claim file cannot be read
    (its citations are unknown).
    """
    if kb.broken_claims:
        return
    used: set[str] = set()
    for claim in kb.claims.values():
        for att in claim.attributions:
            used.add(att.source)
            if att.publication:
                used.add(att.publication)
    for pub in kb.publications.values():
        if pub.id not in used:
            yield Finding.at(
                pub.pos("id"),
                "BT906",
                f"no attribution names '{pub.id}' (as publication or source); cite it or "
                "delete the file",
            )
