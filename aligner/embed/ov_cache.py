"""OpenVINO's compile cache, kept to a size limit.

OpenVINO writes one compiled blob per (graph, compile options) into the
folder given as ``CACHE_DIR``; reading it back makes a later load of the
int8 sentence graph about 1.3 s faster (2 cores; ``bench/ov_compile_cache.py``)
than compiling again. Left alone the folder only grows: every thread count,
precision or graph adds a blob of 200-400 MB (one user cache had reached 5.4 GB).

So each (graph, options) gets a sub-folder of its own,
``<cache root>/openvino-cache/<key>/``, whose time stamp records its last
use. Before a compile, the least recently used sub-folders are removed
until the whole cache, with room for the blob about to be written (an
estimate), fits within ``Settings.ov_cache_mb`` (``ALIGNER_OV_CACHE_MB``;
0 turns the cache off); after it, :func:`settle` does the same with the
blob's real size (an int8 graph compiled for bf16 writes 3.4 times its
weights file). :func:`compile_with_cache` does all three steps.
Loose files left at the top by earlier versions are removed first. A
sub-folder used in the last :data:`MIN_AGE_S` seconds (one minute) is never
removed, as another process may be writing or reading it: only these can
take the cache past its limit. Failures (read-only disk, a file in use)
are never fatal: the graph is then compiled without the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path

MIN_AGE_S = 60.0
"""A sub-folder used this recently is left alone by pruning: another process may be compiling
into it or reading it back (both take seconds). Only these can take the cache past its limit."""

STAMP = ".last-used"


def cache_folder() -> Path:
    """``<cache root>/openvino-cache`` (not created here)."""
    from .cache import cache_root

    return cache_root() / "openvino-cache"


def cache_key(graph: str | os.PathLike, options: Mapping[str, object], extra: str = "") -> str:
    """A stable name for one compile: the graph file (path, size, modification time), the
    compile options and ``extra`` (e.g. the layer a graph is cut at)."""
    path = Path(graph).resolve()
    try:
        st = path.stat()
        ident = [str(path), st.st_size, st.st_mtime_ns]
    except OSError:
        ident = [str(path)]
    blob = json.dumps([ident, sorted((str(k), str(v)) for k, v in options.items()), extra])
    return hashlib.sha1(blob.encode("utf-8")).hexdigest()[:16]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += (Path(dirpath) / name).stat().st_size
            except OSError:
                pass
    return total


def _last_used(folder: Path) -> float:
    try:
        return (folder / STAMP).stat().st_mtime
    except OSError:
        try:
            return folder.stat().st_mtime
        except OSError:
            return 0.0


def cache_size(root: Path | None = None) -> int:
    """Bytes under the compile cache (0 when it does not exist)."""
    root = Path(root) if root is not None else cache_folder()
    return _size(root) if root.exists() else 0


def prune(root: Path, limit_bytes: int, *, keep: Path | None = None, reserve: int = 0,
          now: float | None = None, min_age_s: float | None = None) -> list[Path]:
    """Remove loose files, then least recently used sub-folders of ``root``, until what is
    left plus ``reserve`` bytes fits within ``limit_bytes``. ``keep`` and sub-folders used in
    the last ``min_age_s`` seconds are never removed. Returns what was removed."""
    if not root.is_dir():
        return []
    now = time.time() if now is None else now
    min_age_s = MIN_AGE_S if min_age_s is None else min_age_s
    entries = []
    for child in root.iterdir():
        if keep is not None and child == keep:
            continue
        entries.append(child)
    sizes = {e: _size(e) for e in entries}
    kept = _size(keep) if keep is not None and keep.exists() else 0
    total = kept + sum(sizes.values()) + int(reserve)
    removed: list[Path] = []
    loose = [e for e in entries if not e.is_dir()]
    folders = sorted((e for e in entries if e.is_dir()), key=_last_used)
    for entry in loose + folders:
        if total <= limit_bytes:
            break
        if entry.is_dir() and now - _last_used(entry) < min_age_s:
            continue
        try:
            if entry.is_dir():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        total -= sizes[entry]
        removed.append(entry)
    return removed


def _limit_bytes(limit_mb: int) -> int:
    return int(limit_mb) * 1024 * 1024


def compile_cache_for(graph: str | os.PathLike, options: Mapping[str, object], limit_mb: int,
                      *, extra: str = "", root: Path | None = None) -> Path | None:
    """The folder to give OpenVINO as ``CACHE_DIR`` for this compile, after pruning the cache
    to ``limit_mb`` megabytes; None when the limit is 0 or the cache cannot be written."""
    limit = _limit_bytes(limit_mb)
    if limit <= 0:
        return None
    root = Path(root) if root is not None else cache_folder()
    folder = root / cache_key(graph, options, extra)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # room for the blob about to be written: about twice the graph's weights file
        # (int8: 119 MB of weights, a 235 MB blob; fp16: 235 MB, a 408 MB blob)
        reserve = 0 if any(folder.glob("*.blob")) else 2 * _graph_weights(Path(graph))
        prune(root, limit, keep=folder, reserve=reserve)
        (folder / STAMP).touch()
    except OSError:
        return None
    if reserve and cache_size(root) + reserve > limit:
        return None  # the cache is full of blobs in use elsewhere: compile without it
    return folder


def _graph_weights(graph: Path) -> int:
    weights = graph.with_suffix(".bin")
    try:
        return weights.stat().st_size
    except OSError:
        return 0


def settle(folder: Path | None, limit_mb: int) -> list[Path]:
    """After a compile into ``folder`` (from :func:`compile_cache_for`): prune the rest of the
    cache so that it fits within ``limit_mb`` with the blob just written. Returns what was removed."""
    limit = _limit_bytes(limit_mb)
    if folder is None or limit <= 0:
        return []
    try:
        return prune(folder.parent, limit, keep=folder)
    except OSError:
        return []


def compile_with_cache(core, model, graph: str | os.PathLike, options: Mapping[str, object],
                       limit_mb: int, *, extra: str = ""):
    """``core.compile_model(model, "CPU", options)`` (``core``: an ``openvino.Core``; ``model``:
    a graph file or an ``openvino.Model`` made from ``graph``) with this compile's cache folder,
    the cache pruned before and after (:func:`settle`). Returns (compiled model, the folder, or
    None when compiled without the cache)."""
    folder = compile_cache_for(graph, options, limit_mb, extra=extra)
    if folder is not None:
        try:
            core.set_property({"CACHE_DIR": str(folder)})
        except (OSError, RuntimeError):
            folder = None
    compiled = core.compile_model(model, "CPU", dict(options))
    settle(folder, limit_mb)
    return compiled, folder
