"""What every page shares, each value that comes from the records noting its reads (`memo`)."""

from __future__ import annotations

from dataclasses import MISSING, fields, replace
from typing import Any

from .memo import RecordedGraph, RecordedMapping, Recorder, recorded
from .views import SiteView, kb_functions

# What a record page may read that changes with the records: every field of `SiteView`
# without a default (those with one are the documentation tables, the same in every build).
_WATCHED = tuple(
    f.name for f in fields(SiteView) if f.default is MISSING and f.default_factory is MISSING
)


def recorded_context(site: SiteView, common: dict[str, Any], recorder: Recorder) -> dict[str, Any]:
    """``common`` with every value that comes from the records noting its reads."""
    kb = site.kb
    watched_kb = replace(
        kb,
        **{
            name: RecordedMapping(f"kb.{name}", getattr(kb, name), recorder)
            for name in ("claims", "sources", "publications")
        },
        **{
            name: RecordedMapping(f"kb.{name}", dict.fromkeys(getattr(kb, name)), recorder)
            for name in ("broken_claims", "broken_sources", "broken_publications")
        },
    )
    out = dict(common)
    for name in _WATCHED:
        if name == "graph":
            out[name] = RecordedGraph(site.graph, recorder)
        elif name != "config" and not callable(common[name]):
            out[name] = recorded(name, common[name], recorder)
    out["kb"] = watched_kb
    out.update(kb_functions(watched_kb))
    return out
