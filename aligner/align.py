"""Quote alignment core: English quotes against originals and other renderings.

Arrays and records in, :class:`~aligner.records.Candidate` records out; no IO.

The score of a (source quote, target span) pair is a calibrated probability
from a logistic model over:

* ``cos``     cosine of the two embeddings;
* ``margin``  ratio margin (Artetxe & Schwenk 2019) over k neighbours both ways;
* ``speaker`` the speakers agree (+1), clearly differ (-1) or are unknown (0);
* ``numbers`` the numbers in both agree;
* ``names``   capitalised names in both agree (Latin-script pairs);
* ``outlet``  the outlet the speaker talked to publishes in the target language;
* ``length``  the length ratio is plausible for the language pair;
* ``doc_pair`` how surely the target's article is a source of the quote's
  English article (:mod:`aligner.pairing`; 0 when unpaired);
* ``unpaired`` 1 when the quote's article has a paired article and the
  target is in none of them: such a candidate must beat the paired ones clearly;
* ``position`` the target lies where the monotone map of the two paired
  articles puts the quote's sentence (:mod:`aligner.position`: -1..1 scaled
  by how surely the articles follow each other); a target in an article
  with no map, while the quote's article has one into this language, is not
  where the map puts the quote (minus the best map's reliability); 0 when
  the quote's article has no map.

The margin is :func:`aligner.margin.ratio` with ``settings.mine_k``
neighbours each way, the same criterion as ``aligner mine``.

Weights live in :class:`aligner.settings.Settings` (``align_*``); the
embedding part is fitted on the UN dev set by ``bench/calibrate_align.py``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import cues
from .errors import DimensionError
from .records import Candidate, MatchKind, Quote
from .settings import SETTINGS, Settings

if TYPE_CHECKING:
    from .position import ArticleMap

FEATURES = ("cos", "margin", "speaker", "numbers", "names", "outlet", "length", "doc_pair", "unpaired",
            "position")


@dataclass(frozen=True)
class Weights:
    """Logistic weights: z = bias + sum(w_f * feature_f), then the rank-1 calibration:
    score = sigmoid(calib_scale * z + calib_position * position + calib_doc_pair * doc_pair + calib_bias)."""

    bias: float
    cos: float
    margin: float
    speaker: float
    numbers: float
    names: float
    outlet: float
    length: float
    doc_pair: float = 0.0
    unpaired: float = 0.0
    position: float = 0.0
    calib_scale: float = 1.0
    calib_position: float = 0.0
    calib_bias: float = 0.0
    calib_doc_pair: float = 0.0

    @classmethod
    def from_settings(cls, s: Settings, kind: MatchKind) -> "Weights":
        base = dict(
            bias=s.align_bias, cos=s.align_w_cos, margin=s.align_w_margin,
            speaker=s.align_w_speaker, numbers=s.align_w_numbers, names=s.align_w_names,
            outlet=s.align_w_outlet, length=s.align_w_length,
            doc_pair=s.align_w_doc_pair, unpaired=s.align_w_unpaired, position=s.align_w_position,
            calib_scale=s.align_calib_scale, calib_position=s.align_calib_position, calib_bias=s.align_calib_bias,
            calib_doc_pair=s.align_calib_doc_pair,
        )
        if kind == "variant":  # same language: cosines run higher
            base.update(bias=s.align_variant_bias, cos=s.align_variant_w_cos,
                        margin=s.align_variant_w_margin, doc_pair=0.0, unpaired=0.0,
                        position=0.0, calib_scale=1.0, calib_position=0.0, calib_bias=0.0,
                        calib_doc_pair=0.0)
        return cls(**base)

    def logit(self, f: dict[str, float]) -> float:
        z = self.bias + sum(getattr(self, k) * f[k] for k in FEATURES)
        return (self.calib_scale * z + self.calib_position * f["position"]
                + self.calib_doc_pair * f["doc_pair"] + self.calib_bias)


def through_sentence(q: Quote, min_words: int) -> bool:
    """Whether a source quote is matched through the sentence holding it.

    A one-word quote ("powerless") carries too little meaning alone, and a
    term, title or headline quote ("Super Mario 3D Land") is found in several
    sentences; the sentence is what a translator compares with the original.
    """
    return len(q.text.split()) < min_words or q.kind != "speech"


def query_text(q: Quote, min_words: int) -> str:
    """Text embedded for a source quote: the quote, or its sentence (:func:`through_sentence`)."""
    return q.sentence if through_sentence(q, min_words) else q.text


def target_text(t: Quote) -> str:
    """Text embedded for a target: quoted words for quotes, else the sentence."""
    return t.text if t.is_quote else t.sentence


def _check(name: str, v: np.ndarray, n: int, dim: int | None) -> None:
    if not isinstance(v, np.ndarray) or v.dtype != np.float32 or v.ndim != 2:
        raise DimensionError(f"{name} must be a 2-D float32 array, got "
                             f"{getattr(v, 'dtype', type(v))} with shape {getattr(v, 'shape', None)}")
    if v.shape[0] != n:
        raise DimensionError(f"{name} has {v.shape[0]} rows but there are {n} spans")
    if dim is not None and v.shape[1] != dim:
        raise DimensionError(f"{name} has dimension {v.shape[1]}, expected {dim}")


def _topk(sims: np.ndarray, k: int) -> np.ndarray:
    """The k largest values of each row, unordered: (n, m) -> (n, min(k, m)) float32."""
    k = min(k, sims.shape[1])
    if k == 0:
        return np.zeros((sims.shape[0], 0), np.float32)
    return np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.doc == b.doc and a.sentence_start < b.sentence_end and b.sentence_start < a.sentence_end


# Limits of the computation, not tuned weights (those are in aligner/settings.py):
CANDIDATES_PER_RESULT = 4
"""Targets scored per source: at least this many per result asked for (``top_k``), and
``settings.align_candidates``."""
CANDIDATE_SLACK = 2
"""How many nearest targets by cosine are looked at per target scored (some are skipped:
same document, overlapping sentences)."""
BLOCK_ELEMENTS = 20_000_000
"""Similarities held at once: sources are scored in blocks of ``BLOCK_ELEMENTS // n_targets``
rows, (block, n_tgt) float32, 80 MB."""
LOGIT_CLIP = 500.0
"""The logit is clipped to ±this before ``exp`` (no overflow; the score is 0 or 1 there anyway)."""


def align(
    sources: Sequence[Quote],
    src_vecs: np.ndarray,
    targets: Sequence[Quote],
    tgt_vecs: np.ndarray,
    *,
    kind: MatchKind,
    outlet_langs: Sequence[str | None] | None = None,
    doc_pairs: Mapping[tuple[str, str], float] | None = None,
    positions: Mapping[tuple[str, str], "ArticleMap"] | None = None,
    top_k: int = 3,
    min_score: float | None = None,
    settings: Settings = SETTINGS,
) -> list[Candidate]:
    """Rank targets for every source quote.

    sources: n_src English quotes; src_vecs: (n_src, dim) float32, L2-normalised.
    targets: n_tgt spans; tgt_vecs: (n_tgt, dim) float32, L2-normalised.
    outlet_langs: per source, the language of the outlet it was told to (or None).
    doc_pairs: (English doc, target doc) -> article pair score in 0..1
    (:func:`aligner.pairing.pair_articles`); targets in an article paired at
    least ``settings.pair_candidates_min`` with the source's article are
    always scored, not only the nearest by cosine.
    positions: (English doc, target doc) -> :class:`aligner.position.ArticleMap`
    of paired articles (the ``position`` feature, :func:`aligner.position.position_cue`).
    For ``kind="variant"`` a target in the same document as its source is skipped.
    Overlapping targets (same document, overlapping sentences) keep the best.
    Returns at most ``top_k`` candidates per source with score >= min_score
    (default ``settings.threshold_for(kind)``), ranked 1..n per source.
    """
    from .margin import neighbour_means, ratio
    from .position import best_reliability, position_cue

    _check("src_vecs", src_vecs, len(sources), None)
    _check("tgt_vecs", tgt_vecs, len(targets), src_vecs.shape[1])
    if not sources or not targets:
        return []
    min_score = settings.threshold_for(kind) if min_score is None else min_score
    weights = Weights.from_settings(settings, kind)
    outlet_langs = list(outlet_langs) if outlet_langs is not None else [None] * len(sources)
    doc_pairs = dict(doc_pairs or {}) if kind == "translation" else {}
    positions = dict(positions or {}) if kind == "translation" else {}
    paired_docs: dict[str, list[str]] = {}
    for (e, t), p in doc_pairs.items():
        if p >= settings.pair_candidates_min:
            paired_docs.setdefault(e, []).append(t)
    tgt_rows: dict[str, list[int]] = {}
    for j, t in enumerate(targets):
        tgt_rows.setdefault(t.doc, []).append(j)
    positions = {key: m for key, m in positions.items() if key[1] in tgt_rows}
    best_rel = best_reliability(positions)

    k = settings.mine_k
    n_cand = min(len(targets), max(settings.align_candidates, top_k * CANDIDATES_PER_RESULT))
    out: list[Candidate] = []
    # blocks of sources keep memory bounded: (block, n_tgt) float32.
    block = max(1, BLOCK_ELEMENTS // max(len(targets), 1))
    same_doc = None
    if kind == "variant":  # a quote is no variant of itself or of its own article
        docs = {d: n for n, d in enumerate(sorted({q.doc for q in (*sources, *targets)}))}
        src_doc = np.array([docs[q.doc] for q in sources])
        tgt_doc = np.array([docs[q.doc] for q in targets])
        same_doc = lambda b0, n: src_doc[b0:b0 + n, None] == tgt_doc[None, :]  # noqa: E731

    def block_sims(b0: int) -> np.ndarray:
        sims = src_vecs[b0:b0 + block] @ tgt_vecs.T
        if same_doc is not None:
            sims[same_doc(b0, sims.shape[0])] = -np.inf
        return sims

    # Pass 1: each target's k best source similarities (its neighbourhood).
    tgt_top = np.full((len(targets), 0), -np.inf, dtype=np.float32)
    for b0 in range(0, len(sources), block):
        tgt_top = _topk(np.concatenate([tgt_top, block_sims(b0).T], axis=1), k)
    tgt_mean = neighbour_means(tgt_top)

    # Pass 2: score each source's nearest targets (and its paired articles' targets).
    for b0 in range(0, len(sources), block):
        sims = block_sims(b0)
        src_mean = neighbour_means(_topk(sims, k))
        order = np.argsort(-sims, axis=1)[:, : n_cand * CANDIDATE_SLACK]
        for r in range(sims.shape[0]):
            i = b0 + r
            src = sources[i]
            qtext = query_text(src, settings.align_short_quote_words)
            mine = paired_docs.get(src.doc, [])
            scored: list[tuple[float, int, dict]] = []
            seen: set[int] = set()

            def score(j: int) -> None:
                tgt = targets[j]
                seen.add(j)
                if kind == "variant" and (tgt.doc == src.doc or tgt.key == src.key):
                    return
                if not np.isfinite(sims[r, j]):
                    return
                cos = float(sims[r, j])
                ttext = target_text(tgt)
                f = {
                    "cos": cos,
                    "margin": float(ratio(np.float32(cos), src_mean[r], tgt_mean[j])),
                    "speaker": cues.speaker_cue(src.speaker, tgt.speaker),
                    "numbers": cues.number_agreement(qtext, ttext),
                    "names": cues.entity_agreement(src.sentence, tgt.sentence),
                    "outlet": cues.outlet_cue(outlet_langs[i], tgt.lang),
                    "length": cues.length_cue(qtext, ttext, tgt.lang, src.lang),
                    "doc_pair": doc_pairs.get((src.doc, tgt.doc), 0.0),
                    "unpaired": 1.0 if mine and tgt.doc not in mine else 0.0,
                    "position": position_cue(positions, src, tgt, settings, best=best_rel) if positions else 0.0,
                }
                p = 1.0 / (1.0 + math.exp(-max(-LOGIT_CLIP, min(LOGIT_CLIP, weights.logit(f)))))
                scored.append((p, j, f))

            for j in order[r].tolist():
                if len(scored) >= n_cand:
                    break
                score(j)
            for d in mine:  # the paired articles' nearest targets, whatever their global rank
                rows = sorted(tgt_rows.get(d, []), key=lambda j: -sims[r, j])
                for j in rows[: settings.align_paired_candidates]:
                    if j not in seen:
                        score(j)
                amap = positions.get((src.doc, d))
                if amap is not None and amap.reliability > 0:  # and those where the article map puts the quote
                    expected = amap.expected_range(src)
                    for j in rows[settings.align_paired_candidates:]:
                        if j not in seen and amap.distance(src, targets[j], expected) <= 0.5:
                            score(j)
            scored.sort(key=lambda x: -x[0])
            kept: list[tuple[float, int, dict]] = []
            for p, j, f in scored:
                if p < min_score or len(kept) >= top_k:
                    break
                if any(_overlaps(targets[j], targets[jj]) for _, jj, _ in kept):
                    continue
                kept.append((p, j, f))
            for rank, (p, j, f) in enumerate(kept, start=1):
                out.append(Candidate(kind=kind, rank=rank, score=p, source=src, target=targets[j],
                                     features={k_: round(v, 4) for k_, v in f.items()}))
    return out
