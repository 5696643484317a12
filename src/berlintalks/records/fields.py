"""How a record's field is declared: its kind, documentation and bounds, carried in metadata."""

from __future__ import annotations

import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Literal

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MAX = 80
# Figures are amounts people read, and a count is a number of parts: far inside these bounds,
# which keep every value printable and every sum exact enough, in the checks, the pages and
# the exports alike.
FIGURE_MAX = 10**15  # written "±10^15" in the field docs and messages
COUNT_MAX = 10_000

FieldKind = Literal[
    "line",
    "text",
    "slug",
    "date",
    "count",
    "number",
    "url",
    "enum",
    "ref",
    "path",
    "list",
    "object",
]


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one YAML key is read, validated, documented and exported as JSON Schema."""

    kind: FieldKind
    doc: str
    required: bool = False
    choices: tuple[str, ...] = ()
    ref: RefKind | None = None
    item: FieldSpec | None = None
    record: type | None = None
    min_items: int = 0
    example: Any = None
    # A list that also takes a single value, read as a list of one (`via: afp`).
    single: bool = False
    maximum: int | None = None
    default: Any = None
    # Optional to the loader, so the record still loads and every other check runs, but
    # required by a rule with its own code and explanation; the JSON Schema requires it.
    expected: bool = False


RefKind = Literal["source", "claim", "publication", "speaker"]


def spec(
    kind: FieldKind,
    doc: str,
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    ref: RefKind | None = None,
    item: FieldSpec | None = None,
    record: type | None = None,
    min_items: int = 0,
    example: Any = None,
    single: bool = False,
    maximum: int | None = None,
    default: Any = None,
    expected: bool = False,
) -> Any:
    """A dataclass field that carries its :class:`FieldSpec` in its metadata."""
    fs = FieldSpec(
        kind,
        doc,
        required,
        choices,
        ref,
        item,
        record,
        min_items,
        example,
        single,
        maximum,
        default,
        expected,
    )
    meta = {"spec": fs}
    if required:
        return field(metadata=meta)
    # Keyword-only, so an optional key can sit beside the keys it belongs with (a claim's
    # rationale after its status) although required keys follow it.
    if kind == "list":
        return field(default=(), metadata=meta, kw_only=True)
    return field(default=default, metadata=meta, kw_only=True)


def item_of(kind: FieldKind, doc: str = "", **kw: Any) -> FieldSpec:
    return FieldSpec(kind, doc, required=True, **kw)


def field_specs(record: type) -> dict[str, FieldSpec]:
    """The YAML keys of a record type, in file order, with their specs."""
    return {f.name: f.metadata["spec"] for f in fields(record) if "spec" in f.metadata}


def has_default(record: type, name: str) -> bool:
    f = next(f for f in fields(record) if f.name == name)
    return f.default is not MISSING or f.default_factory is not MISSING
