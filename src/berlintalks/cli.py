"""The `berlintalks` command: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__

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
    from .check import check
    from .registry import RULES, explain
    from .report import render, summary

    if args.explain:
        text = explain(args.explain)
        if text is None:
            raise UsageError(f"no rule {args.explain!r}; known codes: {', '.join(sorted(RULES))}")
        sys.stdout.write(text)
        return EXIT_OK
    root = _root(args)
    report = check(root)
    sys.stdout.write(render(report.findings, args.format))
    if args.format == "text" and not args.quiet:
        files = len(report.kb.claims) + len(report.kb.sources)
        files += len(report.kb.broken_claims) + len(report.kb.broken_sources)
        print(summary(report.findings, files), file=sys.stderr)
    return EXIT_FINDINGS if report.errors else EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildFailed, build
    from .report import as_text

    root = _root(args)
    try:
        result = build(root, Path(args.site_dir) if args.site_dir else None, quiet=args.quiet)
    except (FileNotFoundError, ValueError) as exc:
        raise UsageError(str(exc)) from exc
    except BuildFailed as exc:
        print(
            f"berlintalks: the site could not be built, and the last good site was left as it "
            f"was. MkDocs reported: {exc}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if result.site_dir is None:
        sys.stdout.write(as_text(result.report.findings))
        print(
            f"berlintalks: not building: {len(result.report.errors)} error(s) in the records",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if not args.quiet:
        print(f"built {result.site_dir}", file=sys.stderr)
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    serve(_root(args), args.dev_addr)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from .build import generate_tree

    return _write_files(args, generate_tree, _root(args), Path(args.out))


def cmd_export(args: argparse.Namespace) -> int:
    from .build import export_tree

    return _write_files(args, export_tree, _root(args), Path(args.out), tuple(args.format or ()))


def _write_files(args: argparse.Namespace, fn: Callable[..., Any], *fn_args: Any) -> int:
    from .report import as_text

    try:
        report, written = fn(*fn_args)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    if report.errors:
        sys.stdout.write(as_text(report.findings))
        print(
            f"berlintalks: not writing: {len(report.errors)} error(s) in the records",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    if not args.quiet:
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr)
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="berlintalks",
        description="Check, build and export the berlintalks fact-checking knowledge base.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--root", default=".", help="the knowledge base: the folder holding claims/ and sources/"
    )
    common.add_argument(
        "--debug", action="store_true", help="show the full traceback of internal errors"
    )
    common.add_argument("-q", "--quiet", action="store_true", help="print only what matters")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "check",
        parents=[common],
        help="check every record against the model and the editorial rules",
        description="Check every record. Exit 0 without errors, 1 with errors, 2 on usage "
        "or I/O problems.",
    )
    p.add_argument("--format", choices=("text", "json", "github"), default="text")
    p.add_argument("--explain", metavar="CODE", help="print the documentation of a rule")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser(
        "build",
        parents=[common],
        help="check, then build the site with MkDocs in strict mode",
        description="Check the records, then build the site. Exit 1 (and build nothing) when "
        "the check finds errors, 2 when the build fails; a failed build keeps the last site.",
    )
    p.add_argument("--site-dir", help="where the site goes (default: ROOT/site)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser(
        "serve",
        parents=[common],
        help="preview the site, rebuilding when a record or template changes",
    )
    p.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "generate",
        parents=[common],
        help="write the generated Markdown pages and data files, without MkDocs",
    )
    p.add_argument("--out", required=True, help="the folder to write the pages to")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "export",
        parents=[common],
        help="write the records as JSON, ClaimReview or a Frictionless data package",
    )
    p.add_argument(
        "--format",
        action="append",
        choices=("json", "claimreview", "datapackage"),
        help="repeat for several; default: all",
    )
    p.add_argument("--out", required=True, help="the folder to write the files to")
    p.set_defaults(func=cmd_export)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except UsageError as exc:
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
