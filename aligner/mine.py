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

:func:`select_blocks` is the last step of mining, shared with the
bounded-memory engine (:mod:`aligner.engine.mining`), which computes the
same candidates block by block from vectors on disk, keeps each row's best
candidate on disk (:class:`BestRows` of on-disk columns) and sorts the
pairs with an external merge sort instead of :func:`sort_rows`.

Arrays and texts in, :class:`aligner.records.MinedPair` out; no IO.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .errors import ChoiceError, DimensionError
from .margin import (Candidates, get_margin, neighbour_means, prepare_and_score, score_candidates,
                     sinkhorn_applies, sinkhorn_best, sinkhorn_potentials)
from .records import MinedPair
from .search import check_matrix
from .settings import SETTINGS, Settings

__all__ = ["MINING_SCORES", "MODES", "TASKS", "BestRows", "check_mining_options", "mine",
           "mining_settings", "pairs_of_rows", "parse_threshold", "retrieve", "select_blocks",
           "select_pairs", "select_rows", "sort_rows"]

TASKS = ("mine", "retrieve")
"""What ``aligner mine`` does: mine (pairs above a threshold) or retrieve (best target per source)."""


Triple = tuple[float, int, int]  # (score, src row, tgt row)
Rows = tuple[np.ndarray, np.ndarray, np.ndarray]
"""(score (m,) float64, src rows (m,) int64, tgt rows (m,) int64): pairs as arrays."""


def _rows(score, i, j) -> Rows:
    return (np.asarray(score, np.float64), np.asarray(i, np.int64), np.asarray(j, np.int64))


@dataclass(frozen=True)
class BestRows:
    """Each row's best candidate: all that pair selection reads of :class:`Candidates`.

    ids: (n,) int64 the best key row (-1: none); score: (n,) float32 its margin
    score (:meth:`Candidates.best_scores`); conf: (n,) float32 its mining
    confidence (:meth:`Candidates.confidence` at the best column). Numpy
    arrays, or on-disk columns that read row slices (``x[a:b]``) and picked
    rows (``x[index_array]``), e.g. :class:`aligner.engine.mining.NpyRows`:
    selection reads them a block at a time.
    """

    ids: object
    score: object
    conf: object

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of(cls, c: Candidates, lam: float) -> "BestRows":
        """The best candidate of each row of ``c`` (confidence with lambda ``lam``)."""
        return cls(c.best_ids(), c.best_scores(), c.at_best(c.confidence(lam)))


def _spans(n: int, block: int):
    block = max(1, int(block))
    return [(a, min(n, a + block)) for a in range(0, n, block)]


def _forward(fwd: BestRows, bwd: BestRows, block: int) -> Iterator[Rows]:
    for a, b in _spans(len(fwd), block):
        ids = np.asarray(fwd.ids[a:b], np.int64)
        k = np.flatnonzero(ids >= 0)
        yield _rows(np.asarray(fwd.score[a:b])[k], a + k, ids[k])


def _backward(fwd: BestRows, bwd: BestRows, block: int) -> Iterator[Rows]:
    for a, b in _spans(len(bwd), block):
        ids = np.asarray(bwd.ids[a:b], np.int64)
        k = np.flatnonzero(ids >= 0)
        yield _rows(np.asarray(bwd.score[a:b])[k], ids[k], a + k)


def _intersect(fwd: BestRows, bwd: BestRows, block: int) -> Iterator[Rows]:
    """Forward pairs whose target's best source is the source (the other side's
    best ids read for just the targets of the block)."""
    for score, i, j in _forward(fwd, bwd, block):
        keep = np.asarray(bwd.ids[j], np.int64) == i
        yield score[keep], i[keep], j[keep]


def _pooled(fwd: BestRows, bwd: BestRows, block: int) -> Iterator[Rows]:
    yield from _forward(fwd, bwd, block)
    yield from _backward(fwd, bwd, block)


