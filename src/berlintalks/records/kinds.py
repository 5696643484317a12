"""Field kinds as classes: how each kind of value is validated, schematised, scaffolded and typed.

One object per kind (``KINDS``), asked through :func:`kind_of`, replaces the switches on
``FieldSpec.kind`` that the validator, the JSON Schema, the skeleton of `berlintalks new`
and the data package's column types each wrote out.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, ClassVar, Protocol

from ..boundary import ARCHIVE_DIR
from ..finding import Code
from .codes import ARCHIVE_PATH as ARCHIVE_OUTSIDE
from .codes import (
    EMPTY_LIST,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_A_LINK,
    NOT_AN_ID,
    WRONG_TYPE,
)
from .enums import choice_docs
from .fields import COUNT_MAX, FIGURE_MAX, SLUG_MAX, SLUG_RE, FieldSpec
from .layout import WINDOWS_DEVICES, short, slug_problem
from .positions import Path_
from .urls import WebUrl, check_web_url
from .wording import CONTROL_PATTERN, CONTROL_PATTERNS, control_problem, describe, suggest
from .yaml import DECEPTIVE

# JSON Schema regexes are ECMA-262; each of these means the same in Python's `re`.
# The id pattern, less the names Windows reserves for devices, which the checker refuses too.
SLUG_PATTERN = f"^(?!(?:{'|'.join(sorted(WINDOWS_DEVICES))})$){SLUG_RE.pattern[1:]}"
NOT_BLANK = r"\S"
ONE_LINE = r"^\s*[^\n]*\S[^\n]*\s*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# An http(s) URL without user info, backslashes or invisible characters, and with a port
# of at most 65535; the checker (urls.py) also refuses hosts that mix scripts.
_PORT = r"(?::(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5]?[0-9]{0,4}))?"
_INVISIBLE = r"\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
WEB_URL = (
    rf"^(?![\s\S]*[{_INVISIBLE}])[Hh][Tt][Tt][Pp][Ss]?://"
    rf"(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@\\:\[\]\u3002\uff0e\uff61]+){_PORT}([/?#]\S*)?$"
)
# A plain file under archive/: no empty, hidden, `.` or `..` component, no colon or backslash.
ARCHIVE_PATH = rf"^{ARCHIVE_DIR}(?:/[^/.:\\\x00][^/:\\\x00]*)+$"


class Reporter(Protocol):
    """What a kind needs of the validator: reporting, and validating what it nests."""

    def error_at(self, path: Path_, code: Code, message: str) -> None: ...

    def wrong_type(self, path: Path_, name: str, expected: str, value: Any) -> None: ...

    def value(self, fs: FieldSpec, value: Any, path: Path_, name: str) -> tuple[bool, Any]: ...

    def record(self, record: type, value: Any, path: Path_, what: str) -> dict[str, Any] | None: ...


Result = tuple[bool, Any]
_BAD: Result = (False, None)
# The schema of a nested value (a list's items), written by the schema writer.
SubSchema = Callable[[FieldSpec], dict[str, Any]]


class Kind:
    """A kind of value. Subclasses override what differs; the defaults fit a text value."""

    name: ClassVar[str]
    table_type: ClassVar[str] = "string"  # its Table Schema (data package) type
    placeholder: ClassVar[str] = '""'  # an empty value fails `check` until filled in
    long_number: ClassVar[str] = "text goes in quotes"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        """``(True, converted)``, or ``(False, None)`` with a finding reported through ``r``."""
        return True, value

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        """The JSON Schema of one value, without its description."""
        raise NotImplementedError


class Text(Kind):
    """Text that may run over several lines."""

    name = "text"
    pattern = NOT_BLANK
    # Whether the JSON Schema also refuses control and invisible characters.
    schema_controls: ClassVar[bool] = True

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        if not isinstance(value, str):
            r.wrong_type(path, name, self.expected(fs), value)
            return _BAD
        if not value.strip():
            # A required key cannot simply be dropped, so the advice differs.
            fix = "write the text" if fs.required else "write the text or remove the key"
            r.error_at(path, WRONG_TYPE, f"'{name}' is empty; {fix}")
            return _BAD
        hidden = DECEPTIVE.search(value)
        if hidden:
            # However it is written (raw or as a "\u2028" escape), a reader of the page
            # or of the diff would not see this character do its work.
            r.error_at(
                path,
                WRONG_TYPE,
                f"'{name}' holds U+{ord(hidden.group()):04X}, an invisible line break or "
                "text-direction control; remove it",
            )
            return _BAD
        control = control_problem(value, self.name)
        if control is not None:
            r.error_at(path, WRONG_TYPE, f"'{name}' {control}")
            return _BAD
        return self.check(r, fs, value, path, name)

    def expected(self, fs: FieldSpec) -> str:
        return "text"

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        """What this kind asks of a non-empty text beyond what every text field asks."""
        return True, value

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        out = self.plain_schema(fs, ids)
        if self.schema_controls:
            # The checker refuses invisible line breaks, direction controls and control
            # characters (tabs and line breaks only where the field may hold several lines).
            control = CONTROL_PATTERNS.get(self.name, CONTROL_PATTERN)
            out["not"] = {"pattern": f"{control}|{DECEPTIVE.pattern}"}
        return out

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": self.pattern}


class Line(Text):
    name = "line"
    pattern = ONE_LINE

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        if "\n" in value.strip():
            r.error_at(path, WRONG_TYPE, f"'{name}' must be a single line")
            return _BAD
        return True, value


class Slug(Text):
    """An id: a file name and an address."""

    name = "slug"
    schema_controls = False

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        problem = slug_problem(value)
        if problem is not None:
            r.error_at(
                path, NOT_AN_ID, f"'{short(value)}' is not a valid id for '{name}': {problem}"
            )
            return _BAD
        return True, value

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": SLUG_PATTERN, "maxLength": SLUG_MAX}


class Ref(Slug):
    """The id of another record."""

    name = "ref"

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        assert fs.ref is not None
        known = getattr(ids, fs.ref)
        if known:
            # An enum, not a pattern: editors offer these ids as completions across files.
            return {"type": "string", "enum": list(known)}
        return super().plain_schema(fs, ids)


class Choice(Text):
    """One of fixed choices (MkDocs' ``Choice``)."""

    name = "enum"
    schema_controls = False

    def expected(self, fs: FieldSpec) -> str:
        return "one of " + ", ".join(fs.choices)

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        if value not in fs.choices:
            r.error_at(
                path,
                NOT_A_CHOICE,
                f"'{short(value)}' is not a valid {name}{suggest(value, fs.choices)} "
                f"(choose one of: {', '.join(fs.choices)})",
            )
            return _BAD
        return True, value

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "enum": list(fs.choices)}
        docs = choice_docs(fs.choices)
        if docs:
            # Read by the YAML language server to explain each choice in the completion list.
            out["enumDescriptions"] = docs
        return out


