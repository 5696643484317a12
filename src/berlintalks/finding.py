"""Findings: what the checker reports, where, and how they sort."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only named in annotations: records import this module, so a runtime import would loop.
    from .records.positions import Pos

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
    def at(cls, pos: Pos, code: str, message: str) -> Finding:
        from .checks import RULES

        return cls(pos.file, pos.line, pos.column, code, RULES[code].severity, message)

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
