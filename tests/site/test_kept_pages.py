"""Pages kept between `serve` rebuilds keep their search entries and ClaimReview too, and
make them again when what they read changes."""

from __future__ import annotations

from pathlib import Path

from berlintalks.checks import check
from berlintalks.site.memo import RenderMemo
from berlintalks.site.render import rendering
from berlintalks.site.rendered import RenderedPage
from conftest import BUNDLED, copy_from_repo

CLAIM = "claims/zelensky-no-us-demands/index.md"


def pages(root: Path, memo: RenderMemo) -> dict[str, RenderedPage]:
    report = check(root)
    made, others = rendering(report.kb, templates=root / "templates", graph=report.graph, memo=memo)
    out = dict(made)
    for _ in others:  # the exports finish the rebuild (`RenderMemo.finish`)
        pass
    return out


def test_a_kept_page_keeps_its_search_entries(tmp_path: Path) -> None:
    root = copy_from_repo(tmp_path / "kb", BUNDLED)
    memo = RenderMemo()
    first = pages(root, memo)
    again = pages(root, memo)
    assert memo.reused > 50
    record_pages = [p for p in first if p.startswith(("claims/", "sources/"))]
    assert CLAIM in record_pages
    for path in record_pages:
        assert first[path].search, path
        # The very entries made before: neither the page nor its entries were made again.
        assert again[path].search is first[path].search, path
        assert again[path].html == first[path].html, path


def test_a_renamed_source_changes_the_entries_and_review_of_the_claims_citing_it(
    tmp_path: Path,
) -> None:
    root = copy_from_repo(tmp_path / "kb", BUNDLED)
    memo = RenderMemo()
    first = pages(root, memo)
    source = root / "sources" / "zelensky.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace('"Volodymyr Zelensky"', '"V. Zelensky"'), encoding="utf-8")
    again = pages(root, memo)
    fresh = pages(root, RenderMemo())
    before = " ".join(e.text for e in first[CLAIM].search or ())
    after = " ".join(e.text for e in again[CLAIM].search or ())
    assert "Volodymyr Zelensky" in before and "V. Zelensky" in after
    # The ClaimReview in the page names the speaker as its author.
    assert '"name": "V. Zelensky"' in again[CLAIM].html
    assert again[CLAIM].html == fresh[CLAIM].html
    assert again[CLAIM].search == fresh[CLAIM].search
