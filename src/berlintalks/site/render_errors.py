"""What went wrong rendering a page, said as the template and record that caused it."""

from __future__ import annotations

from pathlib import Path


class RenderError(Exception):
    """A template could not be loaded or rendered; the message names the template and line."""


def template_line(exc: BaseException) -> str | None:
    """``templates/NAME:LINE`` of the innermost template frame: Jinja maps its frames back."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = f"templates/{Path(filename).name}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found


def render_failure(exc: BaseException) -> str:
    """``RECORD: TEMPLATE:LINE: Error: message`` for an exception raised while rendering a page."""
    record = template = None
    tb = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.endswith(".j2"):
            template = f"templates/{Path(frame.f_code.co_filename).name}:{tb.tb_lineno}"
        ctx = frame.f_locals.get("ctx") if frame.f_code.co_name == "_render" else None
        if isinstance(ctx, dict):
            shown = ctx.get("claim") or ctx.get("source")
            record = getattr(shown, "path", None) or ctx.get("page_path")
        tb = tb.tb_next
    where = ": ".join(str(part) for part in (record, template) if part)
    what = " ".join(f"{type(exc).__name__}: {exc}".split())
    return f"{where + ': ' if where else ''}the page cannot be rendered ({what}); fix the value"
