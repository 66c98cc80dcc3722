"""Cross-lingual pair scoring: margin criteria and the preparation of the two spaces.

Margin scoring (Artetxe & Schwenk 2019, "Margin-based parallel corpus
mining with multilingual sentence embeddings") compares the cosine of a
pair with the average cosine of each side to its k nearest neighbours in
the other language, which removes most of the "hubness" of plain cosine::

    ratio(x, y)    = cos(x, y) / ( sum_{z in NN_k(x)} cos(x, z) / 2k
                                 + sum_{z in NN_k(y)} cos(y, z) / 2k )
    distance(x, y) = cos(x, y) - ( same denominator )       (CSLS / 2)
    cosine(x, y)   = cos(x, y)

NN_k(x) are x's k nearest neighbours among the *targets*, NN_k(y) y's
among the *sources*; with fewer than k sentences on a side, all are used.

Before scoring, the two spaces are prepared (:func:`prepare_spaces`; each
step measured on the UN dev set, see bench/README.md):

* :func:`center` subtracts each side's mean vector and re-normalises. The
  mean of a set of sentences in one language is largely a "language
  direction"; removing it makes translations closer than same-topic
  sentences of the other language. (Mining.)
* :func:`whiten` also evens out the dominant directions of each side, with
  a strongly shrunk covariance. (Retrieval.)
* :func:`self_align` fits an orthogonal map (Procrustes) from the source
  space to the target space on the mutual best pairs of the input itself,
  then maps the sources with it. No labels, no model training: the input's
  own most confident pairs tell which rotation lines the languages up.
  (Retrieval only: when many sentences have no translation, it would also
  fit their wrong pairs.)

Arrays in, arrays out; no IO.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .errors import ChoiceError
from .rerank import number_penalties, number_set_penalties
from .search import build_index, check_matrix, knn
from .settings import SETTINGS, Settings

__all__ = [
    "MARGINS", "Candidates", "Scored", "center", "center_for_mining", "centring_mean", "column_mean", "cosine", "distance", "get_margin",
    "margin_matrix", "mutual_best", "neighbour_means", "penalise_number_sets", "penalise_numbers", "prepare_and_score",
    "prepare_spaces",
    "ratio", "score_candidates", "score_knn", "score_neighbours", "self_align", "whiten",
]

MarginFn = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]

_EPS = 1e-6


# ---------------------------------------------------------------- the criteria

def ratio(cos: np.ndarray, src_mean: np.ndarray, tgt_mean: np.ndarray) -> np.ndarray:
    """Ratio margin: ``cos / ((src_mean + tgt_mean) / 2)``.

    cos, src_mean, tgt_mean: float arrays broadcastable to one shape, where
    ``src_mean``/``tgt_mean`` are each side's mean cosine to its k nearest
    neighbours in the other language. A non-positive denominator (possible
    only for unusual, e.g. centred, spaces with no close neighbours) is
    clamped to a small epsilon, which keeps the score's sign and order.
    """
    denom = (np.asarray(src_mean) + np.asarray(tgt_mean)) / 2
    return np.asarray(cos / np.maximum(denom, _EPS), dtype=np.float32)


def distance(cos: np.ndarray, src_mean: np.ndarray, tgt_mean: np.ndarray) -> np.ndarray:
    """Distance margin: ``cos - (src_mean + tgt_mean) / 2`` (half of CSLS)."""
    return np.asarray(cos - (np.asarray(src_mean) + np.asarray(tgt_mean)) / 2, dtype=np.float32)


def cosine(cos: np.ndarray, src_mean: np.ndarray, tgt_mean: np.ndarray) -> np.ndarray:
    """Plain cosine; the neighbour means are ignored."""
    return np.asarray(np.broadcast_to(cos, np.broadcast_shapes(
        np.shape(cos), np.shape(src_mean), np.shape(tgt_mean))), dtype=np.float32)


MARGINS: dict[str, MarginFn] = {"ratio": ratio, "distance": distance, "cosine": cosine}
"""Scoring criteria by name: ``fn(cos, src_mean, tgt_mean) -> scores``."""


def get_margin(name: str) -> MarginFn:
    """The criterion called ``name``; :class:`ChoiceError` lists the valid names."""
    try:
        return MARGINS[name]
    except (KeyError, TypeError):
        raise ChoiceError("margin", name, list(MARGINS)) from None


def neighbour_means(sims: np.ndarray) -> np.ndarray:
    """Mean of each row of ``sims`` (n, k), ignoring missing (-inf) slots.

    Returns (n,) float32; a row with no valid slot (k == 0) gives 0.
    """
    sims = np.asarray(sims, dtype=np.float32)
    if sims.ndim != 2:
        raise ValueError(f"sims: expected a 2-D array (n, k), got shape {sims.shape}")
    valid = np.isfinite(sims)
    count = valid.sum(axis=1)
    total = np.where(valid, sims, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), 0.0).astype(np.float32)


def margin_matrix(src: np.ndarray, tgt: np.ndarray, *, k: int | None = None,
                  margin: str = "ratio") -> np.ndarray:
    """Dense margin scores of every source against every target (small sets).

    src: (n_src, dim) float32, tgt: (n_tgt, dim) float32, rows L2-normalised.
    Returns (n_src, n_tgt) float32. ``k`` defaults to ``settings.mine_k`` and
    is clipped to the size of the other side.
    """
    fn = get_margin(margin)
    check_matrix("src", src)
    check_matrix("tgt", tgt, src.shape[1], other="src")
    k = SETTINGS.mine_k if k is None else k
    if k < 1:
        raise ChoiceError("k", k, ["an integer >= 1"])
    cos = src @ tgt.T
    if cos.size == 0:
        return cos.astype(np.float32)
    kx, ky = min(k, cos.shape[1]), min(k, cos.shape[0])
    src_mean = -np.sort(-cos, axis=1)[:, :kx].mean(axis=1)
    tgt_mean = -np.sort(-cos, axis=0)[:ky, :].mean(axis=0)
    return fn(cos, src_mean[:, None], tgt_mean[None, :])


# ------------------------------------------------------- preparing the spaces

MEAN_BLOCK = 65_536
"""Rows summed at a time by :func:`column_mean` (fixed, so that a side read
block by block from disk gets the very same mean as the side in memory)."""


def column_mean(vecs: np.ndarray) -> np.ndarray:
    """(dim,) float64 mean of the rows of ``vecs`` (n, dim), n >= 1.

    Summed in float64 over fixed blocks of :data:`MEAN_BLOCK` rows, so the
    result depends only on the values, not on whether ``vecs`` is in memory
    or a memory-mapped file read a block at a time (:mod:`aligner.engine`).
    """
    total = np.zeros(vecs.shape[1], np.float64)
    for a in range(0, len(vecs), MEAN_BLOCK):
        total += np.asarray(vecs[a:a + MEAN_BLOCK]).sum(axis=0, dtype=np.float64)
    return total / max(1, len(vecs))


def center(vecs: np.ndarray, *, min_n: int = 1, mean: np.ndarray | None = None) -> np.ndarray:
    """Subtract the mean vector and re-normalise the rows.

    vecs: (n, dim) float32. ``mean``: (dim,) to subtract (default: the mean
    of ``vecs``). Sets smaller than ``min_n`` come back unchanged (a copy),
    since the mean of a handful of sentences is mostly their topic.
    Returns (n, dim) float32, C-contiguous, rows L2-normalised.
    """
    check_matrix("vecs", vecs)
    if len(vecs) < max(1, min_n) and mean is None:
        return vecs.copy()
    mu = column_mean(vecs) if mean is None else np.asarray(mean, np.float64)
    if mu.shape != (vecs.shape[1],):
        raise ValueError(f"mean: expected shape ({vecs.shape[1]},), got {mu.shape}")
    out = vecs.astype(np.float64) - mu
    return _normalise(out)


def centring_mean(vecs: np.ndarray, settings: Settings | None = None) -> np.ndarray | None:
    """The (dim,) float64 mean that mining subtracts from a side, or None.

    None when ``settings.mine_center`` is off or the side has fewer than
    ``settings.mine_center_min`` rows (its mean would be mostly its topic).
    ``vecs``: (n, dim) float32, in memory or any array-like that slices rows
    (a side read from disk block by block gets the same mean).
    """
    s = settings or SETTINGS
    if not s.mine_center or len(vecs) < max(1, s.mine_center_min):
        return None
    return column_mean(vecs)


def center_for_mining(vecs: np.ndarray, mean: np.ndarray | None) -> np.ndarray:
    """Rows of ``vecs`` (n, dim) float32 centred on ``mean`` from :func:`centring_mean`.

    Each row depends only on itself and ``mean``, so a side may be centred
    block by block. ``mean`` None: the rows unchanged (a copy).
    """
    return np.array(vecs, dtype=np.float32, order="C") if mean is None else center(vecs, mean=mean)


def whiten(vecs: np.ndarray, shrink: float, *, min_n: int = 1) -> np.ndarray:
    """Centre, then whiten with a shrunk covariance, and re-normalise.

    vecs: (n, dim) float32. The covariance C of the centred rows is
    replaced by ``C + shrink * mean(eigenvalues) * I`` before inverting its
    square root, so large ``shrink`` approaches plain centring and small
    ``shrink`` equalises all directions (noisy for small n). Sets smaller
    than ``min_n`` come back unchanged (a copy).
    Returns (n, dim) float32, rows L2-normalised.
    """
    check_matrix("vecs", vecs)
    if len(vecs) < max(2, min_n):
        return vecs.copy()
    x = vecs.astype(np.float64)
    x -= x.mean(axis=0)
    cov = x.T @ x / len(x)
    w, v = np.linalg.eigh(cov)
    w = np.maximum(w, 0.0)
    ridge = shrink * max(float(w.mean()), 1e-12)
    x = x @ (v @ np.diag((w + ridge) ** -0.5) @ v.T)
    return _normalise(x)


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = x / np.where(norms > 0, norms, 1.0)
    return np.ascontiguousarray(x, dtype=np.float32)


def mutual_best(fwd: "Candidates", bwd: "Candidates") -> np.ndarray:
    """Pairs that are each other's best: (m, 2) int64 rows ``(src, tgt)``."""
    if fwd.ids.shape[1] == 0 or bwd.ids.shape[1] == 0:
        return np.zeros((0, 2), np.int64)
    f_best = fwd.best_ids()
    b_best = bwd.best_ids()
    src = np.flatnonzero((f_best >= 0) & (b_best[np.maximum(f_best, 0)] == np.arange(len(f_best))))
    return np.stack([src, f_best[src]], axis=1).astype(np.int64)


