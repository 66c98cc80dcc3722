"""Where a sentence of an English article should lie in a paired translation.

Once an English article is paired with a French or Arabic article
(:mod:`aligner.pairing`), the sentences of a real translation follow each
other in the same order. This module turns the sentence vectors the
alignment already has into a monotone map of the two articles, without any
new embedding:

1. **anchors**: sentence pairs of the two articles that are each other's
   best match inside the pair, by a ratio margin over the pair's own
   sentences (k nearest each way), above ``settings.position_min_margin``;
2. the longest chain of anchors that keeps the order of both texts
   (crossing anchors are dropped);
3. the *expected position* of any English sentence index: linear
   interpolation between the chain's anchors, slope 1 beyond its ends.

``reliability`` grows from 0 to 1 as the chain covers from
``settings.position_min_coverage`` to all of the shorter article's
sentences. An English report quoting a French interview has few anchors in
order (our demo corpus: 2–4 anchors over 10–18 sentences), so its map
carries no position evidence; a translated article has a chain covering
most sentences. :func:`position_cue` turns the distance between a candidate and
the expected position into a signed feature scaled by that reliability.

Arrays in, typed records out; no IO.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .margin import ratio
from .records import Quote
from .settings import SETTINGS, Settings

__all__ = ["ArticleMap", "article_map", "article_maps", "best_reliability", "position_cue"]


@dataclass(frozen=True)
class ArticleMap:
    """A monotone map from an English article's sentences to a paired article's.

    ``src_starts``/``tgt_starts``: start offsets of each article's sentences,
    increasing (index = sentence number). ``anchors``: (k, 2) int64 array of
    (English sentence, target sentence) indexes, both increasing.
    ``reliability``: 0..1, how much of the shorter article the anchors cover.
    """

    source_doc: str
    target_doc: str
    src_starts: tuple[int, ...]
    tgt_starts: tuple[int, ...]
    anchors: np.ndarray
    reliability: float

    def src_index(self, pos: int) -> int:
        """Index of the English sentence holding offset ``pos``."""
        return max(0, bisect_right(self.src_starts, pos) - 1)

    def tgt_index(self, pos: int) -> int:
        """Index of the target sentence holding offset ``pos``."""
        return max(0, bisect_right(self.tgt_starts, pos) - 1)

    @cached_property
    def _expected_all(self) -> np.ndarray:
        """Expected target index of every English sentence: (n_src,) float64."""
        i = np.arange(len(self.src_starts), dtype=float)
        a = self.anchors
        if len(a) == 0:
            e = i
        else:
            si, tj = a[:, 0].astype(float), a[:, 1].astype(float)
            e = np.interp(i, si, tj)
            e = np.where(i < si[0], tj[0] - (si[0] - i), e)
            e = np.where(i > si[-1], tj[-1] + (i - si[-1]), e)
        return np.clip(e, 0.0, max(len(self.tgt_starts) - 1, 0))

    def expected(self, i: int) -> float:
        """Expected target sentence index (a float) of English sentence ``i``: linear
        between anchors, slope 1 past the first and last, within the target article."""
        return float(self._expected_all[min(max(int(i), 0), len(self.src_starts) - 1)])

    def expected_range(self, source: Quote) -> tuple[float, float]:
        """Expected target sentence indexes (first, last) of ``source``'s sentence(s)."""
        ia = self.src_index(source.sentence_start)
        ib = self.src_index(max(source.sentence_start, source.sentence_end - 1))
        return self.expected(ia), self.expected(ib)

    def target_range(self, target: Quote) -> tuple[int, int]:
        """Indexes (first, last) of the target sentences ``target`` spans."""
        return (self.tgt_index(target.sentence_start),
                self.tgt_index(max(target.sentence_start, target.sentence_end - 1)))

    def distance(self, source: Quote, target: Quote, expected: tuple[float, float] | None = None) -> float:
        """Sentences between ``target`` and where the map expects ``source``'s sentence(s).

        0 when the target's sentence range overlaps the expected range;
        ``expected``: :meth:`expected_range` of ``source`` when already known.
        """
        ea, eb = expected if expected is not None else self.expected_range(source)
        ja, jb = self.target_range(target)
        return max(0.0, ja - eb, ea - jb)


def _longest_chain(pairs: np.ndarray) -> np.ndarray:
    """Longest subsequence of (i, j) pairs strictly increasing in both: (k, 2) -> (c, 2).

    Patience sorting over j after sorting by i (ties in i by decreasing j, so
    two pairs of one i never chain): O(k log k).
    """
    if len(pairs) == 0:
        return pairs.reshape(0, 2).astype(np.int64)
    pairs = pairs[np.lexsort((-pairs[:, 1], pairs[:, 0]))]
    tails: list[int] = []  # tails[L] = smallest j ending a chain of length L + 1
    tail_at: list[int] = []  # index in pairs of that chain's last pair
    prev = [-1] * len(pairs)
    for n, j in enumerate(pairs[:, 1].tolist()):
        L = bisect_left(tails, j)
        if L == len(tails):
            tails.append(j)
            tail_at.append(n)
        else:
            tails[L] = j
            tail_at[L] = n
        prev[n] = tail_at[L - 1] if L else -1
    out = []
    k = tail_at[-1]
    while k >= 0:
        out.append(pairs[k])
        k = prev[k]
    return np.array(out[::-1], dtype=np.int64).reshape(-1, 2)


