"""Write the hostile inputs of the cost attacks: records within every limit, built to be slow.

Each case writes its files into a knowledge base folder (empty, or a copy of the bundled
records) and says what it attacks. The benchmark times `check` on each; the tests build
smaller versions of the same files and assert what `check` reports.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# The parser's limits (parse.py): the maximal file stays just inside them.
MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 100_000

ARCHIVE_BYTES = 1024 * 1024
# Two words only, in random order: every word of a quote occurs about 100,000 times, so an
# unbounded "closest passage" vote costs quote words × archive words, and every substring
# search for a quote made of them is as slow as a search can be.
ARCHIVE_VOCABULARY = ("talks", "went")


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def claim_head(cid: str, status: str = "reported") -> list[str]:
    # A reported claim's title says it is reported (BT406).
    title = ("Reportedly a hostile" if status == "reported" else "Hostile") + f" record {cid}"
    return [
        f"id: {cid}",
        f"title: {_q(title)}",
        "statement: A record built to make the checker slow.",
        f"status: {status}",
        "date: 2025-12-14",
        "topics: [hostile]",
    ]


def source_yaml(sid: str, archive: str | None = None) -> str:
    lines = [f"id: {sid}", f"name: {_q('Hostile ' + sid)}", "kind: outlet", "reliability: F"]
    if archive is not None:
        lines.append(f"archive: {archive}")
    lines.append(f"reliability_reason: {REASON}")
    return "\n".join(lines) + "\n"


REASON = "Built to test the checker."
PUBLICATION = "hostile-article"


def write(root: Path, rel: str, text: str) -> None:
    """Write one record; a claim gets the keys every claim needs, after everything else
    (a rationale, and the publication each attribution is read in), so lines stay put."""
    if rel.startswith("claims/"):
        text = text.replace(
            "\n  - source: hostile-", f"\n  - publication: {PUBLICATION}\n    source: hostile-"
        )
        text += f"rationale: {REASON}\n"
        pub = root / "publications" / f"{PUBLICATION}.yaml"
        pub.parent.mkdir(parents=True, exist_ok=True)
        pub.write_text(
            f"id: {PUBLICATION}\ntitle: A hostile article\nkind: article\nlanguage: en\n",
            encoding="utf-8",
        )
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def archive_text(size: int = ARCHIVE_BYTES, seed: int = 13) -> str:
    rng = random.Random(seed)
    words: list[str] = []
    total = 0
    while total < size - 8:
        word = rng.choice(ARCHIVE_VOCABULARY)
        words.append(word)
        total += len(word) + 1
    return " ".join(words)


def near_miss_quotes(count: int, words: int = 120, seed: int = 17) -> list[str]:
    """Quotes of the archive's words that (with overwhelming probability) it does not hold."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(ARCHIVE_VOCABULARY) for _ in range(words)) + " truce"
        for _ in range(count)
    ]


def quotes_case(root: Path, count: int = 21, words: int = 120) -> None:
    """A 1 MiB archive of two words and one claim quoting near misses of it ``count`` times."""
    write(root, "archive/hostile.txt", archive_text())
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet", "archive/hostile.txt"))
    lines = [*claim_head("hostile-quotes"), "attributions:"]
    for quote in near_miss_quotes(count, words):
        lines += ["  - source: hostile-outlet", f"    quote: {_q(quote)}"]
    write(root, "claims/hostile-quotes.yaml", "\n".join(lines) + "\n")


def short_quotes_case(root: Path) -> None:
    """The same archive, and a claim file filled to the byte limit with two-word misses.

    Two-word quotes hold no whole word to look up, so each is a substring search of the
    whole archive: thousands of them would scan it thousands of times.
    """
    write(root, "archive/hostile.txt", archive_text())
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet", "archive/hostile.txt"))
    lines = [*claim_head("hostile-short-quotes"), "attributions:"]
    size = sum(len(line) + 1 for line in lines)
    rng = random.Random(5)
    nodes = 20
    while True:
        quote = f"{rng.choice(ARCHIVE_VOCABULARY)} {rng.choice(ARCHIVE_VOCABULARY)}x{len(lines)}"
        entry = [
            f"  - publication: {PUBLICATION}",
            "    source: hostile-outlet",
            f"    quote: {_q(quote)}",
        ]
        grow = sum(len(line) + 1 for line in entry)
        if size + grow > MAX_FILE_BYTES - 64 or nodes + 7 > MAX_NODES - 16:
            break
        lines += entry
        size += grow
        nodes += 7
    write(root, "claims/hostile-short-quotes.yaml", "\n".join(lines) + "\n")


def figure_lines(count: int, offset: float) -> list[str]:
    lines = ["figures:"]
    for i in range(count):
        lines += [f"  - label: figure {i}", "    unit: people", f"    value: {i + offset:g}"]
    return lines


def figures_case(root: Path, figures: int = 5000, duplicates: int = 1000) -> None:
    """Two claims with ``figures`` figures each, disagreeing, related ``duplicates`` times."""
    lines = [*claim_head("hostile-figures-a"), "attributions:", "  - source: hostile-outlet"]
    lines += ["relations:"]
    lines += ["  - type: supports", "    claim: hostile-figures-b"] * duplicates
    lines += figure_lines(figures, 0)
    write(root, "claims/hostile-figures-a.yaml", "\n".join(lines) + "\n")
    lines = [*claim_head("hostile-figures-b"), "attributions:", "  - source: hostile-outlet"]
    lines += figure_lines(figures, 0.5)
    write(root, "claims/hostile-figures-b.yaml", "\n".join(lines) + "\n")
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet"))


