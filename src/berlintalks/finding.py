"""Findings: what the checker reports, where, and how they sort; and the codes they carry."""

from __future__ import annotations

import inspect
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

# Control characters (C0, DEL, C1), format characters (bidirectional controls, zero-width
# characters, the BOM), lone surrogates and the Unicode line and paragraph separators: none
# shows as itself, and a terminal, a log viewer or a GitHub annotation may act on them
# (ESC [ 2 K erases a line).
_UNSHOWN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printable(text: str) -> str:
    """``text`` with every character that would not show as itself escaped (``\\x1b``, ``\\n``).

    Messages quote record text; this keeps that text from acting on the terminal, a log or
    an annotation it is printed to. Escaping twice changes nothing.
    """
    if text.isprintable():  # str.isprintable is false for every character escaped below
        return text
    return "".join(
        c.encode("unicode_escape", "backslashreplace").decode("ascii")
        if unicodedata.category(c) in _UNSHOWN
        else c
        for c in text
    )


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Place(Protocol):
    """Where a finding points: the records stage's positions have this shape."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code, declared once: its severity, title and the editorial reason behind it.

    The records stage and the checks stage both declare codes with it, so neither needs the
    other to say what a code means.
    """

    code: str
    severity: Severity
    title: str
    doc: str
    group: str
    # Structural findings (syntax, schema, unknown references) describe data the site cannot
    # be built from, so they can never be accepted with an exception.
    exemptable: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "doc", inspect.cleandoc(self.doc))


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place: ``file:line:column: severity CODE message``."""

    file: str
    line: int
    column: int
    code: str
    severity: Severity
    message: str

    def __post_init__(self) -> None:
        # Every way a finding is shown (text, JSON, GitHub annotations, the site build's log)
        # starts here, so record text quoted in a message is made printable once, for all.
        object.__setattr__(self, "file", printable(self.file))
        object.__setattr__(self, "message", printable(self.message))

    @classmethod
    def at(cls, pos: Place, code: Code, message: str) -> Finding:
        """A finding at ``pos`` stamped with the code and severity ``code`` declares."""
        return cls(pos.file, pos.line, pos.column, code.code, code.severity, message)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": str(self.severity),
            "message": self.message,
        }


def settle(findings: list[Finding]) -> list[Finding]:
    """Each finding once, sorted by file, line, column and code."""
    return sorted(set(findings), key=lambda f: (f.file, f.line, f.column, f.code, f.message))