def anchors(src_vecs: np.ndarray, tgt_vecs: np.ndarray, *, k: int, min_margin: float) -> np.ndarray:
    """Mutually best sentence pairs of two articles, in order.

    src_vecs: (n, dim), tgt_vecs: (m, dim) float32, L2-normalised.
    The ratio margin is taken over each side's ``k`` nearest sentences
    *inside the pair*. Returns a (c, 2) int64 chain (:func:`_longest_chain`).
    """
    n, m = len(src_vecs), len(tgt_vecs)
    if n == 0 or m == 0:
        return np.zeros((0, 2), np.int64)
    # article-sized products stay off the BLAS thread pool (its start-up costs more than the work)
    sims = src_vecs @ tgt_vecs.T if n * m > 40_000 else np.einsum("id,jd->ij", src_vecs, tgt_vecs)
    kk_s, kk_t = min(k, m), min(k, n)
    src_mean = np.sort(sims, axis=1)[:, -kk_s:].mean(axis=1)
    tgt_mean = np.sort(sims, axis=0)[-kk_t:, :].mean(axis=0)
    margin = ratio(sims, src_mean[:, None], tgt_mean[None, :])  # the mining criterion, inside the pair
    best_j = margin.argmax(axis=1)
    best_i = margin.argmax(axis=0)
    pairs = np.array([(i, j) for i, j in enumerate(best_j.tolist())
                      if best_i[j] == i and margin[i, j] >= min_margin], dtype=np.int64).reshape(-1, 2)
    return _longest_chain(pairs)


def article_map(source_doc: str, target_doc: str, src_starts: Sequence[int], src_vecs: np.ndarray,
                tgt_starts: Sequence[int], tgt_vecs: np.ndarray, *, settings: Settings = SETTINGS) -> ArticleMap:
    """The map of one article pair.

    src_starts: the English sentences' start offsets (increasing), one per row
    of src_vecs (n, dim); likewise tgt_starts / tgt_vecs (m, dim); float32, L2-normalised.
    """
    chain = anchors(src_vecs, tgt_vecs, k=settings.position_k, min_margin=settings.position_min_margin)
    shorter = max(1, min(len(src_starts), len(tgt_starts)))
    cover = min(1.0, len(chain) / shorter)
    floor = min(settings.position_min_coverage, 0.99)
    rel = max(0.0, (cover - floor) / (1.0 - floor)) if len(chain) >= settings.position_min_anchors else 0.0
    return ArticleMap(source_doc=source_doc, target_doc=target_doc, src_starts=tuple(src_starts),
                      tgt_starts=tuple(tgt_starts), anchors=chain, reliability=round(rel, 4))


def article_maps(english: Sequence[Quote], en_vecs: np.ndarray, targets: Sequence[Quote], tgt_vecs: np.ndarray,
                 pairs: Iterable[tuple[str, str]], *, settings: Settings = SETTINGS) -> dict[tuple[str, str], ArticleMap]:
    """Maps of the given (English doc, target doc) pairs.

    english: the English articles' one-sentence spans, en_vecs: (len(english), dim);
    targets: the target articles' one-sentence spans, tgt_vecs: (len(targets), dim);
    float32, L2-normalised (the vectors the alignment already has).
    """
    def by_doc(spans: Sequence[Quote]) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = {}
        for n, s in enumerate(spans):
            rows.setdefault(s.doc, []).append(n)
        for doc, idx in rows.items():
            idx.sort(key=lambda n: spans[n].sentence_start)
        return rows

    e_rows, t_rows = by_doc(english), by_doc(targets)
    out: dict[tuple[str, str], ArticleMap] = {}
    for e, t in pairs:
        if e not in e_rows or t not in t_rows or (e, t) in out:
            continue
        ei, ti = e_rows[e], t_rows[t]
        out[(e, t)] = article_map(e, t, [english[n].sentence_start for n in ei], np.ascontiguousarray(en_vecs[ei]),
                                  [targets[n].sentence_start for n in ti], np.ascontiguousarray(tgt_vecs[ti]),
                                  settings=settings)
    return out


def best_reliability(maps: Mapping[tuple[str, str], ArticleMap]) -> dict[str, float]:
    """English doc -> the best reliability of its maps in ``maps``."""
    out: dict[str, float] = {}
    for (e, _), m in maps.items():
        out[e] = max(out.get(e, 0.0), m.reliability)
    return out


def position_cue(maps: Mapping[tuple[str, str], ArticleMap], source: Quote, target: Quote,
                 settings: Settings = SETTINGS, *, best: Mapping[str, float] | None = None) -> float:
    """Signed position evidence in -1..1: reliability × (1 at the expected place … -1 far from it).

    0 when the two articles have no map (not paired, or no anchors in order),
    unless ``best`` (:func:`best_reliability` of the maps into the target's
    language) is given: then a target in an article without a map, while the
    source's article has one, scores minus that map's reliability (the map
    puts the quote in another article).
    """
    m = maps.get((source.doc, target.doc))
    if m is None:
        return -best.get(source.doc, 0.0) if best else 0.0
    if m.reliability <= 0.0:
        return 0.0
    d = m.distance(source, target)
    w = max(settings.position_window, 1e-6)
    return m.reliability * (1.0 - 2.0 * min(1.0, d / w))
