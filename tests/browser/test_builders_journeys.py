"""The readers' journeys on the site as each builder builds it: a claim's verdict, a search."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from conftest import BUILDERS, site_built_by

# The journeys themselves, run here once per builder: `site_url` below serves each build.
from .test_reader_claim_page import (
    report,  # noqa: F401  (a fixture of the test below)
    test_a_reader_sees_verdict_rationale_and_chain_but_no_rule_code,  # noqa: F401
)
from .test_reader_journeys import (
    claim_path,
    heading,
    kb,  # noqa: F401  (a fixture of the tests below)
    search,
    squash,
    test_claim_page_shows_status_attributions_quotes_and_sources,  # noqa: F401
)

pytestmark = pytest.mark.browser


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module", params=BUILDERS)
def builder(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def site_url(builder: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """The site ``builder`` built, served on 127.0.0.1 (in place of the MkDocs site)."""
    site = site_built_by(builder, request)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"{builder}-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def zensical_search(page: Any, query: str) -> list[tuple[str, str, str]]:
    """Search with Zensical's own search (a dialog opened from a button, in a shadow root,
    which Playwright's selectors enter): (path, title, the page named under it) per result."""
    page.locator(".md-search__button").click()
    field = page.locator("dialog input[role=combobox]")
    field.press_sequentially(query)
    page.locator("dialog [role=status]").filter(has_text=re.compile(r"\d+ results?")).wait_for()
    options = page.locator("dialog ol[role=listbox] a[role=option]")
    # Results are redrawn as each letter arrives; those of the whole word carry it in ?h=.
    page.wait_for_function(
        """q => {
            const host = [...document.querySelectorAll('div')].find(e => e.shadowRoot);
            const first = host && host.shadowRoot.querySelector('a[role=option]');
            return first && new URL(first.href).searchParams.get('h') === q;
        }""",
        arg=query,
    )
    out = []
    for i in range(options.count()):
        option = options.nth(i)
        href = option.evaluate("a => a.href")
        title = squash(option.locator("h2").inner_text())
        named = squash(option.locator("menu").inner_text())
        out.append((urlsplit(href).path, title, named))
    return out


def test_search_finds_a_claim_by_a_word_of_its_title_and_opens_it(
    builder: str,
    reader: Any,
    kb: Any,  # noqa: F811
) -> None:
    word = "Donetsk"
    expected = sorted(c.id for c in kb.claims.values() if word.lower() in c.title.lower())
    assert expected, f"no bundled claim has {word!r} in its title"
    page = reader.open("/")
    if builder == "zensical":
        results = zensical_search(page, word)
        selector = "dialog ol[role=listbox] a[role=option]"
        for path, _, named in results:
            cid = path.removeprefix("/claims/").removesuffix("/")
            if path == claim_path(cid) and cid in kb.claims:
                # The page a result belongs to, shown as text: no character references.
                assert named == kb.claims[cid].title, (path, named)
    else:
        results = [(path, title, "") for path, title in search(page, word)]
        selector = ".md-search-result__item > a.md-search-result__link"
    reader.screenshot(f"search-{builder}")
    found = {path for path, _, _ in results}
    missing = [cid for cid in expected if claim_path(cid) not in found]
    assert not missing, f"{builder}: searching {word!r} misses {missing}; it lists {sorted(found)}"

    target = kb.claims[expected[0]]
    paths = [
        urlsplit(h).path for h in page.locator(selector).evaluate_all("els => els.map(e => e.href)")
    ]
    page.locator(selector).nth(paths.index(claim_path(target.id))).click()
    page.wait_for_url(lambda url: urlsplit(url).path == claim_path(target.id))
    page.wait_for_load_state("load")
    assert heading(page) == target.title