class Url(Text):
    name = "url"

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        checked = check_web_url(value)
        if not isinstance(checked, WebUrl):
            r.error_at(path, NOT_A_LINK, f"'{short(value)}' cannot be a link: {checked}")
            return _BAD
        return True, value

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": WEB_URL}


class ArchivePath(Text):
    name = "path"

    def check(self, r: Reporter, fs: FieldSpec, value: str, path: Path_, name: str) -> Result:
        p = value.replace("\\", "/")
        if p.startswith("/") or ".." in p.split("/") or ":" in p or "\\" in value:
            r.error_at(
                path,
                ARCHIVE_OUTSIDE,
                f"archive path '{short(value)}' must be relative to the root and stay inside it",
            )
            return _BAD
        return True, value

    def plain_schema(self, fs: FieldSpec, ids: Any) -> dict[str, Any]:
        return {"type": "string", "pattern": ARCHIVE_PATH}


class Date(Kind):
    name = "date"
    table_type = "date"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        if isinstance(value, datetime):
            r.error_at(path, NOT_A_DATE, f"'{name}' must be a date (YYYY-MM-DD) without a time")
            return _BAD
        if isinstance(value, date):
            return True, value
        if not isinstance(value, str):
            r.wrong_type(path, name, "a date (YYYY-MM-DD)", value)
            return _BAD
        try:
            if len(value) == 10:
                return True, date.fromisoformat(value)
        except ValueError:
            pass
        r.error_at(
            path,
            NOT_A_DATE,
            f"'{short(value)}' is not a real calendar date; write it as YYYY-MM-DD",
        )
        return _BAD

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}


