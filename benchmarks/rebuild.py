"""Time `serve` rebuilds inside one process: each record parsed afresh, or the parse cache kept.

The serve figures of `bench.py` are wall time on a shared machine, where another process
moves a rebuild by seconds; this measures the CPU time of the rebuilds themselves, the two
ways alternating, as `berlintalks serve` runs them (a new configuration per rebuild, the
plugin instance kept, MkDocs' dirty build), after one claim's title is edited.

    python benchmarks/rebuild.py --claims 1000 --pairs 3
    python benchmarks/rebuild.py --claims 10000 --pairs 3 --check-only
"""

from __future__ import annotations

import argparse
import logging
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from berlintalks.checks import check
from berlintalks.records.load import ParseCache

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth import generate

URL = "http://127.0.0.1:8000/"


def _cpu(run: Callable[[], object]) -> tuple[float, float]:
    """Seconds of wall and CPU time that ``run`` took."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=3, help="rebuilds each way, alternating")
    parser.add_argument("--check-only", action="store_true", help="time the check, no build")
    parser.add_argument("--workdir", type=Path, help="keep the knowledge base here")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="berlintalks-rebuild-"))
    root = work / f"kb-{args.claims}"
    if not (root / "claims").is_dir():
        generate(root, args.claims)
    site = work / "site"
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    def config() -> MkDocsConfig:
        made = load_config(str(root / "mkdocs.yml"), site_dir=str(site))
        made.site_url = URL
        return made

    plugin = None
    kept = ParseCache()
    if not args.check_only:
        first = config()
        first.plugins.on_startup(command="serve", dirty=False)
        plugin = first.plugins["berlintalks"]
        plugin.leave_unchanged(False)  # type: ignore[attr-defined]
        build(first, serve_url=URL)
        kept = plugin._parsed  # type: ignore[attr-defined]
    else:
        check(root, cache=kept)
    claim = sorted((root / "claims").glob("*.yaml"))[0]
    text = claim.read_text("utf-8")
    times: dict[str, list[tuple[float, float]]] = {"afresh": [], "kept": []}
    checks: dict[str, list[tuple[float, float]]] = {"afresh": [], "kept": []}
    edits = 0
    try:
        for pair in range(args.pairs):
            for way in ("afresh", "kept") if pair % 2 == 0 else ("kept", "afresh"):
                edits += 1
                edited = re.sub(r"(?m)^title: .*$", f'title: "Edit {edits}"', text, count=1)
                claim.write_text(edited, "utf-8")
                if plugin is not None:
                    # Afresh: a new cache, dropped after the rebuild, so nothing is kept.
                    plugin._parsed = kept if way == "kept" else ParseCache()
                    # As `serve` rebuilds after a saved record: MkDocs' dirty build.
                    plugin.leave_unchanged(True)
                    times[way].append(_cpu(lambda: build(config(), serve_url=URL, dirty=True)))
                    plugin._parsed = kept
                    claim.write_text(text, "utf-8")
                cache = kept if way == "kept" else ParseCache()
                checks[way].append(_cpu(lambda c=cache: check(root, cache=c)))  # type: ignore[misc]
                wall, cpu = (times[way] or checks[way])[-1]
                print(f"  {way}: {wall:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr)
    finally:
        claim.write_text(text, "utf-8")
    what = "checks" if plugin is None else "rebuilds"
    print(f"{args.claims:,} claims, medians of {args.pairs} {what} each way, alternating:")
    for way, runs in checks.items():
        line = f"- records parsed {way}:"
        if times[way]:
            wall = statistics.median(t[0] for t in times[way])
            cpu = statistics.median(t[1] for t in times[way])
            line += f" rebuild {wall:.2f} s wall ({cpu:.2f} s CPU); its"
        cwall = statistics.median(t[0] for t in runs)
        ccpu = statistics.median(t[1] for t in runs)
        print(f"{line} check {cwall:.3f} s wall ({ccpu:.3f} s CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
