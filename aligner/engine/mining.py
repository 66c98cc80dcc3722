"""Mining from vectors on disk, block by block, in bounded memory.

The same steps and the same functions as :func:`aligner.mine.mine`, with
the vectors streamed instead of held:

1. centre each side (:func:`aligner.margin.centring_mean`, which sums in
   fixed blocks, and :func:`aligner.margin.center_for_mining`), writing the
   centred side to ``WORK/<side>.centred.npy`` a block at a time;
2. build the search index of one side (:func:`aligner.search.build_index`,
   exactly as in memory: flat up to ``ivf_threshold`` rows, IVF above),
   unless the side's vectors exceed ``settings.mine_memory_budget_mb``:
   then IVF-PQ trained on a sample, its hits re-ranked by exact cosine read
   from disk;
3. search the other side's blocks of ``settings.search_block_rows`` rows
   (in parallel Ray tasks with ``--engine ray``), nearest lists written to
   ``WORK/fwd.*.npy`` / ``WORK/bwd.*.npy``; then the other direction;
4. score each block with :func:`aligner.margin.neighbour_means`,
   :func:`aligner.margin.score_neighbours` and
   :func:`aligner.margin.penalise_numbers`, keeping each row's best
   candidate (:meth:`aligner.margin.Candidates.best_only`);
5. select pairs with :func:`aligner.mine.select_pairs`.

Memory (``n`` rows a side, ``d`` dims, ``c`` = mine_candidates): one index
(up to the budget, and while it is built the vectors it is trained on),
one block of queries and its neighbours, and per row 2 neighbourhood means
and the best candidate (about 60 bytes a row, numbers only). No text is
held: the number check reads the numbers of each block from a
:class:`aligner.engine.texts.NumberTable` made in one streaming pass, and
the pairs come back as row numbers (:class:`MinedRows`) whose texts the
caller reads from the files when it writes them. Files in the work folder
are written in sequence and read a block at a time, never kept mapped: the
pages read stay in the system's file cache, not in this process.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ChoiceError, DimensionError
from ..margin import (Candidates, center_for_mining, centring_mean, get_margin, neighbour_means,
                      penalise_number_sets, score_neighbours)
from ..records import MinedPair
from ..search import INDEX_KINDS, check_matrix, knn, query_blocks
from ..settings import SETTINGS, Settings
from .texts import NumberTable

__all__ = ["MinedRows", "NpyRows", "NpyWriter", "StageProgress", "build_search_index", "mine_rows",
           "mine_vectors", "query_blocks", "search_block", "write_centred"]

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


def build_search_index(keys, settings: Settings, block_rows: int, *, budget_mb: int | None = None):
    """(index, exact) over ``keys`` (n, dim) float32: an array or :class:`NpyRows`.

    Within ``budget_mb`` (default ``settings.mine_memory_budget_mb``; n *
    dim * 4 bytes): the index :func:`aligner.search.build_index` builds in
    memory (exact=True: its cosines are final). Past it: IVF-PQ, trained on
    a seeded sample of at most half the budget, codes added block by block
    (exact=False: its hits are re-ranked from ``keys`` by :func:`search_block`).
    """
    import faiss

    n, dim = keys.shape
    budget = int(settings.mine_memory_budget_mb if budget_mb is None else budget_mb) * 1024 * 1024
    if n * dim * 4 <= budget:
        kind = "flat" if n <= settings.ivf_threshold else settings.index_kind
        if n == 0 or (kind == "ivf" and n < 39):
            kind = "flat"
        if isinstance(keys, np.ndarray):
            check_matrix("keys", keys)
        return INDEX_KINDS[kind](keys, settings), True
    nlist = max(1, min(int(4 * math.sqrt(n)), n // 39))
    m, nbits = _pq_shape(n, dim)
    index = faiss.IndexIVFPQ(faiss.IndexFlatIP(dim), dim, nlist, m, nbits,
                             faiss.METRIC_INNER_PRODUCT)
    cap = max(nlist * 39, 2 ** nbits * 39, min(256 * nlist, budget // (2 * dim * 4)))
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(n, min(n, cap), replace=False))
    index.cp.seed = 1234
    index.train(np.ascontiguousarray(keys[sample], dtype=np.float32))
    for a, b in query_blocks(n, block_rows):
        index.add(np.ascontiguousarray(keys[a:b], dtype=np.float32))
    index.nprobe = max(1, min(settings.ivf_nprobe, nlist))
    return index, False


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


def _search(engine, keys_path: Path, queries_path: Path, depth: int, out: Path, settings: Settings,
            block_rows: int, progress: StageProgress, stage: str) -> tuple[Path, Path]:
    """Search ``queries_path``'s rows among ``keys_path``'s; nearest lists written to
    ``out``.sims.npy / .ids.npy (n_q, k') in order. Returns their paths."""
    keys = NpyRows(keys_path)
    n_q = len(NpyRows(queries_path))
    progress(f"Indexing for {stage}", 0, 1)
    index, exact = build_search_index(keys, settings, block_rows,
                                      budget_mb=engine.index_budget_mb(settings))
    handle = engine.share_index(index, out.with_suffix(".faiss"))
    del index  # the engine's handle keeps what the search needs
    progress(f"Indexing for {stage}", 1, 1)
    want = min(depth, len(keys))
    sims = NpyWriter(out.with_suffix(".sims.npy"), np.float32, (n_q, want))
    ids = NpyWriter(out.with_suffix(".ids.npy"), np.int64, (n_q, want))
    blocks = query_blocks(n_q, block_rows)
    done = 0
    progress(f"Searching {stage}", 0, n_q)
    try:
        for a, b, s, i in engine.knn(handle, str(queries_path), blocks, depth,
                                     None if exact else str(keys_path), settings.mine_pq_refine):
            if s.shape[1] < want:  # an approximate index may return fewer hits
                s = np.pad(s, ((0, 0), (0, want - s.shape[1])), constant_values=-np.inf)
                i = np.pad(i, ((0, 0), (0, want - i.shape[1])), constant_values=-1)
            sims.write(s)
            ids.write(i)
            done += b - a
            progress(f"Searching {stage}", done, n_q)
    finally:
        del handle
    return sims.close(), ids.close()


def _score(sims_path: Path, ids_path: Path, q_mean, key_mean, fn, candidates, blocks,
           number_check) -> Candidates:
    sims, ids = NpyRows(sims_path), NpyRows(ids_path)
    parts = []
    for a, b in blocks:
        c = score_neighbours(sims[a:b], ids[a:b], q_mean[a:b], key_mean, fn, candidates)
        if number_check is not None:
            c = number_check(c, a, b)
        parts.append(c.best_only())
    return Candidates.concat(parts)


def _means(sims_path: Path, k: int, blocks) -> np.ndarray:
    if not blocks:
        return np.zeros(0, np.float32)
    sims = NpyRows(sims_path)
    return np.concatenate([neighbour_means(sims[a:b][:, :k]) for a, b in blocks])


def _number_check(q_nums: NumberTable, key_nums: NumberTable, weight: float, c: Candidates,
                  a: int, b: int) -> Candidates:
    """Candidates of query rows ``[a, b)`` less the number penalty (their numbers and
    their candidates' numbers read from the tables for this block only)."""
    return penalise_number_sets(c, q_nums.sets(a, b), key_nums.lookup(c.ids), weight)


@dataclass(frozen=True)
class MinedRows:
    """Mined pairs as rows: score (m,) float64, src (m,) int64, tgt (m,) int64,
    best first; the texts stay in the files (:class:`aligner.engine.texts.SideTexts`)."""

    score: np.ndarray
    src: np.ndarray
    tgt: np.ndarray

    def __len__(self) -> int:
        return len(self.score)

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
    """:func:`aligner.mine.mine` over vectors on disk, in bounded memory, as rows.

    src: (n_src, dim), tgt: (n_tgt, dim) float32 rows L2-normalised, as
    arrays, :class:`aligner.engine.shards.ShardedVectors` or
    :class:`NpyRows`; texts: any sequences of n_src / n_tgt strings (e.g.
    :class:`aligner.engine.texts.SideTexts`, read a block at a time for the
    number check). ``engine``: a local or Ray engine (runs the searches);
    ``work``: a folder for the intermediate files. Same arguments and same
    pairs as :func:`aligner.mine.mine` (exactly, while each side's index
    fits the engine's memory budget), without their texts.
    """
    from ..mine import check_mining_options, mining_settings, parse_threshold, select_rows
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
    src_mean, tgt_mean = _means(f_sims, k, src_blocks), _means(b_sims, k, tgt_blocks)
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

    step("Scoring pairs", 0, 2)
    fwd = _score(f_sims, f_ids, src_mean, tgt_mean, fn, candidates, src_blocks, fwd_check)
    step("Scoring pairs", 1, 2)
    bwd = _score(b_sims, b_ids, tgt_mean, src_mean, fn, candidates, tgt_blocks, bwd_check)
    step("Scoring pairs", 2, 2)
    score, i, j = select_rows(fwd, bwd, threshold=threshold, mode=mode, settings=s)
    return MinedRows(score, i, j)


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
