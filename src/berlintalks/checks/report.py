"""Findings as text for people, JSON for programs, and workflow commands for GitHub."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..finding import Finding, Severity

FORMATS = ("text", "json", "github")


def as_text(findings: Sequence[Finding]) -> str:
    lines = [f"{f.file}:{f.line}:{f.column}: {f.severity} {f.code} {f.message}" for f in findings]
    return "\n".join(lines) + ("\n" if lines else "")


def summary(findings: Sequence[Finding], files: int) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    plural = lambda n, w: f"{n} {w}{'' if n == 1 else 's'}"  # noqa: E731
    return f"{plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(files, 'file')}"


def as_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands, so each finding is annotated on the pull request diff."""
    out = []
    for f in findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = ",".join(
            f"{k}={_escape_property(str(v))}"
            for k, v in (("file", f.file), ("line", f.line), ("col", f.column), ("title", f.code))
        )
        out.append(f"::{level} {props}::{_escape_data(f.message)}")
    return "\n".join(out) + ("\n" if out else "")


def render(findings: Sequence[Finding], fmt: str) -> str:
    return {"text": as_text, "json": as_json, "github": as_github}[fmt](findings)
