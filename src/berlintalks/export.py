"""Machine-readable exports of the records: JSON, ClaimReview and a Frictionless data package."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .history import FileHistory
from .model import Claim, KnowledgeBase, Source, Status

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
                "via": _ref(kb, a.via),
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
            "author": _party(kb, att.via or att.source),
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


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue()


def _field(name: str, typ: str, doc: str, required: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "type": typ, "description": doc}
    if required:
        out["constraints"] = {"required": True}
    return out


def _table(name: str, doc: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": doc,
        "schema": {"fields": fields, **extra},
    }


def datapackage(kb: KnowledgeBase) -> dict[str, str]:
    """A Frictionless Tabular Data Package: claims, sources, attributions and relations."""
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    sources = sorted(kb.sources.values(), key=lambda s: s.id)
    claim_rows = [
        [c.id, c.title, c.statement, c.status, c.date.isoformat(), " ".join(c.topics), c.count]
        for c in claims
    ]
    source_rows = [
        [s.id, s.name, s.kind, s.reliability, s.role, s.affiliation, s.url] for s in sources
    ]
    att_rows = [
        [
            c.id,
            i + 1,
            a.source,
            a.via,
            a.quote,
            a.date.isoformat() if a.date else None,
            a.url,
        ]
        for c in claims
        for i, a in enumerate(c.attributions)
    ]
    rel_rows = [[c.id, r.type, r.claim, r.note] for c in claims for r in c.relations]

    def fk(fields: str | list[str], resource: str, ref: str = "id") -> dict[str, Any]:
        return {"fields": fields, "reference": {"resource": resource, "fields": ref}}

    package = {
        "profile": "tabular-data-package",
        "name": "berlintalks",
        "title": "Claims and sources on the U.S.–Ukraine talks in Berlin, 14–15 December 2025",
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}],
        "resources": [
            _table(
                "claims",
                "One row per claim.",
                [
                    _field("id", "string", "The claim's id.", True),
                    _field("title", "string", "A headline, in our own words.", True),
                    _field("statement", "string", "What was reported.", True),
                    _field("status", "string", "The editorial verdict.", True),
                    _field("date", "date", "The date of the event or statement.", True),
                    _field("topics", "string", "Topic slugs, separated by spaces.", True),
                    _field("count", "integer", "How many parts the claim has, if any."),
                ],
                primaryKey="id",
            ),
            _table(
                "sources",
                "One row per source: outlet, person, anonymous group, document or organisation.",
                [
                    _field("id", "string", "The source's id.", True),
                    _field("name", "string", "Who or what it is.", True),
                    _field("kind", "string", "What kind of source it is.", True),
                    _field("reliability", "string", "Admiralty grade, A to F.", True),
                    _field("role", "string", "Their role or position."),
                    _field("affiliation", "string", "The source this one belongs to."),
                    _field("url", "string", "A home page."),
                ],
                primaryKey="id",
                foreignKeys=[fk("affiliation", "sources")],
            ),
            _table(
                "attributions",
                "Who reported each claim, through which outlet, in which words.",
                [
                    _field("claim", "string", "The claim's id.", True),
                    _field("position", "integer", "Order of the attribution on the claim.", True),
                    _field("source", "string", "Who said it.", True),
                    _field("via", "string", "The outlet that carried it."),
                    _field("quote", "string", "The words as published."),
                    _field("date", "date", "When it was said or published."),
                    _field("url", "string", "Where it was published."),
                ],
                primaryKey=["claim", "position"],
                foreignKeys=[
                    fk("claim", "claims"),
                    fk("source", "sources"),
                    fk("via", "sources"),
                ],
            ),
            _table(
                "relations",
                "Links between claims, as declared by the first claim.",
                [
                    _field("claim", "string", "The claim declaring the relation.", True),
                    _field("type", "string", "supports, contradicts, qualifies, part_of, …", True),
                    _field("other", "string", "The other claim.", True),
                    _field("note", "string", "Why the two are related."),
                ],
                foreignKeys=[fk("claim", "claims"), fk("other", "claims")],
            ),
        ],
    }
    return {
        "datapackage.json": _dump(package),
        "claims.csv": _csv(
            ["id", "title", "statement", "status", "date", "topics", "count"], claim_rows
        ),
        "sources.csv": _csv(
            ["id", "name", "kind", "reliability", "role", "affiliation", "url"], source_rows
        ),
        "attributions.csv": _csv(
            ["claim", "position", "source", "via", "quote", "date", "url"], att_rows
        ),
        "relations.csv": _csv(["claim", "type", "other", "note"], rel_rows),
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
