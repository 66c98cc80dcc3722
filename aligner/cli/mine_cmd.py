"""``aligner mine``: find translation pairs between two one-sentence-per-line files."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from ..export.formats.tsv import tsv_field
from ..io.output import check_output
from ._app import app
from ._common import progress_bar, say

MODE_HELP = ("Which candidates mining keeps: intersect (each other's best), max (both "
             "directions pooled, each sentence once), fwd or bwd (one direction).")


def make_encoder(model: str | None, settings):
    """Encoder factory; tests replace it with a fake encoder."""
    from ..embed import get_encoder

    return get_encoder(model, settings=settings)


def format_pairs(pairs) -> str:
    """TSV lines ``score<TAB>src_index<TAB>tgt_index<TAB>src_text<TAB>tgt_text``."""
    return "".join(
        f"{p.score:.4f}\t{p.src_index}\t{p.tgt_index}\t{tsv_field(p.src_text)}\t{tsv_field(p.tgt_text)}\n"
        for p in pairs
    )


def _embed(encoder, texts: list[str], label: str):
    with progress_bar(f"Embedding {label}", total=len(texts)) as update:
        return encoder.encode(texts, progress=update)


@app.command("mine")
def mine_cmd(
    src: Path = typer.Argument(..., readable=False, help="Source sentences, one per line (UTF-8)."),
    tgt: Path = typer.Argument(..., readable=False, help="Target sentences, one per line (UTF-8), any language."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the TSV to this file (atomically) instead of stdout."),
    threshold: str = typer.Option("auto", "--threshold", "-t", help="auto (the threshold tuned on UN dev), none (retrieval: every source line gets its best target), or a number such as 0.2 (higher = fewer, surer pairs)."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Sentence-transformers model name or local path (default: the bundled multilingual-e5-small)."),
    k: Optional[int] = typer.Option(None, "--k", min=1, help="Neighbours per side in the margin score (default: the tuned value)."),
    mode: Optional[str] = typer.Option(None, "--mode", help=MODE_HELP),
) -> None:
    """Pair each line of SRC with its translation in TGT.

    Output: one TSV line per pair, score<TAB>src_index<TAB>tgt_index<TAB>src_text<TAB>tgt_text,
    with 0-based line numbers. With a threshold (mining) only pairs that pass are listed, best
    first; with --threshold none every non-blank SRC line gets its best TGT line, in SRC order.
    """
    from ..errors import ChoiceError
    from ..io.lines import read_lines
    from ..mine import MODES, mine, parse_threshold
    from ..settings import Settings

    settings = Settings.from_env()
    thr = parse_threshold(threshold, settings)  # bad value -> ChoiceError before any work
    if mode is not None and mode not in MODES:
        raise ChoiceError("mining mode", mode, list(MODES))
    out = check_output(output, inputs=[src, tgt], input_suffixes=None)

    src_lines = read_lines(src, max_bytes=settings.max_file_bytes)
    tgt_lines = read_lines(tgt, max_bytes=settings.max_file_bytes)
    # blank lines keep their line numbers but are never paired
    src_rows = [i for i, t in enumerate(src_lines) if t.strip()]
    tgt_rows = [i for i, t in enumerate(tgt_lines) if t.strip()]
    src_texts = [src_lines[i] for i in src_rows]
    tgt_texts = [tgt_lines[i] for i in tgt_rows]

    encoder = make_encoder(model, settings)
    src_vecs = _embed(encoder, src_texts, src.name)
    tgt_vecs = _embed(encoder, tgt_texts, tgt.name)
    with progress_bar("Scoring pairs"):
        pairs = mine(src_vecs, tgt_vecs, src_texts, tgt_texts, k=k, threshold=thr, mode=mode,
                     settings=settings)
    pairs = [replace(p, src_index=src_rows[p.src_index], tgt_index=tgt_rows[p.tgt_index])
             for p in pairs]
    text = format_pairs(pairs)
    out.write_text(text)
    if not out.is_stdout:
        what = "pairs" if thr is not None else "lines"
        say(f"wrote {len(pairs)} {what} to {out.label}")
