"""The Frictionless data package: one CSV table per kind of row, described in datapackage.json."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter, itemgetter
from typing import Any

from ..checks import Grade, grades, speaker_publication, translated_from
from ..records import Attribution, Claim, KnowledgeBase, Publication, Relation, Source
from .records_json import dump_json
from .tables import (
    NEUTRALISED,
    Column,
    csv_header,
    csv_rows,
    foreign_key,
    from_model,
    resource,
    table,
)
from .words import chain_sentence

Table = tuple[dict[str, Any], str]


def _claim_columns(graded: Mapping[str, Grade]) -> list[Column]:
    def own(name: str, **kw: str) -> Column:
        return from_model(Claim, name, attrgetter(name), **kw)

    def grade(get: Callable[[Grade], Any]) -> Callable[[Claim], Any]:
        return lambda c: get(graded[c.id]) if c.id in graded else None

    return [
        own("id"),
        own("title"),
        own("statement"),
        own("status"),
        own("rationale"),
        own("kind"),
        own("date"),
        own("topics", doc="Topic slugs, separated by spaces."),
        own("count"),
        Column(
            "grade",
            grade(attrgetter("code")),
            "string",
            "The combined Admiralty grade: the best source reliability (A–F) and the "
            "information's credibility (1–6), e.g. B3.",
            False,
        ),
        Column(
            "credibility",
            grade(attrgetter("credibility")),
            "integer",
            "The information's credibility on the Admiralty scale, 1 (confirmed by other "
            "sources) to 6 (cannot be judged): computed, or set by an editor.",
            False,
        ),
        Column(
            "credibility_reason",
            grade(attrgetter("reason")),
            "string",
            "Why the claim has that credibility, in a sentence.",
            False,
        ),
    ]


def _source_columns() -> list[Column]:
    names = (
        "id",
        "name",
        "kind",
        "reliability",
        "reliability_reason",
        "role",
        "affiliation",
        "url",
    )
    return [from_model(Source, n, attrgetter(n)) for n in names]


def _publication_columns() -> list[Column]:
    names = (
        "id",
        "title",
        "kind",
        "outlet",
        "url",
        "published",
        "language",
        "translated_from",
        "archive",
        "note",
    )
    return [from_model(Publication, n, attrgetter(n)) for n in names]


def _attribution_columns(kb: KnowledgeBase) -> list[Column]:
    # Rows are (claim, position, attribution).
    def att(name: str) -> Column:
        return from_model(Attribution, name, lambda row: getattr(row[2], name))

    def speaker_source(row: Any) -> str | None:
        return None if speaker_publication(kb, row[2]) is not None else row[2].source

    def speaker_pub(row: Any) -> str | None:
        own = speaker_publication(kb, row[2])
        return own.id if own is not None else None

    return [
        Column("claim", itemgetter(0), "string", "The claim's id.", True),
        Column(
            "position", itemgetter(1), "integer", "Order of the attribution on the claim.", True
        ),
        Column(
            "source",
            speaker_source,
            "string",
            "Who said it: the id of a source. Empty when the publication makes the point in "
            "its own voice (see own_voice).",
            False,
        ),
        Column(
            "own_voice",
            speaker_pub,
            "string",
            "The id of the publication when it makes the point in its own voice, else empty.",
            False,
        ),
        from_model(
            Attribution,
            "via",
            lambda row: row[2].via,
            doc="The intermediaries, from the speaker outwards, as source ids separated by "
            "spaces; one row each in the via table.",
        ),
        att("publication"),
        att("setting"),
        att("quote"),
        Column(
            "translated_from",
            lambda row: translated_from(kb, row[2]),
            "string",
            "When what we read is a translation: the original's language (BCP 47); the quote "
            "is then the translation's words.",
            False,
        ),
        att("date"),
        att("url"),
        Column(
            "chain",
            lambda row: chain_sentence(kb, row[2]),
            "string",
            "The chain in words, as the claim page shows it.",
            True,
        ),
    ]


def _via_columns() -> list[Column]:
    # Rows are (claim, position, step, source id).
    return [
        Column("claim", itemgetter(0), "string", "The claim's id.", True),
        Column("position", itemgetter(1), "integer", "The attribution's position.", True),
        Column(
            "step", itemgetter(2), "integer", "1 for the intermediary nearest the speaker.", True
        ),
        Column("source", itemgetter(3), "string", "The intermediary: a source id.", True),
    ]


def _relation_columns() -> list[Column]:
    # Rows are (claim, relation).
    def rel(name: str, column: str = "") -> Column:
        return from_model(Relation, name, lambda row: getattr(row[1], name), column=column)

    return [
        Column("claim", itemgetter(0), "string", "The claim declaring the relation.", True),
        rel("type"),
        rel("claim", column="other"),
        rel("note"),
    ]


# The tables of one row (or rows) per claim, in the package's order, with what is made from
# each claim: its row of claims.csv, and its rows of attributions.csv, via.csv and
# relations.csv. The text of a table is its header and the rows of every claim, in order.
ClaimRows = tuple[str, str, str, str]
# How each claim's rows are had: ``rows_of(claim, make)`` gives ``make(kb)`` for a
# knowledge base holding the claim (`serve` keeps them between rebuilds, as its pages).
RowsOf = Callable[[Claim, Callable[[KnowledgeBase], ClaimRows]], ClaimRows]


def _claim_tables(
    kb: KnowledgeBase, graded: Mapping[str, Grade]
) -> list[tuple[str, str, list[Column], dict[str, Any]]]:
    """Name, description, columns and schema of each table with rows per claim."""
    return [
        (
            "claims",
            "One row per claim, with its rationale and credibility grade.",
            _claim_columns(graded),
            {"primaryKey": "id"},
        ),
        (
            "attributions",
            "One row per chain: who said it, through whom, in which publication we read it, "
            "in which words.",
            _attribution_columns(kb),
            {
                "primaryKey": ["claim", "position"],
                "foreignKeys": [
                    foreign_key("claim", "claims"),
                    foreign_key("source", "sources"),
                    foreign_key("own_voice", "publications"),
                    foreign_key("publication", "publications"),
                ],
            },
        ),
        (
            "via",
            "One row per intermediary of a chain, in order from the speaker outwards.",
            _via_columns(),
            {
                "primaryKey": ["claim", "position", "step"],
                "foreignKeys": [
                    {
                        "fields": ["claim", "position"],
                        "reference": {
                            "resource": "attributions",
                            "fields": ["claim", "position"],
                        },
                    },
                    foreign_key("source", "sources"),
                ],
            },
        ),
        (
            "relations",
            "Links between claims, as declared by the first claim.",
            _relation_columns(),
            {"foreignKeys": [foreign_key("claim", "claims"), foreign_key("other", "claims")]},
        ),
    ]


def _rows_of_claim(claim: Claim) -> tuple[list[Any], ...]:
    """The rows of ``claim`` in each table of `_claim_tables`, in its order."""
    attributions = [(claim.id, i, a) for i, a in enumerate(claim.attributions, 1)]
    via = [(cid, i, step, sid) for cid, i, a in attributions for step, sid in enumerate(a.via, 1)]
    return [claim], attributions, via, [(claim.id, r) for r in claim.relations]


def _other_tables(kb: KnowledgeBase) -> list[Table]:
    """The tables of the other records: sources, publications."""
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    publications = sorted(kb.publications.values(), key=lambda p: p.id)
    return [
        table(
            "sources",
            "One row per source: outlet, person, anonymous group, document, organisation or "
            "collective.",
            _source_columns(),
            sources,
            primaryKey="id",
            foreignKeys=[foreign_key("affiliation", "sources")],
        ),
        table(
            "publications",
            "One row per publication: what the desk actually read.",
            _publication_columns(),
            publications,
            primaryKey="id",
            foreignKeys=[foreign_key("outlet", "sources")],
        ),
    ]


def _descriptor(resources: list[dict[str, Any]]) -> dict[str, Any]:
    """``datapackage.json``: what the package is, its licence and its tables."""
    return {
        "profile": "tabular-data-package",
        "name": "berlintalks",
        "title": "Claims and sources on the U.S.–Ukraine talks in Berlin, 14–15 December 2025",
        "description": "The fact-checked claims, their sources, who reported each claim in "
        f"which words, and how the claims relate. In the CSV files, {NEUTRALISED}",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": resources,
    }


def datapackage(
    kb: KnowledgeBase, graded: Mapping[str, Grade] | None = None, rows_of: RowsOf | None = None
) -> dict[str, str]:
    """A Frictionless Tabular Data Package: claims, sources, publications, chains, relations.

    ``rows_of``: how each claim's rows are had (see `RowsOf`); made from ``kb`` without it.
    """
    graded = grades(kb) if graded is None else graded
    described = _claim_tables(kb, graded)
    # The attributions table's columns read the knowledge base they are made with: made once
    # for each one the rows are made from (the base, held, so that its id stays its own).
    columns: dict[int, tuple[KnowledgeBase, list[list[Column]]]] = {}

    def rows(claim: Claim) -> Callable[[KnowledgeBase], ClaimRows]:
        def make(base: KnowledgeBase) -> ClaimRows:
            held = columns.get(id(base))
            if held is None or held[0] is not base:
                held = columns[id(base)] = (base, [t[2] for t in _claim_tables(base, graded)])
            claims, attributions, via, relations = (
                csv_rows(cols, part)
                for cols, part in zip(held[1], _rows_of_claim(claim), strict=True)
            )
            return claims, attributions, via, relations

        return make

    chunks = [
        rows_of(c, rows(c)) if rows_of is not None else rows(c)(kb)
        for c in sorted(kb.claims.values(), key=lambda c: c.id)
    ]
    made = {
        name: (
            resource(name, doc, cols, **schema),
            csv_header(cols) + "".join(c[n] for c in chunks),
        )
        for n, (name, doc, cols, schema) in enumerate(described)
    }
    made.update((entry["name"], (entry, text)) for entry, text in _other_tables(kb))
    tables = [made[name] for name in _ORDER]
    return {
        "datapackage.json": dump_json(_descriptor([entry for entry, _ in tables])),
        **{f"{entry['name']}.csv": text for entry, text in tables},
    }


# The tables in the package, as its descriptor lists them.
_ORDER = ("claims", "sources", "publications", "attributions", "via", "relations")
