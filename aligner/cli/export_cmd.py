"""``aligner export``: write a project's confirmed pairs as TMX and/or JSON Lines."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import AlignerError, InputFileError
from ._app import app
from ._common import say


@app.command("export")
def export_cmd(
    project: Path = typer.Option(..., "--project", "-p", help="Project file (.aligner) to read; never created."),
    tmx: Optional[Path] = typer.Option(None, "--tmx", help="Write the confirmed pairs to this TMX file."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Write the confirmed pairs to this JSON Lines file."),
) -> None:
    """Export the pairs reviewers confirmed (TMX for CAT tools, JSONL for scripts)."""
    from ..export.formats import write_pairs
    from ..io.output import check_output, same_file

    if tmx is None and jsonl is None:
        raise AlignerError("nothing to write: give --tmx OUT.tmx and/or --jsonl OUT.jsonl")
    if tmx is not None and jsonl is not None and same_file(tmx, jsonl):
        raise InputFileError(str(tmx), "given as both --tmx and --jsonl; choose two file names")
    outputs = [(check_output(p, project=project, option=opt, allow_stdout=False), fmt)
               for p, opt, fmt in ((tmx, "--tmx", "tmx"), (jsonl, "--jsonl", "jsonl")) if p is not None]

    from ..settings import Settings
    from ..store import Project

    with Project.open(project, create=False, settings=Settings.from_env()) as proj:
        rows = proj.confirmed_pairs()
        beads = proj.confirmed_beads()  # whole-text alignments (aligner bitext --project)
    for out, fmt in outputs:
        if fmt == "tmx" and beads:
            from ..export.beads import write_tmx_with_beads

            n, nb = write_tmx_with_beads(rows, beads, out)
            say(f"wrote {n} confirmed pair{'s' if n != 1 else ''} and {nb} confirmed bead{'s' if nb != 1 else ''} "
                f"to {out.label}", err=False)
            continue
        n = write_pairs(rows, out, fmt)
        say(f"wrote {n} confirmed pair{'s' if n != 1 else ''} to {out.label}", err=False)
    if not rows and not beads:
        say("the project has no confirmed pairs yet: review matches in the workbench first", err=False)
