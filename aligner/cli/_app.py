"""The ``aligner`` Typer application; each command module adds its commands to it."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="aligner",
    help="Align English news quotes with their French and Arabic originals, "
    "mine parallel sentences, and build name-variant dictionaries. Works offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
