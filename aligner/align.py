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
* ``length``  the length ratio is plausible for the language pair.

Weights live in :class:`aligner.settings.Settings` (``align_*``); the
embedding part is fitted on the UN dev set by ``bench/calibrate_align.py``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import cues
from .errors import DimensionError
from .records import Candidate, MatchKind, Quote
from .settings import SETTINGS, Settings

FEATURES = ("cos", "margin", "speaker", "numbers", "names", "outlet", "length")


@dataclass(frozen=True)
class Weights:
    """Logistic weights: score = sigmoid(bias + sum(w_f * feature_f))."""

    bias: float
    cos: float
    margin: float
    speaker: float
    numbers: float
    names: float
    outlet: float
    length: float

    @classmethod
    def from_settings(cls, s: Settings, kind: MatchKind) -> "Weights":
        base = dict(
            bias=s.align_bias, cos=s.align_w_cos, margin=s.align_w_margin,
            speaker=s.align_w_speaker, numbers=s.align_w_numbers, names=s.align_w_names,
            outlet=s.align_w_outlet, length=s.align_w_length,
        )
        if kind == "variant":  # same language: cosines run higher
            base.update(bias=s.align_variant_bias, cos=s.align_variant_w_cos,
                        margin=s.align_variant_w_margin)
        return cls(**base)

    def logit(self, f: dict[str, float]) -> float:
        return self.bias + sum(getattr(self, k) * f[k] for k in FEATURES)


def query_text(q: Quote, min_words: int) -> str:
    """Text embedded for a source quote: the quote, or its sentence if very short.

    A one-word quote ("powerless") carries too little meaning alone; its
    sentence is what a translator compares with the original.
    """
    if len(q.text.split()) < min_words:
        return q.sentence
    return q.text


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


_MASKED = -9.0  # similarity of pairs that may not match (same article for variants)


def _topk_mean(sims: np.ndarray, k: int) -> np.ndarray:
    """Mean of the k largest unmasked values per row (rows with none give 0).

    sims: (n, m) float32 -> (n,) float32.
    """
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0], dtype=np.float32)
    k = max(1, min(k, sims.shape[1]))
    part = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    part = np.where(part <= _MASKED, np.nan, part)
    valid = ~np.isnan(part)
    n_valid = valid.sum(axis=1)
    out = np.where(n_valid > 0, np.where(valid, part, 0.0).sum(axis=1) / np.maximum(n_valid, 1), 0.0)
    return np.nan_to_num(out, nan=0.0).astype(np.float32)


def _overlaps(a: Quote, b: Quote) -> bool:
    return a.doc == b.doc and a.sentence_start < b.sentence_end and b.sentence_start < a.sentence_end


def align(
    sources: Sequence[Quote],
    src_vecs: np.ndarray,
    targets: Sequence[Quote],
    tgt_vecs: np.ndarray,
    *,
    kind: MatchKind,
    outlet_langs: Sequence[str | None] | None = None,
    top_k: int = 3,
    min_score: float | None = None,
    settings: Settings = SETTINGS,
) -> list[Candidate]:
    """Rank targets for every source quote.

    sources: n_src English quotes; src_vecs: (n_src, dim) float32, L2-normalised.
    targets: n_tgt spans; tgt_vecs: (n_tgt, dim) float32, L2-normalised.
    outlet_langs: per source, the language of the outlet it was told to (or None).
    For ``kind="variant"`` a target in the same document as its source is skipped.
    Overlapping targets (same document, overlapping sentences) keep the best.
    Returns at most ``top_k`` candidates per source with score >= min_score
    (default ``settings.align_threshold``), ranked 1..n per source.
    """
    _check("src_vecs", src_vecs, len(sources), None)
    _check("tgt_vecs", tgt_vecs, len(targets), src_vecs.shape[1])
    if not sources or not targets:
        return []
    min_score = settings.align_threshold if min_score is None else min_score
    weights = Weights.from_settings(settings, kind)
    outlet_langs = list(outlet_langs) if outlet_langs is not None else [None] * len(sources)

    k = settings.margin_k
    n_cand = min(len(targets), max(settings.align_candidates, top_k * 4))
    out: list[Candidate] = []
    # blocks of sources keep memory bounded: (block, n_tgt) float32.
    # Pass 1: each target's k best source similarities (its neighbourhood).
    block = max(1, int(2e7 // max(len(targets), 1)))
    kk = min(k, len(sources))
    same_doc = None
    if kind == "variant":  # a quote is no variant of itself or of its own article
        docs = {d: n for n, d in enumerate(sorted({q.doc for q in (*sources, *targets)}))}
        src_doc = np.array([docs[q.doc] for q in sources])
        tgt_doc = np.array([docs[q.doc] for q in targets])
        same_doc = lambda b0, n: src_doc[b0:b0 + n, None] == tgt_doc[None, :]  # noqa: E731
    tgt_top = np.full((len(targets), kk), _MASKED, dtype=np.float32)
    for b0 in range(0, len(sources), block):
        sims = src_vecs[b0:b0 + block] @ tgt_vecs.T
        if same_doc is not None:
            sims[same_doc(b0, sims.shape[0])] = _MASKED
        merged = np.concatenate([tgt_top, sims.T], axis=1)
        tgt_top = -np.sort(-merged, axis=1)[:, :kk]
    tgt_nn = _topk_mean(tgt_top, kk)

    # Pass 2: score each source's nearest targets.
    for b0 in range(0, len(sources), block):
        sims = src_vecs[b0:b0 + block] @ tgt_vecs.T
        if same_doc is not None:
            sims[same_doc(b0, sims.shape[0])] = _MASKED
        src_nn = _topk_mean(sims, k)
        order = np.argsort(-sims, axis=1)[:, : n_cand * 2]
        for r in range(sims.shape[0]):
            i = b0 + r
            src = sources[i]
            qtext = query_text(src, settings.align_short_quote_words)
            scored: list[tuple[float, int, dict]] = []
            for j in order[r]:
                tgt = targets[j]
                if kind == "variant" and (tgt.doc == src.doc or tgt.key == src.key):
                    continue
                cos = float(sims[r, j])
                sides = [x for x in (float(src_nn[r]), float(tgt_nn[j])) if x != 0.0]
                denom = sum(sides) / len(sides) if sides else 0.0
                margin = cos / denom if denom > 1e-6 else 0.0
                ttext = target_text(tgt)
                f = {
                    "cos": cos,
                    "margin": margin,
                    "speaker": cues.speaker_cue(src.speaker, tgt.speaker),
                    "numbers": cues.number_agreement(qtext, ttext),
                    "names": cues.entity_agreement(src.sentence, tgt.sentence),
                    "outlet": cues.outlet_cue(outlet_langs[i], tgt.lang),
                    "length": cues.length_cue(qtext, ttext, tgt.lang, src.lang),
                }
                p = 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, weights.logit(f)))))
                scored.append((p, int(j), f))
                if len(scored) >= n_cand:
                    break
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
