"""Machine-readable exports of the records: JSON, ClaimReview and a Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from ..checks import (
    Grade,
    grades,
    has_insertion,
    language_name,
    publication_of,
    speaker_publication,
    translated_from,
)
from ..records import (
    QUALIFIER_WORDS,
    Attribution,
    Claim,
    Figure,
    FileHistory,
    Kind,
    KnowledgeBase,
    Publication,
    PublicationKind,
    Relation,
    Source,
    Status,
    field_specs,
    link_target,
)
from ..records.kinds import kind_of
from .publisher import Publisher

FORMATS = ("json", "claimreview", "datapackage")

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

# Google shows claimReviewed on one line on a phone and asks for fewer than 75 characters.
CLAIM_REVIEWED_MAX = 74


# ---------------------------------------------------------------- JSON


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


def grade_dict(grade: Grade | None) -> dict[str, Any] | None:
    if grade is None:
        return None
    return {
        "code": grade.code,
        "reliability": grade.reliability,
        "credibility": grade.credibility,
        "words": grade.words,
        "reason": grade.reason,
        "set_by_editor": grade.override,
    }


def publication_dict(pub: Publication) -> dict[str, Any]:
    return {
        "id": pub.id,
        "title": pub.title,
        "kind": pub.kind,
        "outlet": pub.outlet,
        "url": pub.url,
        "published": pub.published.isoformat() if pub.published else None,
        "language": pub.language,
        "translated_from": pub.translated_from,
        "archive": pub.archive,
        "note": pub.note,
    }


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "reliability": source.reliability,
        "reliability_reason": source.reliability_reason,
        "role": source.role,
        "description": source.description,
        "affiliation": source.affiliation,
        "url": source.url,
    }


def _ref(kb: KnowledgeBase, sid: str | None) -> dict[str, Any] | None:
    if sid is None:
        return None
    src = kb.sources.get(sid)
    if src is None:
        pub = kb.publications.get(sid)
        if pub is not None:
            return {"id": sid, "title": pub.title, "kind": "publication"}
        return {"id": sid}
    return {"id": sid, "name": src.name, "kind": src.kind, "reliability": src.reliability}


def _pub_ref(kb: KnowledgeBase, pid: str | None) -> dict[str, Any] | None:
    if pid is None:
        return None
    pub = kb.publications.get(pid)
    if pub is None:
        return {"id": pid}
    return {"id": pid, "title": pub.title, "kind": pub.kind, "url": pub.url}


def attribution_dict(kb: KnowledgeBase, a: Attribution) -> dict[str, Any]:
    """One chain: speaker, intermediaries, the publication read, and how it reads in words."""
    return {
        "source": _ref(kb, a.source),
        "own_voice": speaker_publication(kb, a) is not None,
        "via": [_ref(kb, v) for v in a.via],
        "publication": _pub_ref(kb, a.publication),
        "setting": a.setting,
        "quote": a.quote,
        "quote_has_insertion": bool(a.quote and has_insertion(a.quote)),
        "translated_from": translated_from(kb, a),
        "chain": chain_sentence(kb, a),
        "date": a.date.isoformat() if a.date else None,
        "url": a.url,
    }


def claim_dict(kb: KnowledgeBase, claim: Claim, grade: Grade | None = None) -> dict[str, Any]:
    """One claim with its chains resolved to names, its rationale and credibility grade."""
    return {
        "id": claim.id,
        "title": claim.title,
        "statement": claim.statement,
        "status": claim.status,
        "status_words": STATUS_WORDS[claim.status],
        "rationale": claim.rationale,
        "credibility": grade_dict(grade),
        "kind": claim.kind,
        "date": claim.date.isoformat(),
        "topics": list(claim.topics),
        "attributions": [attribution_dict(kb, a) for a in claim.attributions],
        "relations": [{"type": r.type, "claim": r.claim, "note": r.note} for r in claim.relations],
        "count": claim.count,
        "figures": [
            {
                "label": f.label,
                "unit": f.unit,
                "value": f.value,
                "values": list(f.values) or None,
                "qualifier": f.qualifier,
                "words": figure_words(f),
            }
            for f in claim.figures
        ],
        "exceptions": [{"rule": e.rule, "reason": e.reason} for e in claim.exceptions],
    }


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- ClaimReview


def short_claim(text: str, limit: int = CLAIM_REVIEWED_MAX) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:—–-") + "…"


def _work(kb: KnowledgeBase, pub: Publication) -> dict[str, Any]:
    """A publication as schema.org sees it: a NewsArticle, or a CreativeWork of another kind."""
    kind = "NewsArticle" if pub.kind == PublicationKind.ARTICLE else "CreativeWork"
    out: dict[str, Any] = {"@type": kind, "name": pub.title, "inLanguage": pub.language}
    if link_target(pub.url):
        out["url"] = pub.url
    if pub.published:
        out["datePublished"] = pub.published.isoformat()
    outlet = kb.sources.get(pub.outlet) if pub.outlet else None
    if outlet is not None:
        out["publisher"] = {"@type": "Organization", "name": outlet.name}
    if pub.translated_from:
        # schema.org's translationOfWork wants the original work, which we do not hold; its
        # language is what we know.
        out["translationOfWork"] = {"@type": "CreativeWork", "inLanguage": pub.translated_from}
    return out


def claim_author(kb: KnowledgeBase, att: Attribution) -> dict[str, Any] | None:
    """The original speaker as ClaimReview's ``itemReviewed.author``, or None.

    A person is a ``Person``; an outlet or organisation an ``Organization``; a publication
    speaking in its own voice, or a document, is itself the author (a ``NewsArticle`` or
    ``CreativeWork``). Unnamed sources and collectives have no author: typing "unnamed
    officials" as an organisation or a person would name someone nobody named, and Google
    lists the author as recommended, not required.
    """
    own = speaker_publication(kb, att)
    if own is not None:
        return _work(kb, own)
    src = kb.sources.get(att.source)
    if src is None or src.kind in (Kind.ANONYMOUS, Kind.COLLECTIVE):
        return None
    if src.kind == Kind.PERSON:
        out: dict[str, Any] = {"@type": "Person", "name": src.name}
    elif src.kind == Kind.DOCUMENT:
        out = {"@type": "CreativeWork", "name": src.name}
    else:
        out = {"@type": "Organization", "name": src.name}
    if link_target(src.url):
        out["url"] = src.url
    return out


def claim_review(
    kb: KnowledgeBase,
    claim: Claim,
    publisher: Publisher,
    history: Mapping[str, FileHistory] | None,
) -> dict[str, Any]:
    """The schema.org ClaimReview of one claim, as fact-check aggregators read it.

    The rating is textual only (``alternateName`` and ``name``, the status in words, with the
    rationale as ``ratingExplanation``): the status grades the standing of the account, not
    its truth, so it has no place on a numeric truth scale.
    """
    first = claim.attributions[0]
    said = first.date or claim.date
    appearance: list[dict[str, Any]] = []
    seen: set[str] = set()
    for att in claim.attributions:
        pub = publication_of(kb, att) or speaker_publication(kb, att)
        if pub is not None:
            if pub.id not in seen:
                seen.add(pub.id)
                appearance.append(_work(kb, pub))
        elif link_target(att.url) and att.url not in seen:
            seen.add(att.url or "")
            appearance.append({"@type": "CreativeWork", "url": att.url})
    fh = history.get(claim.path) if history else None
    # The review is published when the record first entered the repository; without git the
    # date of the claim itself is the best stable stand-in.
    published = fh.added.date if fh else claim.date.isoformat()
    author: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    words = STATUS_WORDS[claim.status]
    rating: dict[str, Any] = {"@type": "Rating", "alternateName": words, "name": words}
    if claim.rationale:
        rating["ratingExplanation"] = " ".join(claim.rationale.split())
    item: dict[str, Any] = {"@type": "Claim", "datePublished": said.isoformat()}
    speaker = claim_author(kb, first)
    if speaker is not None:
        item["author"] = speaker
    if appearance:
        item["firstAppearance"] = appearance[0]
        item["appearance"] = appearance
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.page_url(f"claims/{claim.id}/"),
        "claimReviewed": short_claim(claim.title),
        "headline": claim.title,
        "description": " ".join(claim.statement.split()),
        "datePublished": published,
        "author": author,
        "reviewRating": rating,
        "itemReviewed": item,
    }
    if fh:
        review["dateModified"] = fh.last_changed.date
    return review


# ---------------------------------------------------------------- data package


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column: its name, Table Schema type and description, and how to read a row."""

    name: str
    get: Callable[[Any], Any]
    type: str
    doc: str
    required: bool
    choices: tuple[str, ...] = ()


