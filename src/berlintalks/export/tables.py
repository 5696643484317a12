"""CSV tables: columns typed by the model, cells no spreadsheet runs as a formula."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..records import field_specs
from ..records.kinds import kind_of


@dataclass(frozen=True, slots=True)
class Column:
    """One CSV column: its name, Table Schema type and description, and how to read a row."""

    name: str
    get: Callable[[Any], Any]
    type: str
    doc: str
    required: bool
    choices: tuple[str, ...] = ()


def from_model(
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


def table(
    name: str, doc: str, columns: list[Column], rows: Iterable[Any], **schema: Any
) -> tuple[dict[str, Any], str]:
    """The resource entry of ``datapackage.json`` and the CSV text of one table."""
    return resource(name, doc, columns, **schema), csv_header(columns) + csv_rows(columns, rows)


def resource(name: str, doc: str, columns: list[Column], **schema: Any) -> dict[str, Any]:
    """The entry of ``datapackage.json`` that describes the table ``name``."""
    fields = []
    for c in columns:
        f: dict[str, Any] = {"name": c.name, "type": c.type, "description": c.doc}
        constraints: dict[str, Any] = {"required": True} if c.required else {}
        if c.choices:
            constraints["enum"] = [str(choice) for choice in c.choices]
        if constraints:
            f["constraints"] = constraints
        fields.append(f)
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": f"{doc} In this CSV, {NEUTRALISED}",
        "schema": {"fields": fields, **schema},
    }


def csv_header(columns: list[Column]) -> str:
    """The first line of a table: its column names."""
    return _csv([[c.name for c in columns]])


def csv_rows(columns: list[Column], rows: Iterable[Any]) -> str:
    """The lines of ``rows``; the lines of consecutive rows, joined, are the lines of all."""
    return _csv([_cell(c.get(row)) for c in columns] for row in rows)


def _csv(lines: Iterable[list[Any]]) -> str:
    buf = io.StringIO()
    # The writer quotes a cell holding any character of the line terminator: with RFC 4180's
    # CRLF that is every cell with a CR or an LF. With "\n" alone a CR went out unquoted and
    # a spreadsheet started a new row at it.
    csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(lines)
    return buf.getvalue()


def foreign_key(fields: str, resource: str) -> dict[str, Any]:
    return {"fields": fields, "reference": {"resource": resource, "fields": "id"}}
