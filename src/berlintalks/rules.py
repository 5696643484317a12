"""The consistency rules: one small function per rule, registered with its code and reason."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .boundary import ARCHIVE_DIR, OutsideBoundary, TooLarge, archive_problem, read_bytes
from .findings import Finding, Severity
from .graph import Graph, build_graph
from .insertions import quote_parts
from .model import (
    UNNAMED_KINDS,
    Claim,
    Figure,
    Kind,
    KnowledgeBase,
    Publication,
    RelationType,
    Source,
    Status,
)
from .provenance import Provenance, on_record_kind
from .quotes import PASSAGES_MAX, Lookup, QuoteSearch, Words, normalise, words
from .registry import declare, rule

# Archives are plain-text snapshots of articles and statements; this is far beyond any of them
# and keeps a mistaken path to a large file from stalling the check.
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024
PERCENT_UNITS = frozenset({"percent", "per cent", "%"})


# Each search for a close id compares the unknown one with every known id; a file of
# thousands of unknown ids would cost their number times the ids. The first ones get their
# suggestion (the editor fixes those first); the rest are reported without.
SUGGESTIONS_MAX = 50


Suggestions = dict[tuple[int, str], str | None]


def _close_id(done: Suggestions, word: str, known: Mapping[str, object]) -> str | None:
    """The known id most like ``word``, searched once per word and SUGGESTIONS_MAX per check.

    ``done`` is the check's record of the searches made (see :func:`context`).
    """
    key = (id(known), word)
    if key not in done:
        if len(done) >= SUGGESTIONS_MAX:
            return None
        close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
        done[key] = close[0] if close else None
    return done[key]


def _did_you_mean(done: Suggestions, word: str, known: Mapping[str, object]) -> str:
    close = _close_id(done, word, known)
    return f" — did you mean '{close}'?" if close else ""


@rule("BT201", Severity.ERROR, "Unknown source", group="references", exemptable=False)
def unknown_source(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    Every `source` of an attribution must be the id of a file in sources/ (or in
    publications/, when the publication makes the point in its own voice); every entry of
    `via`, every `affiliation` of a source and every `outlet` of a publication must be the id
    of a file in sources/. Add the source (`berlintalks new source ID`) or fix the id.
    """
    done = context(kb).suggestions
    speakers = {**kb.sources, **kb.publications}
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if not kb.speaker_exists(att.source):
                yield Finding.at(
                    claim.pos("attributions", i, "source"),
                    "BT201",
                    f"unknown source '{att.source}'{_did_you_mean(done, att.source, speakers)}",
                )
            for j, sid in enumerate(att.via):
                if not kb.source_exists(sid):
                    yield Finding.at(
                        claim.pos("attributions", i, "via", j),
                        "BT201",
                        f"unknown source '{sid}' in via{_did_you_mean(done, sid, kb.sources)}",
                    )
    for pub in kb.publications.values():
        if pub.outlet is not None and not kb.source_exists(pub.outlet):
            yield Finding.at(
                pub.pos("outlet"),
                "BT201",
                f"unknown source '{pub.outlet}' as outlet"
                f"{_did_you_mean(done, pub.outlet, kb.sources)}",
            )
    for source in kb.sources.values():
        sid = source.affiliation
        if sid is not None and not kb.source_exists(sid):
            yield Finding.at(
                source.pos("affiliation"),
                "BT201",
                f"unknown source '{sid}' in affiliation{_did_you_mean(done, sid, kb.sources)}",
            )


