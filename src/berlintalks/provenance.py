"""Provenance chains: who said it, who passed it on, where we read it, which are independent.

An attribution is a chain: the speaker (a source, or a publication speaking in its own
voice), the intermediaries in ``via`` from the speaker outwards, and the publication we read
it in. Two attributions are independent accounts only when their chains share nothing: no
speaker or intermediary in common, none affiliated (directly or through a chain of
affiliations) with one of the other's, not read in the same publication and not the same
outlet publishing what we read; a publication speaking in its own voice is not independent
of anything else read in it. A
``collective`` source ("Western media") names no outlet, so nothing can show it independent
of another account: it never counts as one of two. An on-record confirmation needs a party
that can be held to its word (a person or a document) and its words: a quote, or a text we
hold (the document's archive, or the archived transcript or statement we read it in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .insertions import quote_parts
from .model import (
    ON_RECORD_KINDS,
    OWN_TEXT_KINDS,
    Attribution,
    Claim,
    Kind,
    KnowledgeBase,
    Publication,
    Source,
)

# Names of the languages a page is most likely to say a quote was translated from; any other
# BCP 47 tag is shown as written.
LANGUAGE_NAMES: Mapping[str, str] = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "it": "Italian",
    "pl": "Polish",
    "ru": "Russian",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


def language_name(tag: str) -> str:
    """``ru`` → ``Russian``; a tag without a known name is returned as written."""
    return LANGUAGE_NAMES.get(tag.split("-", 1)[0].casefold(), tag)


def publication_of(kb: KnowledgeBase, att: Attribution) -> Publication | None:
    """The publication the attribution was read in, when it names a known one."""
    return kb.publications.get(att.publication) if att.publication else None


def speaker_publication(kb: KnowledgeBase, att: Attribution) -> Publication | None:
    """The publication that makes the point in its own voice, when it is the speaker."""
    if att.source in kb.sources:
        return None
    return kb.publications.get(att.source)


def translated_from(kb: KnowledgeBase, att: Attribution) -> str | None:
    """The language tag of the original when what we read of this attribution is a translation."""
    pub = publication_of(kb, att) or speaker_publication(kb, att)
    return pub.translated_from if pub is not None else None


def is_translated(kb: KnowledgeBase, att: Attribution) -> bool:
    """Whether the attribution's quote (and words) were read in a translation."""
    return translated_from(kb, att) is not None


def _name(kb: KnowledgeBase, rid: str) -> str:
    if rid in kb.sources:
        return kb.sources[rid].name
    if rid in kb.publications:
        return kb.publications[rid].title
    return rid


def chain_words(kb: KnowledgeBase, att: Attribution) -> str:
    """The chain in words, as a claim page shows it.

    ``Volodymyr Zelensky, at a joint press conference with Friedrich Merz — as reported in
    ‹Article on the talks›, translated from Russian``.
    """
    own = speaker_publication(kb, att)
    if own is not None:
        text = f"{own.title}, in its own words"
    else:
        text = _name(kb, att.source)
        if att.setting:
            text += f", {att.setting}"
    if att.via:
        text += ", via " + ", ".join(_name(kb, sid) for sid in att.via)
    pub = publication_of(kb, att)
    if pub is not None and pub is not own:
        text += f" — as reported in {pub.title}"
    lang = translated_from(kb, att)
    if lang:
        text += f", translated from {language_name(lang)}"
    return text


# ---------------------------------------------------------------- independence

# An account as independence sees it: its chain's members, the publication speaking (when it
# speaks for itself) and the publication it was read in.
_Key = tuple[frozenset[str], str | None, str | None]
# Publications and sources are named apart, so a publication stands in a chain under its own.
_PUBLICATION = "publication:"


