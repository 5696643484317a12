"""A digest of a value a page read, the same in every process: what `memo_store` keeps of it.

The pages kept by `memo.RenderMemo` hold the values they read and compare them with ``==``.
Kept on disk for the next build, a value is kept as its fingerprint instead, which follows
equality the same way: a dataclass by the fields it compares, a mapping and a list by their
items in order (a plain one by `marshal`'s bytes), a set by its items sorted. Two values that
fingerprint alike are equal; two equal values may fingerprint apart (a mapping in another
order, ``1`` and ``True``), which makes a page rendered again, never a stale one kept. A
value of any other kind has none.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
import marshal
from collections.abc import Mapping
from typing import Any

_SIZE = 16


class NoFingerprint(Exception):
    """A value whose fingerprint could not be told apart from another's (a module, say)."""


# Kept by identity: the records (frozen dataclasses) and the containers that cannot change.
_KEPT_BY_IDENTITY = (tuple, frozenset)


class Fingerprints:
    """Fingerprints of values, each record worked out once per build.

    Pages read the same records over and over (a source is cited by hundreds of claims), so
    the fingerprint of a record or a tuple is kept by the value's identity, with the value,
    which keeps the identity from being reused while this lasts.
    """

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, bytes]] = {}

    def seed(self, value: Any, made_from: str) -> None:
        """Fingerprint the record ``value`` (this very object) by what it was made from: a
        key naming its file's path and bytes and berlintalks' code (`parse_store`). The same
        bytes parsed by the same code make an equal record, and the tag keeps such prints
        apart from those made field by field, so a record is never taken for another."""
        self._known[id(value)] = (value, _hasher(b"f" + made_from.encode()).digest())

    def of(self, value: Any) -> bytes:
        """The fingerprint of ``value``; `NoFingerprint` when it has none."""
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        kind = type(value)
        if kind in _SCALARS or isinstance(value, str):
            h = _hasher(b"1")
            _feed_scalar(h, value)
            return h.digest()
        if isinstance(value, enum.Enum):
            return _hasher(f"e{kind.__module__}.{kind.__qualname__}.{value.name}".encode()).digest()
        if isinstance(value, (datetime.date, datetime.time)):
            return _hasher(f"d{kind.__name__}:{value.isoformat()}".encode()).digest()
        made = _plain(value) if kind in _PLAIN_CONTAINERS else None
        if made is None:
            made = self._made(value)
        if isinstance(value, _KEPT_BY_IDENTITY) or dataclasses.is_dataclass(value):
            # A list or mapping may change (a defaultdict's lookup adds a key): made anew.
            self._known[id(value)] = (value, made)
        return made

    def _made(self, value: Any) -> bytes:
        kind = type(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name, compared = _compared(kind)
            h = _hasher(b"c" + name)
            for f in compared:
                self._feed(h, getattr(value, f))
            return h.digest()
        if isinstance(value, Mapping):
            h = _hasher(b"m")
            for key, item in value.items():
                self._feed(h, key)
                self._feed(h, item)
            return h.digest()
        if isinstance(value, (list, tuple)):
            h = _hasher(b"t" if isinstance(value, tuple) else b"l")
            for item in value:
                self._feed(h, item)
            return h.digest()
        if isinstance(value, (set, frozenset)):
            h = _hasher(b"u")
            for part in sorted(self.of(item) for item in value):
                h.update(part)
            return h.digest()
        if isinstance(value, bytes):
            return _hasher(b"b" + value).digest()
        raise NoFingerprint(f"no fingerprint for a value of type {kind.__qualname__}")

    def _feed(self, h: Any, value: Any) -> None:
        """Add ``value`` to the fingerprint being made in ``h``: a plain text or number as
        itself, anything else as its own fingerprint. Each starts with a byte that says
        which, and says where it ends, so no two sequences of items feed alike."""
        if type(value) in _SCALARS:
            _feed_scalar(h, value)
        else:
            h.update(b"d")
            h.update(self.of(value))


_SCALARS = frozenset({str, int, float, bool, type(None)})
_PLAIN_CONTAINERS = frozenset({dict, list, tuple})
# marshal's type codes of a set and a frozenset, with and without its reference flag.
_SET_CODES = (b"<", b">", b"\xbc", b"\xbe")


def _plain(value: Any) -> bytes | None:
    """The fingerprint of a container holding only plain texts, numbers, None and plain
    containers, made in C by `marshal`; None for any other (the caller goes item by item).

    `marshal` refuses every other type, subclasses too (a `Markup`, an enum, a data class),
    and what it writes reads back to an equal value, so two values written alike are equal.
    Version 2 writes no references and no interning, which depend on how many references
    an object has, not on its value. A set is written in hash order, which changes with each
    process: output that may hold one (any of its type codes, even inside a text) is left
    to the item-by-item path, which sorts it.
    """
    try:
        data = marshal.dumps(value, 2)
    except (ValueError, RecursionError):
        return None
    if any(code in data for code in _SET_CODES):
        return None
    return _hasher(b"p" + data).digest()


def _feed_scalar(h: Any, value: Any) -> None:
    if isinstance(value, str):
        data = value.encode("utf-8", "surrogatepass")
        h.update(b"s%d:" % len(data))
        h.update(data)
    else:  # the repr of a number, True, False or None holds no semicolon
        h.update(f"v{type(value).__name__}:{value!r};".encode())


@functools.cache
def _compared(kind: type) -> tuple[bytes, tuple[str, ...]]:
    """A data class's name, and the fields its equality compares."""
    named = f"{kind.__module__}.{kind.__qualname__}".encode()
    return named, tuple(f.name for f in dataclasses.fields(kind) if f.compare)


def _hasher(tag: bytes) -> Any:
    return hashlib.blake2b(tag, digest_size=_SIZE)
