"""Machine-readable exports of the records: JSON, ClaimReview and a Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .history import FileHistory
from .model import Attribution, Claim, KnowledgeBase, Relation, Source, Status, field_specs

FORMATS = ("json", "claimreview", "datapackage")

# ClaimReview wants a number; the scale runs from the strongest verdict to the weakest, and
# `alternateName` carries the status itself, which is what aggregators display.
RATING: dict[str, int] = {
    Status.CONFIRMED: 5,
    Status.REPORTED: 4,
    Status.UNVERIFIED: 3,
    Status.DISPUTED: 2,
    Status.DENIED: 1,
}
BEST_RATING, WORST_RATING = 5, 1


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the fact-checks, and where the site lives (``url`` may be empty)."""

    name: str = "berlintalks"
    url: str = ""

    def page_url(self, path: str) -> str:
        """The address of a page such as ``claims/x/``: absolute when the site URL is known."""
        if not self.url:
            return "/" + path
        return self.url.rstrip("/") + "/" + path


def web_url(value: str | None) -> str | None:
    """``value`` when it is an http(s) URL with a host, else None: nothing else becomes a link."""
    if not value or any(c.isspace() or ord(c) < 32 for c in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


# ---------------------------------------------------------------- JSON


def source_dict(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "reliability": source.reliability,
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
        return {"id": sid}
    return {"id": sid, "name": src.name, "kind": src.kind, "reliability": src.reliability}


def claim_dict(kb: KnowledgeBase, claim: Claim) -> dict[str, Any]:
    """One claim with every source and outlet resolved to its name, kind and reliability."""
    return {
        "id": claim.id,
        "title": claim.title,
        "statement": claim.statement,
        "status": claim.status,
        "date": claim.date.isoformat(),
        "topics": list(claim.topics),
        "attributions": [
            {
                "source": _ref(kb, a.source),
                "via": _ref(kb, a.via[-1] if a.via else None),
                "quote": a.quote,
                "date": a.date.isoformat() if a.date else None,
                "url": a.url,
            }
            for a in claim.attributions
        ],
        "relations": [{"type": r.type, "claim": r.claim, "note": r.note} for r in claim.relations],
        "count": claim.count,
        "figures": [
            {"label": f.label, "unit": f.unit, "value": f.value, "values": list(f.values) or None}
            for f in claim.figures
        ],
        "exceptions": [{"rule": e.rule, "reason": e.reason} for e in claim.exceptions],
    }


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- ClaimReview


def _party(kb: KnowledgeBase, sid: str) -> dict[str, Any]:
    src = kb.sources.get(sid)
    if src is None:
        return {"@type": "Organization", "name": sid}
    kind = "Person" if src.kind == "person" else "Organization"
    out: dict[str, Any] = {"@type": kind, "name": src.name}
    if web_url(src.url):
        out["url"] = src.url
    return out


def claim_review(
    kb: KnowledgeBase,
    claim: Claim,
    publisher: Publisher,
    history: Mapping[str, FileHistory] | None,
) -> dict[str, Any]:
    """The schema.org ClaimReview of one claim, as fact-check aggregators read it."""
    first = claim.attributions[0]
    said = first.date or claim.date
    appearance = []
    for att in claim.attributions:
        work: dict[str, Any] = {
            "@type": "CreativeWork",
            "author": _party(kb, att.via[-1] if att.via else att.source),
        }
        if att.date:
            work["datePublished"] = att.date.isoformat()
        if web_url(att.url):
            work["url"] = att.url
        if att.quote:
            work["text"] = att.quote
        appearance.append(work)
    fh = history.get(claim.path) if history else None
    # The review is published when the record first entered the repository; without git the
    # date of the claim itself is the best stable stand-in.
    published = fh.added.date if fh else claim.date.isoformat()
    author: dict[str, Any] = {"@type": "Organization", "name": publisher.name}
    if publisher.url:
        author["url"] = publisher.url
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": publisher.page_url(f"claims/{claim.id}/"),
        "claimReviewed": claim.statement,
        "headline": claim.title,
        "datePublished": published,
        "author": author,
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATING[Status(claim.status)],
            "bestRating": BEST_RATING,
            "worstRating": WORST_RATING,
            "alternateName": claim.status,
        },
        "itemReviewed": {
            "@type": "Claim",
            "author": _party(kb, first.source),
            "datePublished": said.isoformat(),
            "appearance": appearance,
        },
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


# Table Schema types of the model's field kinds; every other kind is a string.
_TYPES = {"date": "date", "count": "integer", "number": "number"}


def _from_model(
    record: type, name: str, get: Callable[[Any], Any], *, column: str = "", doc: str = ""
) -> Column:
    """A column holding one model field, typed and described by the model itself."""
    fs = field_specs(record)[name]
    typ = _TYPES.get(fs.kind, "string")
    return Column(column or name, get, typ, doc or fs.doc, fs.required, fs.choices)


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return " ".join(map(str, value))
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
        "description": doc,
        "schema": {"fields": fields, **schema},
    }
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.name for c in columns])
    for row in rows:
        w.writerow([_cell(c.get(row)) for c in columns])
    return resource, buf.getvalue()


