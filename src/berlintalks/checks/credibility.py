"""The claim's information credibility on the Admiralty scale (1–6), computed from the graph.

Two grades stand beside a claim, as in the Admiralty (NATO) system. The letter is the
reliability of the best source in the claim's chains (A completely reliable … F cannot be
judged), taken from the source records. The number is the credibility of the information
itself, computed from the knowledge base as follows; the first rule that applies decides.

1. **An editor's grade wins.** A claim's `credibility: {grade, reason}` replaces the
   computed number; the reason is shown beside it.
2. **Independent accounts are counted.** The accounts are the claim's own attributions and
   those of every claim that `supports` it. Two accounts are independent only when their
   chains share no speaker, no intermediary, no publication we read them in and no outlet,
   directly or through a chain of affiliations; a `collective` source ("Western media")
   counts as one account at most, never as one of two. They are counted greedily, the
   best-graded account first.
3. **Contradicted or denied.** When a claim with an on-record account `contradicts` this
   one, or this claim's status is `denied`: **3** (possibly true) if two or more
   independent accounts carry it, otherwise **5** (improbable).
4. **Two or more independent accounts:** **1** (confirmed by other sources).
5. **One account, on the record** (a person or document, in words we hold): **2**
   (probably true).
6. **One account otherwise**, by the best reliability in its chain: A–C **3** (possibly
   true), D–E **4** (doubtful), F **6** (cannot be judged).
7. **No account that can be traced** (every source unknown): **6**.

The combined grade joins the two: `B3` is "usually reliable source; possibly true".
Neither grade is the status: the status says how the account stands on the record, the
number how likely the information is to be true on the evidence we hold.

**A worked example.** AFP, citing unnamed sources, reports that the U.S. pressed Kyiv to
withdraw from Donetsk (attribution: `afp-sources` via `afp`, read in the article). The
claim has one account; no other claim supports it. Zelensky, a named person, said in words
the article quotes that the U.S. made no demands, and that claim `contradicts` this one: a
contradiction on the record. With fewer than two independent accounts, rule 3 gives **5**
(improbable). The best source in the chain is AFP, graded B, so the combined grade is
**B5**: a usually reliable source carrying information contradicted on the record. Had
Axios, through its own unnamed sources, carried the same report in an article of its own,
the two accounts would share nothing and rule 3 would give **B3**; two accounts read in the
same article reach us through that one article, and count as one.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..records import (
    CREDIBILITY_DOCS,
    CREDIBILITY_WORDS,
    RELIABILITY_WORDS,
    Attribution,
    Claim,
    KnowledgeBase,
    Publication,
    RelationType,
    Source,
    Status,
)
from .graph import Graph, Link, build_graph
from .provenance import Provenance, on_record, publication_of, speaker_publication

# The method as the methodology page shows it: the module docstring is its one source.
# Markdown: paragraphs, a numbered list and bold labels.
METHOD = inspect.cleandoc(__doc__ or "").split("\n", 2)[2].strip()

_ORDER = "ABCDEF"


@dataclass(frozen=True, slots=True)
class Grade:
    """A claim's combined grade: best source reliability, information credibility, and why."""

    reliability: str  # A–F
    credibility: int  # 1–6
    reason: str  # one sentence: which rule decided, in the desk's words
    override: bool = False

    @property
    def code(self) -> str:
        return f"{self.reliability}{self.credibility}"

    @property
    def words(self) -> str:
        """`usually reliable source; possibly true`."""
        rel = RELIABILITY_WORDS[self.reliability]
        rel = rel if rel.startswith("reliability") else f"{rel} source"
        return f"{rel}; {CREDIBILITY_WORDS[self.credibility]}"

    @property
    def doc(self) -> str:
        return CREDIBILITY_DOCS[self.credibility]


def _reliability(kb: KnowledgeBase, att: Attribution) -> str:
    """The best reliability among the chain's sources (speaker, intermediaries, outlet)."""
    ids = [att.source, *att.via]
    pub = publication_of(kb, att) or speaker_publication(kb, att)
    if pub is not None and pub.outlet:
        ids.append(pub.outlet)
    grades = [kb.sources[sid].reliability for sid in ids if sid in kb.sources]
    return min(grades, key=_ORDER.index) if grades else "F"


def _traceable(kb: KnowledgeBase, att: Attribution) -> bool:
    return att.source in kb.sources or att.source in kb.publications


def _contradicted_on_record(kb: KnowledgeBase, graph: Graph, claim: Claim) -> str | None:
    """The title of a claim that contradicts this one on the record: readers see titles."""
    for link in graph.of(claim.id):
        other = kb.claims.get(link.other)
        if link.type is not RelationType.CONTRADICTS or other is None or other.id == claim.id:
            continue
        if any(on_record(kb, att) for att in other.attributions):
            return other.title
    return None


