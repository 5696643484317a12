"""Editors' tools: the JSON Schemas for editors, new-record skeletons, and the record diff."""

from __future__ import annotations

# `diff` is left out: the function would hide the submodule of the same name.
from .diff import DiffError
from .scaffold import ScaffoldError, create
from .schema import SCHEMA_DIR, dumps, existing_ids, schema_for, stale_files, write_all

__all__ = [
    "SCHEMA_DIR",
    "DiffError",
    "ScaffoldError",
    "create",
    "dumps",
    "existing_ids",
    "schema_for",
    "stale_files",
    "write_all",
]
