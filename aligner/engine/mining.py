"""Mining from vectors on disk, block by block, in memory bounded by the budget
and one block, whatever the corpus size.

The same steps and the same functions as :func:`aligner.mine.mine`, with
the vectors and every per-row array streamed instead of held:

1. centre each side (:func:`aligner.margin.centring_mean`, which sums in
   fixed blocks, and :func:`aligner.margin.center_for_mining`), writing the
   centred side to ``WORK/<side>.centred.npy`` a block at a time;
2. index one side (:func:`plan_index`): if its vectors fit
   ``settings.mine_memory_budget_mb``, the index
   :func:`aligner.search.build_index` builds in memory (flat up to
   ``ivf_threshold`` rows, IVF above); otherwise IVF-PQ trained once on a
   sample (at most half the budget), its codes split into **index shards**
   that each fit the budget, built one at a time;
3. search the other side's blocks of ``settings.search_block_rows`` rows
   in each shard in turn (in parallel Ray tasks with ``--engine ray``; one
   index handle per shard), IVF-PQ hits re-ranked by exact cosine read
   from disk, each shard's top-k merged with the shards before it through
   files; nearest lists written to ``WORK/fwd.*.npy`` / ``WORK/bwd.*.npy``;
   then the other direction;
4. neighbourhood means of each row, written per block to
   ``WORK/<side>.mean.npy``;
5. score each block with :func:`aligner.margin.score_neighbours` (the other
   side's means read for just the block's candidates) and the number check
   (:func:`aligner.margin.penalise_number_sets`, in sub-blocks of
   :data:`NUMBER_BLOCK` rows), keeping each row's best candidate in
   ``WORK/<fwd|bwd>.best-*.npy`` (:class:`aligner.mine.BestRows` of on-disk
   columns);
6. select pairs with :func:`aligner.mine.select_blocks` a block at a time
   (a mode that needs the other side reads its best ids for just the rows
   it needs), sorted best first by an external merge sort
   (:func:`external_sort`: sorted runs of ``settings.mine_sort_run_rows``
   pairs on disk, merged k ways) into ``WORK/pairs.bin``, which the caller
   reads a block at a time (:class:`MinedRows`).

Memory (``d`` dims, ``c`` = mine_candidates, ``B`` = search_block_rows):
one index shard (at most the budget; while IVF-PQ is trained, its sample,
at most half the budget or 9,984 rows), one block of queries and its
neighbours (B x (d + c x 12) bytes, plus the re-ranked rows of 256 queries),
one sorted run (20 bytes a pair) and the merge's read buffers (65,536
pairs), the number sets of :data:`NUMBER_BLOCK` rows and their candidates;
and, for mode ``max`` only, one bit a row of each side (12.5 MB at 100 M
rows). Nothing else grows with the corpus: no text is held (numbers come
from a :class:`aligner.engine.texts.NumberTable` on disk, the pairs' texts
are read back from the input files by the caller a block at a time), and
files in the work folder are written in sequence and read a block at a
time, never kept mapped: the pages read stay in the system's file cache,
not in this process.
"""


from __future__ import annotations

import functools
import heapq
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ChoiceError, DimensionError
from ..margin import (Candidates, center_for_mining, centring_mean, get_margin, neighbour_means,
                      penalise_number_sets, score_neighbours)
from ..mine import BestRows
from ..records import MinedPair
from ..search import INDEX_KINDS, check_matrix, knn, query_blocks
from ..settings import SETTINGS, Settings
from .texts import NumberTable

__all__ = ["IndexPlan", "MinedRows", "NpyRows", "NpyWriter", "PairFile", "StageProgress",
           "build_search_index", "external_sort", "index_shards", "merge_topk", "mine_rows",
           "mine_vectors", "plan_index", "query_blocks", "search_block", "write_centred"]

StageProgress = Callable[[str, int, int], None]
"""progress(stage, done, total)."""