def grade(
    kb: KnowledgeBase,
    claim: Claim,
    graph: Graph | None = None,
    provenance: Provenance | None = None,
) -> Grade:
    """The claim's combined grade, computed as the module docstring describes."""
    graph = graph if graph is not None else build_graph(kb)
    prov = provenance if provenance is not None else Provenance(kb)
    own = [a for a in claim.attributions if _traceable(kb, a)]
    supporting = [
        a
        for link in graph.of(claim.id)
        if link.type is RelationType.SUPPORTS and not link.outgoing and link.other in kb.claims
        for a in kb.claims[link.other].attributions
        if _traceable(kb, a)
    ]
    accounts = sorted([*own, *supporting], key=lambda a: _ORDER.index(_reliability(kb, a)))
    # The letter grades this claim's own chains; supporting claims only add accounts.
    best = min((_reliability(kb, a) for a in own), key=_ORDER.index, default="F")
    if claim.credibility is not None:
        return Grade(best, claim.credibility.grade, claim.credibility.reason, override=True)
    if not accounts:
        return Grade(best, 6, "No account of this claim can be traced to a known source.")
    n = len(prov.independent_accounts(accounts))
    many = f"{n} independent accounts carry it"
    against = _contradicted_on_record(kb, graph, claim)
    if against is not None or claim.status == Status.DENIED:
        why = (
            f"contradicted on the record by another account (“{against}”)"
            if against is not None
            else "denied on the record by the party it concerns"
        )
        if n >= 2:
            return Grade(best, 3, f"It is {why}, but {many}.")
        return Grade(best, 5, f"It is {why}, and no second independent account carries it.")
    if n >= 2:
        return Grade(best, 1, f"{many.capitalize()}.")
    if any(on_record(kb, a) for a in own):
        return Grade(best, 2, "One account, on the record in the speaker's own words.")
    if best in "ABC":
        return Grade(best, 3, f"One account, not on the record; its best source is graded {best}.")
    if best in "DE":
        return Grade(best, 4, f"One account, not on the record; its best source is graded {best}.")
    return Grade(
        best, 6, "One account, not on the record, from sources whose reliability cannot be judged."
    )


def grades(
    kb: KnowledgeBase, graph: Graph | None = None, kept: KeptGrades | None = None
) -> dict[str, Grade]:
    """Every claim's grade, by id, sharing one graph and one set of chains.

    ``graph``: the records' relation graph, made again when not given. ``kept``: the grades
    of the records before (`serve` keeps them between rebuilds), each taken again when what
    it was computed from is the very same records.
    """
    graph = graph if graph is not None else build_graph(kb)
    prov = Provenance(kb)
    if kept is None:
        return {cid: grade(kb, claim, graph, prov) for cid, claim in kb.claims.items()}
    return kept.grades(kb, graph, prov)


# A claim's grade, and what it was computed from: the claim, its links, the claims they
# lead to (None for one that is gone).
_Made = tuple[Claim, list[Link], tuple[Claim | None, ...], Grade]


@dataclass(slots=True)
class KeptGrades:
    """The grades of the last records, with what each was computed from.

    A grade reads the claim, its links, the claims at their other end (their accounts and
    status) and the sources and publications. Records that did not change are the very
    objects they were (the parse cache keeps them), so a grade is taken again when its
    claim and those claims are the same objects, its links are equal, and no source or
    publication is other than it was; anything else computes it again.
    """

    sources: dict[str, Source] = field(default_factory=dict)
    publications: dict[str, Publication] = field(default_factory=dict)
    made: dict[str, _Made] = field(default_factory=dict)
    computed: int = 0  # how many grades the last call computed

    def grades(self, kb: KnowledgeBase, graph: Graph, prov: Provenance) -> dict[str, Grade]:
        same = _same(self.sources, kb.sources) and _same(self.publications, kb.publications)
        before = self.made if same else {}
        made: dict[str, _Made] = {}
        self.computed = 0
        for cid, claim in kb.claims.items():
            links = graph.of(cid)
            others = tuple(kb.claims.get(link.other) for link in links)
            was = before.get(cid)
            if (
                was is not None
                and was[0] is claim
                and len(was[2]) == len(others)
                and all(a is b for a, b in zip(was[2], others, strict=True))
                and was[1] == links
            ):
                made[cid] = was
                continue
            self.computed += 1
            made[cid] = (claim, links, others, grade(kb, claim, graph, prov))
        self.sources, self.publications = dict(kb.sources), dict(kb.publications)
        self.made = made
        return {cid: m[3] for cid, m in made.items()}


def _same(before: Mapping[str, object], now: Mapping[str, object]) -> bool:
    """Whether ``now`` holds the very objects ``before`` does, under the same keys."""
    return len(before) == len(now) and all(now.get(k) is v for k, v in before.items())


def grade_words(g: Grade) -> str:
    """`B3: usually reliable source; possibly true`."""
    return f"{g.code}: {g.words}"