def _from_model(
    record: type, name: str, get: Callable[[Any], Any], *, column: str = "", doc: str = ""
) -> Column:
    """A column holding one model field, typed and described by the model itself."""
    fs = field_specs(record)[name]
    typ = kind_of(fs).table_type
    return Column(column or name, get, typ, doc or fs.doc, fs.required, fs.choices)


# Excel runs a CSV cell as a formula when its text begins with = + - or @, Calc when it
# begins with =; Calc with "Trim spaces" on (and other readers) drops leading spaces, tabs
# and CRs first, and a reader that folds text to NFKC turns the fullwidth signs into these.
# OWASP's advice ("CSV Injection") is to put an apostrophe in front of such a cell.
FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")
INERT_PREFIX = "'"
NEUTRALISED = (
    "a text cell that begins with =, +, -, @, a tab or a carriage return (also after leading "
    "spaces, and the fullwidth ＝ ＋ － ＠) is prefixed with an apostrophe (') so that no "
    "spreadsheet runs it as a formula; the JSON exports keep the exact text."
)


def inert(text: str) -> str:
    """``text`` as a spreadsheet shows it but never evaluates it: see ``FORMULA_STARTS``."""
    for char in text:
        if char in FORMULA_STARTS:
            return INERT_PREFIX + text
        # Spaces, and format characters no reader sees (a zero-width space, a BOM), may stand
        # before the sign: what cannot be seen must not decide what the spreadsheet runs.
        if not (char.isspace() or unicodedata.category(char) == "Cf"):
            return text
    return text