class NpyRows:
    """Rows of a 2-D ``.npy`` file, read on demand: ``r[a:b]`` or ``r[index_array]``
    return in-memory copies. The file is mapped for at most :attr:`SPAN` rows of a
    slice or :attr:`PICK` rows of an index array at a time, so the pages a read
    touches leave this process's resident set as soon as they are copied (they
    stay in the system's file cache): a sample spread over the whole file does
    not make the whole file resident."""

    SPAN = 16_384
    PICK = 4_096

    def __init__(self, path: str | Path):
        from .shards import npy_shape

        self.path = Path(path)
        shape, self.dtype = npy_shape(self.path)
        self.shape = tuple(int(x) for x in shape)

    def __len__(self) -> int:
        return self.shape[0]

    def _map(self):
        return np.load(self.path, mmap_mode="r", allow_pickle=False)

    def __getitem__(self, key) -> np.ndarray:
        if isinstance(key, slice) and key.indices(self.shape[0])[2] == 1:
            a, b, _ = key.indices(self.shape[0])
            out = np.empty((max(0, b - a), *self.shape[1:]), self.dtype)
            for s in range(a, b, self.SPAN):
                arr = self._map()
                out[s - a:min(b, s + self.SPAN) - a] = arr[s:min(b, s + self.SPAN)]
                del arr
            return out
        if isinstance(key, slice):
            key = np.arange(*key.indices(self.shape[0]))
        idx = np.asarray(key)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        flat = idx.astype(np.int64, copy=False).ravel()
        out = np.empty((len(flat), *self.shape[1:]), self.dtype)
        order = np.argsort(flat, kind="stable")  # each mapping reads nearby rows
        for s in range(0, len(flat), self.PICK):
            sel = order[s:s + self.PICK]
            arr = self._map()
            out[sel] = arr[flat[sel]]
            del arr
        return out.reshape(*idx.shape, *self.shape[1:])


class NpyWriter:
    """Writes a ``.npy`` of a known shape a block of rows at a time, in order."""

    def __init__(self, path: Path, dtype, shape: tuple[int, ...]):
        self.path, self.dtype, self.shape = Path(path), np.dtype(dtype), tuple(shape)
        self._fh = open(self.path, "wb")
        np.lib.format.write_array_header_1_0(self._fh, {
            "descr": np.lib.format.dtype_to_descr(self.dtype), "fortran_order": False,
            "shape": self.shape})
        self.rows = 0

    def write(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, dtype=self.dtype)
        if block.shape[1:] != self.shape[1:]:
            raise DimensionError(f"{self.path.name}: block of shape {block.shape}, rows of {self.shape[1:]}")
        self._fh.write(block.tobytes())
        self.rows += len(block)

    def close(self) -> Path:
        self._fh.close()
        if self.rows != self.shape[0]:
            raise DimensionError(f"{self.path.name}: {self.rows} rows written of {self.shape[0]}")
        return self.path


def write_centred(vectors, path: Path, settings: Settings, block_rows: int) -> Path:
    """Write ``vectors`` (n, dim) float32 (array, :class:`ShardedVectors` or
    :class:`NpyRows`), centred as mining centres them, to ``path`` (.npy) a block at a time."""
    mean = centring_mean(vectors, settings)
    n, dim = len(vectors), vectors.shape[1]
    out = NpyWriter(path, np.float32, (n, dim))
    for a, b in query_blocks(n, block_rows):
        out.write(center_for_mining(np.ascontiguousarray(vectors[a:b], dtype=np.float32), mean))
    return out.close()


