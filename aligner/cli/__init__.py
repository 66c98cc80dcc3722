"""The ``aligner`` command line. Each command group lives in its own module.

Errors from the core (:class:`aligner.errors.AlignerError`) are shown as one
clear line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import errno
import io
import os
import sys

from ..errors import AlignerError
from ..io.output import StdoutClosed
from ._app import app
from ._common import say_error

__all__ = ["app", "entry", "main"]


def _register() -> None:
    """Import the command modules; each adds its commands to ``app`` on import."""
    from . import align_cmd, bitext_cmd, export_cmd, mine_cmd, model_cmd, names_cmd  # noqa: F401


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 partly done, 2 refused/failed).

    Every failure is one line on stderr, never a traceback. Set
    ``ALIGNER_DEBUG=1`` to let unexpected exceptions through (tests do).
    """
    _register()
    try:
        rv = app(args=argv, standalone_mode=False)
        if isinstance(rv, int) and rv:  # typer.Exit(code) comes back as a return value
            if rv == 130:  # typer turns Ctrl-C into Exit(130)
                say_error("interrupted, nothing written", prefix="")
            return rv
    except StdoutClosed:
        _silence_stdout()
        return 1
    except AlignerError as e:
        if getattr(e, "path", None) == "stdout":
            _silence_stdout()
        say_error(str(e))
        return 2
    except KeyboardInterrupt:
        say_error("interrupted, nothing written", prefix="")
        return 130
    except Exception as e:  # usage errors from typer's bundled click
        try:
            from typer._click import exceptions as cx
        except ImportError:  # older typer uses click itself
            import click.exceptions as cx
        if isinstance(e, getattr(cx, "Exit", ())) or type(e).__name__ == "Exit":
            return getattr(e, "exit_code", 0)
        if type(e).__name__ == "Abort":
            cause = e.__cause__ or e.__context__
            if isinstance(cause, KeyboardInterrupt):
                say_error("interrupted, nothing written", prefix="")
                return 130
            say_error("aborted", prefix="")
            return 1
        if isinstance(e, cx.ClickException):
            try:
                e.show()
            except OSError:
                pass
            return e.exit_code if e.exit_code in (0, 1, 2) else 2
        if isinstance(e, MemoryError):
            say_error("not enough memory for this input; try smaller files")
            return 2
        if isinstance(e, OSError):
            if isinstance(e, BrokenPipeError):
                _silence_stdout()
                return 1
            where = f"{e.filename}: " if getattr(e, "filename", None) else ""
            say_error(f"{where}{(e.strerror or str(e))}")
            if e.errno in (errno.ENOSPC, errno.EPIPE) and not where:
                _silence_stdout()
            return 2
        if os.environ.get("ALIGNER_DEBUG"):
            raise
        say_error(f"unexpected internal error ({type(e).__name__}: {e}); nothing was written. "
                  "Please report it; ALIGNER_DEBUG=1 shows the details")
        return 2
    return 0


def _silence_stdout() -> None:
    """stdout failed (disk full, pipe closed): point it at /dev/null so the
    interpreter's final flush does not print a traceback."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def entry() -> None:
    code = main()
    try:
        sys.stdout.flush()
    except OSError:
        _silence_stdout()
        code = code or 2
    sys.exit(code)