def _fk(fields: str, resource: str) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": "id"}}


def _claim_columns() -> list[Column]:
    def own(name: str, **kw: str) -> Column:
        return _from_model(Claim, name, attrgetter(name), **kw)

    return [
        own("id"),
        own("title"),
        own("statement"),
        own("status"),
        own("date"),
        own("topics", doc="Topic slugs, separated by spaces."),
        own("count"),
    ]


def _source_columns() -> list[Column]:
    names = ("id", "name", "kind", "reliability", "role", "affiliation", "url")
    return [_from_model(Source, n, attrgetter(n)) for n in names]


def _attribution_columns() -> list[Column]:
    # Rows are (claim, position, attribution).
    def att(name: str) -> Column:
        return _from_model(Attribution, name, lambda row: getattr(row[2], name))

    return [
        Column("claim", itemgetter(0), "string", "The claim's id.", True),
        Column(
            "position", itemgetter(1), "integer", "Order of the attribution on the claim.", True
        ),
        *(att(n) for n in ("source", "via", "quote", "date", "url")),
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


def datapackage(kb: KnowledgeBase) -> dict[str, str]:
    """A Frictionless Tabular Data Package: claims, sources, attributions and relations."""
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    tables = [
        _table("claims", "One row per claim.", _claim_columns(), claims, primaryKey="id"),
        _table(
            "sources",
            "One row per source: outlet, person, anonymous group, document or organisation.",
            _source_columns(),
            sources,
            primaryKey="id",
            foreignKeys=[_fk("affiliation", "sources")],
        ),
        _table(
            "attributions",
            "Who reported each claim, through which outlet, in which words.",
            _attribution_columns(),
            ((c.id, i, a) for c in claims for i, a in enumerate(c.attributions, 1)),
            primaryKey=["claim", "position"],
            # No key on `source`: it may name a publication speaking in its own voice, and a
            # foreign key reaches one table only.
            foreignKeys=[_fk("claim", "claims"), _fk("via", "sources")],
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
) -> dict[str, str]:
    """The files of one export format, by file name."""
    publisher = publisher or Publisher()
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    if fmt == "json":
        return {
            "claims.json": _dump([claim_dict(kb, c) for c in claims]),
            "sources.json": _dump(
                [source_dict(s) for s in sorted(kb.sources.values(), key=lambda s: s.id)]
            ),
        }
    if fmt == "claimreview":
        return {
            "claimreview.json": _dump([claim_review(kb, c, publisher, history) for c in claims])
        }
    if fmt == "datapackage":
        return datapackage(kb)
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def export_all(
    kb: KnowledgeBase,
    formats: tuple[str, ...] = FORMATS,
    *,
    publisher: Publisher | None = None,
    history: Mapping[str, FileHistory] | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    for fmt in formats:
        out.update(export(kb, fmt, publisher=publisher, history=history))
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