def unknown_ids_case(root: Path, unknown: int = 15000, padding: int = 0) -> None:
    """One claim with ``unknown`` relations to claims that do not exist.

    ``padding`` further small claims make the list of ids every unknown one is compared
    with longer (the issue's measurement had 333 claims).
    """
    lines = [*claim_head("hostile-unknown-ids"), "attributions:", "  - source: hostile-outlet"]
    lines += ["relations:"]
    for i in range(unknown):
        lines += ["  - type: qualifies", f"    claim: missing-claim-number-{i}"]
    write(root, "claims/hostile-unknown-ids.yaml", "\n".join(lines) + "\n")
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet"))
    for i in range(padding):
        pad = [*claim_head(f"padding-claim-{i}"), "attributions:", "  - source: hostile-outlet"]
        write(root, f"claims/padding-claim-{i}.yaml", "\n".join(pad) + "\n")


def unknown_keys_case(root: Path) -> None:
    """A claim whose one mapping holds as many unknown keys as the node limit allows."""
    lines = [*claim_head("hostile-unknown-keys"), "attributions:", "  - source: hostile-outlet"]
    for i in range((MAX_NODES - 64) // 2):
        lines.append(f"statment{i}: x")
    write(root, "claims/hostile-unknown-keys.yaml", "\n".join(lines) + "\n")
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet"))


def relations_case(root: Path, each: int = 1000) -> None:
    """One claim that supports and contradicts another ``each`` times over (BT302, BT301)."""
    lines = [*claim_head("hostile-relations-a", "confirmed"), "attributions:"]
    lines += ["  - source: hostile-person", "relations:"]
    lines += ["  - type: supports", "    claim: hostile-relations-b"] * each
    lines += ["  - type: contradicts", "    claim: hostile-relations-b"] * each
    write(root, "claims/hostile-relations-a.yaml", "\n".join(lines) + "\n")
    lines = [*claim_head("hostile-relations-b", "confirmed"), "attributions:"]
    lines += ["  - source: hostile-person", "relations:"]
    lines += ["  - type: contradicts", "    claim: hostile-relations-a"] * each
    write(root, "claims/hostile-relations-b.yaml", "\n".join(lines) + "\n")
    write(
        root,
        "sources/hostile-person.yaml",
        "id: hostile-person\nname: A hostile person\nkind: person\nreliability: F\n"
        f"reliability_reason: {REASON}\n",
    )


def maximal_case(root: Path) -> None:
    """A claim just inside the byte and node limits: a valid record with about 14,000 figures."""
    lines = [*claim_head("hostile-maximal"), "attributions:", "  - source: hostile-outlet"]
    lines.append("figures:")
    size = sum(len(line) + 1 for line in lines)
    nodes = 20
    i = 0
    while True:
        entry = [f"  - label: f{i}", "    unit: u", f"    value: {i}"]
        grow = sum(len(line) + 1 for line in entry)
        if size + grow > MAX_FILE_BYTES - 64 or nodes + 7 > MAX_NODES - 16:
            break
        lines += entry
        size += grow
        nodes += 7
        i += 1
    write(root, "claims/hostile-maximal.yaml", "\n".join(lines) + "\n")
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet"))


def deep_case(root: Path) -> None:
    """A claim whose unknown key nests lists to the depth limit, padded to the byte limit."""
    lines = [*claim_head("hostile-deep"), "attributions:", "  - source: hostile-outlet"]
    depth = MAX_DEPTH - 2  # the record's own mapping and the key's list
    lines.append("notes: " + "[" * depth + "x" + "]" * depth)
    size = sum(len(line) + 1 for line in lines)
    text = "\n".join(lines) + "\n"
    pad = "# " + "padding " * 16 + "\n"
    text += pad * ((MAX_FILE_BYTES - 64 - size) // len(pad))
    write(root, "claims/hostile-deep.yaml", text)
    write(root, "sources/hostile-outlet.yaml", source_yaml("hostile-outlet"))


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    attack: str
    write: Callable[[Path], None]


CASES = (
    Case("quotes", "1 MiB archive, 21 near-miss quotes of 120 words", quotes_case),
    Case(
        "quotes-max",
        "1 MiB archive, 1,400 near-miss quotes of 120 words",
        lambda root: quotes_case(root, 1400),
    ),
    Case("short-quotes", "1 MiB archive, a 1 MiB file of two-word misses", short_quotes_case),
    Case("figures", "2 claims × 5,000 figures, 1,000 duplicate supports", figures_case),
    Case("unknown-ids", "15,000 unknown relation ids", unknown_ids_case),
    Case(
        "unknown-ids-333",
        "15,000 unknown relation ids, 333 claims",
        lambda root: unknown_ids_case(root, padding=300),
    ),
    Case("unknown-keys", "50,000 unknown keys in one mapping", unknown_keys_case),
    Case("relations", "1,000 supports + 1,000 contradicts, both ways", relations_case),
    Case("maximal", "a valid claim at the byte and node limits", maximal_case),
    Case("deep", "lists nested to the depth limit, 1 MiB", deep_case),
)
