"""Article pairing: which French/Arabic articles an English article draws on."""

from __future__ import annotations

import numpy as np

from aligner.pairing import ArticleSide, pair_articles, pair_features


def _side(doc, lang, texts, vecs, outlets=()):
    v = np.asarray(vecs, np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    return ArticleSide(doc=doc, lang=lang, texts=tuple(texts), vecs=v, outlet_langs=frozenset(outlets))


def _corpus(seed=0, n=6, dim=32):
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(2 * n, dim))
    noise = lambda: rng.normal(scale=0.25, size=(n, dim))  # noqa: E731
    e1 = _side("e1", "en", [f"English one {i}" for i in range(n)], base[:n] + noise())
    e2 = _side("e2", "en", [f"English two {i}" for i in range(n)], base[n:] + noise())
    f1 = _side("f1", "fr", [f"Français un {i}" for i in range(n)], base[:n] + noise())
    f2 = _side("f2", "fr", [f"Français deux {i}" for i in range(n)], base[n:] + noise())
    return [e1, e2], [f1, f2]


def test_translated_articles_pair_and_unrelated_ones_do_not():
    english, french = _corpus()
    pairs = {(p.source_doc, p.target_doc): p for p in pair_articles(english, french)}
    assert pairs[("e1", "f1")].score > 0.9 and pairs[("e2", "f2")].score > 0.9
    assert pairs[("e1", "f1")].mutual >= 5
    assert ("e1", "f2") not in pairs or pairs[("e1", "f2")].score < 0.2
    assert "sentence pairs" in pairs[("e1", "f1")].evidence


def test_shared_names_and_figures_propose_a_pair_without_sentence_evidence():
    rng = np.random.default_rng(3)
    e = _side("e", "en", ["Bassma Kodmani met Staffan de Mistura on 27 February, 1,500 people said."],
              rng.normal(size=(1, 16)))
    f = _side("f", "fr", ["Bassma Kodmani a rencontré Staffan de Mistura le 27 février ; 1 500 personnes."],
              -rng.normal(size=(1, 16)))
    feats = pair_features([e], [f])
    assert feats[("e", "f")]["names"] > 0.5 and feats[("e", "f")]["numbers"] > 0.5


def test_outlet_named_in_the_english_article_counts_for_that_language():
    english, french = _corpus(seed=1)
    english = [ArticleSide(doc=x.doc, lang=x.lang, texts=x.texts, vecs=x.vecs, outlet_langs=frozenset({"fr"}))
               for x in english]
    feats = pair_features(english, french)
    assert feats[("e1", "f1")]["outlet"] == 1.0
