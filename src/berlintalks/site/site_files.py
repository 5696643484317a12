"""The site's files besides its pages: the stylesheet, the exports and the feed."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from ..export.claimreview import claim_review
from ..export.datapackage import datapackage
from ..export.records_json import claim_dict, publication_dict, source_dict
from ..records import FileHistory, KnowledgeBase
from .feed import atom_feed
from .views import SiteConfig, SiteView


def site_files(
    kb: KnowledgeBase,
    site: SiteView,
    templates: Path,
    history: Mapping[str, FileHistory] | None,
    config: SiteConfig,
) -> Iterator[tuple[str, Iterable[str]]]:
    """The other files, in `export_all`'s order, each as the pieces of its text.

    The JSON lists of every record come one record at a time: made whole, a list and its
    text held some 22 MB per 1,000 claims at once, the largest moment of a build.
    """
    yield "assets/berlintalks.css", [(templates / "berlintalks.css").read_text(encoding="utf-8")]
    graded = site.grades
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    # As `json_files` and `claimreview_files` make them (the tests compare the two).
    yield "data/claims.json", json_list(claim_dict(kb, c, graded.get(c.id)) for c in claims)
    yield (
        "data/sources.json",
        json_list(source_dict(s) for s in sorted(kb.sources.values(), key=lambda s: s.id)),
    )
    yield (
        "data/publications.json",
        json_list(
            publication_dict(p) for p in sorted(kb.publications.values(), key=lambda p: p.id)
        ),
    )
    yield (
        "data/claimreview.json",
        json_list(claim_review(kb, c, config.publisher, history) for c in claims),
    )
    tables = datapackage(kb, graded)
    while tables:
        name = next(iter(tables))
        yield f"data/{name}", [tables.pop(name)]
    yield (
        "feed.xml",
        [
            atom_feed(
                kb,
                publisher=config.publisher,
                site_name=config.site_name,
                directory_urls=config.use_directory_urls,
                use_history=history is not None,
            )
        ],
    )


_ITEM = json.JSONEncoder(indent=2, ensure_ascii=False)


def json_list(items: Iterable[Any]) -> Iterator[str]:
    """`dump_json` of the list of ``items``, in pieces: each item encoded when its turn comes.

    An item of a list indented by two is the item encoded alone with every line moved right
    by two; JSON text holds no raw newline, so every newline starts a line.
    """
    first = True
    for item in items:
        yield ("[\n  " if first else ",\n  ") + _ITEM.encode(item).replace("\n", "\n  ")
        first = False
    yield "[]\n" if first else "\n]\n"
