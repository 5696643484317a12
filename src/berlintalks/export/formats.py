"""The export formats by name, and writing their files to a folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ..checks import Grade, grades
from ..records import FileHistory, KnowledgeBase
from .claimreview import claimreview_files
from .datapackage import datapackage
from .publisher import Publisher
from .records_json import json_files

FORMATS = ("json", "claimreview", "datapackage")


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
    if fmt == "json":
        return json_files(kb, grades(kb) if graded is None else graded)
    if fmt == "claimreview":
        return claimreview_files(kb, publisher, history)
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
    """The files of every format in ``formats``, with the grades computed once for all."""
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