def _pq_shape(n: int, dim: int) -> tuple[int, int]:
    """(sub-quantizers, bits): about 8 dimensions per byte-sized code."""
    m = next(m for m in range(max(1, dim // 8), 0, -1) if dim % m == 0)
    nbits = 8 if n >= 256 * 39 else max(4, min(8, int(math.log2(max(16, n // 39)))))
    return m, nbits


SHARD_FLOOR = 1024
"""Fewest key rows in an index shard (however small the budget)."""


@dataclass(frozen=True)
class IndexPlan:
    """How one side's n keys are indexed.

    whole: one index over all keys as :func:`aligner.search.build_index`
    builds it in memory (exact cosines; the keys fit the budget); otherwise
    IVF-PQ with ``nlist`` lists and ``m`` x ``nbits``-bit codes, trained on
    ``sample`` rows, its codes in ``shards``: ``[a, b)`` key rows each,
    every shard within the budget.
    """

    whole: bool
    shards: tuple[tuple[int, int], ...]
    nlist: int = 0
    m: int = 0
    nbits: int = 0
    sample: int = 0


def _budget_bytes(settings: Settings, budget_mb: int | None) -> int:
    return int(settings.mine_memory_budget_mb if budget_mb is None else budget_mb) * 1024 * 1024


def plan_index(n: int, dim: int, settings: Settings, *, budget_mb: int | None = None,
               shard: bool = True) -> IndexPlan:
    """The :class:`IndexPlan` of ``n`` keys of ``dim`` dims within ``budget_mb`` (default
    ``settings.mine_memory_budget_mb``).

    IVF-PQ: nlist = 4 sqrt(n), at most n / 39 and at most (training rows) / 39,
    where the training sample takes at most half the budget (or 9,984 rows, what
    8-bit codes need); a shard holds at most (budget - centroids - codebooks) /
    (2 x (code + id bytes)) rows (FAISS's lists may reserve up to twice what
    they hold), or ``settings.mine_index_shard_rows``. ``shard`` False: one IVF-PQ
    index over all keys.
    """
    budget = _budget_bytes(settings, budget_mb)
    forced = int(settings.mine_index_shard_rows)
    if n * dim * 4 <= budget and (forced <= 0 or n <= forced or not shard):
        return IndexPlan(True, ((0, n),))
    half_budget_rows = budget // (2 * dim * 4)  # training rows in half the budget
    train_cap = max(256 * 39, half_budget_rows)
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39, train_cap // 39))
    m, nbits = _pq_shape(n, dim)
    sample = min(n, max(nlist * 39, 2 ** nbits * 39, min(256 * nlist, half_budget_rows)))
    if not shard:
        rows = n
    elif forced > 0:
        rows = forced
    else:
        per_row = 2 * ((m * nbits + 7) // 8 + 8)
        fixed = nlist * dim * 4 + dim * 2 ** nbits * 4
        rows = max(SHARD_FLOOR, (budget - fixed) // per_row)
    shards = tuple((a, min(n, a + rows)) for a in range(0, n, max(1, rows)))
    return IndexPlan(False, shards, nlist, m, nbits, sample)


def _train_ivfpq(keys, plan: IndexPlan, settings: Settings):
    """An empty IVF-PQ index over ``keys`` (n, dim) trained on a seeded sample of ``plan.sample`` rows."""
    import faiss

    n, dim = keys.shape
    index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, plan.nlist, plan.m, plan.nbits,
                             faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, plan.sample, replace=False))
    index.cp.seed = 1234
    index.train(np.ascontiguousarray(keys[sample], dtype=np.float32))
    del sample
    index.nprobe = max(1, min(settings.ivf_nprobe, plan.nlist))
    return index


def _add_keys(index, keys, a: int, b: int, block_rows: int) -> None:
    for s in range(a, b, max(1, block_rows)):
        e = min(b, s + block_rows)
        index.add_with_ids(np.ascontiguousarray(keys[s:e], dtype=np.float32),
                           np.arange(s, e, dtype=np.int64))


def _whole_index(keys, settings: Settings):
    n = len(keys)
    kind = "flat" if n <= settings.ivf_threshold else settings.index_kind
    if n == 0 or (kind == "ivf" and n < 39):
        kind = "flat"
    if isinstance(keys, np.ndarray):
        check_matrix("keys", keys)
    return INDEX_KINDS[kind](keys, settings)


def build_search_index(keys, settings: Settings, block_rows: int, *, budget_mb: int | None = None):
    """(index, exact) over all of ``keys`` (n, dim) float32: an array or :class:`NpyRows`.

    Within ``budget_mb`` (default ``settings.mine_memory_budget_mb``; n *
    dim * 4 bytes): the index :func:`aligner.search.build_index` builds in
    memory (exact=True: its cosines are final). Past it: one IVF-PQ index
    (:func:`plan_index`), codes added block by block (exact=False: its hits
    are re-ranked from ``keys`` by :func:`search_block`). Mining indexes a
    side in shards instead (:func:`index_shards`).
    """
    plan = plan_index(*keys.shape, settings, budget_mb=budget_mb, shard=False)
    if plan.whole:
        return _whole_index(keys, settings), True
    index = _train_ivfpq(keys, plan, settings)
    _add_keys(index, keys, 0, len(keys), block_rows)
    return index, False


def index_shards(keys, settings: Settings, block_rows: int, *, budget_mb: int | None = None
                 ) -> list[tuple[int, int, Callable[[], tuple[object, bool]]]]:
    """The index shards of ``keys`` (n, dim): ``(a, b, build)`` for each, ``build()``
    giving (index, exact) over key rows ``[a, b)`` (ids are key rows), built when
    called so that one shard is in memory at a time. One shard when the keys fit
    the budget (the index of :func:`build_search_index`); otherwise IVF-PQ trained
    once, here (:func:`plan_index`)."""
    plan = plan_index(*keys.shape, settings, budget_mb=budget_mb)
    if plan.whole:
        return [(0, len(keys), lambda: (_whole_index(keys, settings), True))]
    trained = _train_ivfpq(keys, plan, settings)

    def build(a: int, b: int):
        import faiss

        index = faiss.clone_index(trained)
        index.nprobe = trained.nprobe
        _add_keys(index, keys, a, b, block_rows)
        return index, False

    return [(a, b, functools.partial(build, a, b)) for a, b in plan.shards]


def search_block(index, queries: np.ndarray, depth: int, keys, refine: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Nearest ``depth`` keys of each query, as :func:`aligner.search.knn`.

    queries: (b, dim) float32. ``keys`` None: the index's own results.
    Otherwise (approximate IVF-PQ index) ``depth * refine`` hits are
    fetched and re-ranked by their exact cosine with ``keys`` (n, dim), an
    array or :class:`NpyRows` read from disk. Returns (sims (b, k')
    float32, ids (b, k') int64).
    """
    whole = max(1, len(queries))  # the caller's block is searched in one call
    if keys is None:
        return knn(index, queries, depth, block_rows=whole)
    want = min(depth, int(index.ntotal))
    sims, ids = knn(index, queries, min(int(index.ntotal), depth * max(1, refine)), block_rows=whole)
    out_s = np.full((len(queries), want), -np.inf, np.float32)
    out_i = np.full((len(queries), want), -1, np.int64)
    for a in range(0, len(queries), 256):
        cand = ids[a:a + 256]
        valid = cand >= 0
        flat = np.maximum(cand, 0).ravel()
        order = np.argsort(flat, kind="stable")  # read the file in row order
        rows = np.empty((len(flat), queries.shape[1]), np.float32)
        rows[order] = keys[flat[order]]
        exact = np.einsum("qd,qkd->qk", queries[a:a + 256],
                          rows.reshape(cand.shape[0], cand.shape[1], -1)).astype(np.float32)
        exact[~valid] = -np.inf
        best = np.argsort(-exact, axis=1, kind="stable")[:, :want]
        out_s[a:a + 256] = np.take_along_axis(exact, best, axis=1)
        out_i[a:a + 256] = np.where(np.take_along_axis(valid, best, axis=1),
                                    np.take_along_axis(cand, best, axis=1), -1)
    return out_s, out_i


def merge_topk(sims: Sequence[np.ndarray], ids: Sequence[np.ndarray], k: int
               ) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` best of each row over several (b, k_i) hit lists of the same queries
    (sims float32, ids int64, -1/-inf: no hit): by similarity, ties by the larger id
    first (FAISS's order), missing hits last. Returns (b, k) float32 / int64."""
    s = np.concatenate(sims, axis=1)
    i = np.concatenate(ids, axis=1)
    order = np.lexsort((-i, -s), axis=1)[:, :k]
    out_s, out_i = _pad_hits(np.take_along_axis(s, order, axis=1),
                             np.take_along_axis(i, order, axis=1), k)
    return out_s.astype(np.float32, copy=False), out_i.astype(np.int64, copy=False)


def _pad_hits(sims: np.ndarray, ids: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Hit lists (b, k') widened to k columns with no-hit entries (-inf / -1) where k' < k."""
    if sims.shape[1] >= k:
        return sims, ids
    pad = ((0, 0), (0, k - sims.shape[1]))
    return np.pad(sims, pad, constant_values=-np.inf), np.pad(ids, pad, constant_values=-1)


def _search(engine, keys_path: Path, queries_path: Path, depth: int, out: Path, settings: Settings,
            block_rows: int, progress: StageProgress, stage: str) -> tuple[Path, Path]:
    """Search ``queries_path``'s rows among ``keys_path``'s, one index shard at a time;
    nearest lists written to ``out``.sims.npy / .ids.npy (n_q, k') in order (k' =
    min(depth, keys)). With several shards each shard's hits are merged
    (:func:`merge_topk`) with those of the shards before it, read back a block at a
    time from the previous shard's files. Returns the paths."""
    keys = NpyRows(keys_path)
    n_q = len(NpyRows(queries_path))
    want = min(depth, len(keys))
    blocks = query_blocks(n_q, block_rows)
    progress(f"Indexing for {stage}", 0, 1)
    shards = index_shards(keys, settings, block_rows, budget_mb=engine.index_budget_mb(settings))
    prev: tuple[Path, Path] | None = None
    for s, (_a, _b, build) in enumerate(shards):
        last = s == len(shards) - 1
        what = f"{stage}" if len(shards) == 1 else f"{stage}, index shard {s + 1} of {len(shards)}"
        progress(f"Indexing for {what}", 0, 1)
        index, exact = build()
        handle = engine.share_index(index, Path(f"{out}.{s}.faiss"))
        del index  # the engine's handle keeps what the search needs
        progress(f"Indexing for {what}", 1, 1)
        stem = str(out) if last else f"{out}.part{s % 2}"
        sims = NpyWriter(Path(f"{stem}.sims.npy"), np.float32, (n_q, want))
        ids = NpyWriter(Path(f"{stem}.ids.npy"), np.int64, (n_q, want))
        before = None if prev is None else (NpyRows(prev[0]), NpyRows(prev[1]))
        done = 0
        progress(f"Searching {what}", 0, n_q)
        try:
            for a, b, bs, bi in engine.knn(handle, str(queries_path), blocks, depth,
                                           None if exact else str(keys_path),
                                           settings.mine_pq_refine):
                if before is not None:
                    bs, bi = merge_topk([before[0][a:b], bs], [before[1][a:b], bi], want)
                else:  # an approximate index may return fewer hits
                    bs, bi = _pad_hits(bs, bi, want)
                sims.write(bs)
                ids.write(bi)
                done += b - a
                progress(f"Searching {what}", done, n_q)
        finally:
            del handle
        prev = (sims.close(), ids.close())
    for part in (0, 1):
        for kind in ("sims", "ids"):
            Path(f"{out}.part{part}.{kind}.npy").unlink(missing_ok=True)
    assert prev is not None
    return prev


def _means(sims_path: Path, k: int, blocks, path: Path) -> NpyRows:
    """Each row's neighbourhood mean (:func:`neighbour_means` of its first ``k``
    cosines), written to ``path`` (n,) float32 a block at a time."""
    sims = NpyRows(sims_path)
    out = NpyWriter(path, np.float32, (len(sims),))
    for a, b in blocks:
        out.write(neighbour_means(sims[a:b][:, :k]))
    return NpyRows(out.close())


NUMBER_BLOCK = 2048
"""Query rows whose number sets (and their candidates') are read at a time."""


def _number_check(q_nums: NumberTable, key_nums: NumberTable, weight: float, c: Candidates,
                  a: int, b: int) -> Candidates:
    """Candidates of query rows ``[a, b)`` less the number penalty, :data:`NUMBER_BLOCK`
    rows at a time (their numbers and their candidates' numbers read from the tables
    for those rows only)."""
    parts = []
    for s in range(0, b - a, NUMBER_BLOCK):
        e = min(b - a, s + NUMBER_BLOCK)
        part = c.rows(s, e)
        parts.append(penalise_number_sets(part, q_nums.sets(a + s, a + e),
                                          key_nums.lookup(part.ids), weight))
    return Candidates.concat(parts) if parts else c


def _best(sims_path: Path, ids_path: Path, q_mean: NpyRows, key_mean: NpyRows, fn, candidates: int,
          blocks, number_check, lam: float, stem: Path) -> BestRows:
    """Each query's best candidate, scored a block at a time (the keys' means read for
    the block's candidates only), written to ``stem``.best-{ids,score,conf}.npy."""
    sims, ids = NpyRows(sims_path), NpyRows(ids_path)
    n = len(sims)
    w = {name: NpyWriter(Path(f"{stem}.best-{name}.npy"), dt, (n,))
         for name, dt in (("ids", np.int64), ("score", np.float32), ("conf", np.float32))}
    for a, b in blocks:
        c = score_neighbours(sims[a:b], ids[a:b], q_mean[a:b], key_mean, fn, candidates)
        if number_check is not None:
            c = number_check(c, a, b)
        best = BestRows.of(c.best_only(), lam)
        w["ids"].write(best.ids)
        w["score"].write(best.score)
        w["conf"].write(best.conf)
    return BestRows(*(NpyRows(w[name].close()) for name in ("ids", "score", "conf")))


# ------------------------------------------------------------ pairs on disk

PAIR = np.dtype([("score", "<f8"), ("src", "<i8"), ("tgt", "<i8")])
"""One mined pair in the work folder's raw pair files (24 bytes)."""


class PairFile:
    """Pairs (:data:`PAIR` records) in a raw binary file, written whole, then read by rows."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.n = self.path.stat().st_size // PAIR.itemsize

    def __len__(self) -> int:
        return self.n

    def read(self, a: int, b: int) -> np.ndarray:
        """Records ``[a, b)`` (read, not mapped)."""
        a, b = max(0, a), min(len(self), b)
        if b <= a:
            return np.zeros(0, PAIR)
        return np.fromfile(self.path, dtype=PAIR, count=b - a, offset=a * PAIR.itemsize)

    @staticmethod
    def write(path: Path, chunks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> "PairFile":
        with open(path, "wb") as fh:
            for score, i, j in chunks:
                rec = np.empty(len(score), PAIR)
                rec["score"], rec["src"], rec["tgt"] = score, i, j
                fh.write(rec.tobytes())
        return PairFile(path)


class PairColumn:
    """One field of a :class:`PairFile`, read by row slices: ``col[a:b]`` (m,) array."""

    def __init__(self, pairs: PairFile, field: str):
        self.pairs, self.field = pairs, field

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, key) -> np.ndarray:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("PairColumn reads contiguous row slices only")
        a, b, _ = key.indices(len(self))
        return np.ascontiguousarray(self.pairs.read(a, b)[self.field])


def _key_le(rec: np.ndarray, bound) -> int:
    """How many leading records of ``rec`` (sorted best first) come at or before ``bound``."""
    s, i, j = rec["score"], rec["src"], rec["tgt"]
    bs, bi, bj = bound
    before = (s > bs) | ((s == bs) & ((i < bi) | ((i == bi) & (j <= bj))))
    return int(np.count_nonzero(before))


def _merge_runs(runs: Sequence[PairFile], read_rows: int) -> Iterator[tuple[np.ndarray, ...]]:
    """K-way merge of sorted runs, best first. Each run is read ``read_rows / k`` records
    at a time (at least 64); a heap of the runs' last buffered keys gives the bound up to
    which every buffered record is final (at least the bounding run's whole buffer)."""
    per = max(64, read_rows // max(1, len(runs)))
    sizes = [len(r) for r in runs]
    pos = [0] * len(runs)
    bufs = [np.zeros(0, PAIR) for _ in runs]

    def fill(r: int) -> None:
        if len(bufs[r]) < per and pos[r] < sizes[r]:
            new = runs[r].read(pos[r], min(sizes[r], pos[r] + per))
            pos[r] += len(new)
            bufs[r] = np.concatenate([bufs[r], new]) if len(bufs[r]) else new

    for r in range(len(runs)):
        fill(r)
    while True:
        heap = [(-float(bufs[r]["score"][-1]), int(bufs[r]["src"][-1]), int(bufs[r]["tgt"][-1]))
                for r in range(len(runs)) if len(bufs[r]) and pos[r] < sizes[r]]
        if not any(len(b) for b in bufs):
            return
        if heap:
            heapq.heapify(heap)
            s, i, j = heap[0]
            bound = (-s, i, j)
            counts = [_key_le(b, bound) if len(b) else 0 for b in bufs]
        else:
            counts = [len(b) for b in bufs]
        out = np.concatenate([b[:c] for b, c in zip(bufs, counts)])
        order = np.lexsort((out["tgt"], out["src"], -out["score"]))
        out = out[order]
        yield out["score"], out["src"], out["tgt"]
        for r, c in enumerate(counts):
            bufs[r] = bufs[r][c:]
            fill(r)


def external_sort(chunks: Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]], folder: Path,
                  name: str, run_rows: int, read_rows: int = 65_536
                  ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:data:`aligner.mine.Sorter` on disk: pairs (score, src, tgt) best first (score
    descending, then src, then tgt, as :func:`aligner.mine.sort_rows`).

    The chunks are gathered up to ``run_rows`` pairs, sorted in memory and written as
    a run (``folder/name.run<k>.bin``); the runs are then merged
    (:func:`_merge_runs`). Pairs that fit one run never touch the disk.
    """
    from ..mine import sort_rows

    runs: list[PairFile] = []
    held: list = []
    count = 0
    try:
        for c in chunks:
            if len(c[0]):
                held.append(c)
                count += len(c[0])
            if count >= max(1, run_rows):
                runs.append(PairFile.write(folder / f"{name}.run{len(runs)}.bin", sort_rows(held)))
                held, count = [], 0
        if not runs:
            yield from sort_rows(held)
            return
        if held:
            runs.append(PairFile.write(folder / f"{name}.run{len(runs)}.bin", sort_rows(held)))
        held = []
        yield from _merge_runs(runs, read_rows)
    finally:
        for r in runs:
            r.path.unlink(missing_ok=True)


@dataclass(frozen=True)
class MinedRows:
    """Mined pairs as rows: score (m,) float64, src (m,) int64, tgt (m,) int64,
    best first: arrays, or on-disk columns read by row slices (:class:`PairColumn`);
    the texts stay in the files (:class:`aligner.engine.texts.SideTexts`)."""

    score: object
    src: object
    tgt: object

    @classmethod
    def on_disk(cls, pairs: PairFile) -> "MinedRows":
        return cls(PairColumn(pairs, "score"), PairColumn(pairs, "src"), PairColumn(pairs, "tgt"))

    def __len__(self) -> int:
        return len(self.score)

    def load(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(score, src, tgt) as arrays (all pairs in memory)."""
        n = len(self)
        return (np.asarray(self.score[0:n], np.float64), np.asarray(self.src[0:n], np.int64),
                np.asarray(self.tgt[0:n], np.int64))

    def pairs(self, src_texts: Sequence[str], tgt_texts: Sequence[str], a: int = 0,
              b: int | None = None) -> list[MinedPair]:
        """Pairs ``[a, b)`` as :class:`MinedPair` with their texts (read for these pairs only)."""
        from ..mine import pairs_of_rows

        b = len(self) if b is None else b
        return pairs_of_rows(self.score[a:b], self.src[a:b], self.tgt[a:b], src_texts, tgt_texts)


def mine_rows(src, tgt, src_texts: Sequence[str], tgt_texts: Sequence[str], *, engine,
              work: Path, threshold: float | str = "auto", k: int | None = None,
              mode: str | None = None, margin: str | None = None,
              candidates: int | None = None, settings: Settings | None = None,
              progress: StageProgress | None = None) -> MinedRows:
    """:func:`aligner.mine.mine` over vectors on disk, in bounded memory, as rows on disk.

    src: (n_src, dim), tgt: (n_tgt, dim) float32 rows L2-normalised, as
    arrays, :class:`aligner.engine.shards.ShardedVectors` or
    :class:`NpyRows`; texts: any sequences of n_src / n_tgt strings (e.g.
    :class:`aligner.engine.texts.SideTexts`, read a block at a time for the
    number check). ``engine``: a local or Ray engine (runs the searches);
    ``work``: a folder for the intermediate files and the pairs
    (``work/pairs.bin``, which the returned rows read). Same arguments and
    same pairs, in the same order, as :func:`aligner.mine.mine` (exactly,
    while each side's index fits the engine's memory budget), without their texts.
    """
    from ..mine import check_mining_options, mining_settings, parse_threshold, select_blocks
    s = mining_settings(settings or SETTINGS)
    if len(src_texts) != len(src):
        raise DimensionError(f"src_texts: {len(src_texts)} texts for {len(src)} vectors")
    if len(tgt_texts) != len(tgt):
        raise DimensionError(f"tgt_texts: {len(tgt_texts)} texts for {len(tgt)} vectors")
    if len(src) and len(tgt) and src.shape[1] != tgt.shape[1]:
        raise DimensionError(f"tgt_vecs: dimension {tgt.shape[1]} does not match src_vecs "
                             f"dimension {src.shape[1]}")
    mode, margin = check_mining_options(mode, margin, s)
    threshold = parse_threshold(threshold, s)
    k = s.mine_k if k is None else k
    candidates = s.mine_candidates if candidates is None else candidates
    if k < 1:
        raise ChoiceError("k", k, ["an integer >= 1"])
    if candidates < 1:
        raise ChoiceError("candidates", candidates, ["an integer >= 1"])
    if len(src) == 0 or len(tgt) == 0:
        empty = np.zeros(0, np.int64)
        return MinedRows(np.zeros(0, np.float64), empty, empty)
    step = progress or (lambda *a: None)
    block = s.search_block_rows
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    step("Centring", 0, 2)
    xs = write_centred(src, work / "src.centred.npy", s, block)
    step("Centring", 1, 2)
    ys = write_centred(tgt, work / "tgt.centred.npy", s, block)
    step("Centring", 2, 2)
    depth = max(k, candidates)
    f_sims, f_ids = _search(engine, ys, xs, depth, work / "fwd", s, block, step, "source -> target")
    b_sims, b_ids = _search(engine, xs, ys, depth, work / "bwd", s, block, step, "target -> source")
    src_blocks, tgt_blocks = query_blocks(len(src), block), query_blocks(len(tgt), block)
    src_mean = _means(f_sims, k, src_blocks, work / "src.mean.npy")
    tgt_mean = _means(b_sims, k, tgt_blocks, work / "tgt.mean.npy")
    fn = get_margin(margin)
    fwd_check = bwd_check = None
    if s.mine_number_weight:
        step("Reading numbers", 0, 2)
        src_nums = NumberTable.build(src_texts, work, "src")
        step("Reading numbers", 1, 2)
        tgt_nums = NumberTable.build(tgt_texts, work, "tgt")
        step("Reading numbers", 2, 2)
        weight = s.mine_number_weight
        fwd_check = functools.partial(_number_check, src_nums, tgt_nums, weight)
        bwd_check = functools.partial(_number_check, tgt_nums, src_nums, weight)

    lam = s.mine_score_lambda
    step("Scoring pairs", 0, 3)
    fwd = _best(f_sims, f_ids, src_mean, tgt_mean, fn, candidates, src_blocks, fwd_check, lam,
                work / "fwd")
    step("Scoring pairs", 1, 3)
    bwd = _best(b_sims, b_ids, tgt_mean, src_mean, fn, candidates, tgt_blocks, bwd_check, lam,
                work / "bwd")
    step("Scoring pairs", 2, 3)
    sorts = itertools.count()  # mode max sorts twice: each sort its own runs

    def sort(chunks):
        return external_sort(chunks, work, f"sort{next(sorts)}", s.mine_sort_run_rows)

    chunks = select_blocks(fwd, bwd, threshold=threshold, mode=mode, settings=s, block=block,
                           sort=sort)
    pairs = PairFile.write(work / "pairs.bin", chunks)
    step("Scoring pairs", 3, 3)
    return MinedRows.on_disk(pairs)


def mine_vectors(src, tgt, src_texts: Sequence[str], tgt_texts: Sequence[str], *, engine,
                 work: Path, threshold: float | str = "auto", k: int | None = None,
                 mode: str | None = None, margin: str | None = None,
                 candidates: int | None = None, settings: Settings | None = None,
                 progress: StageProgress | None = None) -> list[MinedPair]:
    """:func:`mine_rows` with the pairs' texts: the same list as :func:`aligner.mine.mine`.
    (Holds every mined pair's texts; the CLI writes :func:`mine_rows`' rows in blocks instead.)"""
    rows = mine_rows(src, tgt, src_texts, tgt_texts, engine=engine, work=work,
                     threshold=threshold, k=k, mode=mode, margin=margin, candidates=candidates,
                     settings=settings, progress=progress)
    return rows.pairs(src_texts, tgt_texts)
