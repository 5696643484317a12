"""The site's files besides its pages: the stylesheet, the exports and the feed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..export.claimreview import claim_review
from ..export.datapackage import ClaimRows, datapackage
from ..export.json_text import indented
from ..export.records_json import claim_dict, publication_dict, source_dict
from ..records import FileHistory, KnowledgeBase
from .feed import atom_feed
from .memo import PageMemo, Recorder
from .views import SiteConfig, SiteView, context
from .watched import recorded_context


def site_files(
    kb: KnowledgeBase,
    site: SiteView,
    templates: Path,
    history: Mapping[str, FileHistory] | None,
    config: SiteConfig,
    memo: PageMemo | None = None,
) -> Iterator[tuple[str, Iterable[str]]]:
    """The other files, in `export_all`'s order, each as the pieces of its text.

    The JSON lists of every record come one record at a time: made whole, a list and its
    text held some 22 MB per 1,000 claims at once, the largest moment of a build. With
    ``memo`` (`serve`), a claim's entry in claims.json and claimreview.json, and its rows in
    the data package's tables, are made again only when something they read changed, as its
    page is.
    """
    made = _Made.of(site, memo)

    def entry(key: str, view: Any, make: Callable[[Mapping[str, Any]], Any]) -> str:
        return made(key, view, lambda ctx: encoded(make(ctx)))  # type: ignore[no-any-return]

    yield "assets/berlintalks.css", [(templates / "berlintalks.css").read_text(encoding="utf-8")]
    graded = site.grades
    claims = sorted(kb.claims.values(), key=lambda c: c.id)
    # As `json_files` and `claimreview_files` make them (the tests compare the two).
    yield (
        "data/claims.json",
        json_texts(
            entry(
                f"data/claims.json#{c.id}",
                (c, graded.get(c.id)),
                lambda ctx, c=c: claim_dict(ctx["kb"], c, graded.get(c.id)),
            )
            for c in claims
        ),
    )
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
        json_texts(
            entry(
                f"data/claimreview.json#{c.id}",
                (c, config.publisher),
                lambda ctx, c=c: claim_review(ctx["kb"], c, config.publisher, ctx["history"]),
            )
            for c in claims
        ),
    )

    def rows_of(claim: Any, make: Callable[[KnowledgeBase], ClaimRows]) -> ClaimRows:
        view = (claim, graded.get(claim.id))
        return made(f"data/datapackage#{claim.id}", view, lambda ctx: make(ctx["kb"]))  # type: ignore[no-any-return]

    tables = datapackage(kb, graded, rows_of)
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
    if memo is not None:
        memo.finish()


@dataclass(frozen=True, slots=True)
class _Made:
    """Makes a part of an export from what every page shares; in `serve`, through the memo,
    which makes it again only when something it read changed."""

    memo: PageMemo | None
    common: dict[str, Any]
    recorder: Recorder
    watched: Mapping[str, Any]

    @classmethod
    def of(cls, site: SiteView, memo: PageMemo | None) -> _Made:
        common, recorder = context(site), Recorder()
        watched = recorded_context(site, common, recorder) if memo is not None else common
        return cls(memo, common, recorder, watched)

    def __call__(self, key: str, view: Any, make: Callable[[Mapping[str, Any]], Any]) -> Any:
        if self.memo is None:
            return make(self.common)
        return self.memo.page(key, view, self.common, self.recorder, lambda: make(self.watched))


def encoded(item: Any) -> str:
    """``item`` as JSON, as an entry of a list indented by two: the item encoded alone with
    every line moved right by two (JSON text holds no raw newline)."""
    return indented(item).replace("\n", "\n  ")


def json_texts(texts: Iterable[str]) -> Iterator[str]:
    """The JSON list of the `encoded` entries ``texts``, in pieces: each entry a piece of
    its own, never copied (in `serve`, the memo's string)."""
    first = True
    for text in texts:
        yield "[\n  " if first else ",\n  "
        yield text
        first = False
    yield "[]\n" if first else "\n]\n"


def json_list(items: Iterable[Any]) -> Iterator[str]:
    """`dump_json` of the list of ``items``, in pieces: each item encoded when its turn comes."""
    return json_texts(encoded(item) for item in items)
