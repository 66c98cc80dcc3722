"""``aligner align``: find each English quote's original and its other renderings."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ..review import confidence_band
from ._app import app
from ..errors import AlignerError
from ._common import console, esc, prepared_encoder, say, stage_progress

BAND_COLOURS = {"high": "green", "medium": "yellow", "low": "white", "none": "white"}
"""Colour of a match score in the table output, by confidence band."""

FORMATS = ("table", "jsonl", "tsv", "tmx")


class Format(str, Enum):
    table = "table"
    jsonl = "jsonl"
    tsv = "tsv"
    tmx = "tmx"


def _encoder_factory(model: str | None, settings):
    """The encoder, prepared under a progress bar (tests replace this with a fake)."""
    return prepared_encoder(model, settings)


@app.command("align")
def align_cmd(
    paths: list[Path] = typer.Argument(..., readable=False, help="Articles (.txt, .html, .md) or folders of them, in English, French and Arabic."),
    project: Optional[Path] = typer.Option(None, "--project", "-p", help="Project file (SQLite) that keeps documents, matches and review decisions. Created if missing."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Sentence-transformers model name or local path (default: the bundled multilingual-e5-small)."),
    top_k: int = typer.Option(3, "--top-k", "-k", min=1, help="Candidates kept per quote and kind."),
    min_score: Optional[float] = typer.Option(None, "--min-score", min=0.0, max=1.0, help="Only report matches scoring at least this (0..1). Default: the tuned threshold."),
    fmt: Optional[Format] = typer.Option(None, "--format", "-f", help="Output format: table (readable), jsonl, tsv or tmx. Default: table on a terminal, else jsonl."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of the terminal."),
) -> None:
    """Find each English quote's French or Arabic original and its other English renderings.

    Prints (or writes with -o) the matches scoring above the threshold. With
    --project, everything is kept in one file and review decisions survive re-runs.
    """
    from ..export.formats import write_pairs
    from ..io.output import check_output
    from ..pipeline import align_paths
    from ..settings import Settings

    settings = Settings.from_env()
    if fmt is None:
        fmt = Format.table if (output is None and sys.stdout.isatty()) else Format.jsonl
    if fmt is Format.tmx and (output is None or str(output) == "-"):
        raise typer.BadParameter("TMX output needs --output FILE", param_hint="--format")
    if fmt is Format.table and output is not None:
        raise typer.BadParameter("the table is for the terminal; use --format jsonl, tsv or tmx with --output",
                                 param_hint="--format")
    # checked before any work: never an input, the project, a device or a read-only folder
    out = check_output(output, inputs=paths, project=project)

    encoder = _encoder_factory(model, settings)
    proj = None
    if project is not None:
        from ..store import Project

        proj = Project.open(project, create=True, settings=settings)
    try:
        with stage_progress() as progress:
            result = align_paths([str(p) for p in paths], encoder, project=proj, top_k=top_k,
                                 min_score=min_score, settings=settings, progress=progress)
    finally:
        if proj is not None:
            proj.close()

    for err in result.errors:
        say(f"skipped: {err.message}")
    if not result.documents:
        # every input failed: write nothing (an existing -o file is left as it was)
        raise AlignerError("no article could be read" + (f" ({len(result.errors)} skipped)" if result.errors else "")
                           + "; nothing written")
    cands = sorted(result.candidates, key=lambda c: (c.source.doc, c.source.start, c.kind, c.rank))

    if fmt is Format.table:
        _print_table(cands, result.stats)
    else:
        write_pairs(cands, out, fmt.value)
        if not out.is_stdout:
            say(f"wrote {len(cands)} matches to {out.label}")
    s = result.stats
    say(f"{s.get('documents', 0)} documents, {s.get('article_pairs', 0)} source articles paired, "
        f"{s.get('source_quotes', 0)} English quotes, "
        f"{s.get('translation_candidates', 0)} translation and {s.get('variant_candidates', 0)} "
        f"variant matches" + (f"; project saved to {project}" if project else ""))
    if result.errors:
        raise typer.Exit(1)


def _print_table(cands, stats) -> None:
    from rich.table import Table

    table = Table(title="Quote matches", show_lines=True, expand=True)
    table.add_column("English quote", ratio=4)
    table.add_column("kind", no_wrap=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("match", ratio=4)
    table.add_column("where", ratio=2)
    for c in cands:
        if c.rank != 1:
            continue
        colour = BAND_COLOURS[confidence_band(c.score)]
        src = f"“{esc(_short(c.source.text))}”\n[dim]{esc(c.source.speaker or '?')} · {esc(Path(c.source.doc).name)}[/]"
        tgt = esc(_short(c.target.text if c.target.is_quote else c.target.sentence))
        table.add_row(src, c.kind, f"[{colour}]{c.score:.2f}[/]", tgt,
                      f"{esc(Path(c.target.doc).name)} ({esc(c.target.lang)})\n[dim]{esc(c.target.speaker or '')}[/]")
    console.print(table)


def _short(s: str, n: int = 220) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"
