"""``aligner mine``: find translation pairs between two one-sentence-per-line files."""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from ..export.formats.tsv import tsv_field
from ..io.output import check_output
from . import _engine
from ._app import app
from ._common import prepare_with_progress, progress_bar, say, stage_progress

MODE_HELP = ("Which candidates mining keeps: intersect (each other's best), max (both "
             "directions pooled, each sentence once), fwd or bwd (one direction).")


def make_encoder(model: str | None, settings):
    """The local engine's encoder; tests replace it with a fake encoder."""
    from ..embed import get_encoder

    return get_encoder(model, settings=settings)


def encoder_factory(model: str | None, settings, engine: str):
    """Zero-argument encoder factory: :func:`make_encoder` for the local engine; for Ray a
    picklable :class:`aligner.engine.EncoderSpec` (each actor makes its own encoder)."""
    if engine == "ray":
        from ..engine import EncoderSpec

        return EncoderSpec(model, settings=settings)
    return functools.partial(make_encoder, model, settings)


def format_pairs(pairs) -> str:
    """TSV lines ``score<TAB>src_index<TAB>tgt_index<TAB>src_text<TAB>tgt_text``."""
    return "".join(
        f"{p.score:.4f}\t{p.src_index}\t{p.tgt_index}\t{tsv_field(p.src_text)}\t{tsv_field(p.tgt_text)}\n"
        for p in pairs
    )


