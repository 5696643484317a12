"""Archive snapshots: read once per check through the boundary, as text or as why not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..boundary import ARCHIVE_DIR, OutsideBoundary, TooLarge, archive_problem, read_bytes
from .quotes import normalise

# Archives are plain-text snapshots of articles and statements; this is far beyond any of them
# and keeps a mistaken path to a large file from stalling the check.
MAX_ARCHIVE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Archive:
    """One archive snapshot as read from disk: its text, or why it could not be read."""

    text: str | None
    normalised: str
    problem: str | None
    refused: bool = False  # the boundary refused the path, so nothing was read


def read_archive(root: Path, rel: str) -> Archive:
    """Read an archive snapshot through the boundary: a plain file under archive/, no link.

    A path the boundary refuses is BT108 and nothing of it is read; a snapshot that is
    missing, too large or not UTF-8 is BT702.
    """
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in rel[:80])
    problem = archive_problem(rel)
    if problem is not None:
        return Archive(None, "", f"archive '{shown}' {problem}", refused=True)
    try:
        data = read_bytes(root, rel, MAX_ARCHIVE_BYTES)
    except TooLarge as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else "over the limit"
        return Archive(
            None,
            "",
            f"archive '{shown}' is {size}; snapshots may be at most {MAX_ARCHIVE_BYTES:,} bytes",
        )
    except OutsideBoundary as exc:
        where = "" if exc.rel == shown else f" ({exc.rel})"
        return Archive(
            None,
            "",
            f"archive '{shown}'{where} {exc.reason.split(';')[0]}; a snapshot is a plain text "
            f"file under {ARCHIVE_DIR}/",
            refused=True,
        )
    except FileNotFoundError:
        return Archive(
            None,
            "",
            f"archive '{shown}' does not exist; give the path of a text file under {ARCHIVE_DIR}/",
        )
    except OSError as exc:
        return Archive(None, "", f"cannot read archive '{shown}': {exc.strerror or exc}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return Archive(
            None, "", f"archive '{shown}' is not UTF-8 text (line {line}); save it as UTF-8"
        )
    return Archive(text, normalise(text), None)
