"""Whole-text alignment: two texts in, an ordered list of beads out.

A *bead* pairs a run of 0–3 consecutive source sentences with a run of 0–3
consecutive target sentences (1-1, 1-2, 2-1, 2-2, 1-3, 3-1, and the null
beads 1-0 / 0-1 for sentences with no counterpart). The beads cover both
texts once, in order.

The method (two steps, after the published designs of Bertalign and
Vecalign; written from their papers' descriptions):

1. **Overlap embeddings.** Every sentence and every concatenation of 2–3
   consecutive sentences is embedded (:func:`overlap_texts` lists them;
   the caller encodes them, so this module does no IO and loads no model).
   A 1-2 bead is then scored as one vector against one vector.
2. **Anchors.** 1-1 pairs that are each other's best by ratio margin
   (:mod:`aligner.margin`), above a margin threshold, reduced to the
   longest chain that keeps text order. They bound a *band*: the rectangle
   between consecutive anchors, widened by a few sentences.
3. **Dynamic programming in the band.** Each bead gains, per sentence it
   covers, its similarity above a threshold, minus a length-ratio penalty,
   minus a penalty for crossing a paragraph boundary. Null beads gain 0,
   so a sentence is left unpaired whenever no pairing beats the threshold
   (deletions are never forced onto the diagonal). Similarities are
   normalised per text pair: the background (mean cosine to random
   sentences of the other side) is subtracted and the result divided by
   how far the anchors stand above it, so thresholds do not depend on the
   model's cosine range.

Cost grows linearly with the text length: beyond ``full_search_cells``
candidate pairs, the anchor search itself is banded around an alignment of
block averages (coarse to fine), and the dynamic programme only visits the
band.

Arrays in, typed records out.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .errors import AlignerError, ChoiceError
from .margin import get_margin, neighbour_means
from .search import check_matrix

__all__ = [
    "BEAD_TYPES", "OVERLAP_MODES", "Bead", "BitextParams", "OverlapVecs", "align_bitext", "align_texts", "bead_types",
    "find_anchors", "mean_overlaps", "overlap_texts", "paragraph_numbers", "uncertain_runs", "BitextInputError",
]

def bead_types(params: "BitextParams") -> tuple[tuple[int, int], ...]:
    """The bead shapes allowed by ``params``: pairings by size, then the null beads 1-0 and 0-1."""
    out = [(a, b) for t in range(2, params.max_total + 1) for a in range(1, t) for b in (t - a,)
           if a <= params.max_side and b <= params.max_side]
    return tuple(sorted(out, key=lambda ab: (max(ab), ab[0] + ab[1], ab))) + ((1, 0), (0, 1))

MAX_OVERLAP = 3


class BitextInputError(AlignerError, ValueError):
    """One of the two texts cannot be aligned (for instance it is empty)."""

    code = "E014"


@dataclass(frozen=True)
class Bead:
    """One alignment unit.

    ``src``/``tgt``: 0-based sentence indexes, consecutive and increasing
    (an empty tuple on one side for a 1-0 or 0-1 bead). ``score``: 0..1
    confidence, as ``BitextParams.bead_score`` says (by default the
    probability that the bead is right; for a null bead, that its sentence
    has no counterpart).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def is_null(self) -> bool:
        return not self.src or not self.tgt


@dataclass(frozen=True)
class BitextParams:
    """Weights of the dynamic programme and the anchor search (tuned on Text+Berg dev)."""

    threshold: float = 0.05
    """Normalised similarity a 1-1 pairing must beat (per sentence) to be preferred over 1-0 + 0-1."""
    extra_12: float = 0.25
    """Added threshold for 1-2 / 2-1 beads (prior against merging)."""
    extra_22: float = 0.30
    """Added threshold for 2-2 beads."""
    extra_13: float = 0.30
    """Added threshold for 1-3 / 3-1 beads."""
    extra_14: float = 0.20
    """Added threshold for 1-4 / 4-1 beads (and longer one-to-many beads)."""
    extra_23: float = 0.40
    """Added threshold for 2-3 / 3-2 beads (and larger many-to-many beads)."""
    max_side: int = 4
    """Most sentences on one side of a bead."""
    max_total: int = 6
    """Most sentences in a bead, both sides together (1-4 and 2-3 when 5)."""
    length_weight: float = 0.80
    """Weight of |log length ratio - expected| (characters) per sentence."""
    para_penalty: float = 2.0
    """Penalty for a bead that crosses a paragraph boundary on either side (when the
    paragraphs are not hard limits, see ``para_hard``)."""
    para_hard: bool = True
    """When both texts have the same number of paragraphs and the anchors agree with
    them, align paragraph k with paragraph k only (no bead crosses a boundary)."""
    para_agree: float = 0.95
    """Share of the anchors that must pair sentences of paragraphs with the same number."""
    anchor_margin: float = 1.0
    """Minimum ratio margin of an anchor."""
    margin_k: int = 4
    """Neighbours per side in the anchor margin."""
    band: int = 8
    """Sentences by which the band between anchors is widened."""
    background_samples: int = 64
    """Random other-side sentences used for each vector's background similarity."""
    full_search_cells: int = 4_000_000
    """Above n_src * n_tgt, the anchor search is banded (coarse to fine)."""
    coarse_block: int = 8
    """Sentences per block in the coarse pass."""
    background: str = "random"
    """What a similarity is measured against: "random" (median cosine to random
    other-side sentences) or "knn" (mean cosine to the k nearest in the band, as a margin)."""
    null_penalty: float = 0.0
    """Cost of leaving one sentence unpaired (a 1-0 or 0-1 bead)."""
    null_open: float = 0.5
    """Cost of starting a run of null beads after a pairing bead (paid once per run, as a gap-open cost)."""
    number_weight: float = 0.2
    """Weight of the agreement of the numbers written in the two sides (+w all shared, -w none)."""
    bead_weight: float = 0.5
    """A bead's gain is multiplied by (sentences it covers) ** bead_weight."""
    refine_below: float = 0.6
    """``align_texts`` with ``overlaps="needed"``: a 1-1 bead scored below this is
    re-examined with embedded sentence runs (as is every other bead shape)."""
    refine_context: int = 1
    """Sentences around an uncertain bead (and its neighbour beads) whose runs are embedded."""
    refine_rounds: int = 3
    """At most this many rounds of embedding runs and re-aligning."""
    decode: str = "viterbi"
    """How the DP picks the beads: "viterbi" (the sequence of maximum total gain) or
    "posterior" (minimum Bayes risk: the most expected correct pairing beads, each bead's
    probability from a forward-backward pass over all bead sequences)."""
    posterior_temp: float = 0.35
    """``decode="posterior"`` and ``bead_score="posterior"``: temperature T; a bead sequence
    weighs exp(total gain / T). Gains are in normalised-similarity units: from T = 1 up, the
    mass spreads over countless poor paths (the best dev figures are at T = 0.3-0.4)."""
    posterior_tau: float = 0.5
    """``decode="posterior"``: a pairing bead is worth its posterior probability minus this
    (for the most expected F1, about half the F1 reached); below 0.5 beads get finer."""
    posterior_keep: float = 0.0
    """``decode="posterior"``: when > 0, the Viterbi pairing beads whose posterior is at least
    this stay, and the decoding pass re-decides only the stretches between them."""
    posterior_null: float = 0.0
    """``decode="posterior"``: in the decoding pass, the cost of a run of null beads
    (paid once per run, like ``null_open``); a null bead is otherwise worth 0. Keep it small:
    each pairing inside a long unpaired stretch opens one more run, so at 0.6 a 3-sentence
    summary of a 60-sentence text gets no pair at all."""
    bead_score: str = "posterior"
    """What ``Bead.score`` holds: "posterior" (default: the probability of the bead under the
    distribution of ``decode="posterior"``, at ``posterior_temp``, i.e. how sure the aligner is
    of this cut; for a null bead, that its sentence is unpaired) or "similarity" (the bead's
    normalised similarity, 0..1; 0 for null beads). As a confidence, the posterior separates
    right from wrong beads far better: AUC 0.80 against 0.48 on Text+Berg dev, where the choice
    was made (0.87 against 0.58 on test; bench/README.md)."""
    seed: int = 0


