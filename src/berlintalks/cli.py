"""The `berlintalks` command: argument parsing and exit codes, nothing else."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

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
