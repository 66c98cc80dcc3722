"""Article pairing: which French/Arabic articles each English article draws on.

A translator checking an English story first finds the source articles it
is based on; only then does a quote's match mean anything. The evidence, per
(English article, target article) pair:

* ``mutual``  sentence pairs that are each other's best match across the whole
  input, scored exactly as ``aligner mine`` scores them (:mod:`aligner.margin`:
  centred spaces, ratio margin, mutual best; :mod:`aligner.rerank` number
  check) and kept when their mining score clears ``settings.pair_min_mined``;
  ``coverage`` is that count over the shorter article's sentence count;
* ``names``   overlap of the capitalised names of both texts (Latin script);
* ``numbers`` overlap of the figures (digits, clock times) of both texts;
* ``outlet``  the English article names an outlet that publishes in the
  target article's language ("told Journal du Dimanche").

They are combined by a logistic model (``settings.pair_*`` weights, fitted on
the FIT documents of the news benchmark, see bench/README.md) into a 0..1
``score``. Arrays and records in, :class:`ArticlePair` records out; no IO.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .settings import SETTINGS, Settings

__all__ = ["ArticlePair", "ArticleSide", "pair_articles", "PAIR_FEATURES"]

PAIR_FEATURES = ("coverage", "mutual", "names", "numbers", "outlet")


@dataclass(frozen=True)
class ArticleSide:
    """One article as the pairing sees it.

    ``vecs``: (n_sentences, dim) float32, L2-normalised, one row per sentence
    in ``texts``. ``outlet_langs``: languages of the outlets the article names
    as a speaker's interlocutor (English articles only; may be empty).
    """

    doc: str
    lang: str
    texts: tuple[str, ...]
    vecs: np.ndarray
    outlet_langs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ArticlePair:
    """An English article and a French/Arabic article it (probably) draws on."""

    source_doc: str
    target_doc: str
    target_lang: str
    score: float
    """Calibrated 0..1: the target article is a source of the English one."""
    mutual: int
    """Mutually best sentence pairs between the two articles."""
    coverage: float
    names: float
    numbers: float
    outlet: bool

    @property
    def evidence(self) -> str:
        """A short reason a translator can read."""
        bits = [f"{self.mutual} sentence pairs"]
        if self.names > 0:
            bits.append(f"names {self.names:.0%} shared")
        if self.numbers > 0:
            bits.append(f"figures {self.numbers:.0%} shared")
        if self.outlet:
            bits.append("outlet named")
        return ", ".join(bits)


def _overlap(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _logit(s: Settings, f: dict[str, float]) -> float:
    z = s.pair_bias + s.pair_w_coverage * f["coverage"] + s.pair_w_mutual * f["mutual"] \
        + s.pair_w_names * f["names"] + s.pair_w_numbers * f["numbers"] + s.pair_w_outlet * f["outlet"]
    return 1.0 / (1.0 + math.exp(-max(-500.0, min(500.0, z))))


def pair_features(english: Sequence[ArticleSide], targets: Sequence[ArticleSide], *,
                  settings: Settings = SETTINGS) -> dict[tuple[str, str], dict[str, float]]:
    """Evidence for every (English doc, target doc) pair that has any.

    Targets of several languages are handled one language at a time (the
    margin's neighbourhoods are per language); sentences are scored by
    :func:`aligner.margin.score_candidates` in mining mode, as ``aligner mine``
    scores them. Pairs with no mutual sentence pair and fewer than two rare
    shared names or figures are left out (they score as unrelated). Each value
    holds the :data:`PAIR_FEATURES` and ``count`` (mutual sentence pairs).
    """
    from .cues import capitalised_names
    from .margin import mutual_best, score_candidates
    from .rerank import numbers

    feats: dict[tuple[str, str], dict[str, float]] = {}
    english = [e for e in english if len(e.texts)]
    if not english:
        return feats
    src = np.concatenate([e.vecs for e in english]).astype(np.float32)
    src_doc = np.concatenate([np.full(len(e.texts), i) for i, e in enumerate(english)])
    src_texts = [t for e in english for t in e.texts]
    e_names = [capitalised_names(" ".join(e.texts)) for e in english]
    e_nums = [numbers(" ".join(e.texts)) for e in english]
    by_lang: dict[str, list[ArticleSide]] = defaultdict(list)
    for t in targets:
        if len(t.texts):
            by_lang[t.lang].append(t)
    for lang, docs in by_lang.items():
        tgt = np.concatenate([t.vecs for t in docs]).astype(np.float32)
        tgt_doc = np.concatenate([np.full(len(t.texts), j) for j, t in enumerate(docs)])
        tgt_texts = [x for t in docs for x in t.texts]
        fwd, bwd = score_candidates(src, tgt, retrieval=False, src_texts=src_texts, tgt_texts=tgt_texts,
                                    settings=settings)
        pairs = mutual_best(fwd, bwd)
        conf = fwd.at_best(fwd.confidence(settings.mine_score_lambda))
        counts: Counter = Counter()
        for i, j in pairs.tolist():
            if conf[i] >= settings.pair_min_mined:
                counts[(int(src_doc[i]), int(tgt_doc[j]))] += 1
        t_names = [capitalised_names(" ".join(t.texts)) if lang != "ar" else frozenset() for t in docs]
        t_nums = [numbers(" ".join(t.texts)) for t in docs]
        cand = set(counts)
        # names / figures alone can propose a pair (short articles)
        name_index: dict[object, set[int]] = defaultdict(set)
        for j in range(len(docs)):
            for x in t_names[j] | {("#", n) for n in t_nums[j]}:
                name_index[x].add(j)
        for i in range(len(english)):
            hits: Counter = Counter()
            for x in e_names[i] | {("#", n) for n in e_nums[i]}:
                js = name_index.get(x, ())
                if len(js) <= 3:  # a name or figure many articles share says little
                    for j in js:
                        hits[j] += 1
            cand.update((i, j) for j, c in hits.items() if c >= 2)
        for i, j in cand:
            e, t = english[i], docs[j]
            m = counts.get((i, j), 0)
            feats[(e.doc, t.doc)] = {
                "count": float(m),
                "coverage": m / max(1, min(len(e.texts), len(t.texts))),
                "mutual": min(m, 5) / 5.0,
                "names": _overlap(e_names[i], t_names[j]),
                "numbers": _overlap(e_nums[i], t_nums[j]),
                "outlet": 1.0 if t.lang in english[i].outlet_langs else 0.0,
            }
    return feats


def pair_articles(english: Sequence[ArticleSide], targets: Sequence[ArticleSide], *,
                  settings: Settings = SETTINGS) -> list[ArticlePair]:
    """The article pairs with any evidence, best first per English article.

    english: English articles; targets: French/Arabic articles (``vecs`` of
    every side: (n_sentences, dim) float32, L2-normalised, same model).
    Returns :class:`ArticlePair` records with ``score`` >= ``settings.pair_min_score``.
    """
    langs = {t.doc: t.lang for t in targets}
    out = []
    for (e, t), f in pair_features(english, targets, settings=settings).items():
        p = _logit(settings, f)
        if p < settings.pair_min_score:
            continue
        out.append(ArticlePair(source_doc=e, target_doc=t, target_lang=langs[t], score=round(p, 4),
                               mutual=int(f["count"]),
                               coverage=round(f["coverage"], 4), names=round(f["names"], 4),
                               numbers=round(f["numbers"], 4), outlet=bool(f["outlet"])))
    out.sort(key=lambda p: (p.source_doc, -p.score, p.target_doc))
    return out

