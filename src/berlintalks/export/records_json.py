"""The JSON export: every claim with its chains resolved to names, every source and publication."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..checks import Grade, has_insertion, speaker_publication, translated_from
from ..records import Attribution, Claim, KnowledgeBase, Publication, Source
from .json_text import indented
from .words import STATUS_WORDS, chain_sentence, figure_words


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


def dump_json(data: Any) -> str:
    """Indented JSON, non-ASCII text as written, with a final newline: every export file."""
    return indented(data) + "\n"


def json_files(kb: KnowledgeBase, graded: Mapping[str, Grade]) -> dict[str, str]:
    """``claims.json``, ``sources.json`` and ``publications.json``, each sorted by id."""
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    return {
        "claims.json": dump_json([claim_dict(kb, c, graded.get(c.id)) for c in claims]),
        "sources.json": dump_json(
            [source_dict(s) for s in sorted(kb.sources.values(), key=lambda s: s.id)]
        ),
        "publications.json": dump_json(
            [publication_dict(p) for p in sorted(kb.publications.values(), key=lambda p: p.id)]
        ),
    }