@rule("BT202", Severity.ERROR, "Unknown claim", group="references", exemptable=False)
def unknown_claim(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    The `claim` of every relation must be the id of a file in claims/. Fix the id or add the
    claim.
    """
    done = context(kb).suggestions
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            if not kb.claim_exists(rel.claim):
                yield Finding.at(
                    claim.pos("relations", i, "claim"),
                    "BT202",
                    f"unknown claim '{rel.claim}'{_did_you_mean(done, rel.claim, kb.claims)}",
                )


# ---------------------------------------------------------------- shared, once per check


@dataclass(frozen=True, slots=True)
class Archive:
    """One archive snapshot as read from disk: its text, or why it could not be read."""

    text: str | None
    normalised: str
    problem: str | None
    code: str = "BT702"  # BT108 when the boundary refused the path, and nothing was read


@dataclass(slots=True)
class _Context:
    kb: KnowledgeBase
    graph: Graph
    archives: dict[str, Archive]
    words: dict[str, Words]
    suggestions: Suggestions = field(default_factory=dict)


# The registry calls each rule with the knowledge base alone, and a KnowledgeBase (frozen,
# holding dicts) cannot be hashed; the context of the check under way, remembered by identity,
# lets every rule share the graph and the archives instead of rebuilding them per rule.
_current: _Context | None = None


@contextmanager
def shared(kb: KnowledgeBase) -> Iterator[None]:
    """Let the rules run inside this block share one graph and archive cache for ``kb``.

    Forgotten on leaving, so nothing keeps the records alive after their check.
    """
    global _current
    _current = _Context(kb, build_graph(kb), {}, {})
    try:
        yield
    finally:
        _current = None


def context(kb: KnowledgeBase) -> _Context:
    if _current is not None and _current.kb is kb:
        return _current
    return _Context(kb, build_graph(kb), {}, {})  # a rule called on its own


def graph_of(kb: KnowledgeBase) -> Graph:
    """The relation graph of ``kb``, built once per check however many rules ask."""
    return context(kb).graph


def read_archive(root: Path, rel: str) -> Archive:
    """Read an archive snapshot through the boundary: a plain file under archive/, no link.

    A path the boundary refuses is BT108 and nothing of it is read; a snapshot that is
    missing, too large or not UTF-8 is BT702.
    """
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in rel[:80])
    problem = archive_problem(rel)
    if problem is not None:
        return Archive(None, "", f"archive '{shown}' {problem}", "BT108")
    try:
        data = read_bytes(root, rel, MAX_ARCHIVE_BYTES)
    except TooLarge as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "over the limit"
        return Archive(
            None,
            "",
            f"archive '{shown}' is {size}; snapshots may be at most {MAX_ARCHIVE_BYTES:,} bytes",
        )
    except OutsideBoundary as exc:
        where = "" if exc.rel == shown else f" ({exc.rel})"
        return Archive(
            None,
            "",
            f"archive '{shown}'{where} {exc.reason.split(';')[0]}; a snapshot is a plain text "
            f"file under {ARCHIVE_DIR}/",
            "BT108",
        )
    except FileNotFoundError:
        return Archive(
            None,
            "",
            f"archive '{shown}' does not exist; give the path of a text file under {ARCHIVE_DIR}/",
        )
    except OSError as exc:
        return Archive(None, "", f"cannot read archive '{shown}': {exc.strerror or exc}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Archive(
            None, "", f"archive '{shown}' is not UTF-8 text (line {line}); save it as UTF-8"
        )
    return Archive(text, normalise(text), None)


def archive_of(kb: KnowledgeBase, source: Source | Publication) -> Archive:
    assert source.archive is not None
    archives = context(kb).archives
    if source.archive not in archives:
        archives[source.archive] = read_archive(Path(kb.root), source.archive)
    return archives[source.archive]


def archive_words(kb: KnowledgeBase, source: Source | Publication) -> Words:
    """The words of a readable archive, split once however many of its quotes miss."""
    assert source.archive is not None
    cache = context(kb).words
    if source.archive not in cache:
        text = archive_of(kb, source).text
        cache[source.archive] = words(text or "")
    return cache[source.archive]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _short(text: str, limit: int = 60) -> str:
    """Record text quoted in a message, cut so one finding stays one readable line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(ids: Iterable[str], limit: int = 8) -> str:
    ids = sorted(set(ids))
    shown = ", ".join(f"'{i}'" for i in ids[:limit])
    return shown + (f" and {len(ids) - limit} more" if len(ids) > limit else "")


# ---------------------------------------------------------------- references (BT2xx)


@rule("BT203", Severity.ERROR, "A record points to itself", group="references", exemptable=False)
def self_reference(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A claim cannot support, contradict, qualify, be part of or supersede itself, and a source
    cannot belong to itself: such a link tells the reader nothing and sends them back to the
    page they are on. Point the relation (or `affiliation`) at the other record you meant,
    or remove it.
    """
    for claim in kb.claims.values():
        for i, rel in enumerate(claim.relations):
            if rel.claim == claim.id:
                yield Finding.at(
                    claim.pos("relations", i, "claim"),
                    "BT203",
                    f"claim '{claim.id}' cannot be {rel.type} itself; name the other claim",
                )
    for source in kb.sources.values():
        if source.affiliation == source.id:
            yield Finding.at(
                source.pos("affiliation"),
                "BT203",
                f"source '{source.id}' cannot be affiliated with itself; name the organisation "
                "it belongs to, or remove the key",
            )


def _cycle_members(edges: dict[str, list[str]]) -> dict[str, int]:
    """The component of every node that lies on a cycle (Tarjan's algorithm, iterative, linear)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    component: dict[str, int] = {}
    counter = 0
    for root in edges:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if child < len(targets):
                work.append((node, child + 1))
                nxt = targets[child]
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                members = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    members.append(top)
                    if top == node:
                        break
                if len(members) > 1:
                    for m in members:
                        component[m] = index[node]
    return component


def _cycles(kb: KnowledgeBase, kind: RelationType, code: str, why: str) -> Iterator[Finding]:
    g = graph_of(kb)
    edges = {
        cid: [
            link.other
            for link in g.of(cid)
            if link.outgoing and link.type is kind and link.other != cid and link.other in kb.claims
        ]
        for cid in kb.claims
    }
    component = _cycle_members(edges)
    loops: dict[int, list[str]] = defaultdict(list)
    for cid, c in component.items():
        loops[c].append(cid)
    # Named once per loop: sorting a loop of thousands for each of its relations would cost
    # its length squared.
    names = {c: _names(members) for c, members in loops.items()}
    for cid, c in component.items():
        claim = kb.claims[cid]
        for i, rel in enumerate(claim.relations):
            if rel.type == kind and component.get(rel.claim) == c:
                yield Finding.at(
                    claim.pos("relations", i, "claim"),
                    code,
                    f"'{cid}' {kind} '{rel.claim}', which leads back to '{cid}' "
                    f"({why}); the loop runs through {names[c]}: remove one of its "
                    f"{kind} relations",
                )


@rule("BT204", Severity.ERROR, "A part_of cycle", group="references", exemptable=False)
def part_of_cycle(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `part_of` builds a tree: the six commitments are parts of the joint statement, never the
    other way round. A loop (a part of b, b part of a) has no top, so the site cannot say what
    the whole is and `count` cannot be checked. Every `part_of` relation inside the loop is
    reported; remove the one that points the wrong way.
    """
    return _cycles(kb, RelationType.PART_OF, "BT204", "a part cannot contain its whole")


@rule("BT205", Severity.ERROR, "A supersedes cycle", group="references", exemptable=False)
def supersedes_cycle(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `supersedes` orders accounts in time: the newer replaces the older, which the site shows
    as outdated. In a loop every account would be outdated by another and none would be
    current. Every `supersedes` relation inside the loop is reported; remove the one that
    points from the older account to the newer.
    """
    return _cycles(kb, RelationType.SUPERSEDES, "BT205", "no account in it would be current")


# ---------------------------------------------------------------- relations (BT3xx)


@rule("BT301", Severity.ERROR, "Two confirmed claims contradict each other", group="relations")
def confirmed_contradiction(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `contradicts` says the two accounts cannot both be true, so they cannot both be
    `confirmed`. The finding is reported on both records: on the relation in the claim that
    declares it and on the `status` of the other. Lower the weaker claim's status (usually to
    `disputed`), or, if they do not really conflict, change the relation to `qualifies`.
    """
    confirmed = Status.CONFIRMED.value
    for claim in kb.claims.values():
        if claim.status != confirmed:
            continue
        told: set[str] = set()  # the other's status is reported once, however often it is named
        for i, rel in enumerate(claim.relations):
            other = kb.claims.get(rel.claim)
            if rel.type != RelationType.CONTRADICTS or other is None or other.id == claim.id:
                continue
            if other.status != confirmed:
                continue
            yield Finding.at(
                claim.pos("relations", i, "type"),
                "BT301",
                f"this confirmed claim contradicts '{other.id}', which is also confirmed; at "
                "most one of them can be confirmed: lower the weaker one's status",
            )
            if other.id in told:
                continue
            told.add(other.id)
            yield Finding.at(
                other.pos("status"),
                "BT301",
                f"this claim is confirmed but contradicted by confirmed claim '{claim.id}' "
                f"({claim.path}); at most one of them can be confirmed: lower the weaker "
                "one's status",
            )


@rule(
    "BT302",
    Severity.ERROR,
    "A claim both supports and contradicts another",
    group="relations",
)
def supports_and_contradicts(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A claim cannot corroborate another and also be irreconcilable with it. Because
    `contradicts` reads both ways, the conflict exists whether the contradiction is declared
    on this claim or on the other; the finding is reported at both declarations, in whichever
    files they are. Keep the relation that is true: often `qualifies` is what was meant.
    """
    g = graph_of(kb)
    for claim in kb.claims.values():
        contradicting: dict[str, list[tuple[bool, int]]] = defaultdict(list)
        for link in g.of(claim.id):
            if link.type is RelationType.CONTRADICTS and link.other != claim.id:
                contradicting[link.other].append((link.outgoing, link.index))
        if not contradicting:
            continue
        told: set[str] = set()
        for i, rel in enumerate(claim.relations):
            if rel.type != RelationType.SUPPORTS or rel.claim not in contradicting:
                continue
            yield Finding.at(
                claim.pos("relations", i, "type"),
                "BT302",
                f"this claim supports '{rel.claim}' but also contradicts it; keep one relation",
            )
            # Each contradiction once, not once per repeated supports relation: 1,000 of
            # each would otherwise make a million findings.
            if rel.claim in told:
                continue
            told.add(rel.claim)
            for outgoing, j in contradicting[rel.claim]:
                if outgoing:
                    yield Finding.at(
                        claim.pos("relations", j, "type"),
                        "BT302",
                        f"this claim contradicts '{rel.claim}' but also supports it; keep one "
                        "relation",
                    )
                else:
                    other = kb.claims[rel.claim]
                    yield Finding.at(
                        other.pos("relations", j, "type"),
                        "BT302",
                        f"this claim contradicts '{claim.id}', which declares that it supports "
                        f"this one ({claim.path}); keep one relation",
                    )


# ---------------------------------------------------------------- attribution policy (BT4xx)


def _independent_pair(kb: KnowledgeBase, claim: Claim) -> bool:
    """Whether two of the claim's attributions are independent accounts (provenance.py)."""
    return Provenance(kb).independent_pair(claim.attributions)


def _kinds(kb: KnowledgeBase, claim: Claim) -> list[Kind | None] | None:
    """The kind of every attributed source (None for a publication speaking in its own
    voice), or None when one is unknown (already an error)."""
    kinds: list[Kind | None] = []
    for att in claim.attributions:
        source = kb.sources.get(att.source)
        if source is None:
            if att.source in kb.publications:
                kinds.append(None)
                continue
            return None
        kinds.append(Kind(source.kind))
    return kinds


@rule(
    "BT401",
    Severity.ERROR,
    "A confirmed claim without an on-record or two independent attributions",
    group="attribution",
)
def confirmed_needs_support(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `confirmed` means a party with first-hand knowledge said it on the record, or two
    independent accounts carry it. On the record is an attribution to a `person` or a
    `document` in words we hold (BT405 covers one without them). Two attributions are
    independent only when their chains share nothing: no speaker (`source`) and no
    intermediary (`via`) in common, none affiliated with one of the other's (following
    `affiliation` as far as it goes), and not the same outlet publishing what we read. Two
    outlets repeating the same unnamed officials are one account, not two, and a `collective`
    source ("Western media") never counts as one of two. Add the on-record or independent
    attribution, or lower the status to `reported`.
    """
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        kinds = _kinds(kb, claim)
        if kinds is None or all(k in UNNAMED_KINDS for k in kinds):
            continue  # unknown sources are BT201; unnamed-only is BT402
        if any(on_record_kind(kb, a) for a in claim.attributions):
            continue  # on the record, with or without words: BT405 judges the words
        if _independent_pair(kb, claim):
            continue
        yield Finding.at(
            claim.pos("status"),
            "BT401",
            "a confirmed claim needs an on-record attribution (a person or document source, in "
            "words we hold) or two independent ones (chains that share no source, outlet or "
            "affiliation); add one or set the status to 'reported'",
        )


@rule(
    "BT402",
    Severity.ERROR,
    "A claim resting only on anonymous sources is confirmed",
    group="attribution",
)
def anonymous_never_confirmed(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    Unnamed officials cannot be held to their word, however many outlets quote them, and a
    `collective` source ("Western media") names nobody at all, so a claim whose every
    attribution is to an `anonymous` or `collective` source is at most `reported`. Set the
    status to `reported`, or add an attribution to a named source.
    """
    for claim in kb.claims.values():
        if claim.status != Status.CONFIRMED:
            continue
        kinds = _kinds(kb, claim)
        if kinds and all(k in UNNAMED_KINDS for k in kinds):
            what = "an anonymous" if all(k is Kind.ANONYMOUS for k in kinds) else "an unnamed"
            yield Finding.at(
                claim.pos("status"),
                "BT402",
                f"every attribution of this claim is to {what} source, so it cannot be "
                "confirmed; set the status to 'reported' or add a named source",
            )


@rule("BT403", Severity.ERROR, "A disputed claim without a contradiction", group="attribution")
def disputed_needs_contradiction(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `disputed` means another party contradicted the claim on the record; the reader must be
    able to follow the link to that account. Add a `contradicts` relation to the claim that
    disputes it (declared on either claim, since `contradicts` reads both ways), or choose
    another status.
    """
    g = graph_of(kb)
    for claim in kb.claims.values():
        if claim.status == Status.DISPUTED and not g.related(claim.id, RelationType.CONTRADICTS):
            yield Finding.at(
                claim.pos("status"),
                "BT403",
                "a disputed claim needs a 'contradicts' relation to the account that disputes "
                "it; add one (on either claim) or change the status",
            )


# ---------------------------------------------------------------- parts and figures (BT5xx)


@rule("BT501", Severity.ERROR, "The count differs from the number of parts", group="figures")
def count_matches_parts(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `count: N` says the claim has N parts (the joint statement lists six commitments), and the
    site lists them as "1 of 6". Exactly N distinct claims must declare `part_of` this claim.
    Add the missing parts, remove the extra `part_of` relations, or correct `count`.
    """
    g = graph_of(kb)
    for claim in kb.claims.values():
        if claim.count is None:
            continue
        parts = {p for p in g.parts.get(claim.id, []) if p != claim.id}
        if len(parts) != claim.count:
            listed = f": {_names(parts)}" if parts else ""
            yield Finding.at(
                claim.pos("count"),
                "BT501",
                f"count is {claim.count} but {len(parts)} claim"
                f"{' is' if len(parts) == 1 else 's are'} part_of it{listed}; make them agree",
            )


def _is_percent(figure: Figure) -> bool:
    return figure.unit.strip().casefold() in PERCENT_UNITS


@rule("BT502", Severity.ERROR, "A percentage outside 0–100", group="figures")
def percent_range(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A share in percent lies between 0 and 100. A value outside that range is a typo or a
    figure in another unit (a percentage-point change, a count); correct the value or the
    `unit`.
    """
    for claim in kb.claims.values():
        for i, fig in enumerate(claim.figures):
            if not _is_percent(fig):
                continue
            if fig.value is not None:
                values = [(fig.value, claim.pos("figures", i, "value"))]
            else:
                values = [
                    (v, claim.pos("figures", i, "values", j)) for j, v in enumerate(fig.values)
                ]
            for v, pos in values:
                if not 0 <= v <= 100:
                    yield Finding.at(
                        pos,
                        "BT502",
                        f"{_num(v)} percent is outside 0–100; correct the value or the unit",
                    )


@rule("BT503", Severity.ERROR, "A split in percent does not add up to 100", group="figures")
def percent_split(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    `values` in percent describe how a whole is divided (the plant's capacity 50–50), so they
    add up to 100. If the source itself rounds (33, 33, 33), record its numbers as published
    and accept the finding with an exception saying so.
    """
    for claim in kb.claims.values():
        for i, fig in enumerate(claim.figures):
            if not fig.values or not _is_percent(fig):
                continue
            total = math.fsum(fig.values)
            if abs(total - 100) > 1e-9:
                yield Finding.at(
                    claim.pos("figures", i, "values"),
                    "BT503",
                    f"the shares of '{_short(fig.label)}' add up to {_num(total)} percent, not "
                    "100; correct them",
                )


def _label(text: str) -> str:
    return " ".join(text.casefold().split())


def _amount(figure: Figure) -> str:
    numbers = [figure.value] if figure.value is not None else list(figure.values)
    return "–".join(_num(v) for v in numbers if v is not None) + f" {_short(figure.unit.strip())}"


# Contradicting accounts and a newer account superseding an older one are expected to give
# different numbers; only claims that agree with or refine each other must share them.
_SAME_FIGURES = frozenset({RelationType.SUPPORTS, RelationType.QUALIFIES, RelationType.PART_OF})
# A figure that differs from many related claims names the first few.
_SHOWN = 8


@rule(
    "BT504", Severity.ERROR, "Related claims give the same figure different values", group="figures"
)
def related_figures_agree(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    When claims that support, qualify or are part of one another give a figure with the same
    `label` (ignoring case), they speak of the same number and must give the same value and
    unit; otherwise one of them is a typo. The finding is reported on the figure in each of
    the two claims, once however many relations join them (a figure that differs from
    several related claims names them in one finding). Claims that contradict or supersede
    each other are exempt: differing numbers are their point. Correct the value, or rename
    the label if the figures measure different things.
    """
    g = graph_of(kb)
    labels: dict[str, dict[str, int]] = {}

    def labelled(c: Claim) -> dict[str, int]:
        """Each label of the claim's figures, with the last figure that has it."""
        if c.id not in labels:
            labels[c.id] = {_label(f.label): i for i, f in enumerate(c.figures)}
        return labels[c.id]

    for claim in kb.claims.values():
        if not claim.figures:
            continue
        mine = labelled(claim)
        # For each figure here, the related claims that give it another value, each once
        # however many relations (either way, repeated) join the two claims.
        others: dict[str, None] = {}
        for link in g.of(claim.id):
            if link.type in _SAME_FIGURES and link.other != claim.id:
                other = kb.claims.get(link.other)
                if other is not None and other.figures:
                    others[other.id] = None
        # Per label, the related claims by the value they give: a figure here is then
        # compared with each distinct value, not with each related claim.
        by_label: dict[str, dict[str, list[str]]] = {}
        for oid in others:
            other = kb.claims[oid]
            theirs = labelled(other)
            small, large = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
            for label in small:
                if label in large:
                    amount = _amount(other.figures[theirs[label]])
                    by_label.setdefault(label, {}).setdefault(amount, []).append(oid)
        totals = {label: sum(map(len, groups.values())) for label, groups in by_label.items()}
        for i, fig in enumerate(claim.figures):
            label = _label(fig.label)
            groups = by_label.get(label)
            if groups is None:
                continue
            amount = _amount(fig)
            differ = totals[label] - len(groups.get(amount, ()))
            if differ == 0:
                continue
            shown: list[tuple[str, str]] = []  # (claim, its value): the first few that differ
            for theirs_amount, ids in groups.items():
                if theirs_amount != amount:
                    shown += [(oid, theirs_amount) for oid in ids[: 1 + _SHOWN - len(shown)]]
                    if len(shown) > _SHOWN:
                        break
            (oid, theirs_amount), rest = shown[0], [o for o, _ in shown[1 : 1 + _SHOWN]]
            more = ""
            if differ > 1:
                left = differ - 1 - len(rest)
                names = ", ".join(f"'{o}'" for o in rest) + (f" and {left} more" if left else "")
                more = f", and other values in {differ - 1} more ({names})"
            key = "value" if fig.value is not None else "values"
            yield Finding.at(
                claim.pos("figures", i, key),
                "BT504",
                f"'{_short(fig.label)}' is {amount} here but {theirs_amount} in related claim "
                f"'{oid}'{more}; make them agree or give the figures different labels",
            )


# ---------------------------------------------------------------- dates (BT6xx)


@rule("BT601", Severity.ERROR, "An attribution dated before the event", group="dates")
def attribution_after_event(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    An attribution's `date` is when the words were said or published; it cannot come before
    the claim's `date`, the day of the event or statement it reports. One of the two dates is
    wrong: correct it. (Whether a date exists at all, such as 30 February, is checked when
    the file is read: BT105.)
    """
    for claim in kb.claims.values():
        for i, att in enumerate(claim.attributions):
            if att.date is not None and att.date < claim.date:
                yield Finding.at(
                    claim.pos("attributions", i, "date"),
                    "BT601",
                    f"attributed on {att.date.isoformat()}, before the claim's date "
                    f"{claim.date.isoformat()}; correct one of the two dates",
                )


# ---------------------------------------------------------------- quotes (BT7xx)


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


@rule("BT701", Severity.ERROR, "A quote is not in the archived text", group="quotes")
def quote_in_archive(kb: KnowledgeBase) -> Iterator[Finding]:
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
    search = QuoteSearch()
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
                archive = archive_of(kb, source)
                if archive.text is None:
                    continue
                # The parts around insertions are looked up one by one; when one is missed,
                # the passage shown is the one closest to the speaker's words as a whole.
                where = f"the archive of '{sid}' ({source.archive})"
                words_of = archive_words(kb, source)
                for part in parts:
                    problem = _quote_problem(search.look_up(part, words_of), where)
                    if problem is not None:
                        if len(parts) > 1:
                            whole = _quote_problem(search.look_up(" ".join(parts), words_of), where)
                            problem = whole or problem
                        yield Finding.at(claim.pos("attributions", i, "quote"), "BT701", problem)
                        break


@rule("BT702", Severity.ERROR, "An archive snapshot cannot be read", group="quotes")
def archive_readable(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A source's or publication's `archive` names the plain-text snapshot its quotes are
    checked against. The file must exist under `archive/`, be UTF-8 text and at most 16 MiB.
    Add the file, correct the path (relative to the root, e.g.
    `archive/afp-2025-12-15.txt`), or remove the key. A path that is no plain file under
    `archive/` (a link, a dotfile, `.git/config`) is BT108 and is not read at all.
    """
    records: list[Source | Publication] = [*kb.sources.values(), *kb.publications.values()]
    for source in records:
        if source.archive is None:
            continue
        archive = archive_of(kb, source)
        if archive.problem is not None:
            yield Finding.at(source.pos("archive"), archive.code, archive.problem)


# ---------------------------------------------------------------- exceptions (BT8xx)

declare(
    "BT801",
    Severity.ERROR,
    "An exception for a finding that cannot be accepted",
    """
    Findings about structure (YAML syntax, the schema, unknown references, self-references
    and cycles: codes BT0xx, BT1xx and BT2xx) describe records the site cannot be built from,
    a missing rationale or reliability reason (BT404, BT407) and unbalanced insertion marks
    (BT703) leave a page unable to say why or whose words, and findings about exceptions
    themselves would excuse nothing. They cannot be accepted;
    fix the record instead and remove the exception.
    """,
    group="exceptions",
    exemptable=False,
)


# ---------------------------------------------------------------- advice (BT9xx, warnings)


@rule("BT901", Severity.WARNING, "A source nobody cites", group="advice")
def uncited_source(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A source that no claim names as `source` or `via`, no source names as its
    `affiliation` and no publication as its `outlet`, is a page without purpose, often left
    behind when a claim was changed. Cite it or delete the file. Not reported while a claim
    file cannot be read (its citations are unknown) or for a source an unknown reference
    probably meant (BT201 points there already).
    """
    if kb.broken_claims:
        return
    g = graph_of(kb)
    done = context(kb).suggestions
    cited = set(g.citations)
    cited.update(s.affiliation for s in kb.sources.values() if s.affiliation)
    cited.update(p.outlet for p in kb.publications.values() if p.outlet)
    meant = set()
    for claim in kb.claims.values():
        for att in claim.attributions:
            for sid in (att.source, *att.via):
                if sid and not kb.speaker_exists(sid):
                    close = _close_id(done, sid, kb.sources)
                    if close is not None:
                        meant.add(close)
    for source in kb.sources.values():
        if source.id not in cited and source.id not in meant:
            yield Finding.at(
                source.pos("id"),
                "BT901",
                f"no claim cites '{source.id}' (as source or via) and no source or publication "
                "names it (as affiliation or outlet); cite it or delete the file",
            )


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


@rule("BT902", Severity.WARNING, "A word in another script in English text", group="advice")
def foreign_script(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    The site is in English, and a word in Cyrillic, Greek or another non-Latin script in a
    title, statement, quote, note, name, role, description or reason is usually left over
    from a translation (the seed article itself carries an untranslated Russian
    "предусматривает", "provides for"). Translate the word, or transliterate a name; if the
    original wording matters, accept the finding with an exception saying why.
    """
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
            yield Finding.at(
                record.pos(*path),
                "BT902",
                f"'{key}' contains the {script} word '{_short(word)}'{extra}; the site is in "
                "English: translate or transliterate it",
            )


@rule("BT903", Severity.WARNING, "A claim with no quote", group="advice")
def claim_without_quote(kb: KnowledgeBase) -> Iterator[Finding]:
    """
    A quote lets the reader see the source's own words beside our summary. A claim with no
    `quote` in any attribution rests on our paraphrase alone. Add the quote when the source
    has one; when it published no words to quote (a report summarised by an outlet, say),
    the warning stands as a reminder, or accept it with an exception giving that reason.
    """
    for claim in kb.claims.values():
        if claim.attributions and not any(att.quote for att in claim.attributions):
            assert claim.positions is not None
            yield Finding.at(
                claim.positions.key("attributions"),
                "BT903",
                "no attribution of this claim has a quote; add the source's own words if "
                "they were published",
            )


declare(
    "BT904",
    Severity.WARNING,
    "An exception that no longer matches a finding",
    """
    An exception accepts one finding code on one record. When the record has changed and the
    checker no longer reports that code there, the exception (and its reason, shown on the
    page) is out of date. Remove it.
    """,
    group="exceptions",
    exemptable=False,
)

declare(
    "BT905",
    Severity.WARNING,
    "An exception names an unknown code",
    """
    The `rule` of an exception must be a code of this checker (`berlintalks check --explain
    CODE` describes each). An unknown code accepts nothing, so it cannot hide a problem: the
    finding it was meant for is still reported. It is a warning rather than an error so that
    records written for a newer version of the rules still pass an older checker. Correct the
    code or remove the exception.
    """,
    group="exceptions",
    exemptable=False,
)