def self_align(src: np.ndarray, tgt: np.ndarray, pairs: np.ndarray, *, min_pairs: int = 20) -> np.ndarray:
    """Rotate ``src`` onto ``tgt`` with the orthogonal map that best fits ``pairs``.

    src: (n_src, dim) float32, tgt: (n_tgt, dim) float32; pairs: (m, 2)
    int64 ``(src_index, tgt_index)``, normally :func:`mutual_best`. Solves
    ``min_W ||src[p] W - tgt[q]||`` over orthogonal W (Procrustes: W = U V^T
    from the SVD of ``src[p]^T tgt[q]``). Fewer than ``min_pairs`` pairs:
    ``src`` is returned unchanged (a copy). Returns (n_src, dim) float32,
    rows L2-normalised (a rotation keeps unit norms; re-normalised anyway).
    """
    check_matrix("src", src)
    check_matrix("tgt", tgt, src.shape[1], other="src")
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    if len(pairs) < max(1, min_pairs):
        return src.copy()
    m = src[pairs[:, 0]].astype(np.float64).T @ tgt[pairs[:, 1]].astype(np.float64)
    rotation = _procrustes(m)
    if rotation is None:
        return src.copy()
    return _normalise(src.astype(np.float64) @ rotation)


def _procrustes(m: np.ndarray) -> np.ndarray | None:
    """U V^T from the SVD of ``m`` (dim, dim) float64, or None if no SVD converges.

    LAPACK's default divide-and-conquer SVD (gesdd) can fail to converge on
    a rank-deficient ``m`` (fewer pairs than dimensions); the slower QR
    iteration (gesvd) is then tried.
    """
    if not np.isfinite(m).all():
        return None
    try:
        u, _, vt = np.linalg.svd(m)
    except np.linalg.LinAlgError:
        try:
            from scipy.linalg import svd
            u, _, vt = svd(m, lapack_driver="gesvd")
        except (ImportError, np.linalg.LinAlgError, ValueError):
            return None
    return u @ vt


