"""Findings: what the checker reports, where, and how they sort."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .model import Pos


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

    @classmethod
    def at(cls, pos: Pos, code: str, message: str) -> Finding:
        from .registry import RULES

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