def _greedy(chunks: Iterable[Rows], n_src: int, n_tgt: int) -> Iterator[Rows]:
    """Pairs sorted best first, each sentence used once (one bit a row of each side).
    A pair found both ways with the same score comes twice, in a row: the second is
    refused like any pair whose sentences are used."""
    used_src, used_tgt = bytearray((n_src + 7) // 8), bytearray((n_tgt + 7) // 8)
    for score, i, j in chunks:
        keep = np.zeros(len(score), bool)
        for k, (a, b) in enumerate(zip(i.tolist(), j.tolist())):
            if not (used_src[a >> 3] >> (a & 7)) & 1 and not (used_tgt[b >> 3] >> (b & 7)) & 1:
                used_src[a >> 3] |= 1 << (a & 7)
                used_tgt[b >> 3] |= 1 << (b & 7)
                keep[k] = True
        yield score[keep], i[keep], j[keep]


MODES: dict[str, str] = {
    "intersect": "pairs that are each other's best",
    "max": "both directions pooled, best first, each sentence used once",
    "fwd": "each source's best target", "bwd": "each target's best source",
}
"""Candidate selection of mining mode, by name (see :func:`select_blocks`)."""

_MODE_PAIRS: dict[str, Callable[[BestRows, BestRows, int], Iterator[Rows]]] = {
    "intersect": _intersect, "fwd": _forward, "bwd": _backward,
}

Sorter = Callable[[Iterable[Rows]], Iterator[Rows]]
"""sort(chunks of pairs) -> the same pairs in chunks, best first (score descending, then
source row, then target row): :func:`sort_rows` in memory, an external merge sort on disk."""


def sort_rows(chunks: Iterable[Rows]) -> Iterator[Rows]:
    """:data:`Sorter` in memory: one chunk."""
    parts = list(chunks)
    if not parts:
        yield _rows(np.zeros(0), np.zeros(0), np.zeros(0))
        return
    score, i, j = (np.concatenate([p[c] for p in parts]) for c in range(3))
    order = np.lexsort((j, i, -score))
    yield score[order], i[order], j[order]


def select_blocks(fwd: BestRows, bwd: BestRows, *, threshold: float, mode: str,
                  settings: Settings, block: int, sort: Sorter = sort_rows) -> Iterator[Rows]:
    """The mined pairs of each row's best candidate, in chunks, best first.

    fwd: each source's best target (n_src rows); bwd: each target's best
    source (n_tgt rows); read ``block`` rows at a time (and, where a mode
    needs the other side, just the rows it needs). Pairs are chosen by
    ``mode`` (:data:`MODES`) on the margin, reported and thresholded on the
    mining score (``settings.mine_score``), ordered by ``sort``. Mode
    ``max`` sorts the pooled pairs first (with ``sort``) and keeps one bit
    a row of each side.
    """
    if mode == "max":
        chosen = _greedy(sort(_pooled(fwd, bwd, block)), len(fwd), len(bwd))
    else:
        chosen = _MODE_PAIRS[mode](fwd, bwd, block)

    def scored() -> Iterator[Rows]:
        for score, i, j in chosen:
            if settings.mine_score == "blend":
                score = _pair_scores(fwd, bwd, i, j)
            keep = score >= threshold
            yield score[keep], i[keep], j[keep]

    return sort(scored())


MINING_SCORES = ("blend", "margin")
"""What mining mode reports and thresholds: ``blend`` = cos - lambda * neighbourhood
(:meth:`Candidates.confidence`), ``margin`` = the ranking criterion's own score."""


def _pair_scores(fwd: BestRows, bwd: BestRows, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """(m,) float64 mining score (:meth:`Candidates.confidence`) of the best pairs
    (i, j): the forward one where j is i's best, else the backward one."""
    if not len(i):
        return np.zeros(0, np.float64)
    f_ids, f_conf = np.asarray(fwd.ids[i]), np.asarray(fwd.conf[i])
    return np.where(f_ids == j, f_conf, np.asarray(bwd.conf[j])).astype(np.float64)


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
        best = BestRows.of(fwd, s.mine_score_lambda)
        score, i, j = next(_forward(best, best, max(1, len(best))))  # in source order
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
    :func:`select_blocks` in memory.

    fwd: each source's candidates (n_src rows, ids index targets); bwd: each
    target's (n_tgt rows). Only each row's best column is read
    (:class:`BestRows`). Returns the pairs with score >= ``threshold``, best
    first (ties: by source, then target row).
    """
    lam = settings.mine_score_lambda
    f, b = BestRows.of(fwd, lam), BestRows.of(bwd, lam)
    parts = list(select_blocks(f, b, threshold=threshold, mode=mode, settings=settings,
                               block=max(1, len(f), len(b))))
    return tuple(np.concatenate([p[c] for p in parts]) for c in range(3))  # type: ignore[return-value]


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
