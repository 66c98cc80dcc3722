"""Parallel-sentence mining and cross-lingual retrieval (``aligner mine``).

Two tasks on the same scores (see :mod:`aligner.margin`), each its own
function, so the task is always explicit:

* :func:`retrieve`: every source sentence gets its best target by margin
  score; one pair per source, in source order;
* :func:`mine` (BUCC style, with a threshold): the best target of every
  source (forward) and the best source of every target (backward) are
  candidates; ``mode`` decides which are kept (``intersect``: pairs that
  are each other's best; ``max``: both lists pooled, best first, each
  sentence used once; ``fwd``/``bwd``: one direction), then pairs scoring
  below ``threshold`` are dropped. Sorted by score, best first. The score
  of a mined pair is ``cos - lambda * neighbourhood`` on the centred
  spaces (``settings.mine_score``/``mine_score_lambda``): the margin is
  best at *choosing* a partner, but deciding whether a pair is a
  translation at all also needs the absolute similarity (UN dev).

:func:`select_pairs` is the last step of mining, shared with the
bounded-memory engine (:mod:`aligner.engine.mining`), which computes the
same candidates block by block from vectors on disk.

Arrays and texts in, :class:`aligner.records.MinedPair` out; no IO.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from .errors import ChoiceError, DimensionError
from .margin import (Candidates, get_margin, neighbour_means, prepare_and_score, score_candidates,
                     sinkhorn_applies, sinkhorn_best, sinkhorn_potentials)
from .records import MinedPair
from .search import check_matrix
from .settings import SETTINGS, Settings

__all__ = ["MINING_SCORES", "MODES", "TASKS", "check_mining_options", "mine", "mining_settings",
           "pairs_of_rows",
           "parse_threshold", "retrieve", "select_pairs", "select_rows"]

TASKS = ("mine", "retrieve")
"""What ``aligner mine`` does: mine (pairs above a threshold) or retrieve (best target per source)."""


Triple = tuple[float, int, int]  # (score, src row, tgt row)
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(score (m,) float64, src rows (m,) int64, tgt rows (m,) int64): pairs as arrays."""


def _rows(score, i, j) -> Rows:
    return (np.asarray(score, np.float64), np.asarray(i, np.int64), np.asarray(j, np.int64))


def _forward(fwd: Candidates, bwd: Candidates) -> Rows:
    f_best, f_score = fwd.best_ids(), fwd.best_scores()
    i = np.flatnonzero(f_best >= 0)
    return _rows(f_score[i], i, f_best[i])


def _backward(fwd: Candidates, bwd: Candidates) -> Rows:
    b_best, b_score = bwd.best_ids(), bwd.best_scores()
    j = np.flatnonzero(b_best >= 0)
    return _rows(b_score[j], b_best[j], j)


def _intersect(fwd: Candidates, bwd: Candidates) -> Rows:
    score, i, j = _forward(fwd, bwd)
    keep = bwd.best_ids()[j] == i
    return score[keep], i[keep], j[keep]


def _max(fwd: Candidates, bwd: Candidates) -> Rows:
    """Both directions pooled (a pair found both ways with the same score once),
    best first (ties: source, then target row), each sentence used once."""
    parts = [_forward(fwd, bwd), _backward(fwd, bwd)]
    score, i, j = (np.concatenate([p[c] for p in parts]) for c in range(3))
    order = np.lexsort((j, i, -score))
    score, i, j = score[order], i[order], j[order]
    if len(score):
        dup = np.zeros(len(score), bool)
        dup[1:] = (score[1:] == score[:-1]) & (i[1:] == i[:-1]) & (j[1:] == j[:-1])
        score, i, j = score[~dup], i[~dup], j[~dup]
    used_src = np.zeros(int(i.max()) + 1 if len(i) else 0, bool)
    used_tgt = np.zeros(int(j.max()) + 1 if len(j) else 0, bool)
    keep = np.zeros(len(score), bool)
    for k, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
        if not used_src[a] and not used_tgt[b]:
            used_src[a] = used_tgt[b] = keep[k] = True
    return score[keep], i[keep], j[keep]


MODES: dict[str, Callable[[Candidates, Candidates], Rows]] = {
    "intersect": _intersect, "max": _max, "fwd": _forward, "bwd": _backward,
}
"""Candidate selection of mining mode, by name."""

MINING_SCORES = ("blend", "margin")
"""What mining mode reports and thresholds: ``blend`` = cos - lambda * neighbourhood
(:meth:`Candidates.confidence`), ``margin`` = the ranking criterion's own score."""


def _pair_scores(fwd: Candidates, bwd: Candidates, lam: float, i: np.ndarray,
                 j: np.ndarray) -> np.ndarray:
    """(m,) float64 mining score (:meth:`Candidates.confidence`) of the best pairs
    (i, j): the forward one where j is i's best, else the backward one."""
    f_ids, f_conf = fwd.best_ids(), fwd.at_best(fwd.confidence(lam))
    b_conf = bwd.at_best(bwd.confidence(lam))
    if not len(i):
        return np.zeros(0, np.float64)
    return np.where(f_ids[i] == j, f_conf[i], b_conf[j]).astype(np.float64)


