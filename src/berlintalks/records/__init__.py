"""Files → records: reading the YAML record files into a knowledge base, with positions."""

from __future__ import annotations

from .claim import Attribution, Claim, Figure, Relation
from .enums import (
    CLAIM_KIND_DOCS,
    CREDIBILITY_DOCS,
    CREDIBILITY_WORDS,
    KIND_DOCS,
    ON_RECORD_KINDS,
    OWN_TEXT_KINDS,
    PUBLICATION_KIND_DOCS,
    QUALIFIER_DOCS,
    QUALIFIER_WORDS,
    RELATION_DOCS,
    RELIABILITY_DOCS,
    RELIABILITY_WORDS,
    STATUS_DOCS,
    STATUS_SCALE_NOTE,
    UNNAMED_KINDS,
    ClaimKind,
    Kind,
    PublicationKind,
    RelationType,
    Status,
)
from .fields import COUNT_MAX, FIGURE_MAX, SLUG_MAX, SLUG_RE, FieldSpec, field_specs
from .history import FileHistory, head_commit, inert, read_history
from .knowledge_base import KnowledgeBase, forget_positions
from .layout import FOLDERS, SUFFIX, WINDOWS_DEVICES, record_files, slug_problem
from .load import ParseCache, load
from .positions import Pos
from .publication import Publication
from .record_file import Exemption
from .source import Source
from .urls import link_target
from .validate import CONTROL_PATTERN, CONTROL_PATTERNS
from .yaml import DECEPTIVE, MAX_FILE_BYTES, ParseError, parse

__all__ = [
    "CLAIM_KIND_DOCS",
    "CONTROL_PATTERN",
    "CONTROL_PATTERNS",
    "COUNT_MAX",
    "CREDIBILITY_DOCS",
    "CREDIBILITY_WORDS",
    "DECEPTIVE",
    "FIGURE_MAX",
    "FOLDERS",
    "KIND_DOCS",
    "MAX_FILE_BYTES",
    "ON_RECORD_KINDS",
    "OWN_TEXT_KINDS",
    "PUBLICATION_KIND_DOCS",
    "QUALIFIER_DOCS",
    "QUALIFIER_WORDS",
    "RELATION_DOCS",
    "RELIABILITY_DOCS",
    "RELIABILITY_WORDS",
    "SLUG_MAX",
    "SLUG_RE",
    "STATUS_DOCS",
    "STATUS_SCALE_NOTE",
    "SUFFIX",
    "UNNAMED_KINDS",
    "WINDOWS_DEVICES",
    "Attribution",
    "Claim",
    "ClaimKind",
    "Exemption",
    "FieldSpec",
    "Figure",
    "FileHistory",
    "Kind",
    "KnowledgeBase",
    "ParseCache",
    "ParseError",
    "Pos",
    "Publication",
    "PublicationKind",
    "Relation",
    "RelationType",
    "Source",
    "Status",
    "field_specs",
    "forget_positions",
    "head_commit",
    "inert",
    "link_target",
    "load",
    "parse",
    "read_history",
    "record_files",
    "slug_problem",
]
