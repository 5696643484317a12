"""Who publishes the records, and the addresses of the site's pages."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes the fact-checks, and where the site lives (``url`` may be empty)."""

    name: str = "berlintalks"
    url: str = ""

    def page_url(self, path: str) -> str:
        """The address of a page such as ``claims/x/``: absolute when the site URL is known."""
        if not self.url:
            return "/" + path
        return self.url.rstrip("/") + "/" + path
