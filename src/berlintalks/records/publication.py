"""A publication: the article, transcript, statement or broadcast the desk actually read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .enums import PublicationKind
from .fields import spec
from .positions import Positions
from .record_file import Exemption, RecordFile, exceptions_field, path_field, positions_field


@dataclass(frozen=True, slots=True)
class Publication(RecordFile):
    """What the desk actually read: an article, a transcript, a statement's text, a broadcast."""

    id: str = spec("slug", "The publication's id: the file's name without .yaml.", required=True)
    title: str = spec(
        "line", "A descriptive title, in our words when it has none of its own.", required=True
    )
    kind: str = spec(
        "enum",
        "What kind of publication it is.",
        required=True,
        choices=tuple(PublicationKind),
        example="article",
    )
    outlet: str | None = spec(
        "ref",
        "The outlet that published it: the id of a source (kind outlet). Omit when unknown.",
        ref="source",
    )
    url: str | None = spec("url", "Where it was published (http or https), when known.")
    published: date | None = spec("date", "When it was published (YYYY-MM-DD), when known.")
    language: str = spec(
        "line",
        "The language of the text we read, as a BCP 47 tag (en, ru, de, pt-BR).",
        required=True,
        example="en",
    )
    translated_from: str | None = spec(
        "line",
        "When the text we read is a translation: the original's language (BCP 47 tag).",
        example="ru",
    )
    archive: str | None = spec(
        "path",
        "Path, relative to the root, of a plain-text snapshot of the publication, against which "
        "its quotes are checked.",
    )
    note: str | None = spec("text", "What the desk knows about it; shown on its page.")
    exceptions: tuple[Exemption, ...] = exceptions_field()
    path: str = path_field()
    positions: Positions | None = positions_field()