BEAD_TYPES: tuple[tuple[int, int], ...] = bead_types(BitextParams())
"""The bead shapes the aligner may output with the default :class:`BitextParams`
(``max_side=4, max_total=6``): (source sentences, target sentences)."""


@dataclass(frozen=True)
class OverlapVecs:
    """Embeddings of one text's sentences and of their 2..3-sentence concatenations.

    ``vecs[w - 1]``: (max(n - w + 1, 0), dim) float32, L2-normalised rows;
    row ``i`` embeds sentences ``i .. i + w - 1`` joined by spaces (the order of
    :func:`overlap_texts`). ``lengths``: (n,) int64 characters per sentence.
    ``para_end``: (n,) bool, True where a paragraph ends after the sentence.
    """

    vecs: tuple[np.ndarray, ...]
    lengths: np.ndarray
    para_end: np.ndarray = field(default=None)  # type: ignore[assignment]
    marks: tuple[np.ndarray, ...] = ()
    """``marks[w - 1]``: (n - w + 1,) uint64, a 64-bit hash set of the numbers
    written in the same runs as ``vecs[w - 1]`` (0: none)."""

    @property
    def n(self) -> int:
        return len(self.lengths)

    @property
    def width(self) -> int:
        """The longest run that has vectors."""
        return len(self.vecs)

    def widened(self, width: int) -> "OverlapVecs":
        """The same vectors, with runs up to ``width`` sentences.

        A missing run of w sentences is the normalised, sentence-weighted sum
        of consecutive shorter runs that have vectors (4 = 2 + 2, 5 = 3 + 2);
        its number marks are the union of theirs.
        """
        if width <= self.width:
            return self
        vecs, marks = list(self.vecs), list(self.marks)
        n = self.n
        for w in range(self.width + 1, width + 1):
            k = max(n - w + 1, 0)
            parts = _split_run(w, self.width)
            run = np.zeros((k, vecs[0].shape[1]), np.float32)
            mark = np.zeros(k, np.uint64)
            off = 0
            for q in parts:
                run += q * vecs[q - 1][off:off + k]
                if marks:
                    mark |= marks[q - 1][off:off + k]
                off += q
            run /= np.maximum(np.linalg.norm(run, axis=1, keepdims=True), 1e-9)
            vecs.append(np.ascontiguousarray(run, dtype=np.float32))
            if marks:
                marks.append(mark)
        return OverlapVecs(tuple(vecs), self.lengths, self.para_end, tuple(marks))

    @classmethod
    def from_flat(cls, flat: np.ndarray, sentences: Sequence[str], *,
                  paragraphs: Sequence[int] | None = None, max_overlap: int = MAX_OVERLAP) -> "OverlapVecs":
        """Split the encoder output for :func:`overlap_texts` back into widths.

        flat: (len(overlap_texts(sentences, max_overlap)), dim) float32.
        paragraphs: optional paragraph number of each sentence.
        """
        n = len(sentences)
        sizes = [max(n - w + 1, 0) for w in range(1, max_overlap + 1)]
        if flat.shape[0] != sum(sizes):
            raise ValueError(f"flat: expected {sum(sizes)} rows for {n} sentences, got {flat.shape[0]}")
        out, start = [], 0
        for s in sizes:
            out.append(np.ascontiguousarray(flat[start:start + s], dtype=np.float32))
            start += s
        lengths = np.array([max(len(t), 1) for t in sentences], dtype=np.int64)
        para_end = np.zeros(n, dtype=bool)
        if paragraphs is not None:
            p = np.asarray(paragraphs)
            if len(p) != n:
                raise ValueError(f"paragraphs: expected {n} values, got {len(p)}")
            para_end[:-1] = p[1:] != p[:-1]
        if n:
            para_end[-1] = True
        return cls(tuple(out), lengths, para_end, number_marks(sentences, max_overlap))


