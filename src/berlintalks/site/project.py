"""The site as a self-contained project: pages, docs, theme and a config any builder can read.

MkDocs adds the generated pages through the berlintalks plugin; a builder that runs no
MkDocs plugins (Zensical) gets the same pages written out, beside the hand-written docs, the
theme overrides and a copy of ``mkdocs.yml`` without the plugin.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from ..checks import Report, check
from .addresses import same_address
from .parts import rows_problem
from .paths import config_file, refuse_records_dir
from .views import SiteConfig

PLUGIN = "berlintalks"
# Where the theme overrides go in a written project (``theme.custom_dir``).
OVERRIDES = "overrides"


@dataclass(frozen=True, slots=True)
class Tagged:
    """A value under a YAML tag MkDocs resolves itself (``!ENV``, ``!!python/name:``), kept."""

    tag: str
    value: Any


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml keeping every tag, so the written config says what the original says."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Tagged:
    value: Any
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Tagged(node.tag, value)


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)


class _Dumper(yaml.SafeDumper):
    pass


def _represent_tagged(dumper: yaml.SafeDumper, data: Tagged) -> yaml.Node:
    if isinstance(data.value, dict):
        return dumper.represent_mapping(data.tag, data.value)
    if isinstance(data.value, list):
        return dumper.represent_sequence(data.tag, data.value, flow_style=True)
    return dumper.represent_scalar(data.tag, str(data.value))


_Dumper.add_representer(Tagged, _represent_tagged)


def resolve(value: Any) -> Any:
    """The value of ``!ENV NAME`` or ``!ENV [NAME, …, default]`` as MkDocs reads it now."""
    if not (isinstance(value, Tagged) and value.tag == "!ENV"):
        return value
    items = value.value if isinstance(value.value, list) else [value.value]
    names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    for name in names:
        if str(name) in os.environ:
            return yaml.safe_load(os.environ[str(name)])
    return default


@dataclass(frozen=True, slots=True)
class Settings:
    """What mkdocs.yml says about the site: the raw config and what the pages need of it."""

    config: dict[str, Any]
    site: SiteConfig
    path: Path


def read_settings(root: Path) -> Settings:
    """Read ``root``'s mkdocs.yml; ValueError naming the file when it cannot be used."""

    path = config_file(root)
    try:
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except yaml.YAMLError as exc:
        raise ValueError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path.name}: expected a mapping of settings")
    options = _plugin_options(config)
    edit_url = resolve(options.get("edit_url"))
    # The plugin's own function, given the settings it reads from MkDocs' config, so the
    # pages written here carry the same addresses as the pages the plugin adds.
    from .plugin_config import site_config

    view = SimpleNamespace(
        site_url=resolve(config.get("site_url")) or "",
        repo_url=resolve(config.get("repo_url")),
        edit_uri=resolve(config.get("edit_uri")),
        docs_dir=str(resolve(config.get("docs_dir")) or "docs"),
        use_directory_urls=bool(resolve(config.get("use_directory_urls", True))),
        site_name=str(resolve(config.get("site_name")) or ""),
    )
    publisher = str(resolve(options.get("publisher")) or "berlintalks")
    part_size = resolve(options.get("part_size"))
    problem = None if part_size is None else rows_problem(part_size)
    if problem:
        raise ValueError(f"{path.name}: the berlintalks option part_size: {problem}")
    site = site_config(view, publisher, edit_url, part_size)  # type: ignore[arg-type]
    return Settings(config, site, path)


def _plugin_options(config: Mapping[str, Any]) -> dict[str, Any]:
    for entry in config.get("plugins") or ():
        if isinstance(entry, dict) and PLUGIN in entry:
            return dict(entry[PLUGIN] or {})
    return {}


def project_config(settings: Settings, site_dir: Path | None = None) -> str:
    """mkdocs.yml for the written project: no berlintalks plugin, the pages already there."""
    config = dict(settings.config)
    plugins = [
        p
        for p in config.get("plugins") or ()
        if p != PLUGIN and not (isinstance(p, dict) and PLUGIN in p)
    ]
    config["plugins"] = plugins
    # The pages already carry the address they were generated with; the builder must use it.
    config["site_url"] = settings.site.publisher.url or None
    config["docs_dir"] = "docs"
    if site_dir is not None:
        config["site_dir"] = str(site_dir)
    else:
        config.pop("site_dir", None)
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        config["theme"] = {**theme, "custom_dir": OVERRIDES}
    head = (
        "# Written by `berlintalks generate` from the knowledge base's mkdocs.yml: the pages\n"
        "# are in docs/ already, so the berlintalks plugin is left out. Do not edit; generate\n"
        "# again.\n"
    )
    return head + yaml.dump(config, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write_project(
    root: Path,
    out: Path,
    *,
    report: Report | None = None,
    site_dir: Path | None = None,
) -> tuple[Report, list[Path]]:
    """Check ``root`` (unless ``report`` is its check) and write the whole project under ``out``.

    Nothing is written when the check finds errors. ``site_dir``: where the written config
    tells the builder to put the site (default: the builder's own, ``site/``).
    """
    from ..export import write_tree
    from ..records.history import read_history
    from .render import generate

    root = root.resolve()
    refuse_records_dir(root, out)
    if report is None:
        report = check(root)
    if report.errors:
        return report, []
    try:
        settings = read_settings(root)
    except FileNotFoundError as exc:
        raise ValueError(str(exc)) from None
    pages = generate(
        report.kb,
        templates=root / "templates",
        findings=report.findings,
        history=read_history(root),
        config=settings.site,
        graph=report.graph,
    )
    docs = root / str(resolve(settings.config.get("docs_dir")) or "docs")
    hand_written = _hand_written(docs)
    taken = {other: page for page in pages for other in same_address(page)}
    for rel in sorted(hand_written):
        if rel in taken:
            raise ValueError(
                f"{docs.name}/{rel} would hide the generated page of the same name; rename or "
                "remove the hand-written file"
            )
    written = write_tree({f"docs/{rel}": text for rel, text in pages.items()}, out)
    for rel, src in sorted(hand_written.items()):
        target = out / "docs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
        written.append(target)
    theme = settings.config.get("theme")
    custom = resolve(theme.get("custom_dir")) if isinstance(theme, dict) else None
    if custom:
        source = root / str(custom)
        for src in sorted(p for p in source.rglob("*") if p.is_file()):
            target = out / OVERRIDES / src.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
            written.append(target)
    config = out / "mkdocs.yml"
    config.write_text(project_config(settings, site_dir), encoding="utf-8")
    written.append(config)
    return report, written


def _hand_written(docs: Path) -> dict[str, Path]:
    """The files of docs/ a build publishes, by path; hidden ones stay out, as in MkDocs."""
    if not docs.is_dir():
        return {}
    found = {}
    for path in docs.rglob("*"):
        rel = path.relative_to(docs)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            found[rel.as_posix()] = path
    return found