# ------------------------------------------------- candidate scoring with FAISS

@dataclass(frozen=True)
class Candidates:
    """The nearest keys of each query, scored.

    ids: (n_q, c) int64 key rows, nearest first by cosine (-1: no hit);
    cos: (n_q, c) float32 cosines; score: (n_q, c) float32 margin scores
    (-inf where ids is -1); hub: (n_q, c) float32 the margin's
    neighbourhood term ``(src_mean + tgt_mean) / 2`` of each pair.
    """

    ids: np.ndarray
    cos: np.ndarray
    score: np.ndarray
    hub: np.ndarray
    penalty: np.ndarray | None = None
    """(n_q, c) float32 already subtracted from ``score`` by text cross-checks."""

    def confidence(self, lam: float) -> np.ndarray:
        """(n_q, c) float32 ``cos - lam * hub - penalty``.

        lam = 1 gives the distance margin, 0 plain cosine; in between is the
        mining score (tuned on UN dev: it separates translations from
        look-alikes better than either end).
        """
        out = self.cos - np.float32(lam) * self.hub
        if self.penalty is not None:
            out = out - self.penalty
        return np.where(self.ids >= 0, out, -np.inf).astype(np.float32)

    def penalised(self, penalty: np.ndarray) -> Candidates:
        """A copy with ``penalty`` (n_q, c) float32 subtracted from ``score`` and added to ``penalty``.

        ids, cos and hub are shared with ``self``; -inf scores stay -inf.
        """
        penalty = np.asarray(penalty, dtype=np.float32)
        if penalty.shape != self.score.shape:
            raise ValueError(f"penalty: expected shape {self.score.shape}, got {penalty.shape}")
        total = penalty if self.penalty is None else self.penalty + penalty
        return replace(self, score=np.ascontiguousarray(self.score - penalty, dtype=np.float32),
                       penalty=np.ascontiguousarray(total, dtype=np.float32))

    def at_best(self, values: np.ndarray) -> np.ndarray:
        """(n_q,) the entries of ``values`` (n_q, c) at each query's best column."""
        if values.shape[1] == 0:
            return np.full(len(values), -np.inf, np.float32)
        return np.take_along_axis(values, self.best()[:, None], axis=1)[:, 0]

    def best(self) -> np.ndarray:
        """(n_q,) int64 column of the best score per query (0 if no candidate)."""
        if self.score.shape[1] == 0:
            return np.zeros(len(self.score), np.int64)
        return np.argmax(self.score, axis=1).astype(np.int64)

    def best_ids(self) -> np.ndarray:
        """(n_q,) int64 key row with the best score per query (-1 if none)."""
        if self.ids.shape[1] == 0:
            return np.full(len(self.ids), -1, np.int64)
        return np.take_along_axis(self.ids, self.best()[:, None], axis=1)[:, 0]

    def best_scores(self) -> np.ndarray:
        """(n_q,) float32 best score per query (-inf if none)."""
        if self.score.shape[1] == 0:
            return np.full(len(self.score), -np.inf, np.float32)
        return np.take_along_axis(self.score, self.best()[:, None], axis=1)[:, 0]

    def best_only(self) -> "Candidates":
        """The same candidates cut to each query's best column: (n_q, 1) arrays.

        Everything mining reads (:meth:`best_ids`, :meth:`best_scores`,
        :meth:`at_best` of :meth:`confidence`) is unchanged, at 1/c of the
        memory; used to keep only what matters of each block of queries.
        """
        if self.ids.shape[1] <= 1:
            return self
        col = self.best()[:, None]

        def take(a):
            return None if a is None else np.ascontiguousarray(np.take_along_axis(a, col, axis=1))

        return Candidates(take(self.ids), take(self.cos), take(self.score), take(self.hub),
                          take(self.penalty))

    def rows(self, a: int, b: int) -> "Candidates":
        """The candidates of query rows ``[a, b)`` (views, not copies)."""
        return Candidates(self.ids[a:b], self.cos[a:b], self.score[a:b], self.hub[a:b],
                          None if self.penalty is None else self.penalty[a:b])

    @staticmethod
    def concat(parts: Sequence["Candidates"]) -> "Candidates":
        """Row-wise concatenation of the candidates of consecutive query blocks."""
        if not parts:
            raise ValueError("Candidates.concat: no parts")
        if len(parts) == 1:
            return parts[0]
        pens = [p.penalty for p in parts]
        penalty = None
        if any(p is not None for p in pens):
            penalty = np.concatenate([np.zeros_like(q.score) if p is None else p
                                      for p, q in zip(pens, parts)])
        return Candidates(*(np.concatenate([getattr(p, f) for p in parts])
                            for f in ("ids", "cos", "score", "hub")), penalty=penalty)


