"""The theme's Jinja environment across `serve` rebuilds: its templates compiled once."""

from __future__ import annotations

import jinja2
import jinja2.bccache


class MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled theme templates, kept by the plugin instance that MkDocs keeps across rebuilds.

    MkDocs makes a new theme environment on every `serve` rebuild, and compiling Material's
    templates again took a quarter of a rebuild. Jinja checks each template's source
    checksum, so an edited template is still compiled afresh.
    """

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()
