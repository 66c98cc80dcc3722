"""``aligner export``: write a project's confirmed pairs as TMX and/or JSON Lines."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import AlignerError, InputFileError
from ._app import app
from ._common import console


@app.command("export")
def export_cmd(
    project: Path = typer.Option(..., "--project", "-p", help="Project file (.aligner) to read; never created."),
    tmx: Optional[Path] = typer.Option(None, "--tmx", help="Write the confirmed pairs to this TMX file."),
    jsonl: Optional[Path] = typer.Option(None, "--jsonl", help="Write the confirmed pairs to this JSON Lines file."),
) -> None:
    """Export the pairs reviewers confirmed (TMX for CAT tools, JSONL for scripts)."""
    if tmx is None and jsonl is None:
        raise AlignerError("nothing to write: give --tmx OUT.tmx and/or --jsonl OUT.jsonl")
    outputs = [p for p in (tmx, jsonl) if p is not None]
    if tmx is not None and jsonl is not None and _same(tmx, jsonl):
        raise InputFileError(str(tmx), "given as both --tmx and --jsonl; choose two file names")
    for out in outputs:
        if _same(out, project):
            raise InputFileError(str(out), "is the project file itself; choose another output file")
        if out.is_dir():
            raise InputFileError(str(out), "is a folder; give a file name")

    from ..settings import Settings
    from ..store import Project

    with Project.open(project, create=False, settings=Settings.from_env()) as proj:
        rows = proj.confirmed_pairs()
    from ..export.jsonl import export_jsonl
    from ..export.tmx import export_tmx

    for out, write in ((tmx, export_tmx), (jsonl, export_jsonl)):
        if out is None:
            continue
        try:
            n = write(rows, out)
        except OSError as e:
            raise InputFileError(str(out), f"cannot write it ({e.strerror or e})") from e
        console.print(f"wrote {n} confirmed pair{'s' if n != 1 else ''} to {out}",
                      highlight=False, markup=False, soft_wrap=True)
    if not rows:
        console.print("the project has no confirmed pairs yet: review matches in the workbench first",
                      highlight=False, markup=False, soft_wrap=True)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.expanduser().resolve() == b.expanduser().resolve()
    except OSError:
        return False
