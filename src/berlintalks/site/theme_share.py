"""The theme's output of a share of the generated pages, made by a second process.

Material's page template is the largest single cost of a build. Once MkDocs has read every
page (its ``env`` event), the plugin forks (`second_process`): the copy puts generated
pages through the theme as MkDocs would, from the last one down while the build writes them
from the first one up, and sends each output with the key
of everything it is made of (`page_keys.page_key`). The build takes an output only for the
page whose key it carries in the build itself.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from typing import Any

from ..second_process import SecondProcess
from .rendered import pack, unpack

_KEY_SIZE = 64  # a page key: 64 hex digits


def theme_output(
    page: Any,
    config: Any,
    nav: Any,
    env: Any,
    doc_files: Sequence[Any],
    key_of: Callable[[Any, dict[str, Any]], str | None],
) -> tuple[str, str] | None:
    """The theme's output of ``page`` under its key, made as MkDocs makes it for a page it
    builds (`mkdocs.commands.build._build_page`) up to, not including, writing it.

    ``key_of``: the page's key once every plugin has added to its context; None when there
    is nothing to render (the build has the output already).
    """
    from mkdocs.commands.build import get_context

    config._current_page = page
    page.active = True  # what the theme takes for the page being built
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(page.meta.get("template", "main.html"))
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        key = key_of(page, context)
        return None if key is None else (key, template.render(context))
    finally:
        page.active = False
        config._current_page = None


class ThemeShare:
    """The second process of one build's theme outputs, by the docs path of each page."""

    def __init__(self, process: SecondProcess, numbers: dict[str, int]) -> None:
        self._process = process
        self._numbers = numbers

    @classmethod
    def start(
        cls, paths: Sequence[str], render: Callable[[int], tuple[str, str] | None]
    ) -> ThemeShare | None:
        """Fork a process that renders pages at ``paths``, from the last one down, until
        the build meets it: ``render(n)`` gives the key and output of the n-th."""

        def make(number: int) -> bytes | None:
            made = render(number)
            if made is None:
                return None
            key, output = made
            return key.encode("ascii") + pack(output)

        process = SecondProcess.start(len(paths), make)
        if process is None:
            return None
        return cls(process, {path: n for n, path in enumerate(paths)})

    @property
    def taken(self) -> int:
        return self._process.taken

    def take(self, path: str, key: str) -> str | None:
        """The output of the page at ``path``, if the second process made it under ``key``."""
        number = self._numbers.get(path)
        data = None if number is None else self._process.take(number)
        if data is None or data[:_KEY_SIZE] != key.encode("ascii"):
            return None
        try:
            return unpack(data[_KEY_SIZE:])
        except (zlib.error, UnicodeDecodeError):
            return None

    def close(self) -> None:
        self._process.close()