class Count(Kind):
    """A whole number from 1 to COUNT_MAX, or to the field's own maximum."""

    name = "count"
    table_type = "integer"
    placeholder = "1"
    long_number = f"a count is a whole number from 1 to {COUNT_MAX:,}"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= COUNT_MAX:
            r.wrong_type(path, name, f"a whole number from 1 to {COUNT_MAX:,}", value)
            return _BAD
        if fs.maximum is not None and value > fs.maximum:
            r.wrong_type(path, name, f"a whole number from 1 to {fs.maximum}", value)
            return _BAD
        return True, value

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer", "minimum": 1, "maximum": COUNT_MAX}
        if fs.maximum is not None:
            out["maximum"] = min(fs.maximum, COUNT_MAX)
        return out


class Number(Kind):
    """A figure: a finite number within ±FIGURE_MAX."""

    name = "number"
    table_type = "number"
    placeholder = "1"
    long_number = "figures lie within ±10^15"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        if isinstance(value, bool) or not isinstance(value, int | float):
            r.wrong_type(path, name, "a number", value)
            return _BAD
        # Floats only: math.isfinite turns an int into a float, which overflows.
        if isinstance(value, float) and not math.isfinite(value):
            r.error_at(path, WRONG_TYPE, f"'{name}' must be a finite number, not {value}")
            return _BAD
        if abs(value) > FIGURE_MAX:
            r.error_at(
                path,
                WRONG_TYPE,
                f"'{name}' is {describe(value)}, beyond ±10^15; check it, or give it in a "
                "larger unit (millions, billions)",
            )
            return _BAD
        return True, value

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        return {"type": "number", "minimum": -FIGURE_MAX, "maximum": FIGURE_MAX}


class List(Kind):
    name = "list"
    placeholder = "[]"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        if fs.single and isinstance(value, str):
            value = [value]  # `via: afp` is `via: [afp]`; its position is the key's value
        if not isinstance(value, list):
            r.wrong_type(path, name, "a list", value)
            return _BAD
        if len(value) < fs.min_items:
            entries = "entry" if fs.min_items == 1 else "entries"
            r.error_at(path, EMPTY_LIST, f"'{name}' needs at least {fs.min_items} {entries}")
            return _BAD
        assert fs.item is not None
        ok, items = True, []
        for i, item in enumerate(value):
            good, converted = r.value(fs.item, item, (*path, i), f"{name}[{i}]")
            ok = ok and good
            items.append(converted)
        return ok, tuple(items)

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        assert fs.item is not None
        out: dict[str, Any] = {"type": "array", "items": sub(fs.item)}
        if fs.min_items:
            out["minItems"] = fs.min_items
        if fs.single:
            # `via: afp` is read as `via: [afp]`.
            return {"anyOf": [sub(fs.item), out]}
        return out


class Object(Kind):
    """A nested mapping read into the record type ``fs.record``."""

    name = "object"

    def validate(self, r: Reporter, fs: FieldSpec, value: Any, path: Path_, name: str) -> Result:
        assert fs.record is not None
        kwargs = r.record(fs.record, value, path, f"'{name}'")
        return _BAD if kwargs is None else (True, fs.record(**kwargs))

    def schema(self, fs: FieldSpec, ids: Any, sub: SubSchema) -> dict[str, Any]:
        assert fs.record is not None
        return {"$ref": f"#/$defs/{fs.record.__name__}"}


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Line(),
        Text(),
        Slug(),
        Date(),
        Count(),
        Number(),
        Url(),
        Choice(),
        Ref(),
        ArchivePath(),
        List(),
        Object(),
    )
}


def kind_of(fs: FieldSpec) -> Kind:
    """The kind object of a field."""
    return KINDS[fs.kind]