@app.command("mine")
def mine_cmd(
    src: Path = typer.Argument(..., readable=False, help="Source sentences, one per line (UTF-8): a file, a folder of files, or a glob such as 'corpus/*.en'."),
    tgt: Path = typer.Argument(..., readable=False, help="Target sentences, one per line (UTF-8), any language: a file, folder or glob."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the TSV to this file (atomically) instead of stdout."),
    threshold: str = typer.Option("auto", "--threshold", "-t", help="auto (the threshold tuned on UN dev), none (retrieval: every source line gets its best target), or a number such as 0.2 (higher = fewer, surer pairs)."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Sentence-transformers model name or local path (default: the bundled multilingual-e5-small)."),
    k: Optional[int] = typer.Option(None, "--k", min=1, help="Neighbours per side in the margin score (default: the tuned value)."),
    mode: Optional[str] = typer.Option(None, "--mode", help=MODE_HELP),
    engine: str = _engine.ENGINE_OPT,
    ray_address: Optional[str] = _engine.ADDRESS_OPT,
    workers: Optional[int] = _engine.WORKERS_OPT,
    work_dir: Optional[Path] = _engine.WORK_DIR_OPT,
    resume: bool = _engine.RESUME_OPT,
    shard_lines: Optional[int] = _engine.SHARD_LINES_OPT,
) -> None:
    """Pair each line of SRC with its translation in TGT.

    Output: one TSV line per pair, score<TAB>src_index<TAB>tgt_index<TAB>src_text<TAB>tgt_text,
    with 0-based line numbers (counted over a side's files in sorted order when it has several).
    With a threshold (mining) only pairs that pass are listed, best first; with --threshold none
    every non-blank SRC line gets its best TGT line, in SRC order.

    Embeddings go to shards on disk and mining searches them block by block, so memory stays
    bounded (settings mine_memory_budget_mb); --threshold none loads both sides in memory.
    """
    from ..engine import open_engine
    from ..engine.embedding import embed_sides, plan_embedding
    from ..engine.mining import MinedRows, mine_rows
    from ..engine.shards import expand_inputs
    from ..errors import ChoiceError
    from ..mine import MODES, parse_threshold, retrieve
    from ..settings import Settings

    settings = Settings.from_env()
    retrieval = threshold.strip().lower() == "none"
    try:  # a bad value is an error before any work
        thr = None if retrieval else parse_threshold(threshold, settings)
    except ChoiceError:
        raise ChoiceError("threshold", threshold,
                          ["auto", "none (retrieval)", "a number such as 0.2"]) from None
    if mode is not None and mode not in MODES:
        raise ChoiceError("mining mode", mode, list(MODES))
    out = check_output(output, inputs=[src, tgt], input_suffixes=None)
    _engine.check_engine_options(engine, ray_address, work_dir, resume)
    src_files, tgt_files = expand_inputs([src]), expand_inputs([tgt])
    factory = encoder_factory(model, settings, engine)
    lines_per_shard = shard_lines or settings.engine_shard_lines

    with _engine.work_folder(work_dir, "aligner-mine-") as work, \
            open_engine(engine, address=ray_address, workers=workers,
                        object_store_mb=settings.ray_object_store_mb) as eng:
        encoder = factory()  # encoders load lazily: this loads no model
        # builds what the first run needs (the int8 model) once, here, with a bar: Ray's
        # actors then load the built model, none of them builds it
        prepare_with_progress(encoder)
        key = _engine.encoder_key(encoder)
        if engine == "local":
            factory = lambda: encoder  # noqa: E731 - one encoder for both sides
        else:
            del encoder  # the driver never loads the model: each actor loads its own
        plans = [plan_embedding(files, work / sub, key=key, shard_lines=lines_per_shard,
                                skip_blank=True, max_bytes=settings.engine_max_file_bytes,
                                resume=resume, keep_texts=True, notes=_engine.note)
                 for files, sub in ((src_files, "src"), (tgt_files, "tgt"))]
        # both sides in one run: on Ray one actor pool, each actor loading its model once
        with _engine.shard_progress(f"Embedding {src.name} and {tgt.name}") as update:
            sides = embed_sides(eng, plans, factory, key=key,
                                max_bytes=settings.engine_max_file_bytes, progress=update,
                                work_dir=str(work_dir) if work_dir is not None else None)
        if work_dir is not None or engine != "local":  # what was reused, how fast
            for label, side in zip((src.name, tgt.name), sides):
                _engine.report_side(f"embedded {label}", side)
        s_side, t_side = sides
        factory = encoder = None  # noqa: F841 - the model is not needed any more: free it
        eng.release_models()
        if retrieval:
            import numpy as np

            with progress_bar("Scoring pairs"):
                pairs = retrieve(s_side.vectors.load(), t_side.vectors.load(), s_side.texts,
                                 t_side.texts, k=k, settings=settings)
            rows = MinedRows(np.array([p.score for p in pairs], np.float64),
                             np.array([p.src_index for p in pairs], np.int64),
                             np.array([p.tgt_index for p in pairs], np.int64))
            del pairs
        else:
            with stage_progress() as stage:
                rows = mine_rows(s_side.vectors, t_side.vectors, s_side.texts, t_side.texts,
                                 engine=eng, work=work / "mine", threshold=thr, k=k,
                                 mode=mode, settings=settings, progress=stage)
        for side in sides:
            side.texts.check_unchanged()
        with out.open("w") as fh:
            write_pairs(fh, rows, s_side.texts, t_side.texts)
    if not out.is_stdout:
        what = "lines" if retrieval else "pairs"
        say(f"wrote {len(rows)} {what} to {out.label}")


def write_pairs(fh, rows, src_texts, tgt_texts, block: int = 4096) -> None:
    """Write mined rows (:class:`aligner.engine.mining.MinedRows`) as TSV lines
    (:func:`format_pairs`), ``block`` pairs at a time: the texts are read from the
    input files for each block, and row numbers become the sides' line numbers."""
    for a in range(0, len(rows), block):
        pairs = rows.pairs(src_texts, tgt_texts, a, a + block)
        s_lines = src_texts.line_numbers(rows.src[a:a + block]).tolist()
        t_lines = tgt_texts.line_numbers(rows.tgt[a:a + block]).tolist()
        fh.write(format_pairs(replace(p, src_index=i, tgt_index=j)
                              for p, i, j in zip(pairs, s_lines, t_lines)))