@dataclass(slots=True)
class Provenance:
    """The chains of one knowledge base, with affiliations followed once per source."""

    kb: KnowledgeBase
    _closure: dict[str, frozenset[str]] = field(default_factory=dict)

    def affiliations(self, sid: str) -> frozenset[str]:
        """``sid`` and every source it belongs to, following ``affiliation`` to its end.

        A loop of affiliations (an error reported elsewhere) ends where it comes back.
        """
        found = self._closure.get(sid)
        if found is not None:
            return found
        seen: list[str] = []
        here: str | None = sid
        while here is not None and here not in seen:
            if here in self._closure:
                seen.extend(self._closure[here])
                break
            seen.append(here)
            source = self.kb.sources.get(here)
            here = source.affiliation if source is not None else None
        found = frozenset(seen)
        self._closure[sid] = found
        return found

    def members(self, att: Attribution) -> frozenset[str]:
        """Everyone an account rests on: speaker, intermediaries, the outlet we read it from,
        each with the organisations they belong to."""
        out: set[str] = set()
        for sid in (att.source, *att.via):
            out |= self.affiliations(sid)
        # The publication we read it in is part of the chain: two accounts read in one
        # article reach us through that one article, whoever it quotes.
        for pid in (att.publication, self.voice(att)):
            if pid is not None:
                out.add(_PUBLICATION + pid)
        for pub in (publication_of(self.kb, att), speaker_publication(self.kb, att)):
            if pub is not None and pub.outlet:
                out |= self.affiliations(pub.outlet)
        return frozenset(out)

    def collective(self, att: Attribution) -> bool:
        """Whether the chain passes through a collective source, which names no outlet."""
        for sid in (att.source, *att.via):
            source = self.kb.sources.get(sid)
            if source is not None and source.kind == Kind.COLLECTIVE:
                return True
        return False

    def voice(self, att: Attribution) -> str | None:
        """The publication speaking, when the attribution is to a publication's own voice."""
        own = speaker_publication(self.kb, att)
        return own.id if own is not None else None

    def _key(self, att: Attribution) -> _Key:
        return self.members(att), self.voice(att), att.publication

    @staticmethod
    def _apart(x: _Key, y: _Key) -> bool:
        # A publication speaking for itself is the medium of everything else read in it, so
        # it is never independent of what it relays.
        (mx, vx, rx), (my, vy, ry) = x, y
        if (vx is not None and vx == ry) or (vy is not None and vy == rx):
            return False
        return not (mx & my)

    def independent(self, a: Attribution, b: Attribution) -> bool:
        """Whether two attributions are independent accounts (see the module docstring)."""
        if self.collective(a) or self.collective(b):
            return False
        return self._apart(self._key(a), self._key(b))

    def independent_pair(self, attributions: Iterable[Attribution]) -> bool:
        """Whether any two of ``attributions`` are independent of each other."""
        keys = {self._key(a) for a in attributions if not self.collective(a)}
        if len(keys) < 2:
            return False
        # The common case of many attributions through one outlet: a member every chain
        # shares settles it without comparing the chains pairwise.
        counts = Counter(m for chain, _, _ in keys for m in chain)
        if any(n == len(keys) for n in counts.values()):
            return False
        listed = sorted(keys, key=lambda k: len(k[0]))
        return any(self._apart(x, y) for i, x in enumerate(listed) for y in listed[i + 1 :])

    def independent_accounts(self, attributions: Iterable[Attribution]) -> list[Attribution]:
        """A largest-first choice of mutually independent accounts, in the order given.

        Chosen greedily: each attribution is kept when it shares nothing with those kept
        before it. A collective source is kept only when nothing else is, as one account.
        """
        kept: list[Attribution] = []
        used: set[str] = set()
        voices: set[str] = set()
        read_in: set[str] = set()
        collectives: list[Attribution] = []
        for att in attributions:
            if self.collective(att):
                collectives.append(att)
                continue
            chain, voice, pub = self._key(att)
            if chain & used or (voice is not None and voice in read_in) or pub in voices:
                continue
            kept.append(att)
            used |= chain
            if voice is not None:
                voices.add(voice)
            if pub is not None:
                read_in.add(pub)
        if not kept and collectives:
            kept.append(collectives[0])
        return kept


# ---------------------------------------------------------------- on the record


def speaker_source(kb: KnowledgeBase, att: Attribution) -> Source | None:
    return kb.sources.get(att.source)


def on_record_kind(kb: KnowledgeBase, att: Attribution) -> bool:
    """Whether the speaker is a party that can be held to its word: a person or a document."""
    source = speaker_source(kb, att)
    return source is not None and source.kind in ON_RECORD_KINDS


def has_own_words(kb: KnowledgeBase, att: Attribution) -> bool:
    """Whether we hold the speaker's words: a quote (beyond insertions), the document's own
    archive, or the archived transcript or statement the attribution was read in."""
    if att.quote and quote_parts(att.quote):
        return True
    source = speaker_source(kb, att)
    if source is not None and source.kind == Kind.DOCUMENT and source.archive:
        return True
    pub = publication_of(kb, att)
    return pub is not None and pub.kind in OWN_TEXT_KINDS and pub.archive is not None


def on_record(kb: KnowledgeBase, att: Attribution) -> bool:
    """An on-record confirmation: a person or document, in words of theirs that we hold."""
    return on_record_kind(kb, att) and has_own_words(kb, att)


def resting_on(kb: KnowledgeBase) -> dict[str, list[str]]:
    """For each publication, the ids of the claims read in it or stated by it, sorted."""
    out: dict[str, set[str]] = {pid: set() for pid in kb.publications}
    for claim in kb.claims.values():
        for att in claim.attributions:
            for pid in (att.publication, att.source):
                if pid is not None and pid in out:
                    out[pid].add(claim.id)
    return {pid: sorted(cids) for pid, cids in out.items()}


def claim_publications(kb: KnowledgeBase, claim: Claim) -> list[str]:
    """The publications a claim rests on, in the order its attributions name them."""
    seen: dict[str, None] = {}
    for att in claim.attributions:
        for pid in (att.publication, att.source):
            if pid is not None and pid in kb.publications:
                seen.setdefault(pid)
    return list(seen)
