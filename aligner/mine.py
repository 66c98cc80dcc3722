"""Parallel-sentence mining and cross-lingual retrieval (``aligner mine``).

Two uses of the same scores (see :mod:`aligner.margin`):

* retrieval (``threshold=None``): every source sentence gets its best
  target by margin score; one pair per source, in source order;
* mining (numeric ``threshold``, BUCC style): the best target of every
  source (forward) and the best source of every target (backward) are
  candidates; ``mode`` decides which are kept (``intersect``: pairs that
  are each other's best; ``max``: both lists pooled, best first, each
  sentence used once; ``fwd``/``bwd``: one direction), then pairs scoring
  below ``threshold`` are dropped. Sorted by score, best first. The score
  of a mined pair is ``cos - lambda * neighbourhood`` on the centred
  spaces (``settings.mine_score``/``mine_score_lambda``): the margin is
  best at *choosing* a partner, but deciding whether a pair is a
  translation at all also needs the absolute similarity (UN dev).

Arrays and texts in, :class:`aligner.records.MinedPair` out; no IO.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .errors import ChoiceError, DimensionError
from .margin import (Candidates, _prepare_and_score, get_margin, neighbour_means, score_candidates,
                     sinkhorn_applies, sinkhorn_best, sinkhorn_potentials)
from .records import MinedPair
from .search import check_matrix
from .settings import SETTINGS, Settings

__all__ = ["MINING_SCORES", "MODES", "mine", "parse_threshold"]


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
    x, y, fwd, bwd = _prepare_and_score(src, tgt, retrieval=True, k=k, margin=margin,
                                        candidates=candidates, settings=s)
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


def parse_threshold(value: str | float | None, settings: Settings | None = None) -> float | None:
    """``"auto"`` -> ``settings.mine_threshold``; ``"none"``/None -> None
    (retrieval mode); a number -> itself. Anything else: :class:`ChoiceError`.
    """
    s = settings or SETTINGS
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        f = float(value)
    else:
        text = str(value).strip().lower()
        if text == "auto":
            return float(s.mine_threshold)
        if text == "none":
            return None
        try:
            f = float(text)
        except ValueError:
            f = float("nan")
    if not np.isfinite(f):
        raise ChoiceError("threshold", value, ["auto", "none", "a number such as 0.2"])
    return f


def mine(src_vecs: np.ndarray, tgt_vecs: np.ndarray, src_texts: Sequence[str],
         tgt_texts: Sequence[str], *, k: int | None = None, threshold: float | str | None = None,
         mode: str | None = None, margin: str | None = None, candidates: int | None = None,
         settings: Settings | None = None) -> list[MinedPair]:
    """Pair source sentences with target sentences.

    src_vecs: (n_src, dim) float32, tgt_vecs: (n_tgt, dim) float32, rows
    L2-normalised (from the same encoder); src_texts/tgt_texts: the n_src
    and n_tgt sentences. ``threshold`` None: retrieval mode (one pair per
    source, its best target, in source order). A number (or ``"auto"`` =
    ``settings.mine_threshold``): mining mode, pairs selected by ``mode``
    (default ``settings.mine_mode``) with score >= threshold, best first.
    ``k``, ``margin``, ``candidates`` default to ``settings.mine_k``,
    ``mine_margin``, ``mine_candidates``. Indexes are 0-based rows.
    """
    s = settings or SETTINGS
    check_matrix("src_vecs", src_vecs)
    check_matrix("tgt_vecs", tgt_vecs, src_vecs.shape[1], other="src_vecs")
    if len(src_texts) != len(src_vecs):
        raise DimensionError(f"src_texts: {len(src_texts)} texts for {len(src_vecs)} vectors")
    if len(tgt_texts) != len(tgt_vecs):
        raise DimensionError(f"tgt_texts: {len(tgt_texts)} texts for {len(tgt_vecs)} vectors")
    mode = mode or s.mine_mode
    if mode not in MODES:
        raise ChoiceError("mining mode", mode, list(MODES))
    margin = margin or s.mine_margin
    get_margin(margin)
    if s.mine_score not in MINING_SCORES:
        raise ChoiceError("mining score", s.mine_score, MINING_SCORES)
    threshold = parse_threshold(threshold, s)
    if len(src_vecs) == 0 or len(tgt_vecs) == 0:
        return []
    # Retrieval mode whitens and self-aligns the spaces; mining only centres them
    # (see margin.prepare_spaces). The number cross-check helps mining but not
    # retrieval (UN dev, bench/README.md).
    if threshold is None:
        triples = _retrieve(src_vecs, tgt_vecs, k=k, margin=margin, candidates=candidates, settings=s)
    else:
        fwd, bwd = score_candidates(src_vecs, tgt_vecs, retrieval=False, k=k, margin=margin,
                                    candidates=candidates, src_texts=src_texts,
                                    tgt_texts=tgt_texts, settings=s)
        # chosen by margin, reported and thresholded by the mining score
        triples = MODES[mode](fwd, bwd)
        if s.mine_score == "blend":
            conf = _pair_scores(fwd, bwd, s.mine_score_lambda)
            triples = [(conf[(i, j)], i, j) for _, i, j in triples]
        triples = [t for t in triples if t[0] >= threshold]
        triples.sort(key=lambda t: (-t[0], t[1], t[2]))
    return [MinedPair(score=score, src_index=i, tgt_index=j,
                      src_text=src_texts[i], tgt_text=tgt_texts[j])
            for score, i, j in triples]
