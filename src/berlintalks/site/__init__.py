"""Findings → pages: rendering the records into the MkDocs site, building and serving it."""

from __future__ import annotations

# `build` and `serve` are left out on purpose: a package attribute named like a submodule
# hides it (`import berlintalks.site.build as m` would bind the function).
from .build import BuildFailed, export_tree, generate_tree
from .serve import ServeFailed

__all__ = ["BuildFailed", "ServeFailed", "export_tree", "generate_tree"]