def _retrieve(src: np.ndarray, tgt: np.ndarray, *, k: int | None, margin: str,
              candidates: int | None, settings: Settings) -> list[Triple]:
    """Retrieval mode: one (score, src, tgt) per source, in source order.

    The best target is the margin's best, or, when the Sinkhorn correction
    applies (:func:`aligner.margin.sinkhorn_applies`), the best by
    ``cos - temperature * potential`` on the same prepared spaces. The
    score is the margin score of the chosen pair either way.
    """
    s = settings
    scored = prepare_and_score(src, tgt, retrieval=True, k=k, margin=margin,
                               candidates=candidates, settings=s)
    x, y, fwd, bwd = scored.src, scored.tgt, scored.fwd, scored.bwd
    if not sinkhorn_applies(len(x), len(y), s):
        score, i, j = _forward(fwd, bwd)  # in source order
        return list(zip(score.tolist(), i.tolist(), j.tolist()))
    potentials = sinkhorn_potentials(x, y, temperature=s.retrieval_sinkhorn,
                                     iters=s.retrieval_sinkhorn_iters)
    ids, cos = sinkhorn_best(x, y, potentials, temperature=s.retrieval_sinkhorn)
    k = s.mine_k if k is None else k
    src_mean = neighbour_means(fwd.cos[:, :k])
    tgt_mean = neighbour_means(bwd.cos[:, :k])
    scores = get_margin(margin)(cos, src_mean, tgt_mean[ids])
    return [(float(scores[i]), i, int(ids[i])) for i in range(len(x))]


def parse_threshold(value: str | float, settings: Settings | None = None) -> float:
    """``"auto"`` -> ``settings.mine_threshold``; a number -> itself.

    Anything else (including None and ``"none"``: retrieval is its own
    task, :func:`retrieve`) raises :class:`ChoiceError`.
    """
    s = settings or SETTINGS
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        f = float(value)
    else:
        text = str(value).strip().lower()
        if text == "auto":
            return float(s.mine_threshold)
        try:
            f = float(text)
        except ValueError:
            f = float("nan")
    if not np.isfinite(f):
        raise ChoiceError("threshold", value, ["auto", "a number such as 0.2"])
    return f


def _check_inputs(src_vecs, tgt_vecs, src_texts, tgt_texts) -> None:
    check_matrix("src_vecs", src_vecs)
    check_matrix("tgt_vecs", tgt_vecs, src_vecs.shape[1], other="src_vecs")
    if len(src_texts) != len(src_vecs):
        raise DimensionError(f"src_texts: {len(src_texts)} texts for {len(src_vecs)} vectors")
    if len(tgt_texts) != len(tgt_vecs):
        raise DimensionError(f"tgt_texts: {len(tgt_texts)} texts for {len(tgt_vecs)} vectors")


def mining_settings(settings: Settings) -> Settings:
    """``settings`` as mining searches with them: IVF indexes probe ``mine_nprobe`` lists."""
    if settings.ivf_nprobe == settings.mine_nprobe:
        return settings
    return replace(settings, ivf_nprobe=settings.mine_nprobe)


def check_mining_options(mode: str | None, margin: str | None, settings: Settings) -> tuple[str, str]:
    """(mode, margin) with settings' defaults filled in; :class:`ChoiceError` on a bad name."""
    mode = mode or settings.mine_mode
    if mode not in MODES:
        raise ChoiceError("mining mode", mode, list(MODES))
    margin = margin or settings.mine_margin
    get_margin(margin)
    if settings.mine_score not in MINING_SCORES:
        raise ChoiceError("mining score", settings.mine_score, MINING_SCORES)
    return mode, margin


def retrieve(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_texts: Sequence[str],
             tgt_texts: Sequence[str], *, k: int | None = None, margin: str | None = None,
             candidates: int | None = None, settings: Settings | None = None) -> list[MinedPair]:
    """Retrieval: the best target of every source, one pair per source, in source order.

    src_vecs: (n_src, dim) float32, tgt_vecs: (n_tgt, dim) float32, rows
    L2-normalised (from the same encoder); src_texts/tgt_texts: the n_src
    and n_tgt sentences. The spaces are whitened and self-aligned, and the
    Sinkhorn correction picks the target where it applies (see
    :mod:`aligner.margin`). ``k``, ``margin``, ``candidates`` default to
    ``settings.mine_k``, ``mine_margin``, ``mine_candidates``. Indexes are
    0-based rows; the score is the margin score of the chosen pair.
    """
    s = mining_settings(settings or SETTINGS)
    _check_inputs(src_vecs, tgt_vecs, src_texts, tgt_texts)
    margin = margin or s.mine_margin
    get_margin(margin)
    if len(src_vecs) == 0 or len(tgt_vecs) == 0:
        return []
    triples = _retrieve(src_vecs, tgt_vecs, k=k, margin=margin, candidates=candidates, settings=s)
    return _pairs(triples, src_texts, tgt_texts)


