"""YAML text to plain values with the position of every value, safely and within fixed limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from ..finding import Code
from .codes import (
    DUPLICATE_KEY,
    EMPTY_FILE,
    FORBIDDEN_TAG,
    NOT_ONE_MAPPING,
    OVER_LIMIT,
    YAML_SYNTAX,
)
from .limits import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES
from .positions import Path_, Pos, Positions

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = [
    "DECEPTIVE",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_NODES",
    "MAX_NUMBER_CHARS",
    "LongNumber",
    "ParseError",
    "Parsed",
    "parse",
]

# No figure needs more characters than this (10^15 has 16 digits). A longer YAML number is
# never converted: sexagesimal integers (`1:30:00`) cost time quadratic in their length, and
# an integer of thousands of hex digits cannot even be printed (Python refuses to turn an
# int of more than 4,300 digits into text).
MAX_NUMBER_CHARS = 64

# The characters YAML 1.1 allows in a stream (spec section 5.1); anything else, NUL and
# the other C0 controls above all, is refused with its own position before libyaml sees it,
# because libyaml's reader reports such errors without a line.
_FORBIDDEN = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Allowed by YAML, refused in records because a reviewer would not see what the parser
# reads: YAML breaks lines at NEL, LS and PS where editors and diff views do not, so
# `# note<LS>status: confirmed` shows as a comment yet sets a key; bidirectional
# embeddings, overrides and isolates reorder how a line is displayed ("Trojan Source").
DECEPTIVE = re.compile("[\x85\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINE_SEPARATORS = "\x85\u2028\u2029"

# The line breaks of YAML 1.1, which libyaml counts when it gives a line.
_LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")

_STD = "tag:yaml.org,2002:"
_STR = _STD + "str"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_NUMBER_TAGS = {_STD + "int", _STD + "float"}
_COLLECTION_TAGS = {None, "!", _STD + "seq", _STD + "map"}
_NODE_EVENTS = frozenset(
    {yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent}
)
_COLLECTION_END = frozenset({yaml.MappingEndEvent, yaml.SequenceEndEvent})


@dataclass(slots=True)
class ParseError(Exception):
    kind: Code
    message: str
    line: int
    column: int

    @property
    def code(self) -> str:
        return self.kind.code


@dataclass(slots=True)
class Parsed:
    value: Any
    positions: Positions
    problems: list[ParseError] = field(default_factory=list)


@dataclass(slots=True)
class _Frame:
    container: dict[str, Any] | list[Any]
    path: Path_
    anchor: str | None
    nodes_at_start: int
    is_map: bool
    key: str | None = None  # in a mapping, the key whose value comes next


class LongNumber(str):
    """A YAML number longer than ``MAX_NUMBER_CHARS``, kept as the text it was written as."""

    __slots__ = ()


_resolver = Resolver()
_constructor = SafeConstructor()


def _pos_of(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _scalar(event: yaml.ScalarEvent) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        if event.implicit[0]:
            tag = _resolver.resolve(yaml.ScalarNode, event.value, (True, False))
        else:
            tag = _STD + "str"
    if tag == _STR:
        # What SafeConstructor returns for text, without building a node first: most values
        # of a record are text, and the node cost a fifth of parse time.
        return event.value
    if tag not in _SCALAR_TAGS:
        raise ParseError(
            FORBIDDEN_TAG,
            f"tag '{tag}' is not allowed in records; remove it",
            *_pos_of(event.start_mark),
        )
    if len(event.value) > MAX_NUMBER_CHARS and tag in _NUMBER_TAGS:
        return LongNumber(event.value)
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return _constructor.yaml_constructors[tag](_constructor, node)
    except (ValueError, ConstructorError, OverflowError):
        # e.g. 2025-02-30 looks like a date but is none: keep the text, validation says why.
        return event.value


def _line_col(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _forbidden_character(text: str) -> ParseError | None:
    bad = _FORBIDDEN.search(text) or DECEPTIVE.search(text)
    if bad is None:
        return None
    char = bad.group()
    if char in _LINE_SEPARATORS:
        why = "a line break to YAML but not to editors; replace it with a newline or a space"
    elif DECEPTIVE.match(char):
        why = "a bidirectional control that changes how the line is displayed; delete it"
    else:
        why = "a control character, not allowed in YAML; delete it"
    return ParseError(
        YAML_SYNTAX, f"character U+{ord(char):04X} is {why}", *_line_col(text, bad.start())
    )


def _syntax_error(exc: yaml.YAMLError, text: str) -> ParseError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        line, col = _pos_of(mark)
        index = mark.index
    elif isinstance(getattr(exc, "position", None), int):  # a ReaderError
        index = exc.position  # type: ignore[attr-defined]
        line, col = _line_col(text, index)
    else:
        line, col, index = 1, 1, -1
    last = len(_LINE_BREAK.findall(text)) + 1
    if line > last:  # libyaml puts "end of file" on a line after the last one
        line, col = last, len(_LINE_BREAK.split(text)[-1]) + 1
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"{context}: {problem}" if context else str(problem)
    if "maximum nesting depth" in message:
        # libyaml's own guard (1,000 flow levels) can fire before ours: same limit, same code.
        return ParseError(
            OVER_LIMIT,
            f"values nest more than {MAX_DEPTH} levels deep; records need a few",
            line,
            col,
        )
    if 0 <= index < len(text) and text[index] == "\t":
        message += " (a tab: indent with spaces, not tabs)"
    return ParseError(YAML_SYNTAX, f"YAML syntax error: {message}", line, col)


@dataclass(slots=True)
class _Reader:
    """One parse under way: the values built so far, their positions, anchors and counts."""

    file: str
    values: dict[Path_, Pos] = field(default_factory=dict)
    keys: dict[Path_, Pos] = field(default_factory=dict)
    problems: list[ParseError] = field(default_factory=list)
    anchors: dict[str, tuple[Any, int]] = field(default_factory=dict)
    stack: list[_Frame] = field(default_factory=list)
    root: list[Any] = field(default_factory=list)
    nodes: int = 0
    documents: int = 0

    def read(self, next_event: Any) -> None:
        # The loader's events are read one call at a time (not through yaml.parse's generator)
        # and told apart by exact class: this loop is most of what `check` costs per file.
        while True:
            event = next_event()
            kind = type(event)
            if kind in _COLLECTION_END:
                done = self.stack.pop()
                if done.anchor:
                    self.anchors[done.anchor] = (done.container, self.nodes - done.nodes_at_start)
            elif kind in _NODE_EVENTS:
                self.node(event, kind)
            elif kind is yaml.StreamEndEvent or event is None:
                return
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise ParseError(
                        NOT_ONE_MAPPING,
                        "the file holds more than one YAML document ('---'); keep one "
                        "record per file",
                        *_pos_of(event.start_mark),
                    )

    def node(self, event: Any, kind: type) -> None:
        mark = event.start_mark
        line, col = _pos_of(mark)
        top = self.stack[-1] if self.stack else None
        if top is not None and top.is_map and top.key is None:
            self.key(top, event, kind, line, col)
            return
        if kind is yaml.AliasEvent:
            self.alias(event, line, col)
            return
        self.count(1, mark)
        if kind is yaml.ScalarEvent:
            value = _scalar(event)
            self.place(value, line, col)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1)
            return
        self.collection(event, kind, line, col)

    def key(self, top: _Frame, event: Any, kind: type, line: int, col: int) -> None:
        if kind is not yaml.ScalarEvent:
            raise ParseError(
                YAML_SYNTAX,
                "mapping keys must be plain words, not lists, mappings or aliases",
                line,
                col,
            )
        self.count(1, event.start_mark)
        key = event.value
        path = (*top.path, key)
        if key in top.container:
            first = self.keys[path]
            self.problems.append(
                ParseError(
                    DUPLICATE_KEY,
                    f"key '{key}' appears twice in this mapping (first at line "
                    f"{first.line}); keep one",
                    line,
                    col,
                )
            )
        else:
            self.keys[path] = Pos(self.file, line, col)
        top.key = key

    def alias(self, event: Any, line: int, col: int) -> None:
        if event.anchor not in self.anchors:
            raise ParseError(YAML_SYNTAX, f"unknown alias '*{event.anchor}'", line, col)
        value, size = self.anchors[event.anchor]
        self.count(size, event.start_mark, alias=True)
        self.place(value, line, col)

    def collection(self, event: Any, kind: type, line: int, col: int) -> None:
        if event.tag not in _COLLECTION_TAGS:
            raise ParseError(
                FORBIDDEN_TAG, f"tag '{event.tag}' is not allowed in records; remove it", line, col
            )
        if len(self.stack) >= MAX_DEPTH:
            raise ParseError(
                OVER_LIMIT,
                f"values nest more than {MAX_DEPTH} levels deep; records need a few",
                line,
                col,
            )
        is_map = kind is yaml.MappingStartEvent
        container: dict[str, Any] | list[Any] = {} if is_map else []
        path = self.place(container, line, col)
        if path is None:  # the value of a duplicate key: read it, but keep it apart
            path = (*self.stack[-1].path, f"<duplicate {self.nodes}>")
        self.stack.append(_Frame(container, path, event.anchor, self.nodes, is_map))

    def place(self, value: Any, line: int, col: int) -> Path_ | None:
        if not self.stack:
            self.root.append(value)
            self.values[()] = Pos(self.file, line, col)
            return ()
        top = self.stack[-1]
        if top.is_map:
            key = top.key
            top.key = None
            assert key is not None
            path = (*top.path, key)
            if key in top.container:
                return None
            top.container[key] = value  # type: ignore[call-overload]
        else:
            path = (*top.path, len(top.container))
            top.container.append(value)  # type: ignore[union-attr]
        self.values[path] = Pos(self.file, line, col)
        return path

    def count(self, n: int, mark: Any, alias: bool = False) -> None:
        self.nodes += n
        if self.nodes <= MAX_NODES:
            return
        if alias:
            message = (
                f"the file expands to more than {MAX_NODES:,} values (anchors and aliases "
                "multiply them); write the values out instead"
            )
        else:
            message = f"the file holds more than {MAX_NODES:,} values; a record needs far fewer"
        raise ParseError(OVER_LIMIT, message, *_pos_of(mark))


def parse(text: str, file: str) -> Parsed:
    """Parse one YAML document into plain values; raise :class:`ParseError` when it cannot be read.

    Built from the event stream rather than PyYAML's composer so that depth and alias
    expansion are bounded before any value is built, and so keys keep their positions.
    """
    forbidden = _forbidden_character(text)
    if forbidden is not None:
        raise forbidden
    reader = _Reader(file)
    try:
        loader = _Loader(text)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    try:
        reader.read(loader.get_event)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text) from None
    except RecursionError:  # pragma: no cover - the depth limit stops this first
        raise ParseError(OVER_LIMIT, "values nest too deeply", 1, 1) from None
    finally:
        loader.dispose()
    if not reader.root:
        raise ParseError(EMPTY_FILE, "the file holds no record; fill it in or delete it", 1, 1)
    return Parsed(reader.root[0], Positions(file, reader.values, reader.keys), reader.problems)
