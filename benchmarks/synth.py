"""Write a synthetic knowledge base of any size that passes `berlintalks check` without errors."""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import textwrap
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Plain English words only: a word in another script would be warned about (BT902), and the
# generator's records should look like an editor's, not like noise.
WORDS = [
    "agreement",
    "ally",
    "army",
    "border",
    "capital",
    "ceasefire",
    "coalition",
    "commitment",
    "conference",
    "corridor",
    "council",
    "crossing",
    "delegation",
    "deployment",
    "diplomat",
    "draft",
    "energy",
    "envoy",
    "exchange",
    "frontline",
    "grain",
    "guarantee",
    "harbour",
    "humanitarian",
    "infrastructure",
    "investment",
    "leader",
    "mandate",
    "minister",
    "mission",
    "monitoring",
    "negotiation",
    "observer",
    "parliament",
    "partner",
    "plan",
    "plant",
    "port",
    "president",
    "prisoner",
    "proposal",
    "protocol",
    "reconstruction",
    "region",
    "reserve",
    "round",
    "sanction",
    "security",
    "settlement",
    "statement",
    "summit",
    "support",
    "talks",
    "territory",
    "treaty",
    "troops",
    "truce",
    "withdrawal",
    "convoy",
    "airspace",
    "pipeline",
    "referendum",
    "assembly",
    "bridge",
]
VERBS = [
    "agreed",
    "announced",
    "backed",
    "confirmed",
    "described",
    "discussed",
    "expected",
    "offered",
    "outlined",
    "pressed",
    "proposed",
    "raised",
    "rejected",
    "reported",
    "signalled",
    "stated",
    "supported",
    "warned",
    "welcomed",
    "insisted",
]
PLACES = [
    "berlin",
    "kyiv",
    "geneva",
    "warsaw",
    "paris",
    "london",
    "brussels",
    "vienna",
    "ankara",
    "riga",
    "vilnius",
    "tallinn",
    "helsinki",
    "oslo",
    "prague",
    "rome",
    "madrid",
    "bern",
    "doha",
    "istanbul",
]
TOPICS = [f"{a}-{b}" for a in ("border", "energy", "security", "trade", "aid") for b in PLACES[:8]]
STATUSES = ("confirmed", "reported", "disputed", "denied", "unverified")
# Kinds in roughly the mix of the bundled records: many people and outlets, some unnamed
# officials, a few documents and organisations.
KINDS = (
    ("person",) * 7
    + ("outlet",) * 3
    + ("anonymous",) * 4
    + ("document",) * 2
    + ("organization",) * 4
)
ARCHIVE_WORDS = 400
START = date(2024, 1, 1)


@dataclass
class _Source:
    id: str
    kind: str
    archive: list[str] | None = None  # the archive's words, when the source keeps one
    cited: bool = False


@dataclass
class _Claim:
    id: str
    status: str
    day: date
    publication: str = ""
    lines: list[str] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text)


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    words.insert(rng.randrange(1, n), rng.choice(VERBS))
    return " ".join(words).capitalize() + "."


def _sources(rng: random.Random, count: int) -> list[_Source]:
    sources = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)] if i >= len(set(KINDS)) else sorted(set(KINDS))[i]
        archive = None
        if kind in ("outlet", "document"):
            archive = [rng.choice(WORDS + VERBS) for _ in range(ARCHIVE_WORDS)]
        sources.append(_Source(f"{kind}-{rng.choice(PLACES)}-{i}", kind, archive))
    return sources


def _source_yaml(src: _Source, orgs: list[_Source], rng: random.Random) -> str:
    lines = [
        f"id: {src.id}",
        f"name: {_q(src.id.replace('-', ' ').title())}",
        f"kind: {src.kind}",
        f"role: {_q(rng.choice(WORDS).capitalize() + ' ' + rng.choice(WORDS))}",
        "description: >-",
        *("  " + ln for ln in textwrap.wrap(_sentence(rng, 18), 76)),
        f"url: https://example.org/{src.id}",
        f"reliability: {'ABCDEF'[rng.randrange(6)]}",
        f"reliability_reason: {_q('Graded on its synthetic record as ' + src.kind + '.')}",
    ]
    if src.kind == "person" and orgs:
        org = rng.choice(orgs)
        org.cited = True
        lines.append(f"affiliation: {org.id}")
    if src.archive is not None:
        lines.append(f"archive: archive/{src.id}.txt")
    return "\n".join(lines) + "\n"