def _cell(value: Any) -> Any:
    # Only text is neutralised: numbers and dates stay what they are, so a spreadsheet still
    # reads a count as a number; a negative one is written as a number, not as text.
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return inert(" ".join(map(str, value)))
    if isinstance(value, str):
        return inert(value)
    return value


def _table(
    name: str, doc: str, columns: list[Column], rows: Iterable[Any], **schema: Any
) -> tuple[dict[str, Any], str]:
    """The resource entry of ``datapackage.json`` and the CSV text of one table."""
    fields = []
    for c in columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.doc}
        constraints: dict[str, Any] = {"required": True} if c.required else {}
        if c.choices:
            constraints["enum"] = [str(choice) for choice in c.choices]
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    resource = {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": f"{doc} In this CSV, {NEUTRALISED}",
        "schema": {"fields": fields, **schema},
    }
    buf = io.StringIO()
    # The writer quotes a cell holding any character of the line terminator: with RFC 4180's
    # CRLF that is every cell with a CR or an LF. With "\n" alone a CR went out unquoted and
    # a spreadsheet started a new row at it.
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow([c.name for c in columns])
    for row in rows:
        w.writerow([_cell(c.get(row)) for c in columns])
    return resource, buf.getvalue()


def _fk(fields: str, resource: str) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": "id"}}


def _claim_columns(graded: Mapping[str, Grade]) -> list[Column]:
    def own(name: str, **kw: str) -> Column:
        return _from_model(Claim, name, attrgetter(name), **kw)

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
    return [_from_model(Source, n, attrgetter(n)) for n in names]


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
    return [_from_model(Publication, n, attrgetter(n)) for n in names]


