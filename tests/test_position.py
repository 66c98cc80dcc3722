"""Position evidence inside a paired article (aligner/position.py)."""

from dataclasses import replace

import numpy as np
import pytest

from aligner.align import align
from aligner.position import anchors, article_map, article_maps, position_cue
from aligner.records import Quote


def sent(doc, start, text="x", lang="en", is_quote=False, end=None):
    end = start + 10 if end is None else end
    return Quote(doc=doc, lang=lang, text=text, sentence=text, start=start, end=end,
                 sentence_start=start, sentence_end=end, is_quote=is_quote)


def unit(v):
    v = np.asarray(v, dtype=np.float32)
    return np.ascontiguousarray(v / np.linalg.norm(v, axis=1, keepdims=True))


def parallel_vecs(n, dim=32, noise=0.3, seed=0):
    """n English sentence vectors and their n translations (close, in the same order)."""
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(n, dim))
    return unit(base), unit(base + noise * rng.normal(size=(n, dim)))


def test_translated_article_gives_an_ordered_chain_covering_it():
    e, t = parallel_vecs(12)
    chain = anchors(e, t, k=2, min_margin=1.05)
    assert len(chain) >= 10
    assert (np.diff(chain[:, 0]) > 0).all() and (np.diff(chain[:, 1]) > 0).all()
    assert (chain[:, 0] == chain[:, 1]).all()


def test_crossing_anchors_are_dropped():
    e, t = parallel_vecs(10)
    t = t.copy()
    t[[1, 8]] = t[[8, 1]]  # two translations swapped far apart: one of them cannot stay in the chain
    chain = anchors(e, t, k=2, min_margin=1.0)
    assert (np.diff(chain[:, 1]) > 0).all()
    assert not {(1, 8), (8, 1)} <= {tuple(p) for p in chain.tolist()}


def test_expected_position_interpolates_between_anchors_and_extends_past_them():
    e, t = parallel_vecs(10)
    m = article_map("en", "fr", list(range(0, 100, 10)), e, list(range(0, 100, 10)), t)
    m = replace(m, anchors=np.array([[2, 3], [6, 7]]))
    assert m.expected(4) == pytest.approx(5.0)
    assert m.expected(0) == pytest.approx(1.0)
    assert m.expected(8) == pytest.approx(9.0)
    assert m.expected(9) == pytest.approx(9.0)  # clipped to the last target sentence


def test_unrelated_articles_carry_no_position_evidence():
    rng = np.random.default_rng(3)
    e, t = unit(rng.normal(size=(15, 32))), unit(rng.normal(size=(15, 32)))
    m = article_map("en", "fr", list(range(15)), e, list(range(15)), t)
    e2, t2 = parallel_vecs(15)
    parallel = article_map("en", "fr", list(range(15)), e2, list(range(15)), t2)
    assert m.reliability < 0.5 < parallel.reliability


def test_the_cue_favours_the_expected_sentence_and_scales_with_reliability():
    n = 8
    e, t = parallel_vecs(n, seed=5)
    en = [sent("en", 20 * i) for i in range(n)]
    fr = [sent("fr", 30 * i, lang="fr") for i in range(n)]
    maps = article_maps(en, e, fr, t, [("en", "fr"), ("en", "missing")])
    assert set(maps) == {("en", "fr")}
    src = Quote(doc="en", lang="en", text="short", sentence="It makes me happy.", start=82, end=87,
                sentence_start=80, sentence_end=95)  # the English sentence 4
    right, near, far = fr[4], fr[5], fr[0]
    cues = [position_cue(maps, src, x) for x in (right, near, far)]
    assert cues[0] > cues[1] > cues[2]
    assert cues[0] == pytest.approx(maps[("en", "fr")].reliability)
    assert cues[2] == pytest.approx(-maps[("en", "fr")].reliability)
    assert position_cue(maps, src, sent("other", 0, lang="fr")) == 0.0
    # a two-sentence window holding the expected sentence is at distance 0
    window = Quote(doc="fr", lang="fr", text="w", sentence="w", start=90, end=150, sentence_start=90,
                   sentence_end=150, is_quote=False)
    assert position_cue(maps, src, window) == pytest.approx(cues[0])