def _quote_from(words: list[str], rng: random.Random) -> str:
    n = rng.randint(4, 9)
    start = rng.randrange(len(words) - n)
    return " ".join(words[start : start + n])


def _attribution(
    claim: _Claim, pool: dict[str, list[_Source]], rng: random.Random, on_record: bool
) -> list[str]:
    if on_record:
        src = rng.choice(pool["person"] + pool["document"])
    else:
        src = rng.choice(pool["anonymous"] + pool["organization"] + pool["person"])
    via = None
    if src.kind in ("person", "anonymous", "organization") and rng.random() < 0.6:
        via = rng.choice(pool["outlet"])
    # At most one of source and via keeps an archive (outlets and documents; a document is
    # never carried via an outlet here), and the quote is copied from that archive.
    keeper = via if via is not None else src
    if keeper.archive is not None:
        quote = _quote_from(keeper.archive, rng)
    else:
        quote = _sentence(rng, rng.randint(6, 14))
    src.cited = True
    lines = [f"  - source: {src.id}"]
    if via is not None:
        via.cited = True
        lines.append(f"    via: {via.id}")
    lines.append(f"    quote: {_q(quote)}")
    lines.append(f"    publication: {claim.publication}")
    when = claim.day + timedelta(days=rng.randrange(3))
    lines.append(f"    date: {when.isoformat()}")
    if rng.random() < 0.5:
        lines.append(f"    url: https://example.org/{src.id}/{claim.id}")
    return lines