def score_both_ways(src: np.ndarray, tgt: np.ndarray, *, k: int, margin: str = "ratio",
                    candidates: int = 16, settings: Settings | None = None
                    ) -> tuple[Candidates, Candidates]:
    """Margin-score the nearest targets of each source, and vice versa.

    src: (n_src, dim) float32, tgt: (n_tgt, dim) float32, rows L2-normalised.
    The ``candidates`` nearest by cosine are scored with the criterion
    ``margin`` using ``k`` neighbours per side. Returns (forward, backward):
    forward.ids index tgt rows, backward.ids index src rows.
    """
    get_margin(margin)
    check_matrix("src", src)
    check_matrix("tgt", tgt, src.shape[1], other="src")
    if k < 1:
        raise ChoiceError("k", k, ["an integer >= 1"])
    if candidates < 1:
        raise ChoiceError("candidates", candidates, ["an integer >= 1"])
    depth = max(k, candidates)
    tgt_index = build_index(tgt, settings=settings)
    src_index = build_index(src, settings=settings)
    f_sims, f_ids = knn(tgt_index, src, depth, settings=settings)
    b_sims, b_ids = knn(src_index, tgt, depth, settings=settings)
    return score_knn(f_sims, f_ids, b_sims, b_ids, k=k, margin=margin, candidates=candidates)


