"""The rule modules. Each registers its rules in ``checks.registry`` when imported."""

from __future__ import annotations

from . import core, provenance

__all__ = ["core", "provenance"]