def generate(root: Path, claims: int, *, seed: int = 7, site: bool = True) -> Path:
    """Write ``claims`` claims and about a tenth as many sources under ``root``; returns root.

    Every rule holds by construction: relations point only to earlier claims (no cycles),
    contradictions join a disputed claim to an earlier one that is not confirmed, every
    confirmed claim has an on-record attribution, every `count` matches its parts, quotes
    from sources with an archive are copied from it, and every source is cited. With
    ``site``, the repository's mkdocs.yml, templates/ and docs/ are copied beside the records
    so `berlintalks build` runs on it.
    """
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for folder in ("claims", "sources", "publications", "archive"):
        (root / folder).mkdir(exist_ok=True)
    sources = _sources(rng, max(len(KINDS), claims // 10))
    pool: dict[str, list[_Source]] = {k: [] for k in set(KINDS)}
    for s in sources:
        pool[s.kind].append(s)

    # About one publication per hundred claims, each read for the claims in its turn.
    publications = [f"publication-{k}" for k in range(max(1, claims // 100))]
    made: list[_Claim] = []
    not_confirmed: list[str] = []
    parts_left = 0
    parent: _Claim | None = None
    for i in range(claims):
        topic = rng.choice(TOPICS)
        cid = f"{topic}-{rng.choice(WORDS)}-{i}"
        status = rng.choices(STATUSES, weights=(30, 40, 10, 10, 10))[0]
        if status == "disputed" and not not_confirmed:
            status = "reported"
        claim = _Claim(cid, status, START + timedelta(days=i * 700 // max(claims, 1)))
        claim.publication = publications[i % len(publications)]
        title = _sentence(rng, rng.randint(6, 10))[:-1]
        if status == "reported":
            title = f"Reportedly, {title[0].lower()}{title[1:]}"  # BT406: say it is reported
        claim.lines = [
            f"id: {cid}",
            f"title: {_q(title)}",
            "statement: >-",
            *("  " + ln for ln in textwrap.wrap(_sentence(rng, 25) + " " + _sentence(rng, 20), 76)),
            f"status: {status}",
            f"rationale: {_q('Synthetic: ' + status + ' by construction of the benchmark.')}",
            f"date: {claim.day.isoformat()}",
            f"topics: [{', '.join(sorted({topic, rng.choice(TOPICS)}))}]",
            "attributions:",
        ]
        for n in range(rng.choice((1, 1, 2, 2, 3))):
            on_record = status == "confirmed" and n == 0
            claim.lines += _attribution(claim, pool, rng, on_record=on_record)

        relations: list[tuple[str, str]] = []
        if parts_left and parent is not None:
            relations.append(("part_of", parent.id))
            parts_left -= 1
        elif made and rng.random() < 0.02:
            # This claim is the whole that the next few claims are parts of.
            parts_left = rng.randint(2, 6)
            parent = claim
            claim.lines.append(f"count: {parts_left}")
        if status == "disputed":
            # Never the whole this claim is part of: one relation per pair would drop it.
            rivals = [c for c in not_confirmed[-200:] if parent is None or c != parent.id]
            relations.insert(0, ("contradicts", rng.choice(rivals)))
        for _ in range(rng.choice((0, 1, 1, 2))):
            if not made:
                break
            kind = rng.choices(("supports", "qualifies", "supersedes"), weights=(5, 4, 1))[0]
            relations.append((kind, made[-rng.randint(1, min(len(made), 500))].id))
        seen: set[str] = set()
        rel_lines = []
        for kind, other in relations:
            # One relation per pair keeps supports-and-contradicts (BT302) out by construction.
            if other in seen or other == cid:
                continue
            seen.add(other)
            rel_lines += [f"  - type: {kind}", f"    claim: {other}"]
            if rng.random() < 0.3:
                rel_lines.append(f"    note: {_q(_sentence(rng, 8))}")
        if rel_lines:
            claim.lines += ["relations:", *rel_lines]
        claim.lines += _figures(rng, i)
        made.append(claim)
        if status != "confirmed":
            not_confirmed.append(cid)
    if parts_left and parent is not None:
        # The last whole ran out of claims before all its parts were written: say how many.
        for k, line in enumerate(parent.lines):
            if line.startswith("count: "):
                parent.lines[k] = f"count: {int(line[7:]) - parts_left}"
        parent.lines = [ln for ln in parent.lines if ln != "count: 0"]

    _cite_leftovers(made, sources, rng)
    orgs = pool["organization"]
    for s in sources:
        (root / "sources" / f"{s.id}.yaml").write_text(_source_yaml(s, orgs, rng), "utf-8")
        if s.archive is not None:
            text = "\n".join(textwrap.wrap(" ".join(s.archive), 72)) + "\n"
            (root / "archive" / f"{s.id}.txt").write_text(text, "utf-8")
    for c in made:
        (root / "claims" / f"{c.id}.yaml").write_text("\n".join(c.lines) + "\n", "utf-8")
    for pid in publications:
        text = f"id: {pid}\ntitle: {_q('Synthetic ' + pid)}\nkind: article\nlanguage: en\n"
        (root / "publications" / f"{pid}.yaml").write_text(text, "utf-8")
    if site:
        copy_site_files(root)
    return root


def _figures(rng: random.Random, i: int) -> list[str]:
    roll = rng.random()
    # Labels carry the claim's number, so related claims never share a label (BT504).
    if roll < 0.08:
        share = rng.choice(((50, 50), (60, 40), (25, 25, 50), (70, 30)))
        values = ", ".join(str(v) for v in share)
        return ["figures:", f"  - {{label: split {i}, values: [{values}], unit: percent}}"]
    if roll < 0.16:
        return [
            "figures:",
            f"  - {{label: personnel {i}, value: {rng.randint(100, 900_000)}, unit: personnel}}",
            f"  - {{label: share {i}, value: {rng.randint(0, 100)}, unit: percent}}",
        ]
    if roll < 0.165:
        # A source that rounds its shares: recorded as published and accepted with a reason.
        return [
            "figures:",
            f"  - {{label: rounded split {i}, values: [33, 33, 33], unit: percent}}",
            "exceptions:",
            "  - rule: BT503",
            '    reason: "The source rounds each share to a whole percent."',
        ]
    return []


def _cite_leftovers(made: list[_Claim], sources: list[_Source], rng: random.Random) -> None:
    """Give every source nobody cited one attribution, so no source is left uncited (BT901)."""
    for s in sources:
        if s.cited:
            continue
        claim = made[rng.randrange(len(made))]
        at = claim.lines.index("attributions:") + 1
        quote = _quote_from(s.archive, rng) if s.archive else _sentence(rng, 8)
        claim.lines[at:at] = [
            f"  - source: {s.id}",
            f"    quote: {_q(quote)}",
            f"    publication: {claim.publication}",
        ]
        s.cited = True


def copy_site_files(root: Path) -> None:
    """Copy the repository's mkdocs.yml, templates/ and docs/ beside the records."""
    for name in ("mkdocs.yml", "templates", "docs"):
        src, dst = REPO / name, root / name
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        elif src.is_file():
            shutil.copy2(src, dst)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="the folder to write (created if missing)")
    parser.add_argument("--claims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} is not empty; give a new folder")
    generate(args.out, args.claims, seed=args.seed)
    print(f"wrote {args.claims} claims to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