def _split_run(w: int, most: int) -> list[int]:
    """Split a run of w sentences into as few, as even parts of at most ``most`` sentences."""
    k = -(-w // most)
    return [w // k + (1 if r < w % k else 0) for r in range(k)]


def mean_overlaps(sent_vecs: np.ndarray, sentences: Sequence[str], *,
                  paragraphs: Sequence[int] | None = None, max_overlap: int = MAX_OVERLAP) -> OverlapVecs:
    """Overlap vectors from sentence vectors alone: runs are normalised sums (the fast mode).

    sent_vecs: (n, dim) float32, L2-normalised. A third of the model calls of
    :func:`overlap_texts`; less accurate (Text+Berg dev strict F1 0.838 vs 0.879 with the same weights).
    """
    v = np.asarray(sent_vecs, dtype=np.float32)
    n = len(v)
    parts = [v]
    for w in range(2, max_overlap + 1):
        k = max(n - w + 1, 0)
        run = np.zeros((k, v.shape[1]), np.float32)
        for j in range(w):
            run += v[j:j + k]
        run /= np.maximum(np.linalg.norm(run, axis=1, keepdims=True), 1e-9)
        parts.append(run)
    return OverlapVecs.from_flat(np.concatenate(parts) if n else v, sentences, paragraphs=paragraphs,
                                 max_overlap=max_overlap)


def overlap_texts(sentences: Sequence[str], max_overlap: int = MAX_OVERLAP) -> list[str]:
    """The texts to embed: all sentences, then all 2-sentence runs, then 3-sentence runs."""
    out: list[str] = []
    for w in range(1, max_overlap + 1):
        out.extend(" ".join(sentences[i:i + w]) for i in range(len(sentences) - w + 1))
    return out


_NUMBER = re.compile(r"\d+")


def number_marks(sentences: Sequence[str], max_overlap: int = MAX_OVERLAP) -> tuple[np.ndarray, ...]:
    """Bit sets (uint64) of the numbers in each sentence and each run of 2..max_overlap sentences.

    Digits in any script count (``int()`` reads Arabic-Indic digits); each
    number sets one of 64 bits chosen by a stable hash (crc32).
    """
    one = np.zeros(len(sentences), dtype=np.uint64)
    for k, text in enumerate(sentences):
        m = 0
        for tok in _NUMBER.findall(text):
            try:
                tok = str(int(tok))
            except ValueError:
                pass
            m |= 1 << (zlib.crc32(tok.encode("utf-8")) % 64)
        one[k] = m
    out = [one]
    for w in range(2, max_overlap + 1):
        n = max(len(one) - w + 1, 0)
        run = np.zeros(n, dtype=np.uint64)
        for k in range(w):
            run |= one[k:k + n]
        out.append(run)
    return tuple(out)


# ------------------------------------------------------------------ anchors

def _band_cos(src: np.ndarray, tgt: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise cosines inside a band.

    src: (n, d), tgt: (m, d); lo, hi: (n,) int, the band of row i is
    columns lo[i] <= j < hi[i]. Returns (cos (n, W) float32 padded with
    -inf, cols (n, W) int64 padded with -1), W = max band width.
    """
    n = len(src)
    width = int(max(1, (hi - lo).max(initial=1)))
    cols = lo[:, None] + np.arange(width)[None, :]
    valid = cols < hi[:, None]
    cols = np.where(valid, cols, -1)
    cos = np.full((n, width), -np.inf, dtype=np.float32)
    # row blocks: one matrix product over the columns the block's rows span (the band is monotone)
    rows = max(1, min(n, 4_000_000 // max(width * 4, 1), 256))
    for a in range(0, n, rows):
        b = min(n, a + rows)
        c0, c1 = int(lo[a:b].min()), int(max(hi[a:b].max(), lo[a:b].min() + 1))
        block = src[a:b] @ tgt[c0:c1].T  # (b - a, c1 - c0)
        idx = np.clip(cols[a:b] - c0, 0, block.shape[1] - 1)
        c = np.take_along_axis(block, idx, axis=1)
        cos[a:b] = np.where(valid[a:b], c, -np.inf)
    return cos, cols


def _column_band(lo: np.ndarray, hi: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The same band seen by columns: rows clo[j] <= i < chi[j] (lo, hi non-decreasing)."""
    j = np.arange(m)
    clo = np.searchsorted(hi, j, side="right")  # first row with hi > j
    chi = np.searchsorted(lo, j, side="right")  # rows with lo <= j
    return clo.astype(np.int64), np.maximum(chi, clo).astype(np.int64)


def _mutual_best_band(src: np.ndarray, tgt: np.ndarray, lo: np.ndarray, hi: np.ndarray, *,
                      k: int, margin: str = "ratio") -> tuple[np.ndarray, np.ndarray]:
    """Mutual best pairs by margin inside a band. Returns ((p, 2) int64 pairs, (p,) float32 margins)."""
    fn = get_margin(margin)
    rcos, rcols = _band_cos(src, tgt, lo, hi)
    clo, chi = _column_band(lo, hi, len(tgt))
    ccos, crows = _band_cos(tgt, src, clo, chi)
    kr, kc = min(k, rcos.shape[1]), min(k, ccos.shape[1])
    rmean = neighbour_means(-np.sort(-rcos, axis=1)[:, :kr])
    cmean = neighbour_means(-np.sort(-ccos, axis=1)[:, :kc])
    rmarg = fn(rcos, rmean[:, None], cmean[np.maximum(rcols, 0)])
    rmarg = np.where(rcols >= 0, rmarg, -np.inf)
    cmarg = fn(ccos, rmean[np.maximum(crows, 0)], cmean[:, None])
    cmarg = np.where(crows >= 0, cmarg, -np.inf)
    rbest = rcols[np.arange(len(src)), np.argmax(rmarg, axis=1)]
    cbest = crows[np.arange(len(tgt)), np.argmax(cmarg, axis=1)] if len(tgt) else np.zeros(0, np.int64)
    rows = np.flatnonzero((rbest >= 0) & (cbest[np.maximum(rbest, 0)] == np.arange(len(src))))
    pairs = np.stack([rows, rbest[rows]], axis=1).astype(np.int64)
    scores = rmarg[rows, np.argmax(rmarg, axis=1)[rows]].astype(np.float32)
    return pairs, scores


def _longest_chain(pairs: np.ndarray) -> np.ndarray:
    """Longest strictly increasing (src, tgt) chain; pairs sorted by src. O(p log p)."""
    if len(pairs) == 0:
        return pairs
    tails: list[int] = []  # tgt value at the end of the best chain of each length
    tail_idx: list[int] = []
    prev = np.full(len(pairs), -1, dtype=np.int64)
    import bisect

    for idx, (_, j) in enumerate(pairs):
        pos = bisect.bisect_left(tails, int(j))
        if pos == len(tails):
            tails.append(int(j))
            tail_idx.append(idx)
        else:
            tails[pos] = int(j)
            tail_idx[pos] = idx
        prev[idx] = tail_idx[pos - 1] if pos > 0 else -1
    out, cur = [], tail_idx[-1]
    while cur >= 0:
        out.append(cur)
        cur = prev[cur]
    return pairs[out[::-1]]


def _drop_outliers(chain: np.ndarray, n: int, m: int) -> np.ndarray:
    """Remove anchors far off the line through their chain neighbours."""
    if len(chain) < 3:
        return chain
    pts = np.vstack([[-1, -1], chain, [n, m]]).astype(np.float64)
    keep = np.ones(len(chain), dtype=bool)
    for t in range(1, len(pts) - 1):
        (i0, j0), (i1, j1), (i2, j2) = pts[t - 1], pts[t], pts[t + 1]
        expect = j0 + (j2 - j0) * (i1 - i0) / max(i2 - i0, 1e-9)
        tol = max(4.0, 0.5 * max(i2 - i0, j2 - j0))
        keep[t - 1] = abs(j1 - expect) <= tol
    return chain[keep]


def _rect_band(chain: np.ndarray, n: int, m: int, widen: int) -> tuple[np.ndarray, np.ndarray]:
    """Band over sentence rows (n,) covering the rectangles between consecutive anchors."""
    pts = np.vstack([[0, 0], chain, [n - 1, m - 1]]).astype(np.int64) if len(chain) else \
        np.array([[0, 0], [n - 1, m - 1]], np.int64)
    lo = np.full(n, m, dtype=np.int64)
    hi = np.zeros(n, dtype=np.int64)
    for (i0, j0), (i1, j1) in zip(pts[:-1], pts[1:]):
        a, b = max(0, i0 - widen), min(n, i1 + widen + 1)
        lo[a:b] = np.minimum(lo[a:b], max(0, min(j0, j1) - widen))
        hi[a:b] = np.maximum(hi[a:b], min(m, max(j0, j1) + widen + 1))
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    return lo, np.maximum(hi, lo + 1).clip(max=m)


def find_anchors(src: np.ndarray, tgt: np.ndarray, params: BitextParams = BitextParams()) -> tuple[np.ndarray, np.ndarray]:
    """1-1 anchors: mutual best by ratio margin, above ``params.anchor_margin``, in text order.

    src: (n, dim), tgt: (m, dim) float32 sentence embeddings (L2-normalised).
    Returns ((a, 2) int64 ``(src, tgt)`` pairs increasing on both sides,
    (a,) float32 margins). Linear in n + m: beyond ``params.full_search_cells``
    pairs the search runs in a band found on block averages (coarse to fine).
    """
    n, m = len(src), len(tgt)
    if n == 0 or m == 0:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.float32)
    if n * m <= params.full_search_cells:
        lo, hi = np.zeros(n, np.int64), np.full(n, m, np.int64)
    else:
        b = params.coarse_block
        cs, ct = _block_means(src, b), _block_means(tgt, b)
        coarse, _ = find_anchors(cs, ct, params)
        chain = np.asarray(coarse, np.int64) * b + b // 2
        chain = np.minimum(chain, [n - 1, m - 1])
        lo, hi = _rect_band(chain, n, m, widen=3 * b)
    pairs, scores = _mutual_best_band(src, tgt, lo, hi, k=params.margin_k)
    ok = scores >= params.anchor_margin
    pairs, scores = pairs[ok], scores[ok]
    chain = _longest_chain(pairs)
    chain = _drop_outliers(chain, n, m)
    keep = np.isin(pairs[:, 0], chain[:, 0])
    return chain, scores[keep]


def _block_means(v: np.ndarray, b: int) -> np.ndarray:
    n = len(v)
    nb = (n + b - 1) // b
    pad = np.zeros((nb * b, v.shape[1]), np.float32)
    pad[:n] = v
    s = pad.reshape(nb, b, -1).sum(axis=1)
    s /= np.maximum(np.linalg.norm(s, axis=1, keepdims=True), 1e-9)
    return np.ascontiguousarray(s, dtype=np.float32)


# ------------------------------------------------------------- the alignment

ProgressFn = Callable[[int, int], None]
EncodeFn = Callable[[list[str]], np.ndarray]
"""Texts in, (len(texts), dim) float32 L2-normalised rows out (an encoder's ``encode``)."""
StageFn = Callable[[str, int, int], None]
OVERLAP_MODES = ("needed", "all", "none")


def align_texts(src: Sequence[str], tgt: Sequence[str], encode: EncodeFn, params: BitextParams = BitextParams(), *,
                src_paragraphs: Sequence[int] | None = None, tgt_paragraphs: Sequence[int] | None = None,
                overlaps: str = "needed", progress: StageFn | None = None,
                encode_progress: bool = False) -> list[Bead]:
    """Align two texts given as sentences, embedding what the alignment needs.

    ``encode`` is called with lists of texts (sentences, or runs of 2–3
    sentences joined by spaces). ``overlaps``:

    * ``"all"``: every sentence and every run is embedded up front (3 texts per sentence);
    * ``"needed"`` (default): the sentences are embedded, runs start as
      normalised sums of their sentences (:func:`mean_overlaps`); after a
      first alignment, the runs around every bead that is not a confident
      1-1 (:func:`uncertain_runs`) are embedded and the texts re-aligned, for
      up to ``params.refine_rounds`` rounds. Text that aligns 1-1 with
      confidence costs one model call per sentence;
    * ``"none"``: sentences only, runs averaged (fastest, least accurate).

    ``progress(stage, done, total)`` with stages "embed", "runs", "bitext";
    with ``encode_progress``, ``encode`` is called as ``encode(texts,
    progress=fn)`` and reports its batches through ``fn(done, total)``
    (as :meth:`aligner.embed.protocol.Encoder.encode` does).
    Returns the beads, as :func:`align_bitext`.
    """
    if overlaps not in OVERLAP_MODES:
        raise ChoiceError("overlaps", overlaps, list(OVERLAP_MODES))
    src, tgt = list(src), list(tgt)
    if not src or not tgt:
        side = "source" if not src else "target"
        raise BitextInputError(f"the {side} text has no sentences to align")

    def stage(name):
        return (lambda d, t: progress(name, d, t)) if progress is not None else None

    if overlaps == "all":
        flat = _encode(encode, overlap_texts(src) + overlap_texts(tgt), stage("embed"), encode_progress)
        k = len(overlap_texts(src))
        sv = OverlapVecs.from_flat(flat[:k], src, paragraphs=src_paragraphs)
        tv = OverlapVecs.from_flat(flat[k:], tgt, paragraphs=tgt_paragraphs)
        return align_bitext(sv, tv, params, progress=stage("bitext"))
    flat = _encode(encode, src + tgt, stage("embed"), encode_progress)
    sv = mean_overlaps(flat[:len(src)], src, paragraphs=src_paragraphs)
    tv = mean_overlaps(flat[len(src):], tgt, paragraphs=tgt_paragraphs)
    if overlaps == "none":
        return align_bitext(sv, tv, params, progress=stage("bitext"))
    # the rounds pick uncertain beads by similarity; the last round's beads are then scored as asked
    by_similarity = replace(params, bead_score="similarity")
    parts = _decode_all(sv, tv, params, stage("bitext"))
    beads = _scored(parts, by_similarity)
    done_s: set[tuple[int, int]] = set()
    done_t: set[tuple[int, int]] = set()
    for _ in range(params.refine_rounds):
        want_s, want_t = uncertain_runs(beads, len(src), len(tgt), params)
        want_s, want_t = sorted(want_s - done_s), sorted(want_t - done_t)
        if not want_s and not want_t:
            break
        texts = [" ".join(src[i:i + w]) for i, w in want_s] + [" ".join(tgt[j:j + w]) for j, w in want_t]
        got = _encode(encode, texts, stage("runs"), encode_progress)
        sv = _replace_runs(sv, want_s, got[:len(want_s)])
        tv = _replace_runs(tv, want_t, got[len(want_s):])
        done_s.update(want_s)
        done_t.update(want_t)
        parts = _decode_all(sv, tv, params, stage("bitext"))
        beads = _scored(parts, by_similarity)
    return _scored(parts, params)


def _encode(encode: EncodeFn, texts: list[str], progress: ProgressFn | None, batches: bool = False) -> np.ndarray:
    if progress is not None:
        progress(0, len(texts))
    if not texts:
        return np.zeros((0, 0), np.float32)
    out = np.asarray(encode(texts, progress=progress) if batches and progress is not None else encode(texts),
                     dtype=np.float32)
    if len(out) != len(texts):
        raise ValueError(f"encode returned {len(out)} vectors for {len(texts)} texts")
    if progress is not None:
        progress(len(texts), len(texts))
    return out


def _replace_runs(ov: OverlapVecs, runs: list[tuple[int, int]], vecs: np.ndarray) -> OverlapVecs:
    """A copy of ``ov`` with the vectors of ``runs`` ((start, width) pairs) replaced by ``vecs`` rows."""
    if not runs:
        return ov
    out = [v.copy() if any(w == k + 1 for _, w in runs) else v for k, v in enumerate(ov.vecs)]
    for (i, w), v in zip(runs, vecs):
        out[w - 1][i] = v
    return OverlapVecs(tuple(out), ov.lengths, ov.para_end, ov.marks)


def uncertain_runs(beads: Sequence[Bead], n: int, m: int, params: BitextParams = BitextParams(),
                   max_overlap: int = MAX_OVERLAP) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The sentence runs to embed so the uncertain parts of an alignment can be re-examined.

    A bead is uncertain unless it is a 1-1 scored at least
    ``params.refine_below``; the neighbour beads of a null bead join it
    (its missing side is theirs), and the sentences of all these beads,
    widened by ``params.refine_context`` on each side, are the region. Returns ((start, width) runs of the source, same for
    the target), widths 2..max_overlap, every run touching the region.
    """
    flag = np.array([len(b.src) != 1 or len(b.tgt) != 1 or b.score < params.refine_below for b in beads], bool)
    null = np.array([b.is_null for b in beads], bool)
    near = flag.copy()
    near[1:] |= null[:-1]
    near[:-1] |= null[1:]
    mark_s, mark_t = np.zeros(n + 1, np.int64), np.zeros(m + 1, np.int64)
    c = params.refine_context
    for b, keep in zip(beads, near):
        if not keep:
            continue
        for ids, mark, size in ((b.src, mark_s, n), (b.tgt, mark_t, m)):
            if ids:
                mark[max(0, ids[0] - c)] += 1
                mark[min(size, ids[-1] + 1 + c)] -= 1
    out = []
    for mark, size in ((mark_s, n), (mark_t, m)):
        region = np.cumsum(mark[:size]) > 0
        runs: set[tuple[int, int]] = set()
        for w in range(2, max_overlap + 1):
            if size < w:
                continue
            # run i..i+w-1 touches the region
            touch = np.convolve(region.astype(np.int64), np.ones(w, np.int64), mode="valid") > 0
            runs.update((int(i), w) for i in np.flatnonzero(touch))
        out.append(runs)
    return out[0], out[1]


def align_bitext(src: OverlapVecs, tgt: OverlapVecs, params: BitextParams = BitextParams(), *,
                 progress: ProgressFn | None = None) -> list[Bead]:
    """Align two texts; returns the beads in text order, covering every sentence once.

    ``src``/``tgt``: :class:`OverlapVecs` of the two texts (same dim).
    Raises :class:`BitextInputError` if a side has no sentence.
    """
    return _scored(_decode_all(src, tgt, params, progress), params)


def _decode_all(src: OverlapVecs, tgt: OverlapVecs, params: BitextParams,
                progress: ProgressFn | None) -> list["_Decoded"]:
    """The bead paths of :func:`align_bitext`, one per paragraph segment (or one for the whole text)."""
    if src.n == 0 or tgt.n == 0:
        side = "source" if src.n == 0 else "target"
        raise BitextInputError(f"the {side} text has no sentences to align")
    for name, ov in (("src", src), ("tgt", tgt)):
        check_matrix(f"{name}.vecs[0]", ov.vecs[0], src.vecs[0].shape[1], other="src")
    n, m = src.n, tgt.n
    types = bead_types(params)
    src = src.widened(max(a for a, _ in types))
    tgt = tgt.widened(max(b for _, b in types))
    anchors, _ = find_anchors(src.vecs[0], tgt.vecs[0], params)
    # background: median cosine of each vector to random sentences of the other side
    rng = np.random.default_rng(params.seed)
    ts = tgt.vecs[0][rng.choice(m, size=min(m, params.background_samples), replace=False)]
    ss = src.vecs[0][rng.choice(n, size=min(n, params.background_samples), replace=False)]
    pooled = src.vecs[0][:params.background_samples] @ ts.T  # a few sentences: one scalar background
    sbg = [_background(v, ts, pooled) for v in src.vecs]
    tbg = [_background(v, ss, pooled) for v in tgt.vecs]
    spread = 1.4826 * float(np.median(np.abs(pooled - np.median(pooled))))  # robust std
    lo, hi = _boundary_band(anchors, n, m, params.band)
    if params.background == "knn" and n >= MIN_BACKGROUND_SAMPLE and m >= MIN_BACKGROUND_SAMPLE:
        sbg, tbg = _knn_backgrounds(src, tgt, lo, hi, params.margin_k)
    elif params.background not in ("knn", "random"):
        raise ChoiceError("background", params.background, ["knn", "random"])
    scale = _scale(src, tgt, anchors, sbg[0], tbg[0], spread)
    log_ratio = _expected_log_ratio(src.lengths, tgt.lengths, anchors)
    segments = _paragraph_segments(src, tgt, anchors, params) if params.para_hard else None
    if segments is None:
        return [_dp(src, tgt, sbg, tbg, scale, log_ratio, lo, hi, params, progress)]
    parts = []
    for (i0, i1), (j0, j1) in segments:
        inside = anchors[(anchors[:, 0] >= i0) & (anchors[:, 0] < i1)
                         & (anchors[:, 1] >= j0) & (anchors[:, 1] < j1)] - [i0, j0]
        slo, shi = _boundary_band(inside, i1 - i0, j1 - j0, params.band)
        parts.append(_dp(_slice(src, i0, i1), _slice(tgt, j0, j1), _slice_rows(sbg, i0, i1),
                         _slice_rows(tbg, j0, j1), scale, log_ratio, slo, shi, params, None, i0, j0))
        if progress is not None:
            progress(i1, n)
    return parts


def paragraph_numbers(para_end: np.ndarray) -> np.ndarray:
    """(n,) int64 paragraph number of each sentence from ``OverlapVecs.para_end``."""
    pe = np.asarray(para_end, bool)
    return np.concatenate([[0], np.cumsum(pe[:-1])]).astype(np.int64) if len(pe) else np.zeros(0, np.int64)


def _paragraph_segments(src: OverlapVecs, tgt: OverlapVecs, anchors: np.ndarray, params: BitextParams):
    """Paragraph pairs to align apart, or None when the two texts' paragraphs disagree.

    They agree when both texts have the same number (> 1) of paragraphs and
    at least ``params.para_agree`` of the anchors (at least 3 of them) pair
    a sentence of paragraph k with one of paragraph k. Returns
    [((src start, src end), (tgt start, tgt end)), ...] in order.
    """
    ps, pt = paragraph_numbers(src.para_end), paragraph_numbers(tgt.para_end)
    if not len(ps) or not len(pt):
        return None
    k = int(ps[-1]) + 1
    if k < 2 or int(pt[-1]) + 1 != k or len(anchors) < 3:
        return None
    if float(np.mean(ps[anchors[:, 0]] == pt[anchors[:, 1]])) < params.para_agree:
        return None
    s_cut = np.searchsorted(ps, np.arange(k + 1))
    t_cut = np.searchsorted(pt, np.arange(k + 1))
    return [((int(s_cut[q]), int(s_cut[q + 1])), (int(t_cut[q]), int(t_cut[q + 1]))) for q in range(k)]


def _slice(ov: OverlapVecs, a: int, b: int) -> OverlapVecs:
    """Sentences a..b-1 of ``ov`` (the runs that lie inside them)."""
    vecs = tuple(v[a:max(a, b - w)] for w, v in enumerate(ov.vecs))
    marks = tuple(x[a:max(a, b - w)] for w, x in enumerate(ov.marks))
    return OverlapVecs(vecs, ov.lengths[a:b], ov.para_end[a:b], marks)


def _slice_rows(bg, a: int, b: int):
    return [x[a:max(a, b - w)] for w, x in enumerate(bg)]


MIN_BACKGROUND_SAMPLE = 8


def _knn_backgrounds(src: OverlapVecs, tgt: OverlapVecs, lo: np.ndarray, hi: np.ndarray, k: int):
    """Per vector, the mean cosine of its k nearest sentences of the other side inside the band.

    The margin denominator of :mod:`aligner.margin` (``neighbour_means``),
    computed locally so the cost stays linear. lo, hi: (n + 1,) the DP band
    over boundaries. Returns (src backgrounds per width, tgt backgrounds per width).
    """
    n, m = src.n, tgt.n
    s_lo, s_hi = lo[:-1], np.maximum(hi[1:], lo[:-1] + 1).clip(max=m)  # target sentences near source sentence i
    c_lo, c_hi = _column_band(s_lo, s_hi, m)
    c_hi = np.maximum(c_hi, c_lo + 1).clip(max=n)
    sbg, tbg = [], []
    for w, v in enumerate(src.vecs, start=1):
        if len(v) == 0:
            sbg.append(np.zeros(0, np.float32))
            continue
        a, b = s_lo[:len(v)], s_hi[w - 1:w - 1 + len(v)]
        cos, _ = _band_cos(v, tgt.vecs[0], a, np.maximum(b, a + 1))
        sbg.append(neighbour_means(-np.sort(-cos, axis=1)[:, :k]))
    for w, v in enumerate(tgt.vecs, start=1):
        if len(v) == 0:
            tbg.append(np.zeros(0, np.float32))
            continue
        a, b = c_lo[:len(v)], c_hi[w - 1:w - 1 + len(v)]
        cos, _ = _band_cos(v, src.vecs[0], np.minimum(a, b - 1), b)
        tbg.append(neighbour_means(-np.sort(-cos, axis=1)[:, :k]))
    return sbg, tbg


def _background(v: np.ndarray, sample: np.ndarray, pooled: np.ndarray) -> np.ndarray:
    """(len(v),) median cosine of each row of ``v`` to ``sample`` (the other side's sentences).

    With fewer than MIN_BACKGROUND_SAMPLE sentences in ``sample`` (its true
    counterpart would weigh too much), the median of ``pooled`` (a sample of
    source-by-target cosines) for every row.
    """
    if len(v) == 0:
        return np.zeros(0, np.float32)
    if len(sample) < MIN_BACKGROUND_SAMPLE:
        if pooled.size < 4:  # one or two sentences a side: nothing to compare with, use plain cosine
            return np.zeros(len(v), np.float32)
        return np.full(len(v), float(np.median(pooled)), np.float32)
    return np.median(v @ sample.T, axis=1).astype(np.float32)


def _scale(src: OverlapVecs, tgt: OverlapVecs, anchors: np.ndarray, sbg, tbg, spread: float) -> float:
    """How far typical translations stand above the background (median over anchors).

    With fewer than 3 anchors, the median best cosine of the source sentences
    instead, but never below 4 standard deviations of the background cosines
    (so two unrelated texts are not forced into pairs).
    """
    if len(anchors) >= 3:
        i, j = anchors[:, 0], anchors[:, 1]
        cos = np.einsum("nd,nd->n", src.vecs[0][i], tgt.vecs[0][j])
        s = float(np.median(cos - (sbg[i] + tbg[j]) / 2))
    else:
        cos = src.vecs[0] @ tgt.vecs[0].T
        best = cos.max(axis=1)
        s = max(float(np.median(best - (sbg + tbg[cos.argmax(axis=1)]) / 2)), 4 * spread)
        if cos.size < 4:
            return 1.0
    return max(s, 0.02)


def _expected_log_ratio(ls: np.ndarray, lt: np.ndarray, anchors: np.ndarray) -> float:
    if len(anchors) >= 3:
        return float(np.median(np.log(ls[anchors[:, 0]] / lt[anchors[:, 1]])))
    return 0.0  # unknown: the totals would mislead when one text is a summary of the other


def _boundary_band(anchors: np.ndarray, n: int, m: int, widen: int) -> tuple[np.ndarray, np.ndarray]:
    """Band over DP boundary rows 0..n: columns lo[i] <= j <= hi[i] (inclusive), connected."""
    pts = [(0, 0)] + [(int(i), int(j)) for i, j in anchors] + [(n, m)]
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for (i0, j0), (i1, j1) in zip(pts[:-1], pts[1:]):
        a, b = max(0, i0 - widen), min(n, i1 + 1 + widen)
        lo[a:b + 1] = np.minimum(lo[a:b + 1], max(0, j0 - widen))
        hi[a:b + 1] = np.maximum(hi[a:b + 1], min(m, j1 + 1 + widen))
    lo = np.minimum.accumulate(lo[::-1])[::-1]
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    return lo, hi


def _extra(p: BitextParams, a: int, b: int) -> float:
    """The added threshold (prior) of an a-b pairing bead."""
    lo, hi = min(a, b), max(a, b)
    if lo == 1:
        return {1: 0.0, 2: p.extra_12, 3: p.extra_13}.get(hi, p.extra_14)
    if (lo, hi) == (2, 2):
        return p.extra_22
    return p.extra_23


@dataclass
class _Lattice:
    """The banded bead lattice of one DP: every candidate pairing bead and its gain.

    Boundary row ``i`` (0..n) holds the columns ``lo[i] <= j <= hi[i]``;
    position ``x`` in a row array is column ``lo[i] + x``. ``rows[i]``: one
    entry per pairing type that can end in row i, ``(t, idx, px, g)``:
    ``t`` the index of the type ``(a, b)`` in ``types``; ``idx`` (k,) int64
    positions in row i where such a bead ends; ``px`` (k,) int64 the positions
    in row i - a where it starts; ``g`` (k,) float64 its gain.
    ``gain(a, b, i, jj)`` recomputes (gain, normalised similarity) of beads
    src i-a..i-1 x tgt jj..jj+b-1.
    """

    n: int
    m: int
    lo: np.ndarray
    hi: np.ndarray
    types: tuple[tuple[int, int], ...]
    rows: list[list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]]
    gain: Callable[[int, int, int, np.ndarray], tuple[np.ndarray, np.ndarray]]


def _lattice(src: OverlapVecs, tgt: OverlapVecs, sbg, tbg, scale: float, log_ratio: float,
             lo: np.ndarray, hi: np.ndarray, p: BitextParams) -> _Lattice:
    """Score every pairing bead of the band (see :class:`_Lattice`). Linear in the band's area.

    ``src``/``tgt`` hold vectors for every run width the bead shapes need
    (see :meth:`OverlapVecs.widened`); ``sbg``/``tbg`` their backgrounds.
    """
    n, m = src.n, tgt.n
    types = bead_types(p)
    pairs = [bt for bt in types if bt[0] and bt[1]]
    cum_s = np.concatenate([[0], np.cumsum(src.lengths)]).astype(np.float64)
    cum_t = np.concatenate([[0], np.cumsum(tgt.lengths)]).astype(np.float64)
    # a bead covering src i-a..i-1 crosses a paragraph if any of i-a..i-2 ends one
    pe_s = np.concatenate([[0], np.cumsum(src.para_end)]).astype(np.int64)
    pe_t = np.concatenate([[0], np.cumsum(tgt.para_end)]).astype(np.int64)
    use_marks = bool(p.number_weight and src.marks and tgt.marks)

    def gain(a: int, b: int, i: int, jj: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(gain, normalised similarity) of beads src i-a..i-1 x tgt jj..jj+b-1; jj: (k,) int."""
        cos = tgt.vecs[b - 1][jj] @ src.vecs[a - 1][i - a]
        sim = (cos - (sbg[a - 1][i - a] + tbg[b - 1][jj]) / 2) / scale
        lr = np.log((cum_s[i] - cum_s[i - a]) / (cum_t[jj + b] - cum_t[jj]))
        lpen = p.length_weight * np.abs(lr - log_ratio)
        cross = (pe_s[i - 1] - pe_s[i - a] > 0) | (pe_t[jj + b - 1] - pe_t[jj] > 0)
        s2 = sim
        if use_marks:
            both = np.bitwise_count(src.marks[a - 1][i - a] & tgt.marks[b - 1][jj])
            either = np.bitwise_count(src.marks[a - 1][i - a] | tgt.marks[b - 1][jj])
            agree = np.where(either > 0, both / np.maximum(either, 1), 0.5)
            s2 = sim + p.number_weight * (2 * agree - 1) * (either > 0)
        g = (a + b) ** p.bead_weight * (s2 - p.threshold - _extra(p, a, b) - lpen) - p.para_penalty * cross
        return g, sim

    type_index = {bt: k for k, bt in enumerate(types)}
    rows: list[list[tuple[int, np.ndarray, np.ndarray, np.ndarray]]] = []
    for i in range(n + 1):
        l, h = int(lo[i]), int(hi[i])
        js = np.arange(l, h + 1)
        row = []
        for a, b in pairs:
            if a > i:
                continue
            pl, ph = int(lo[i - a]), int(hi[i - a])
            pj = js - b
            ok = (pj >= pl) & (pj <= ph) & (pj >= 0)
            if not ok.any():
                continue
            idx = np.flatnonzero(ok)
            row.append((type_index[(a, b)], idx, pj[idx] - pl, np.asarray(gain(a, b, i, js[idx] - b)[0], np.float64)))
        rows.append(row)
    return _Lattice(n, m, np.asarray(lo, np.int64), np.asarray(hi, np.int64), types, rows, gain)


@dataclass
class _Decoded:
    """One DP's lattice and chosen path (``(a, b, i, j)`` beads, see :func:`_best_path`),
    with the sentence offsets ``i0``/``j0`` of its segment and, once computed, its posteriors
    (:func:`_posteriors`' result)."""

    lat: _Lattice
    path: list[tuple[int, int, int, int]]
    i0: int = 0
    j0: int = 0
    post: tuple[list[list[np.ndarray]], np.ndarray, np.ndarray] | None = None

    def posteriors(self, p: BitextParams):
        if self.post is None:
            self.post = _posteriors(self.lat, p.posterior_temp, p.null_open, p.null_penalty)
        return self.post


def _dp(src: OverlapVecs, tgt: OverlapVecs, sbg, tbg, scale: float, log_ratio: float,
        lo: np.ndarray, hi: np.ndarray, p: BitextParams, progress, i0: int = 0, j0: int = 0) -> _Decoded:
    """Banded DP over boundaries (i, j). Linear in the band's area.

    ``p.decode == "viterbi"``: the bead sequence of maximum total gain.
    ``"posterior"``: the bead sequence of maximum expected number of correct
    pairing beads minus ``posterior_tau`` per pairing bead, under the
    distribution over all bead sequences with weight exp(total gain /
    ``posterior_temp``) (minimum-Bayes-risk decoding, :func:`_posteriors`).
    ``i0``/``j0``: where the segment starts in the whole text. The beads
    come from :func:`_scored`.
    """
    if p.decode not in DECODERS:
        raise ChoiceError("decode", p.decode, list(DECODERS))
    if p.bead_score not in BEAD_SCORES:
        raise ChoiceError("bead_score", p.bead_score, list(BEAD_SCORES))
    lat = _lattice(src, tgt, sbg, tbg, scale, log_ratio, lo, hi, p)
    gains = [[g for *_, g in row] for row in lat.rows]
    out = _Decoded(lat, [], i0, j0)
    if p.decode == "viterbi":
        out.path = _best_path(lat, gains, p.null_open, p.null_penalty, progress)
    else:
        post = out.posteriors(p)[0]
        util = [[q - p.posterior_tau for q in row] for row in post]
        if p.posterior_keep > 0:  # keep Viterbi's confident pairing beads: a bonus no other path can match
            bonus = 2.0 * (lat.n + lat.m + 1)
            for a, b, i, j in _best_path(lat, gains, p.null_open, p.null_penalty, None):
                if a and b:
                    e, k = _entry(lat, a, b, i, j)
                    if post[i][e][k] >= p.posterior_keep:
                        util[i][e][k] += bonus
        out.path = _best_path(lat, util, p.posterior_null, 0.0, progress)
    return out


def _scored(parts: Sequence[_Decoded], p: BitextParams) -> list[Bead]:
    """The beads of the decoded paths, in text order, scored as ``p.bead_score`` says."""
    if p.bead_score not in BEAD_SCORES:
        raise ChoiceError("bead_score", p.bead_score, list(BEAD_SCORES))
    beads = []
    for part in parts:
        lat = part.lat
        if p.bead_score == "posterior":
            post, null_s, null_t = part.posteriors(p)
        for a, b, i, j in part.path:
            ids = tuple(range(part.i0 + i - a, part.i0 + i)), tuple(range(part.j0 + j - b, part.j0 + j))
            if p.bead_score == "posterior":
                if a and b:
                    e, k = _entry(lat, a, b, i, j)
                    sc = float(post[i][e][k])
                else:
                    sc = float(null_s[i - 1] if a else null_t[j - 1])
            elif a and b:
                sc = float(np.clip(lat.gain(a, b, i, np.array([j - b]))[1][0], 0.0, 1.0))
            else:
                sc = 0.0
            beads.append(Bead(*ids, round(sc, 4)))
    return beads


def _entry(lat: _Lattice, a: int, b: int, i: int, j: int) -> tuple[int, int]:
    """Where the a-b pairing bead ending at boundary (i, j) sits in ``lat.rows[i]``: (entry, position)."""
    t = lat.types.index((a, b))
    x = j - int(lat.lo[i])
    for e, (te, idx, _, _) in enumerate(lat.rows[i]):
        if te == t:
            k = int(np.searchsorted(idx, x))
            if k < len(idx) and idx[k] == x:
                return e, k
    raise KeyError((a, b, i, j))


BEAD_SCORES = ("similarity", "posterior")
DECODERS = ("viterbi", "posterior")


def _best_path(lat: _Lattice, gains: list[list[np.ndarray]], op: float, npen: float,
               progress) -> list[tuple[int, int, int, int]]:
    """The bead sequence of maximum total gain (Viterbi) over ``lat``.

    ``gains[i][k]``: (k,) float64 gains of the beads of ``lat.rows[i][k]``
    (the lattice's own gains, or another utility over the same beads).
    A null bead costs ``npen``, and ``op`` more when it starts a run of null
    beads after a pairing bead. Returns the beads in text order as
    ``(a, b, i, j)``: a source and b target sentences ending at boundary (i, j).
    """
    n, m, lo, hi, types = lat.n, lat.m, lat.lo, lat.hi, lat.types
    # Two states per boundary (i, j): the last bead pairs sentences (M) or is a null bead (N).
    # Entering N from M costs null_open (a gap opens), so one stray sentence is left unpaired only
    # when no pairing wants it, while a whole untranslated passage pays the cost once.
    sm = [None] * (n + 1)  # row i: (hi-lo+1,) float64 best total gain at (i, lo[i]+x), last bead M
    sn = [None] * (n + 1)  # same, last bead N
    bm = [None] * (n + 1)  # row i: int8 pairing type index of the last bead (M)
    bn = [None] * (n + 1)  # row i: int8 how N was reached: 0/1 a 1-0 bead from M/N, 2/3 a 0-1 bead from M/N
    neg = -1e18
    for i in range(n + 1):
        l, h = int(lo[i]), int(hi[i])
        js = np.arange(l, h + 1)
        best = np.full(len(js), neg)
        arg = np.full(len(js), -1, dtype=np.int8)
        if i == 0:
            best[js == 0] = 0.0
        for (t, idx, px, _), g in zip(lat.rows[i], gains[i]):
            a = types[t][0]
            cand = np.maximum(sm[i - a][px], sn[i - a][px]) + g
            upd = cand > best[idx]
            best[idx[upd]] = cand[upd]
            arg[idx[upd]] = t
        # N reached by a 1-0 bead from row i-1 (same column)
        nbest = np.full(len(js), neg)
        narg = np.full(len(js), -1, dtype=np.int8)
        if i > 0:
            pl, ph = int(lo[i - 1]), int(hi[i - 1])
            ok = (js >= pl) & (js <= ph)
            if ok.any():
                fm = sm[i - 1][js[ok] - pl] - op
                fn = sn[i - 1][js[ok] - pl]
                nbest[ok] = np.maximum(fm, fn) - npen
                narg[ok] = np.where(fm >= fn, 0, 1)
        # ... or by a 0-1 bead from the cell to the left (from M: opens a gap)
        from_m = np.full(len(js), neg)
        from_m[1:] = best[:-1] - op - npen
        take = from_m > nbest
        nbest = np.where(take, from_m, nbest)
        narg = np.where(take, 2, narg)
        ramp = npen * np.arange(len(js))
        run = np.maximum.accumulate(nbest + ramp) - ramp  # runs of 0-1 beads within N
        left = run > nbest
        narg = np.where(left, 3, narg)
        sm[i], sn[i], bm[i], bn[i] = best, np.maximum(run, nbest), arg, narg
        if progress is not None and (i % 256 == 0 or i == n):
            progress(i, n)
    # backtrace
    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    x = j - int(lo[i])
    state = "M" if sm[i][x] >= sn[i][x] else "N"
    while i > 0 or j > 0:
        x = j - int(lo[i])
        if state == "N":
            code = int(bn[i][x])
            if code < 0:
                raise RuntimeError("bitext DP: no path (band disconnected)")
            if code <= 1:
                path.append((1, 0, i, j))
                i -= 1
            else:
                path.append((0, 1, i, j))
                j -= 1
            state = "M" if code in (0, 2) else "N"
            continue
        t = int(bm[i][x])
        if t < 0:
            raise RuntimeError("bitext DP: no path (band disconnected)")
        a, b = types[t]
        path.append((a, b, i, j))
        i, j = i - a, j - b
        if i > 0 or j > 0:
            y = j - int(lo[i])
            state = "M" if sm[i][y] >= sn[i][y] else "N"
    path.reverse()
    return path


def _posteriors(lat: _Lattice, temp: float, op: float,
                npen: float) -> tuple[list[list[np.ndarray]], np.ndarray, np.ndarray]:
    """Posterior probability of every pairing bead of ``lat`` (forward-backward, log space).

    The distribution is over the bead sequences of the lattice (the paths of
    :func:`_best_path`, same beads and null costs), each weighted
    exp(total gain / temp). A run of null beads counts once whatever the
    order of its 1-0 and 0-1 beads (all orders have the same gain): the
    sums take its 1-0 beads first, else a run of k + k unpaired sentences
    would weigh C(2k, k) times its own weight and crowd out the pairings.
    Three states per boundary: last bead pairing (M), 1-0 (D), 0-1 (I);
    no 1-0 bead right after a 0-1 bead. Returns ``(post, null_src, null_tgt)``:
    ``post[i][k]``, (k,) float64 in [0, 1], aligned with ``lat.rows[i][k]``;
    ``null_src`` (n,) / ``null_tgt`` (m,) float64, the probability that each
    source / target sentence is left unpaired. Linear in the band's area.
    """
    if not temp > 0:
        raise ValueError(f"posterior_temp must be > 0, got {temp}")
    n, m, lo, hi, types = lat.n, lat.m, lat.lo, lat.hi, lat.types
    ninf = -np.inf
    c_open, c_null = (op + npen) / temp, npen / temp
    lg = np.logaddexp
    max_a = max(a for a, _ in types)

    # forward: log sum of the weights of the paths from (0, 0) to (i, lo[i] + x), by last bead
    fm: list = [None] * (n + 1)
    fd: list = [None] * (n + 1)
    fi: list = [None] * (n + 1)
    fa: list = [None] * (n + 1)  # any state
    for i in range(n + 1):
        l, h = int(lo[i]), int(hi[i])
        w = h - l + 1
        am = np.full(w, ninf)
        if i == 0 and l == 0:
            am[0] = 0.0
        for t, idx, px, g in lat.rows[i]:
            am[idx] = lg(am[idx], fa[i - types[t][0]][px] + g / temp)
        ad = np.full(w, ninf)
        if i > 0:
            ok, src_x = _shift(lo, hi, i, i - 1)
            ad[ok] = lg(fm[i - 1][src_x] - c_open, fd[i - 1][src_x] - c_null)
        base = np.full(w, ninf)
        base[1:] = lg(am[:-1] - c_open, ad[:-1] - c_null)
        ramp = c_null * np.arange(w)
        ai = np.logaddexp.accumulate(base + ramp) - ramp  # runs of 0-1 beads
        fm[i], fd[i], fi[i], fa[i] = am, ad, ai, lg(lg(am, ad), ai)
    xm = m - int(lo[n])
    z = float(fa[n][xm])
    if not np.isfinite(z):
        raise RuntimeError("bitext DP: no path (band disconnected)")
    # backward: log sum of the weights of the paths from (i, lo[i] + x) in a state to (n, m)
    bm: list = [None] * (n + 1)
    bd: list = [None] * (n + 1)
    null_s, null_t = np.zeros(n), np.zeros(m)
    for i in range(n, -1, -1):
        l, h = int(lo[i]), int(hi[i])
        w = h - l + 1
        bp = np.full(w, ninf)  # the next bead pairs sentences
        for a in range(1, max_a + 1):  # beads of a source sentences starting here end in row i + a
            if i + a > n:
                break
            for t, idx, px, g in lat.rows[i + a]:
                if types[t][0] == a:
                    bp[px] = lg(bp[px], g / temp + bm[i + a][idx])
        if i == n:
            bp[xm] = 0.0  # the end
        ramp = c_null * np.arange(w)
        bi = np.logaddexp.accumulate((bp - ramp)[::-1])[::-1] + ramp  # state I: pairings or more 0-1 beads
        right = np.full(w, ninf)  # a 0-1 bead next
        right[:-1] = bi[1:]
        down = np.full(w, ninf)  # a 1-0 bead next
        if i < n:
            ok, dst_x = _shift(lo, hi, i, i + 1)
            down[ok] = bd[i + 1][dst_x]
        bd[i] = lg(bp, lg(down, right) - c_null)
        if i > 0:  # 1-0 beads covering source sentence i-1, ending in row i
            ok, src_x = _shift(lo, hi, i, i - 1)
            lp = lg(fm[i - 1][src_x] - c_open, fd[i - 1][src_x] - c_null) + bd[i][ok] - z
            null_s[i - 1] = np.exp(lp).sum()
        # 0-1 beads covering target sentence lo[i]+x-1, ending at (i, lo[i]+x)
        lp = lg(fm[i][:-1] - c_open, lg(fd[i][:-1], fi[i][:-1]) - c_null) + bi[1:] - z
        null_t[l:h] += np.exp(lp)
        bm[i] = lg(bp, lg(down, right) - c_open)
    post: list[list[np.ndarray]] = []
    for i in range(n + 1):
        row = []
        for t, idx, px, g in lat.rows[i]:
            lp = fa[i - types[t][0]][px] + g / temp + bm[i][idx] - z
            row.append(np.exp(np.minimum(lp, 0.0)))
        post.append(row)
    return post, np.minimum(null_s, 1.0), np.minimum(null_t, 1.0)


def _shift(lo: np.ndarray, hi: np.ndarray, i: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns of row i that row k's band also holds: (mask over row i's positions, their positions in row k)."""
    js = np.arange(int(lo[i]), int(hi[i]) + 1)
    ok = (js >= lo[k]) & (js <= hi[k])
    return ok, js[ok] - int(lo[k])