def _attribution_columns(kb: KnowledgeBase) -> list[Column]:
    # Rows are (claim, position, attribution).
    def att(name: str) -> Column:
        return _from_model(Attribution, name, lambda row: getattr(row[2], name))

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
        _from_model(
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
        return _from_model(Relation, name, lambda row: getattr(row[1], name), column=column)

    return [
        Column("claim", itemgetter(0), "string", "The claim declaring the relation.", True),
        rel("type"),
        rel("claim", column="other"),
        rel("note"),
    ]


def datapackage(kb: KnowledgeBase, graded: Mapping[str, Grade] | None = None) -> dict[str, str]:
    """A Frictionless Tabular Data Package: claims, sources, publications, chains, relations."""
    graded = grades(kb) if graded is None else graded
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    publications = sorted(kb.publications.values(), key=lambda p: p.id)
    tables = [
        _table(
            "claims",
            "One row per claim, with its rationale and credibility grade.",
            _claim_columns(graded),
            claims,
            primaryKey="id",
        ),
        _table(
            "sources",
            "One row per source: outlet, person, anonymous group, document, organisation or "
            "collective.",
            _source_columns(),
            sources,
            primaryKey="id",
            foreignKeys=[_fk("affiliation", "sources")],
        ),
        _table(
            "publications",
            "One row per publication: what the desk actually read.",
            _publication_columns(),
            publications,
            primaryKey="id",
            foreignKeys=[_fk("outlet", "sources")],
        ),
        _table(
            "attributions",
            "One row per chain: who said it, through whom, in which publication we read it, "
            "in which words.",
            _attribution_columns(kb),
            ((c.id, i, a) for c in claims for i, a in enumerate(c.attributions, 1)),
            primaryKey=["claim", "position"],
            foreignKeys=[
                _fk("claim", "claims"),
                _fk("source", "sources"),
                _fk("own_voice", "publications"),
                _fk("publication", "publications"),
            ],
        ),
        _table(
            "via",
            "One row per intermediary of a chain, in order from the speaker outwards.",
            _via_columns(),
            (
                (c.id, i, step, sid)
                for c in claims
                for i, a in enumerate(c.attributions, 1)
                for step, sid in enumerate(a.via, 1)
            ),
            primaryKey=["claim", "position", "step"],
            foreignKeys=[
                {
                    "fields": ["claim", "position"],
                    "reference": {"resource": "attributions", "fields": ["claim", "position"]},
                },
                _fk("source", "sources"),
            ],
        ),
        _table(
            "relations",
            "Links between claims, as declared by the first claim.",
            _relation_columns(),
            ((c.id, r) for c in claims for r in c.relations),
            foreignKeys=[_fk("claim", "claims"), _fk("other", "claims")],
        ),
    ]
    package = {
        "profile": "tabular-data-package",
        "name": "berlintalks",
        "title": "Claims and sources on the U.S.–Ukraine talks in Berlin, 14–15 December 2025",
        "description": "The fact-checked claims, their sources, who reported each claim in "
        f"which words, and how the claims relate. In the CSV files, {NEUTRALISED}",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [resource for resource, _ in tables],
    }
    return {
        "datapackage.json": _dump(package),
        **{f"{resource['name']}.csv": text for resource, text in tables},
    }


# ---------------------------------------------------------------- entry points


def export(
    kb: KnowledgeBase,
    fmt: str,
    *,
    publisher: Publisher | None = None,
    history: Mapping[str, FileHistory] | None = None,
    graded: Mapping[str, Grade] | None = None,
) -> dict[str, str]:
    """The files of one export format, by file name; ``graded`` saves computing the grades."""
    publisher = publisher or Publisher()
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    if fmt == "json":
        graded = grades(kb) if graded is None else graded
        return {
            "claims.json": _dump([claim_dict(kb, c, graded.get(c.id)) for c in claims]),
            "sources.json": _dump(
                [source_dict(s) for s in sorted(kb.sources.values(), key=lambda s: s.id)]
            ),
            "publications.json": _dump(
                [publication_dict(p) for p in sorted(kb.publications.values(), key=lambda p: p.id)]
            ),
        }
    if fmt == "claimreview":
        return {
            "claimreview.json": _dump([claim_review(kb, c, publisher, history) for c in claims])
        }
    if fmt == "datapackage":
        return datapackage(kb, graded)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export_all(
    kb: KnowledgeBase,
    formats: tuple[str, ...] = FORMATS,
    *,
    publisher: Publisher | None = None,
    history: Mapping[str, FileHistory] | None = None,
    graded: Mapping[str, Grade] | None = None,
) -> dict[str, str]:
    graded = grades(kb) if graded is None else graded
    out: dict[str, str] = {}
    for fmt in formats:
        out.update(export(kb, fmt, publisher=publisher, history=history, graded=graded))
    return out


def write_tree(files: Mapping[str, str], out: Path) -> list[Path]:
    """Write ``{relative path: text}`` under ``out``; paths come from this package, not records."""
    written = []
    for rel, text in sorted(files.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
