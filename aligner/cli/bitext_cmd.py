"""``aligner bitext``: align an article and its translation sentence by sentence."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from ._app import app
from ._common import prepared_encoder, say, stage_progress


class Overlaps(str, Enum):
    needed = "needed"
    all = "all"
    none = "none"


class BeadFormat(str, Enum):
    jsonl = "jsonl"
    tsv = "tsv"
    tmx = "tmx"


def _encoder_factory(model: str | None, settings):
    """The encoder, prepared under a progress bar (tests replace this with a fake)."""
    return prepared_encoder(model, settings)


@app.command("bitext")
def bitext_cmd(
    src: Path = typer.Argument(..., help="The source text: an article (.txt, .html, .md), or with --lines one sentence per line."),
    tgt: Path = typer.Argument(..., help="Its translation, in the same form."),
    lines: bool = typer.Option(False, "--lines", help="Both files have one sentence per line, used as they are (ids are 0-based line numbers; blank lines separate paragraphs)."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Sentence-transformers model name or local path (default: the bundled multilingual-e5-small)."),
    fmt: BeadFormat = typer.Option(BeadFormat.jsonl, "--format", "-f", help="jsonl (default), tsv, or tmx (needs --output)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (atomically) instead of the terminal."),
    project: Optional[Path] = typer.Option(None, "--project", "-p", help="Also keep the article pair and its beads in this project file, for review. Created if missing."),
    src_lang: Optional[str] = typer.Option(None, "--src-lang", help="Language code of SRC (default: detected; detection knows en, fr, ar)."),
    tgt_lang: Optional[str] = typer.Option(None, "--tgt-lang", help="Language code of TGT (default: detected)."),
    overlaps: Overlaps = typer.Option(Overlaps.needed, "--overlaps", help="Which runs of 2-3 consecutive sentences are embedded to judge 1-2, 2-1, 2-2... beads: 'needed' (default: the sentences first, then the runs around the beads that are not confident 1-1), 'all' (every run: 3 times the model work of the sentences alone), 'none' (runs averaged from their sentences: fastest, less accurate)."),
    fast: bool = typer.Option(False, "--fast", help="Same as --overlaps none."),
) -> None:
    """Align two whole texts in order: 1-1, 1-2, 2-1, 2-2, 1-3, 3-1 beads, and 1-0 / 0-1 for
    sentences with no counterpart. One bead per line, in text order."""
    from ..bitext_run import align_sides, read_side
    from ..errors import AlignerError
    from ..export.beads import dumps_beads
    from ..io.output import check_output
    from ..settings import Settings

    settings = Settings.from_env()
    if fmt is BeadFormat.tmx and (output is None or str(output) == "-"):
        raise typer.BadParameter("TMX output needs --output FILE", param_hint="--format")
    out = check_output(output, inputs=[src, tgt], project=project)

    encoder = _encoder_factory(model, settings)
    with stage_progress() as progress:
        progress("read", 0, 2)
        s_side = read_side(src, lines=lines, lang=src_lang, settings=settings)
        progress("read", 1, 2)
        t_side = read_side(tgt, lines=lines, lang=tgt_lang, settings=settings)
        progress("read", 2, 2)
        if fmt is BeadFormat.tmx:
            for side, opt in ((s_side, "--src-lang"), (t_side, "--tgt-lang")):
                if side.lang in ("", "und"):
                    raise AlignerError(f"{side.path}: the language could not be detected; give it with {opt} "
                                       "(TMX needs both languages)")
        mode = Overlaps.none if fast else overlaps
        result = align_sides(s_side, t_side, encoder, progress=progress, overlaps=mode.value)
        if project is not None:
            from ..store import Project

            progress("save", 0, 1)
            with Project.open(project, create=True, settings=settings) as proj:
                pair_id = proj.save_pair(result, model=encoder.name)
            progress("save", 1, 1)

    data = dumps_beads(result.rows(), fmt.value, srclang=s_side.lang, tgtlang=t_side.lang,
                       src_doc=s_side.path, tgt_doc=t_side.path)
    out.write_bytes(data)
    beads = result.beads
    kinds: dict[str, int] = {}
    for b in beads:
        kinds[b.kind] = kinds.get(b.kind, 0) + 1
    summary = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]))
    where = "" if out.is_stdout else f" to {out.label}"
    say(f"{len(s_side.sentences)} + {len(t_side.sentences)} sentences ({s_side.lang}, {t_side.lang}): "
        f"wrote {len(beads)} beads{where} ({summary})"
        + (f"; article pair {pair_id} saved to {project}" if project is not None else ""))
