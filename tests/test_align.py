import numpy as np
import pytest

from aligner.align import align, query_text
from aligner.errors import DimensionError
from aligner.records import Quote


def q(doc, text, lang="en", start=0, speaker=None, is_quote=True, sentence=None):
    sentence = sentence or text
    return Quote(doc=doc, lang=lang, text=text, sentence=sentence, start=start, end=start + len(text),
                 sentence_start=start, sentence_end=start + len(sentence), speaker=speaker,
                 is_quote=is_quote)


def unit(rows):
    v = np.asarray(rows, dtype=np.float32)
    return np.ascontiguousarray(v / np.linalg.norm(v, axis=1, keepdims=True))


def test_best_target_ranks_first_and_scores_are_probabilities():
    src = [q("en1", "we are preparing an operation to liberate Aleppo", speaker="Wael al-Halqi")]
    tgts = [
        q("fr1", "nous préparons une opération pour libérer Alep", "fr", 0, speaker="Waël al-Halqi"),
        q("fr1", "la trêve est sur le point de s'effondrer", "fr", 100),
        q("ar1", "المعارك مستمرة في ريف حلب", "ar", 0),
    ]
    sv = unit([[1, 0.1, 0, 0]])
    tv = unit([[1, 0.12, 0.05, 0], [0.3, 1, 0, 0], [0.2, 0, 1, 0.3]])
    out = align(src, sv, tgts, tv, kind="translation", min_score=0.0, top_k=3)
    assert [c.rank for c in out] == [1, 2, 3]
    assert out[0].target.doc == "fr1" and out[0].target.start == 0
    assert all(0.0 <= c.score <= 1.0 for c in out)
    assert out[0].score > out[1].score
    assert set(out[0].features) >= {"cos", "margin", "speaker", "numbers", "names", "outlet", "length"}


def test_speaker_mismatch_lowers_the_score():
    src = [q("en1", "the ceasefire is about to collapse", speaker="Bassma Kodmani")]
    same = [q("fr1", "le cessez-le-feu va s'effondrer", "fr", speaker="Basmah Qadamani")]
    other = [q("fr1", "le cessez-le-feu va s'effondrer", "fr", speaker="Ali Akbar Velayati")]
    sv, tv = unit([[1, 0.2, 0]]), unit([[1, 0.25, 0]])
    s_same = align(src, sv, same, tv, kind="translation", min_score=0.0)[0].score
    s_other = align(src, sv, other, tv, kind="translation", min_score=0.0)[0].score
    assert s_same > s_other


def test_sets_smaller_than_k_and_empty_sets():
    src = [q("en1", "a quote")]
    tgt = [q("fr1", "une citation", "fr")]
    v = unit([[1, 0]])
    assert len(align(src, v, tgt, v, kind="translation", min_score=0.0)) == 1
    empty = np.zeros((0, 2), dtype=np.float32)
    assert align([], empty, tgt, v, kind="translation") == []
    assert align(src, v, [], empty, kind="translation") == []


def test_variants_skip_the_same_document():
    a = q("en1", "we are readying ourselves for an operation")
    b = q("en1", "another quote in the same article", start=200)
    c = q("en2", "we are preparing for an operation")
    v = unit([[1, 0.1], [0.9, 0.3], [1, 0.12]])
    out = align([a, b, c], v, [a, b, c], v, kind="variant", min_score=0.0, top_k=5)
    assert out and all(cand.source.doc != cand.target.doc for cand in out)
    best_for_a = [cand for cand in out if cand.source == a and cand.rank == 1][0]
    assert best_for_a.target == c


def test_overlapping_targets_keep_only_the_best():
    src = [q("en1", "two sentences in one quote")]
    s1 = q("fr1", "Première phrase.", "fr", 0, is_quote=False)
    window = q("fr1", "Première phrase. Deuxième phrase.", "fr", 0, is_quote=False)
    sv = unit([[1, 0]])
    tv = unit([[0.8, 0.6], [1, 0.05]])
    out = align(src, sv, [s1, window], tv, kind="translation", min_score=0.0, top_k=3)
    assert len(out) == 1 and out[0].target == window


def test_min_score_filters_everything_below():
    src = [q("en1", "a quote")]
    tgt = [q("fr1", "rien à voir", "fr")]
    out = align(src, unit([[1, 0]]), tgt, unit([[0, 1]]), kind="translation")
    assert out == []


def test_bad_arrays_are_refused_with_a_clear_message():
    src = [q("en1", "a quote")]
    tgt = [q("fr1", "une citation", "fr")]
    with pytest.raises(DimensionError, match="float32"):
        align(src, np.ones((1, 2)), tgt, unit([[1, 0]]), kind="translation")
    with pytest.raises(DimensionError, match="dimension"):
        align(src, unit([[1, 0]]), tgt, unit([[1, 0, 0]]), kind="translation")
    with pytest.raises(DimensionError, match="rows"):
        align(src, unit([[1, 0], [0, 1]]), tgt, unit([[1, 0]]), kind="translation")


def test_short_quotes_use_their_sentence():
    one = q("en1", "powerless", sentence="She said the monitoring mission was powerless.")
    assert query_text(one, 4) == one.sentence
    long = q("en1", "we are not optimistic about the coming round of talks")
    assert query_text(long, 4) == long.text


def test_margin_is_the_mining_ratio_margin_with_mine_k():
    """Quote alignment and `aligner mine` share one margin (aligner/margin.py, k = mine_k)."""
    from dataclasses import replace

    from aligner.margin import margin_matrix
    from aligner.settings import SETTINGS

    rng = np.random.default_rng(5)
    sv, tv = unit(rng.normal(size=(4, 8))), unit(rng.normal(size=(6, 8)))
    src = [q("en1", f"quote {i}", start=20 * i) for i in range(4)]
    tgt = [q("fr1", f"phrase {j}", "fr", start=20 * j) for j in range(6)]
    for k in (1, 2, 3):
        settings = replace(SETTINGS, mine_k=k)
        out = align(src, sv, tgt, tv, kind="translation", min_score=0.0, top_k=6, settings=settings)
        want = margin_matrix(sv, tv, k=k)
        for c in out:
            i, j = src.index(c.source), tgt.index(c.target)
            assert c.features["margin"] == pytest.approx(float(want[i, j]), abs=1e-3)


def test_candidates_in_a_paired_article_get_the_pair_evidence():
    from dataclasses import replace

    from aligner.settings import SETTINGS

    src = [q("en1", "the monitoring mission is powerless")]
    tgts = [q("fr_paired", "la mission est impuissante", "fr"), q("fr_other", "la mission est impuissante", "fr")]
    sv, tv = unit([[1, 0.3, 0]]), unit([[1, 0.3, 0.05], [1, 0.3, 0.05]])
    settings = replace(SETTINGS, align_w_doc_pair=3.0, align_w_unpaired=-2.0)
    out = align(src, sv, tgts, tv, kind="translation", min_score=0.0, top_k=2, settings=settings,
                doc_pairs={("en1", "fr_paired"): 0.95})
    assert [c.target.doc for c in out] == ["fr_paired", "fr_other"]
    assert out[0].features["doc_pair"] == 0.95 and out[0].features["unpaired"] == 0.0
    assert out[1].features["doc_pair"] == 0.0 and out[1].features["unpaired"] == 1.0
    assert out[0].score > out[1].score
