"""Nearest-neighbour search over L2-normalised sentence vectors (FAISS).

Inner product on unit vectors is cosine similarity. Small sets use exact
search (``IndexFlatIP``); above ``settings.ivf_threshold`` vectors an
approximate index is built (``settings.index_kind``: IVF by default, or HNSW).

Arrays in, arrays out; no IO.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

import numpy as np

from .errors import ChoiceError, DimensionError
from .settings import SETTINGS, Settings

__all__ = ["INDEX_KINDS", "build_index", "check_matrix", "knn", "query_blocks", "set_threads"]

_MIN_BLOCK = 32  # FAISS switches from BLAS to a per-query loop below 20 queries


def query_blocks(n: int, block_rows: int) -> list[tuple[int, int]]:
    """``[a, b)`` row ranges of at most ``block_rows`` rows covering ``range(n)``
    (a tail shorter than 32 rows joins the block before it).

    Depends only on ``n`` and ``block_rows``: searching the same blocks gives
    bit-identical cosines, whoever runs them (BLAS rounds differently for
    different numbers of queries per call).
    """
    block_rows = max(1, int(block_rows))
    blocks = [(a, min(n, a + block_rows)) for a in range(0, n, block_rows)]
    if len(blocks) > 1 and blocks[-1][1] - blocks[-1][0] < _MIN_BLOCK:
        a, _ = blocks.pop()
        blocks[-1] = (blocks[-1][0], n)
    return blocks

_threads_set = False


def set_threads(n: int | None = None) -> int:
    """Let FAISS use ``n`` threads (default: the cores this process may use)."""
    import faiss

    global _threads_set
    if n is None:
        try:
            n = len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            n = os.cpu_count() or 1
    n = max(1, int(n))
    faiss.omp_set_num_threads(n)
    _threads_set = True
    return n


def _ensure_threads() -> None:
    if not _threads_set:
        set_threads()


def check_matrix(name: str, a: object, dim: int | None = None, *, other: str = "index") -> np.ndarray:
    """Validate an embedding matrix at a core boundary and return it unchanged.

    ``a`` must be a 2-D, C-contiguous float32 numpy array (n, dim); when
    ``dim`` is given its second axis must equal it. Raises
    :class:`DimensionError` with a message naming ``name``.
    """
    if not isinstance(a, np.ndarray):
        raise DimensionError(f"{name}: expected a numpy array, got {type(a).__name__}")
    if a.ndim != 2:
        raise DimensionError(f"{name}: expected a 2-D array (n, dim), got shape {a.shape}")
    if a.dtype != np.float32:
        raise DimensionError(f"{name}: expected dtype float32, got {a.dtype}")
    if not a.flags.c_contiguous:
        raise DimensionError(f"{name}: expected a C-contiguous array (use np.ascontiguousarray)")
    if dim is not None and a.shape[1] != dim:
        raise DimensionError(f"{name}: dimension {a.shape[1]} does not match {other} dimension {dim}")
    return a


def _check_k(k: object) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ChoiceError("k", k, ["an integer >= 1"])
    return int(k)


# --------------------------------------------------------------------- indexes

ADD_BLOCK = 65536
"""Rows added to an index at a time when they are read from disk (:func:`_add_rows`)."""


def _add_rows(index, vecs) -> None:
    """Add ``vecs`` (n, dim) float32 to ``index``: an array at once; anything that
    slices rows (vectors on disk, :mod:`aligner.engine`) a block at a time."""
    if isinstance(vecs, np.ndarray):
        index.add(vecs)
        return
    for a in range(0, len(vecs), ADD_BLOCK):
        index.add(np.ascontiguousarray(vecs[a:a + ADD_BLOCK], dtype=np.float32))


def _flat(vecs: np.ndarray, settings: Settings):
    import faiss

    index = faiss.IndexFlatIP(vecs.shape[1])
    if len(vecs):
        _add_rows(index, vecs)
    return index


def _ivf(vecs: np.ndarray, settings: Settings):
    import faiss

    n, dim = vecs.shape
    # ~4*sqrt(n) lists, but at least 39 training points per list (FAISS' minimum)
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    cap = 256 * nlist  # FAISS samples this many anyway; do it reproducibly
    if n > cap:
        rng = np.random.default_rng(0)
        train = np.ascontiguousarray(vecs[np.sort(rng.choice(n, cap, replace=False))])
    else:
        train = vecs if isinstance(vecs, np.ndarray) else np.ascontiguousarray(vecs[0:n], np.float32)
    index.cp.seed = 1234
    index.train(train)
    del train
    _add_rows(index, vecs)
    index.nprobe = max(1, min(settings.ivf_nprobe, nlist))
    index.quantizer_trains_alone = 0
    return index


def _hnsw(vecs: np.ndarray, settings: Settings):
    import faiss

    index = faiss.IndexHNSWFlat(vecs.shape[1], settings.hnsw_m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = max(40, settings.hnsw_ef_search)
    _add_rows(index, vecs)
    index.hnsw.efSearch = settings.hnsw_ef_search
    return index


INDEX_KINDS: dict[str, Callable] = {"flat": _flat, "ivf": _ivf, "hnsw": _hnsw}
"""Index builders by name; ``auto`` picks flat below ``ivf_threshold``, else ``ivf``."""


def build_index(vecs: np.ndarray, *, kind: str | None = None, settings: Settings | None = None):
    """Build a FAISS inner-product index over ``vecs``.

    vecs: (n, dim) float32, C-contiguous, rows L2-normalised (n may be 0).
    kind: "auto" (default from settings), "flat", "ivf" or "hnsw". ``auto``
    gives exact search up to ``settings.ivf_threshold`` vectors and
    ``settings.index_kind`` above it (IVF with nlist ~ 4*sqrt(n)).
    """
    s = settings or SETTINGS
    check_matrix("vecs", vecs)
    _ensure_threads()
    kind = kind or "auto"
    if kind == "auto":
        kind = "flat" if len(vecs) <= s.ivf_threshold else s.index_kind
    if kind not in INDEX_KINDS:
        raise ChoiceError("index kind", kind, ["auto", *INDEX_KINDS])
    if len(vecs) == 0 or (kind == "ivf" and len(vecs) < 39):
        kind = "flat"  # nothing to train on
    return INDEX_KINDS[kind](vecs, s)


def knn(index_or_vecs, queries: np.ndarray, k: int, *, settings: Settings | None = None,
        block_rows: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` most similar indexed vectors of each query.

    index_or_vecs: a FAISS index from :func:`build_index`, or the (n, dim)
    float32 vectors themselves (an index is built on the fly).
    queries: (nq, dim) float32, C-contiguous, searched in blocks of
    ``block_rows`` (default ``settings.search_block_rows``; :func:`query_blocks`).
    Returns ``(sims, ids)``: (nq, k') float32 similarities, best first, and
    (nq, k') int64 row ids, where k' = min(k, n). With an approximate index a
    query may get fewer than k' hits; missing slots hold id -1 and sim -inf.
    """
    k = _check_k(k)
    if isinstance(index_or_vecs, np.ndarray):
        index = build_index(index_or_vecs, settings=settings)
    else:
        index = index_or_vecs
    check_matrix("queries", queries, index.d)
    _ensure_threads()
    n = int(index.ntotal)
    kk = min(k, n)
    nq = len(queries)
    if kk == 0 or nq == 0:
        return np.zeros((nq, kk), np.float32), np.zeros((nq, kk), np.int64)
    s = settings or SETTINGS
    sims = np.empty((nq, kk), np.float32)
    ids = np.empty((nq, kk), np.int64)
    for a, b in query_blocks(nq, block_rows or s.search_block_rows):
        sims[a:b], ids[a:b] = index.search(queries[a:b], kk)
    missing = ids < 0
    if missing.any():
        sims[missing] = -np.inf
        ids[missing] = -1
    return sims, ids