def score_knn(f_sims: np.ndarray, f_ids: np.ndarray, b_sims: np.ndarray, b_ids: np.ndarray, *,
              k: int, margin: str = "ratio", candidates: int = 16) -> tuple[Candidates, Candidates]:
    """Margin-score both directions from their nearest-neighbour lists.

    f_sims/f_ids: (n_src, depth) float32/int64, each source's nearest
    targets, best first (-1/-inf: no hit); b_sims/b_ids: (n_tgt, depth) the
    same for the targets. depth >= max(k, candidates) where the other side
    is that large. Returns (forward, backward) :class:`Candidates`.
    """
    fn = get_margin(margin)
    src_mean = neighbour_means(f_sims[:, :k])
    tgt_mean = neighbour_means(b_sims[:, :k])
    fwd = score_neighbours(f_sims, f_ids, src_mean, tgt_mean, fn, candidates)
    bwd = score_neighbours(b_sims, b_ids, tgt_mean, src_mean, fn, candidates)
    return fwd, bwd


def score_neighbours(sims: np.ndarray, ids: np.ndarray, q_mean: np.ndarray, key_mean: np.ndarray,
                     fn: MarginFn, candidates: int) -> Candidates:
    """Margin scores of queries against their nearest keys.

    sims/ids: (n_q, depth) the queries' nearest keys (best first, -1: none);
    q_mean: (n_q,) float32 each query's neighbourhood mean; key_mean:
    (n_keys,) the keys'; ``fn`` a criterion of :data:`MARGINS`. The first
    ``candidates`` columns are scored. A block of queries may be scored on
    its own: each row depends only on its own neighbours and ``key_mean``.
    """
    sims, ids = sims[:, :candidates], ids[:, :candidates]
    valid = ids >= 0
    key_m = np.where(valid, key_mean[np.maximum(ids, 0)] if len(key_mean) else 0.0, 0.0)
    score = fn(sims, q_mean[:, None], key_m)
    score = np.where(valid, score, -np.inf).astype(np.float32)
    hub = np.where(valid, (q_mean[:, None] + key_m) / 2, 0.0).astype(np.float32)
    return Candidates(np.ascontiguousarray(ids), np.ascontiguousarray(sims, dtype=np.float32),
                      np.ascontiguousarray(score), np.ascontiguousarray(hub))


