"""The plugin's settings in mkdocs.yml, and the site settings made from them."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mkdocs.config import base
from mkdocs.config import config_options as opt
from mkdocs.config.base import ValidationError

from ..export import Publisher
from .parts import rows_problem
from .views import SiteConfig

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig


class _RowsPerPart(opt.Type[int]):
    """A whole number of rows, at least 1: a part of no rows would never end a list."""

    def __init__(self) -> None:
        super().__init__(int)

    def run_validation(self, value: object) -> int:
        rows = super().run_validation(value)
        problem = rows_problem(rows)
        if problem:
            raise ValidationError(problem)
        return rows


class PluginConfig(base.Config):
    root = opt.Optional(opt.Dir(exists=True))
    publisher = opt.Type(str, default="berlintalks")
    # Address prefix of the repository's files for "edit this claim" links, e.g.
    # https://github.com/ORG/REPO/edit/main/ . Preferred over repo_url, with which Material
    # would also fetch repository statistics from the host on every page view.
    edit_url = opt.Optional(opt.Type(str))
    # Rows per part of the lists split into numbered parts; unset, each list's own size.
    part_size = opt.Optional(_RowsPerPart())
    # From this many claims on, a build holds each page's HTML and each export compressed
    # until MkDocs writes it: a tenth of the memory at 50,000 claims, for a few percent of
    # the time, which a smaller site need not pay. 0: always.
    pack_from = opt.Type(int, default=5000)


def site_config(
    config: MkDocsConfig,
    publisher: str,
    edit_url: str | None = None,
    part_size: int | None = None,
) -> SiteConfig:
    edit_base = edit_url.rstrip("/") + "/" if edit_url else None
    if edit_base is None and config.repo_url and config.edit_uri:
        # Records live at the repository root, not under docs/, so drop the docs part.
        uri = config.edit_uri.rstrip("/")
        docs = Path(config.docs_dir).name
        if uri.endswith("/" + docs):
            uri = uri[: -len(docs) - 1]
        edit_base = config.repo_url.rstrip("/") + "/" + uri.strip("/") + "/"
    return SiteConfig(
        publisher=Publisher(publisher, config.site_url or ""),
        edit_base=edit_base,
        use_directory_urls=config.use_directory_urls,
        site_name=config.site_name,
        part_size=part_size,
    )


SITE_URL_UNSET = (
    "berlintalks: site_url is not set (set BERLINTALKS_SITE_URL to the published address): "
    "the ClaimReview url of every claim is a bare path, pages have no canonical link and the "
    "sitemap lists no addresses"
)


def warn_site_url(config: MkDocsConfig) -> None:
    """Say on stderr, as MkDocs says its warnings, that the published addresses are unknown.

    Written rather than logged: strict mode, which every build here uses, counts each logged
    warning as a failure, and a local build or a test has no published address to give.
    """
    if config.site_url:
        return
    if logging.getLogger("mkdocs").getEffectiveLevel() > logging.WARNING:
        return  # `mkdocs build -q`
    sys.stderr.write(f"WARNING -  {SITE_URL_UNSET}\n")