def mine(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_texts: Sequence[str],
         tgt_texts: Sequence[str], *, threshold: float | str = "auto",
         k: int | None = None, mode: str | None = None, margin: str | None = None,
         candidates: int | None = None, settings: Settings | None = None) -> list[MinedPair]:
    """Mining: translation pairs scoring at least ``threshold``, best first.

    src_vecs: (n_src, dim) float32, tgt_vecs: (n_tgt, dim) float32, rows
    L2-normalised (from the same encoder); src_texts/tgt_texts: the n_src
    and n_tgt sentences (their numbers are cross-checked). ``threshold``: a
    number, or ``"auto"`` = ``settings.mine_threshold``; for one pair per
    source whatever its score, use :func:`retrieve`. Pairs are selected by
    ``mode`` (default ``settings.mine_mode``). ``k``, ``margin``,
    ``candidates`` default to ``settings.mine_k``, ``mine_margin``,
    ``mine_candidates``. Indexes are 0-based rows.
    """
    s = mining_settings(settings or SETTINGS)
    _check_inputs(src_vecs, tgt_vecs, src_texts, tgt_texts)
    if threshold is None:
        raise ChoiceError("threshold", None, ["auto", "a number such as 0.2 (for retrieval, "
                                              "call aligner.mine.retrieve)"])
    mode, margin = check_mining_options(mode, margin, s)
    threshold = parse_threshold(threshold, s)
    if len(src_vecs) == 0 or len(tgt_vecs) == 0:
        return []
    # Mining only centres the spaces (retrieval also whitens and self-aligns, see
    # margin.prepare_spaces); the number cross-check helps mining, not retrieval
    # (UN dev, bench/README.md).
    fwd, bwd = score_candidates(src_vecs, tgt_vecs, retrieval=False, k=k, margin=margin,
                                candidates=candidates, src_texts=src_texts,
                                tgt_texts=tgt_texts, settings=s)
    return select_pairs(fwd, bwd, src_texts, tgt_texts, threshold=threshold, mode=mode, settings=s)


def select_rows(fwd: Candidates, bwd: Candidates, *, threshold: float, mode: str,
                settings: Settings) -> Rows:
    """The mined pairs of scored candidates, as arrays (score, src row, tgt row):
    chosen by ``mode`` on the margin, reported and thresholded on the mining
    score (``settings.mine_score``).

    fwd: each source's candidates (n_src rows, ids index targets); bwd: each
    target's (n_tgt rows). Only each row's best column is read, so
    :meth:`Candidates.best_only` candidates give the same pairs. Returns the
    pairs with score >= ``threshold``, best first (ties: by source, then
    target row). Memory: a few arrays of n_src + n_tgt numbers.
    """
    score, i, j = MODES[mode](fwd, bwd)
    if settings.mine_score == "blend":
        score = _pair_scores(fwd, bwd, settings.mine_score_lambda, i, j)
    keep = score >= threshold
    score, i, j = score[keep], i[keep], j[keep]
    order = np.lexsort((j, i, -score))
    return score[order], i[order], j[order]


def select_pairs(fwd: Candidates, bwd: Candidates, src_texts: Sequence[str],
                 tgt_texts: Sequence[str], *, threshold: float, mode: str,
                 settings: Settings) -> list[MinedPair]:
    """:func:`select_rows` as :class:`MinedPair` records with their texts."""
    score, i, j = select_rows(fwd, bwd, threshold=threshold, mode=mode, settings=settings)
    return pairs_of_rows(score, i, j, src_texts, tgt_texts)


def pairs_of_rows(score: np.ndarray, src: np.ndarray, tgt: np.ndarray, src_texts: Sequence[str],
                  tgt_texts: Sequence[str]) -> list[MinedPair]:
    """Pairs given as arrays (score, src row, tgt row), as :class:`MinedPair` records.
    Texts that can read many rows at once (``take``, e.g. the engine's texts on disk)
    are read so."""
    s_rows, t_rows = np.asarray(src, np.int64), np.asarray(tgt, np.int64)
    take = getattr(src_texts, "take", None)
    s_text = take(s_rows) if take else [src_texts[i] for i in s_rows.tolist()]
    take = getattr(tgt_texts, "take", None)
    t_text = take(t_rows) if take else [tgt_texts[j] for j in t_rows.tolist()]
    return [MinedPair(score=sc, src_index=i, tgt_index=j, src_text=a, tgt_text=b)
            for sc, i, j, a, b in zip(np.asarray(score, np.float64).tolist(), s_rows.tolist(),
                                      t_rows.tolist(), s_text, t_text)]


def _pairs(triples: list[Triple], src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[MinedPair]:
    if not triples:
        return []
    score, i, j = (np.asarray(c) for c in zip(*triples))
    return pairs_of_rows(score, i, j, src_texts, tgt_texts)