def score_candidates(src: np.ndarray, tgt: np.ndarray, *, retrieval: bool = True,
                     k: int | None = None, margin: str | None = None,
                     candidates: int | None = None, prepare: bool = True,
                     src_texts: Sequence[str] | None = None,
                     tgt_texts: Sequence[str] | None = None, settings: Settings | None = None
                     ) -> tuple[Candidates, Candidates]:
    """The product's scoring: prepare both spaces, then margin-score both ways.

    src: (n_src, dim) float32, tgt: (n_tgt, dim) float32, rows L2-normalised.
    With ``prepare`` (default) the spaces are prepared by
    :func:`prepare_spaces` for ``retrieval`` (True) or mining (False).
    Defaults come from ``settings`` (mine_k, mine_margin, mine_candidates).
    With ``src_texts`` and ``tgt_texts``, pairs whose numbers disagree are
    penalised (:mod:`aligner.rerank`, ``settings.mine_number_weight``).
    Returns (forward, backward) :class:`Candidates`.
    """
    scored = prepare_and_score(src, tgt, retrieval=retrieval, k=k, margin=margin,
                               candidates=candidates, prepare=prepare, src_texts=src_texts,
                               tgt_texts=tgt_texts, settings=settings)
    return scored.fwd, scored.bwd


def prepare_spaces(src: np.ndarray, tgt: np.ndarray, *, retrieval: bool = True,
                   settings: Settings | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The two spaces as the product scores them.

    Mining (``retrieval=False``): each side is centred (``settings.mine_center``;
    sides of at least ``settings.mine_center_min`` sentences).
    Retrieval: each side is whitened with shrinkage ``settings.retrieval_whiten``
    (0 = centred only), then, if ``settings.retrieval_self_align``, the
    sources are rotated onto the targets with :func:`self_align`, fitted on
    the mutual best pairs of a first margin pass. Mining skips both: when
    many sentences have no translation on the other side, the rotation also
    fits the wrong mutual pairs and raises their scores (UN dev: F1 0.93 ->
    0.80), and whitening cost F1 too.
    Returns (src', tgt'): float32, C-contiguous, rows L2-normalised.
    """
    scored = prepare_and_score(src, tgt, retrieval=retrieval, settings=settings)
    return scored.src, scored.tgt


def penalise_numbers(cands: Candidates, query_texts: Sequence[str], key_texts: Sequence[str],
                     weight: float, *, key_numbers: dict | None = None) -> Candidates:
    """The number cross-check of mining: ``cands`` less ``weight`` times
    :func:`aligner.rerank.number_penalties` (``key_numbers``: see there)."""
    return cands.penalised(weight * number_penalties(cands.ids, query_texts, key_texts,
                                                     key_numbers=key_numbers))


def penalise_number_sets(cands: Candidates, query_numbers: Sequence[frozenset],
                         key_numbers, weight: float) -> Candidates:
    """:func:`penalise_numbers` from number sets already read
    (:func:`aligner.rerank.number_set_penalties`; the bounded-memory engine)."""
    return cands.penalised(weight * number_set_penalties(cands.ids, query_numbers, key_numbers))


@dataclass(frozen=True)
class Scored:
    """Both spaces as scored, and the candidates of both directions.

    src: (n_src, dim), tgt: (n_tgt, dim) float32, the prepared spaces
    (centred, or whitened and self-aligned for retrieval); fwd: each
    source's candidates (ids index tgt rows); bwd: each target's (ids index
    src rows).
    """

    src: np.ndarray
    tgt: np.ndarray
    fwd: Candidates
    bwd: Candidates


def prepare_and_score(src: np.ndarray, tgt: np.ndarray, *, retrieval: bool = True,
                      k: int | None = None, margin: str | None = None,
                      candidates: int | None = None, prepare: bool = True,
                      src_texts: Sequence[str] | None = None,
                      tgt_texts: Sequence[str] | None = None,
                      settings: Settings | None = None) -> Scored:
    """:func:`prepare_spaces` then :func:`score_candidates`, keeping both results.

    Same arguments as :func:`score_candidates`; returns a :class:`Scored`
    (retrieval needs the prepared spaces again for the Sinkhorn step).
    """
    s = settings or SETTINGS
    k = s.mine_k if k is None else k
    margin = margin or s.mine_margin
    candidates = s.mine_candidates if candidates is None else candidates
    get_margin(margin)
    check_matrix("src", src)
    check_matrix("tgt", tgt, src.shape[1], other="src")
    if prepare and retrieval and s.retrieval_whiten > 0:
        src = whiten(src, s.retrieval_whiten, min_n=s.mine_center_min)
        tgt = whiten(tgt, s.retrieval_whiten, min_n=s.mine_center_min)
    elif prepare:
        src = center_for_mining(src, centring_mean(src, s))
        tgt = center_for_mining(tgt, centring_mean(tgt, s))

    def scored(src_vecs):
        fwd, bwd = score_both_ways(src_vecs, tgt, k=k, margin=margin, candidates=candidates, settings=s)
        if src_texts is not None and tgt_texts is not None and s.mine_number_weight:
            fwd = penalise_numbers(fwd, src_texts, tgt_texts, s.mine_number_weight)
            bwd = penalise_numbers(bwd, tgt_texts, src_texts, s.mine_number_weight)
        return fwd, bwd

    fwd, bwd = scored(src)
    if prepare and retrieval and s.retrieval_self_align:
        pairs = mutual_best(fwd, bwd)
        if len(pairs) and s.self_align_min_score > -np.inf:
            pairs = pairs[fwd.best_scores()[pairs[:, 0]] >= s.self_align_min_score]
        if len(pairs) >= s.self_align_min_pairs:
            src = self_align(src, tgt, pairs, min_pairs=s.self_align_min_pairs)
            fwd, bwd = scored(src)
    return Scored(src, tgt, fwd, bwd)


# ------------------------------------------------- Sinkhorn hubness correction

def sinkhorn_potentials(src: np.ndarray, tgt: np.ndarray, *, temperature: float,
                        iters: int, block: int = 1024) -> np.ndarray:
    """Column potentials of a soft one-to-one matching of ``src`` and ``tgt``.

    src: (n_src, dim), tgt: (n_tgt, dim) float32, rows L2-normalised. With
    K = (src @ tgt.T) / temperature, alternately normalises the rows and the
    columns of exp(K) in the log domain (Sinkhorn-Knopp), ``iters`` times,
    and returns the column potentials v: (n_tgt,) float64 such that
    exp(K_ij - u_i - v_j) is (nearly) doubly stochastic. A large v_j marks a
    target that many sources are close to (a hub). The cosine matrix is
    computed in row blocks and never held whole. Temperature > 0, iters >= 1.
    """
    check_matrix("src", src)
    check_matrix("tgt", tgt, src.shape[1], other="src")
    if not temperature > 0:
        raise ChoiceError("Sinkhorn temperature", temperature, ["a number > 0"])
    if iters < 1:
        raise ChoiceError("Sinkhorn iterations", iters, ["an integer >= 1"])
    n_src, n_tgt = len(src), len(tgt)
    v = np.zeros(n_tgt, np.float64)
    if n_src == 0 or n_tgt == 0:
        return v
    inv_t = 1.0 / temperature
    for _ in range(iters):
        u = np.empty(n_src, np.float64)
        for a in range(0, n_src, block):  # rows: u_i = logsumexp_j(K_ij - v_j)
            k = (src[a:a + block] @ tgt.T).astype(np.float64) * inv_t - v
            top = k.max(axis=1)
            u[a:a + block] = top + np.log(np.exp(k - top[:, None]).sum(axis=1))
        top = np.full(n_tgt, -np.inf)
        acc = np.zeros(n_tgt, np.float64)
        for a in range(0, n_src, block):  # columns: v_j = logsumexp_i(K_ij - u_i), streamed
            k = (src[a:a + block] @ tgt.T).astype(np.float64) * inv_t - u[a:a + block, None]
            new_top = np.maximum(top, k.max(axis=0))
            acc = acc * np.exp(top - new_top) + np.exp(k - new_top).sum(axis=0)
            top = new_top
        v = top + np.log(acc)
    return v


def sinkhorn_best(src: np.ndarray, tgt: np.ndarray, potentials: np.ndarray, *,
                  temperature: float, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Each source's best target by ``cos - temperature * potentials``.

    src: (n_src, dim), tgt: (n_tgt, dim) float32; potentials: (n_tgt,) from
    :func:`sinkhorn_potentials`. Returns (ids (n_src,) int64, cos (n_src,)
    float32: the cosine of each chosen pair).
    """
    n_src = len(src)
    if n_src == 0 or len(tgt) == 0:
        return np.full(n_src, -1, np.int64), np.full(n_src, -np.inf, np.float32)
    ids = np.zeros(n_src, np.int64)
    cos = np.zeros(n_src, np.float32)
    penalty = temperature * np.asarray(potentials, np.float64)
    for a in range(0, n_src, block):
        sims = src[a:a + block] @ tgt.T
        best = np.argmax(sims.astype(np.float64) - penalty, axis=1)
        ids[a:a + block] = best
        cos[a:a + block] = sims[np.arange(len(best)), best]
    return ids, cos


def sinkhorn_applies(n_src: int, n_tgt: int, settings: Settings | None = None) -> bool:
    """Whether retrieval uses the Sinkhorn correction for sides of these sizes."""
    s = settings or SETTINGS
    if s.retrieval_sinkhorn <= 0 or min(n_src, n_tgt) < max(2, s.mine_center_min):
        return False
    if n_src * n_tgt > s.retrieval_sinkhorn_max_pairs:
        return False
    return min(n_src, n_tgt) >= s.retrieval_sinkhorn_min_ratio * max(n_src, n_tgt)
