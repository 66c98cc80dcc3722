"""The ``aligner`` command line. Each command group lives in its own module.

Errors from the core (:class:`aligner.errors.AlignerError`) are shown as one
clear line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys

from ..errors import AlignerError
from ._app import app
from ._common import console_err

__all__ = ["app", "entry", "main"]


def _register() -> None:
    """Import the command modules; each adds its commands to ``app`` on import."""
    from . import align_cmd, export_cmd, mine_cmd, model_cmd, names_cmd  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    _register()
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int) and rv:  # typer.Exit(code) comes back as a return value
            return rv
    except AlignerError as e:
        console_err.print(f"[bold red]error:[/] {e}", highlight=False)
        return 2
    except KeyboardInterrupt:
        console_err.print("interrupted; nothing was written")
        return 130
    except Exception as e:  # usage errors from typer's bundled click
        try:
            from typer._click import exceptions as cx
        except ImportError:  # older typer uses click itself
            import click.exceptions as cx
        if isinstance(e, getattr(cx, "Exit", ())) or type(e).__name__ == "Exit":
            return getattr(e, "exit_code", 0)
        if isinstance(e, cx.ClickException):
            e.show()
            return e.exit_code
        if type(e).__name__ == "Abort":
            console_err.print("aborted")
            return 1
        raise
    return 0


def entry() -> None:
    sys.exit(main())
