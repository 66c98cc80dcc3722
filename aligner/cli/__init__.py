"""The ``aligner`` command line. Each command group lives in its own module.

Errors from the core (:class:`aligner.errors.AlignerError`) are shown as one
clear line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys

import typer

from ..errors import AlignerError
from ._common import console_err

app = typer.Typer(
    name="aligner",
    help="Align English news quotes with their French and Arabic originals, "
    "mine parallel sentences, and build name-variant dictionaries. Works offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register() -> None:
    # each module adds its commands to ``app`` on import
    for optional in ("model_cmd", "mine_cmd", "align_cmd", "names_cmd", "export_cmd"):
        try:
            __import__(f"{__name__}.{optional}")
        except ModuleNotFoundError as e:  # module not written yet
            if e.name != f"{__name__}.{optional}":
                raise


def main(argv: list[str] | None = None) -> int:
    _register()
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int) and rv:  # typer.Exit(code) comes back as a return value
            return rv
    except AlignerError as e:
        from rich.markup import escape  # messages may hold [brackets]: file names, pip extras

        console_err.print(f"[bold red]error:[/] {escape(str(e))}", highlight=False)
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
