"""The `berlintalks` command: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .boundary import OutsideBoundary

if TYPE_CHECKING:
    from .checks import Report

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with how the command was called or with the files around it (exit 2)."""


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).expanduser()
    if not root.is_dir():
        raise UsageError(f"--root {args.root!r} is not a directory")
    if not (root / "claims").is_dir() and not (root / "sources").is_dir():
        raise UsageError(
            f"{str(root)!r} has no claims/ or sources/ folder; run berlintalks inside the "
            "knowledge base or pass --root"
        )
    return root


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import RULES, check, explain, render, summary
    from .checks.progress import progress

    if args.explain:
        text = explain(args.explain)
        if text is None:
            raise UsageError(f"no rule {args.explain!r}; known codes: {', '.join(sorted(RULES))}")
        sys.stdout.write(text)
        return EXIT_OK
    root = _root(args)
    with progress("checking", quiet=args.quiet) as bar:
        report = check(root, bar)
    sys.stdout.write(render(report.findings, args.format))
    if args.format == "text" and not args.quiet:
        kb = report.kb
        files = len(kb.claims) + len(kb.sources) + len(kb.publications)
        files += len(kb.broken_claims) + len(kb.broken_sources) + len(kb.broken_publications)
        print(summary(report.findings, files), file=sys.stderr)
    return EXIT_FINDINGS if report.errors else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .site import BuildFailed
    from .site.build import build
    from .site.builders import NAMES as BUILDER_NAMES
    from .site.page_store import cache_dir

    root = _root(args)
    try:
        site_dir = Path(args.site_dir) if args.site_dir else None
        cache = cache_dir(args.cache_dir, root, off=args.no_cache)
        result = build(
            root, site_dir, quiet=args.quiet, builder=args.builder, cache_dir=cache, jobs=args.jobs
        )
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    except BuildFailed as exc:
        if args.debug:
            traceback.print_exception(exc)
        print(
            f"berlintalks: the site could not be built, and the last good site was left as it "
            f"was. {BUILDER_NAMES[args.builder]} reported: {exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if result.site_dir is None:
        return _refuse(result.report, "building")
    if not args.quiet:
        print(f"built {result.site_dir}", file=sys.stderr)
    return EXIT_OK


def _refuse(report: Report, doing: str) -> int:
    """Print the findings that stop a command, the way `check` prints them."""
    from .checks import as_text

    sys.stdout.write(as_text(report.findings))
    print(
        f"berlintalks: not {doing}: {len(report.errors)} error(s) in the records",
        file=sys.stderr,
    )
    return EXIT_FINDINGS


def cmd_serve(args: argparse.Namespace) -> int:
    from .site import BuildFailed, ServeFailed
    from .site.serve import serve

    try:
        report = serve(_root(args), args.dev_addr, poll=args.poll)
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from exc
    except ServeFailed as exc:
        print(f"berlintalks: cannot serve on {args.dev_addr}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BuildFailed as exc:
        if args.debug:
            traceback.print_exception(exc)
        print(
            f"berlintalks: the site could not be built, so nothing is served: {exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if report.errors:
        return _refuse(report, "serving")
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from .site import generate_tree

    return _write_files(args, generate_tree, _root(args), Path(args.out))


def cmd_export(args: argparse.Namespace) -> int:
    from .site import export_tree

    return _write_files(args, export_tree, _root(args), Path(args.out), tuple(args.format or ()))


def _write_files(args: argparse.Namespace, fn: Callable[..., Any], *fn_args: Any) -> int:
    try:
        report, written = fn(*fn_args)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if report.errors:
        return _refuse(report, "writing")
    if not args.quiet:
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from .editor import dumps, existing_ids, schema_for, stale_files, write_all

    root = _root(args)
    if args.write or args.check:
        if args.kind:
            raise UsageError("--write and --check cover both schemas; give no record kind")
        if args.write:
            for path in write_all(root):
                print(f"wrote {path.relative_to(root).as_posix()}", file=sys.stderr)
            return EXIT_OK
        stale = stale_files(root)
        for path in stale:
            print(
                f"{path.relative_to(root).as_posix()} is out of date with the records; "
                "run `berlintalks schema --write` and commit the result",
                file=sys.stderr,
            )
        return EXIT_FINDINGS if stale else EXIT_OK
    if not args.kind:
        raise UsageError(
            "say which schema: berlintalks schema claim|source|publication (or --write)"
        )
    sys.stdout.write(dumps(schema_for(args.kind, existing_ids(root))))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from .editor import SCHEMA_DIR, ScaffoldError, create, write_all

    root = _root(args)
    try:
        written = create(root, args.kind, args.id, args.title)
    except ScaffoldError as exc:
        raise UsageError(str(exc)) from None
    print(written.relative)
    if not args.quiet:
        print(
            f"wrote {written.relative}: fill in the empty values, then run berlintalks check",
            file=sys.stderr,
        )
    # Keep the editor schemas' id lists current, where the knowledge base keeps them.
    if (root / SCHEMA_DIR).is_dir():
        for path in write_all(root):
            if not args.quiet:
                print(f"updated {path.relative_to(root).as_posix()}", file=sys.stderr)
    return EXIT_OK


def cmd_diff(args: argparse.Namespace) -> int:
    from .editor import DiffError
    from .editor.diff import diff

    root = _root(args)
    try:
        sys.stdout.write(diff(root, args.rev, args.rev2))
    except DiffError as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


def _check_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--explain", metavar="CODE", help="print the documentation of a rule")


def _schema_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", choices=("claim", "source", "publication"))
    p.add_argument("--write", action="store_true", help="write schemas/<kind>.schema.json")
    p.add_argument("--check", action="store_true", help="exit 1 if schemas/ is out of date")


def _new_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("claim", "source", "publication"))
    p.add_argument("id", help="the new id: lowercase letters, digits and single hyphens")
    p.add_argument("--title", help="the claim's title (a source's name)")


def _diff_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("rev", metavar="REV", help="the earlier revision (commit, branch or tag)")
    p.add_argument("rev2", metavar="REV2", nargs="?", help="the later revision")


def _build_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--site-dir", help="where the site goes (default: ROOT/site)")
    p.add_argument(
        "--builder",
        choices=("mkdocs", "properdocs", "zensical"),
        default="mkdocs",
        help="what builds the pages (default: mkdocs; see docs/building.md for when to switch)",
    )
    p.add_argument(
        "--cache-dir",
        metavar="DIR",
        help="keep each page as built here, outside the repository, for the next build to "
        "reuse while its inputs are unchanged (default: $BERLINTALKS_CACHE_DIR, else "
        "~/.cache/berlintalks/; safe to delete)",
    )
    p.add_argument(
        "--no-cache", action="store_true", help="render every page, and keep none for later"
    )
    jobs = (
        "processes that read the records and render the pages (default 2, on Linux with two "
        "cores; the same site either way)"
    )
    p.add_argument("--jobs", type=int, choices=(1, 2), default=2, help=jobs)


def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    p.add_argument(
        "--poll",
        action="store_true",
        help="look for changed files every 0.5 s, for file systems that do not report "
        "changes (some network and container mounts)",
    )


def _generate_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", required=True, help="the folder to write the project to")


def _export_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        action="append",
        choices=("json", "claimreview", "datapackage"),
        help="repeat for several; default: all",
    )
    p.add_argument("--out", required=True, help="the folder to write the files to")


@dataclass(frozen=True, slots=True)
class Command:
    """One subcommand: what it runs, its line in `--help`, its own page and its arguments."""

    name: str
    run: Callable[[argparse.Namespace], int]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    description: str | None = None


# In the order `berlintalks --help` lists them.
COMMANDS: tuple[Command, ...] = (
    Command(
        "check",
        cmd_check,
        "check every record against the model and the editorial rules",
        _check_args,
        "Check every record. Exit 0 without errors, 1 with errors, 2 on usage or I/O problems.",
    ),
    Command(
        "schema",
        cmd_schema,
        "print the JSON Schema of claim, source or publication files, for editors",
        _schema_args,
        "Print the Draft 2020-12 JSON Schema of claim or source files. Reference fields list "
        "the ids now in claims/ and sources/, so editors complete them; --write refreshes "
        "schemas/*.schema.json, --check exits 1 when those are out of date.",
    ),
    Command(
        "new",
        cmd_new,
        "write a commented skeleton of a new claim, source or publication",
        _new_args,
        "Write claims/ID.yaml or sources/ID.yaml with every key explained. Refuses an invalid "
        "id or one already in use; never overwrites a file.",
    ),
    Command(
        "diff",
        cmd_diff,
        "a Markdown report of the records changed between two git revisions",
        _diff_args,
        "Report the claims and sources added, removed and changed from REV to REV2 (default: "
        "the working tree, uncommitted files included), in Markdown.",
    ),
    Command(
        "build",
        cmd_build,
        "check, then build the site in strict mode (MkDocs, ProperDocs or Zensical)",
        _build_args,
        "Check the records, then build the site. Exit 1 (and build nothing) when the check "
        "finds errors, 2 when the build fails; a failed build keeps the last site.",
    ),
    Command(
        "serve",
        cmd_serve,
        "preview the site, rebuilding when a record or template changes",
        _serve_args,
    ),
    Command(
        "generate",
        cmd_generate,
        "write the site as a project any builder reading mkdocs.yml can build",
        _generate_args,
    ),
    Command(
        "export",
        cmd_export,
        "write the records as JSON, ClaimReview or a Frictionless data package",
        _export_args,
    ),
)


def _common_args() -> argparse.ArgumentParser:
    """The options every subcommand takes."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", default=".", help="the knowledge base: the folder holding claims/ and sources/"
    )
    common.add_argument(
        "--debug", action="store_true", help="show the full traceback of internal errors"
    )
    common.add_argument("-q", "--quiet", action="store_true", help="print only what matters")
    return common


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berlintalks",
        description="Check, build and export the berlintalks fact-checking knowledge base.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = _common_args()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        p = sub.add_parser(
            command.name,
            parents=[common],
            help=command.help,
            description=command.description,
        )
        command.arguments(p)
        p.set_defaults(func=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except (UsageError, OutsideBoundary) as exc:
        print(f"berlintalks: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # the last line of defence: never show an editor a traceback
        if getattr(args, "debug", False):
            traceback.print_exc()
        else:
            print(
                f"berlintalks: internal error: {type(exc).__name__}: {exc}\n"
                "This is a problem in berlintalks itself (or its templates), not in your "
                "records. Run the same command with --debug to see the full traceback, and "
                "report it with that output.",
                file=sys.stderr,
            )
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
