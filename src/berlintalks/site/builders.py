"""The builders that turn the site into HTML besides MkDocs: ProperDocs and Zensical.

MkDocs runs in this process (``build.mkdocs_build``). ProperDocs runs in a child interpreter:
it makes every ``mkdocs.*`` import resolve to its own modules, so the plugins (this one,
Material's) subclass its classes, which cannot be arranged in a process that has imported
MkDocs already. Zensical runs no MkDocs plugins and has no Python API, so it builds the
project ``generate`` writes, and berlintalks checks the links of what it built.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..checks import Report
from .paths import BuildFailed

BUILDERS = ("mkdocs", "properdocs", "zensical")
DEFAULT = "mkdocs"
NAMES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}
# The Python module each builder is run from: what must be installed to use it.
MODULES = {"mkdocs": "mkdocs", "properdocs": "properdocs", "zensical": "zensical"}


def require(builder: str) -> None:
    """ValueError (a usage error) when ``builder`` is unknown or not installed."""
    if builder not in BUILDERS:
        raise ValueError(f"unknown builder {builder!r}; choose one of {', '.join(BUILDERS)}")
    if importlib.util.find_spec(MODULES[builder]) is None:
        raise ValueError(
            f"{NAMES[builder]} is not installed: install it with "
            f"`pip install 'berlintalks[builders]'`, or build with --builder mkdocs"
        )


def _run(builder: str, args: list[str], *, cwd: Path | None, quiet: bool) -> None:

    # Plain text: the output is shown in a terminal, a CI log or a test's assertion alike.
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "CLICOLOR_FORCE")}
    env.update(PYTHONUNBUFFERED="1", NO_COLOR="1", TERM="dumb")
    done = subprocess.run(
        [sys.executable, "-m", MODULES[builder], *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    output = "\n".join(_plain(s) for s in (done.stdout, done.stderr) if s.strip())
    if done.returncode != 0:
        raise BuildFailed(
            f"{NAMES[builder]} exited with status {done.returncode}"
            + (f":\n{output}" if output else "")
        )
    if not quiet and output:
        print(output, file=sys.stderr)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _plain(output: str) -> str:
    """A builder's output without colours, and without the traceback Zensical ends a
    strict failure with (its own report of the problem comes before it)."""
    text = _ANSI.sub("", output)
    text = text.split("Traceback (most recent call last):", 1)[0]
    return text.strip()


def properdocs_build(config: Path, site_dir: Path, *, quiet: bool = True) -> None:
    """One strict ProperDocs build of ``config`` (with its plugins) into ``site_dir``."""
    args = ["build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)]
    _run("properdocs", args, cwd=config.parent, quiet=quiet)


def zensical_build(
    root: Path, project: Path, site_dir: Path, *, report: Report, quiet: bool = True
) -> None:
    """Write ``root``'s project into ``project`` and build it with Zensical into ``site_dir``.

    ``site_dir`` must lie inside ``project`` (Zensical refuses any other). Zensical does not
    fail on a missing page or link even when strict, so the built site's links are checked
    here: BuildFailed names each page with a link that leads nowhere.
    """
    from .project import write_project

    write_project(root, project, report=report, site_dir=site_dir.relative_to(project))
    args = ["build", "--strict", "--config-file", str(project / "mkdocs.yml")]
    _run("zensical", args, cwd=project, quiet=quiet)
    broken = broken_links(site_dir)
    if broken:
        shown = "\n".join(f"  {line}" for line in broken[:50])
        more = f"\n  … and {len(broken) - 50} more" if len(broken) > 50 else ""
        raise BuildFailed(
            f"Zensical built pages with {len(broken)} broken internal link(s) (a missing page "
            f"or anchor; fix the link or the nav entry in the Markdown page named):\n"
            f"{shown}{more}"
        )


# ---------------------------------------------------------------- the link check

_ORIGIN = "http://site.invalid"
_URL_ATTRS = frozenset({"href", "src"})


class _Links(HTMLParser):
    """A page's ids and the links it makes, with their lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[int, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (tag == "a" and name == "name"):
                self.ids.add(value)
            elif name in _URL_ATTRS and tag in ("a", "link", "script", "img", "iframe"):
                self.links.append((self.getpos()[0], f"{tag}[{name}]", value.strip()))


def _target(site: Path, url: str) -> Path | None:
    rel = unquote(urlsplit(url).path).lstrip("/")
    candidate = site / rel
    if rel == "" or rel.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path, pages: Iterable[Path] | None = None) -> list[str]:
    """``PAGE:LINE: ELEMENT 'URL' -> why`` for every same-site link of the built ``site`` that
    leads to no file, or to a page without the anchor it names."""
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            page = _Links()
            page.feed(path.read_text(encoding="utf-8", errors="replace"))
            page.close()
            parsed[path] = page
        return parsed[path]

    broken = []
    for path in sorted(pages if pages is not None else site.rglob("*.html")):
        where = path.relative_to(site).as_posix()
        here = f"{_ORIGIN}/{where}"
        for line, attr, raw in parse(path).links:
            url = urljoin(here, raw)
            parts = urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != _ORIGIN:
                continue  # another host or scheme: not the site's own
            target = _target(site, url)
            if target is None:
                broken.append(f"{where}:{line}: {attr} {raw!r} -> no such file")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in parse(target).ids
            ):
                rel = target.relative_to(site).as_posix()
                broken.append(f"{where}:{line}: {attr} {raw!r} -> no anchor in {rel}")
    return broken
