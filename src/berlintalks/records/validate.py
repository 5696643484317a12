"""Validating a parsed mapping into the keyword arguments of a record, with a finding per misfit."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from ..finding import Code, Finding
from .codes import (
    MISSING_KEY,
    ONE_OF_VALUE,
    UNKNOWN_KEY,
    WRONG_TYPE,
)
from .fields import FieldSpec, field_specs
from .kinds import kind_of
from .layout import short
from .positions import Path_, Pos, Positions
from .wording import (
    CONTROL_PATTERN,
    CONTROL_PATTERNS,
    SUGGESTIONS_MAX,
    describe,
    suggest,
    suggested,
)
from .yaml import LongNumber

__all__ = [
    "CONTROL_PATTERN",
    "CONTROL_PATTERNS",
    "SUGGESTIONS_MAX",
    "describe",
    "suggested",
]

_BOOL_HINT = "YAML reads unquoted yes/no/on/off/true/false as a boolean: put the value in quotes"

# A record type's specs never change: read them once, not for every mapping of every file.
_specs_of = functools.cache(field_specs)


@dataclass(slots=True)
class _Validator:
    positions: Positions
    findings: list[Finding]

    def error(self, pos: Pos, code: Code, message: str) -> None:
        self.findings.append(Finding.at(pos, code, message))

    def error_at(self, path: Path_, code: Code, message: str) -> None:
        """A finding at the value ``path``; its position is looked up only now, when needed."""
        self.error(self.positions.at(*path), code, message)

    def wrong_type(self, path: Path_, name: str, expected: str, value: Any) -> None:
        hint = f"; {_BOOL_HINT}" if isinstance(value, bool) else ""
        self.error_at(path, WRONG_TYPE, f"'{name}' must be {expected}, not {describe(value)}{hint}")

    def record(self, record: type, value: Any, path: Path_, what: str) -> dict[str, Any] | None:
        """The keyword arguments for ``record``, or None when the mapping is invalid."""
        if not isinstance(value, dict):
            self.wrong_type(path, what, "a mapping of keys", value)
            return None
        specs = _specs_of(record)
        ok = True
        for key in value:
            if key not in specs:
                ok = False
                self.error(
                    self.positions.key(*path, key),
                    UNKNOWN_KEY,
                    f"unknown key '{short(str(key))}' in {what}{suggest(str(key), list(specs))}",
                )
        kwargs: dict[str, Any] = {}
        for name, fs in specs.items():
            if name not in value or value[name] is None:
                if fs.required:
                    ok = False
                    self.error_at(
                        path,
                        MISSING_KEY,
                        f"{what} is missing the required key '{name}' ({fs.doc.rstrip('.')})",
                    )
                continue
            good, converted = self.value(fs, value[name], (*path, name), name)
            ok = ok and good
            kwargs[name] = converted
        one_of = getattr(record, "ONE_OF", None)
        if one_of is not None and ok and (one_of[0] in kwargs) == bool(kwargs.get(one_of[1])):
            ok = False
            self.error_at(path, ONE_OF_VALUE, record.ONE_OF_PROBLEM)  # type: ignore[attr-defined]
        return kwargs if ok else None

    def value(self, fs: FieldSpec, value: Any, path: Path_, name: str) -> tuple[bool, Any]:
        kind = kind_of(fs)
        if isinstance(value, LongNumber):
            self.error_at(path, WRONG_TYPE, f"'{name}' holds {describe(value)}; {kind.long_number}")
            return False, None
        return kind.validate(self, fs, value, path, name)
