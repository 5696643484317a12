"""A digest of a value a page read, the same in every process: what `memo_store` keeps of it.

The pages kept by `memo.RenderMemo` hold the values they read and compare them with ``==``.
Kept on disk for the next build, a value is kept as its fingerprint instead, which follows
equality the same way: a dataclass by the fields it compares, a mapping and a list by their
items in order, a set by its items sorted. Two values that fingerprint alike are equal; two
equal values may fingerprint apart (a mapping in another order, ``1`` and ``True``), which
makes a page rendered again, never a stale one kept. A value of any other kind has none.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
import functools
import hashlib
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

    def of(self, value: Any) -> bytes:
        """The fingerprint of ``value``; `NoFingerprint` when it has none."""
        kind = type(value)
        if value is None or kind in (bool, int, float):
            return _digest(b"v", repr(value).encode())
        if isinstance(value, str):  # a Markup is equal to its text
            return _digest(b"s", value.encode("utf-8", "surrogatepass"))
        if isinstance(value, enum.Enum):
            return _digest(b"e", f"{kind.__module__}.{kind.__qualname__}.{value.name}".encode())
        if isinstance(value, (datetime.date, datetime.time)):
            return _digest(b"d", f"{kind.__name__}:{value.isoformat()}".encode())
        if not isinstance(value, _KEPT_BY_IDENTITY) and not dataclasses.is_dataclass(value):
            return self._made(value)  # a list or mapping may change: a defaultdict's lookup
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        made = self._made(value)
        self._known[id(value)] = (value, made)
        return made

    def _made(self, value: Any) -> bytes:
        kind = type(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            name, compared = _compared(kind)
            return _digest(b"c" + name, *(self.of(getattr(value, f)) for f in compared))
        if isinstance(value, Mapping):
            parts = []
            for key, item in value.items():
                parts += (self.of(key), self.of(item))
            return _digest(b"m", *parts)
        if isinstance(value, (list, tuple)):
            return _digest(b"l", *(self.of(item) for item in value))
        if isinstance(value, (set, frozenset)):
            return _digest(b"u", *sorted(self.of(item) for item in value))
        if isinstance(value, bytes):
            return _digest(b"b", value)
        raise NoFingerprint(f"no fingerprint for a value of type {kind.__qualname__}")


@functools.cache
def _compared(kind: type) -> tuple[bytes, tuple[str, ...]]:
    """A data class's name, and the fields its equality compares."""
    named = f"{kind.__module__}.{kind.__qualname__}".encode()
    return named, tuple(f.name for f in dataclasses.fields(kind) if f.compare)


def _digest(tag: bytes, *parts: bytes) -> bytes:
    h = hashlib.blake2b(tag, digest_size=_SIZE)
    for part in parts:
        h.update(part)
    return h.digest()