def test_align_ranks_the_candidate_at_the_expected_place_first():
    """Two equally similar French sentences: the one where the article map puts the quote wins."""
    from dataclasses import replace

    from aligner.settings import SETTINGS

    n = 8
    e, t = parallel_vecs(n, seed=9)
    en = [sent("en", 20 * i) for i in range(n)]
    fr = [sent("fr", 30 * i, lang="fr") for i in range(n)]
    maps = article_maps(en, e, fr, t, [("en", "fr")])
    src = [Quote(doc="en", lang="en", text="It makes me happy.", sentence="It makes me happy.", start=60,
                 end=78, sentence_start=60, sentence_end=78)]  # English sentence 3
    q = e[3:4].copy()
    tv = t.copy()
    tv[6] = q[0]  # sentence 6 (a free look-alike) is even closer to the quote than the right one (3)
    settings = replace(SETTINGS, align_w_position=4.0)
    plain = align(src, q, fr, tv, kind="translation", min_score=0.0, top_k=2, settings=settings,
                  doc_pairs={("en", "fr"): 0.9})
    assert plain[0].target.sentence_start == 180  # without the map the look-alike wins
    assert all(c.features["position"] == 0.0 for c in plain)
    out = align(src, q, fr, tv, kind="translation", min_score=0.0, top_k=2, settings=settings,
                doc_pairs={("en", "fr"): 0.9}, positions=maps)
    assert out[0].target.sentence_start == 90
    assert out[0].features["position"] > 0 > out[1].features["position"]


def test_rank1_calibration_applies_to_translations_only():
    from dataclasses import replace

    from aligner.align import Weights
    from aligner.settings import SETTINGS

    s = replace(SETTINGS, align_calib_scale=0.5, align_calib_position=2.0, align_calib_bias=1.0,
                align_calib_doc_pair=3.0)
    f = {"cos": 0.9, "margin": 1.1, "speaker": 0.0, "numbers": 0.0, "names": 0.0, "outlet": 0.0,
         "length": 0.0, "doc_pair": 0.9, "unpaired": 0.0, "position": 0.8}
    plain = Weights.from_settings(replace(s, align_calib_scale=1.0, align_calib_position=0.0,
                                          align_calib_bias=0.0, align_calib_doc_pair=0.0), "translation")
    z = plain.logit(f)
    assert Weights.from_settings(s, "translation").logit(f) == pytest.approx(0.5 * z + 2.0 * 0.8 + 3.0 * 0.9 + 1.0)
    variant = Weights.from_settings(s, "variant")
    assert (variant.calib_scale, variant.calib_position, variant.calib_bias, variant.calib_doc_pair) == (1, 0, 0, 0)


def test_longest_chain_matches_a_brute_force_search():
    from itertools import combinations

    from aligner.position import _longest_chain

    rng = np.random.default_rng(11)
    for _ in range(30):
        n = int(rng.integers(1, 9))
        pairs = np.column_stack([rng.permutation(12)[:n], rng.permutation(12)[:n]]).astype(np.int64)
        chain = _longest_chain(pairs)
        assert (np.diff(chain, axis=0) > 0).all()
        assert {tuple(p) for p in chain.tolist()} <= {tuple(p) for p in pairs.tolist()}
        best = max(k for k in range(1, n + 1) for c in combinations(sorted(pairs.tolist()), k)
                   if all(a[0] < b[0] and a[1] < b[1] for a, b in zip(c, c[1:])))
        assert len(chain) == best


EN = [
    "The mayor opened the new bridge on Monday morning.",
    "It had taken four years to build.",
    "\"It makes me happy,\" she said.",
    "Traffic on the old road is expected to fall by half.",
    "Local shops fear they will lose customers.",
    "The council will review the situation next spring.",
    "A second bridge is planned further north.",
    "Its cost has not yet been announced.",
]
FR = [
    "La maire a inauguré le nouveau pont lundi matin.",
    "Sa construction avait duré quatre ans.",
    "« Je suis vraiment contente », a-t-elle déclaré.",
    "La circulation sur l'ancienne route devrait baisser de moitié.",
    "Les commerçants du quartier craignent de perdre des clients.",
    "Le conseil municipal réexaminera la situation au printemps prochain.",
    "Un second pont est prévu plus au nord.",
    "Son coût n'a pas encore été annoncé.",
]
OTHER = [
    "Le festival de jazz a attiré dix mille spectateurs ce week-end.",
    "Les organisateurs se disent satisfaits de cette édition.",
    "La pluie a perturbé le concert de samedi soir.",
    "Plusieurs artistes venaient d'Afrique de l'Ouest.",
    "Le prix des billets avait augmenté cette année.",
    "Une exposition de photographies complétait le programme.",
    "Les bénévoles étaient plus de deux cents.",
    "La prochaine édition aura lieu en juillet.",
]


@pytest.mark.model
def test_real_model_maps_a_translated_article_and_not_an_unrelated_one(real_encoder):
    def starts(lines):
        out, pos = [], 0
        for ln in lines:
            out.append(pos)
            pos += len(ln) + 1
        return out

    e, f, o = (np.ascontiguousarray(real_encoder.encode(x), dtype=np.float32) for x in (EN, FR, OTHER))
    parallel = article_map("en", "fr", starts(EN), e, starts(FR), f)
    unrelated = article_map("en", "other", starts(EN), e, starts(OTHER), o)
    assert parallel.reliability >= 0.5 and unrelated.reliability == 0.0
    # the short quote "It makes me happy" (sentence 2) is expected at the French sentence 2
    assert round(parallel.expected(2)) == 2
