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

import numpy as np

from .errors import ChoiceError, DimensionError
from .margin import (Candidates, get_margin, neighbour_means, prepare_and_score, score_candidates,
                     sinkhorn_applies, sinkhorn_best, sinkhorn_potentials)
from .records import MinedPair
from .search import check_matrix
from .settings import SETTINGS, Settings

__all__ = ["MINING_SCORES", "MODES", "TASKS", "check_mining_options", "mine", "parse_threshold",
           "retrieve", "select_pairs"]

TASKS = ("mine", "retrieve")
"""What ``aligner mine`` does: mine (pairs above a threshold) or retrieve (best target per source)."""


Triple = tuple[float, int, int]  # (score, src row, tgt row)


def _intersect(fwd: Candidates, bwd: Candidates) -> list[Triple]:
    f_best, f_score = fwd.best_ids(), fwd.best_scores()
    b_best = bwd.best_ids()
    out = []
    for i, j in enumerate(f_best.tolist()):
        if j >= 0 and b_best[j] == i:
            out.append((float(f_score[i]), i, j))
    return out


def _forward(fwd: Candidates, bwd: Candidates) -> list[Triple]:
    f_best, f_score = fwd.best_ids(), fwd.best_scores()
    return [(float(f_score[i]), i, j) for i, j in enumerate(f_best.tolist()) if j >= 0]


def _backward(fwd: Candidates, bwd: Candidates) -> list[Triple]:
    b_best, b_score = bwd.best_ids(), bwd.best_scores()
    return [(float(b_score[j]), i, j) for j, i in enumerate(b_best.tolist()) if i >= 0]


def _max(fwd: Candidates, bwd: Candidates) -> list[Triple]:
    pooled = sorted(set(_forward(fwd, bwd)) | set(_backward(fwd, bwd)),
                    key=lambda t: (-t[0], t[1], t[2]))
    used_src: set[int] = set()
    used_tgt: set[int] = set()
    out = []
    for score, i, j in pooled:
        if i in used_src or j in used_tgt:
            continue
        used_src.add(i)
        used_tgt.add(j)
        out.append((score, i, j))
    return out


MODES: dict[str, Callable[[Candidates, Candidates], list[tuple[float, int, int]]]] = {
    "intersect": _intersect, "max": _max, "fwd": _forward, "bwd": _backward,
}
"""Candidate selection of mining mode, by name."""

MINING_SCORES = ("blend", "margin")
"""What mining mode reports and thresholds: ``blend`` = cos - lambda * neighbourhood
(:meth:`Candidates.confidence`), ``margin`` = the ranking criterion's own score."""


def _pair_scores(fwd: Candidates, bwd: Candidates, lam: float) -> dict[tuple[int, int], float]:
    """Mining score (:meth:`Candidates.confidence`) of every best pair, both directions."""
    out: dict[tuple[int, int], float] = {}
    f_ids, f_conf = fwd.best_ids(), fwd.at_best(fwd.confidence(lam))
    for i, j in enumerate(f_ids.tolist()):
        if j >= 0:
            out[(i, j)] = float(f_conf[i])
    b_ids, b_conf = bwd.best_ids(), bwd.at_best(bwd.confidence(lam))
    for j, i in enumerate(b_ids.tolist()):
        if i >= 0:
            out.setdefault((i, j), float(b_conf[j]))
    return out


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
        return sorted(_forward(fwd, bwd), key=lambda t: t[1])
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
    s = settings or SETTINGS
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
    s = settings or SETTINGS
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


def select_pairs(fwd: Candidates, bwd: Candidates, src_texts: Sequence[str],
                 tgt_texts: Sequence[str], *, threshold: float, mode: str,
                 settings: Settings) -> list[MinedPair]:
    """The mined pairs of scored candidates: chosen by ``mode`` on the margin,
    reported and thresholded on the mining score (``settings.mine_score``).

    fwd: each source's candidates (n_src rows, ids index targets); bwd: each
    target's (n_tgt rows). Only each row's best column is read, so
    :meth:`Candidates.best_only` candidates give the same pairs.
    Returns pairs with score >= ``threshold``, best first (ties: by source,
    then target row).
    """
    triples = MODES[mode](fwd, bwd)
    if settings.mine_score == "blend":
        conf = _pair_scores(fwd, bwd, settings.mine_score_lambda)
        triples = [(conf[(i, j)], i, j) for _, i, j in triples]
    triples = [t for t in triples if t[0] >= threshold]
    triples.sort(key=lambda t: (-t[0], t[1], t[2]))
    return _pairs(triples, src_texts, tgt_texts)


def _pairs(triples: list[Triple], src_texts: Sequence[str], tgt_texts: Sequence[str]) -> list[MinedPair]:
    return [MinedPair(score=score, src_index=i, tgt_index=j,
                      src_text=src_texts[i], tgt_text=tgt_texts[j])
            for score, i, j in triples]
