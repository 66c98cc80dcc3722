"""Mining and retrieval over embedding arrays (fake lexical encoder, no model)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aligner.errors import ChoiceError, DimensionError
from aligner.margin import (prepare_spaces, score_candidates, sinkhorn_best,
                            sinkhorn_potentials)
from aligner.mine import MODES, mine, parse_threshold, retrieve
from aligner.records import MinedPair
from aligner.settings import SETTINGS

from fakes import FakeEncoder

def vocabulary(n: int = 400) -> list[str]:
    rng = np.random.default_rng(99)
    letters = list("abcdefghijklmnopqrstuvwxyz")
    return sorted({"".join(rng.choice(letters, 7)) for _ in range(n)})


WORDS = vocabulary()


def corpus(n: int, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(WORDS, 8, replace=False)) for _ in range(n)]


def noisy_copy(text: str, rng: np.random.Generator) -> str:
    """A 'translation' for the lexical fake encoder: same words, one dropped, shuffled."""
    words = text.split()
    words.pop(int(rng.integers(len(words))))
    rng.shuffle(words)
    return " ".join(words)


@pytest.fixture
def task():
    """30 sources; targets = noisy copies of sources 0..19 (shuffled) + 10 unrelated lines."""
    rng = np.random.default_rng(0)
    src = corpus(30, 1)
    translated = list(range(20))
    tgt = [noisy_copy(src[i], rng) for i in translated] + corpus(10, 2)
    order = rng.permutation(len(tgt))
    tgt = [tgt[i] for i in order]
    gold = {int(translated[old]): int(new) for new, old in enumerate(order) if old < 20}
    enc = FakeEncoder(dim=256)
    return enc.encode(src), enc.encode(tgt), src, tgt, gold


def test_retrieval_mode_one_line_per_source_in_order(task):
    sv, tv, st, tt, gold = task
    pairs = retrieve(sv, tv, st, tt)
    assert [p.src_index for p in pairs] == list(range(30))
    assert all(isinstance(p, MinedPair) for p in pairs)
    for p in pairs:
        assert p.src_text == st[p.src_index] and p.tgt_text == tt[p.tgt_index]
        if p.src_index in gold:
            assert p.tgt_index == gold[p.src_index]


def test_retrieval_takes_the_sinkhorn_choice_and_reports_its_margin(task):
    sv, tv, st, tt, gold = task
    s = SETTINGS
    x, y = prepare_spaces(sv, tv, settings=s)
    v = sinkhorn_potentials(x, y, temperature=s.retrieval_sinkhorn, iters=s.retrieval_sinkhorn_iters)
    expected, cos = sinkhorn_best(x, y, v, temperature=s.retrieval_sinkhorn)
    pairs = retrieve(sv, tv, st, tt)
    assert [p.tgt_index for p in pairs] == expected.tolist()
    # the score is the ratio margin of the chosen pair, as without the correction
    plain = retrieve(sv, tv, st, tt, settings=replace(s, retrieval_sinkhorn=0.0))
    for a, b in zip(pairs, plain):
        if a.tgt_index == b.tgt_index:
            assert a.score == pytest.approx(b.score, rel=1e-5)


def test_retrieval_skips_sinkhorn_for_a_few_sources_against_many(task, monkeypatch):
    sv, tv, st, tt, _ = task
    import aligner.mine as mine_module

    def fail(*a, **k):
        raise AssertionError("Sinkhorn used with 5 sources against 30 targets")

    monkeypatch.setattr(mine_module, "sinkhorn_potentials", fail)
    pairs = retrieve(sv[:5], tv, st[:5], tt)
    assert len(pairs) == 5


def test_mining_mode_keeps_the_translations_and_sorts_by_score(task):
    sv, tv, st, tt, gold = task
    everything = mine(sv, tv, st, tt, threshold=-1e9)  # all mutual best pairs
    gold_scores = [p.score for p in everything if gold.get(p.src_index) == p.tgt_index]
    other_scores = [p.score for p in everything if gold.get(p.src_index) != p.tgt_index]
    assert len(gold_scores) == len(gold)
    assert other_scores and min(gold_scores) > max(other_scores)  # the fake task is separable
    cut = (min(gold_scores) + max(other_scores)) / 2
    pairs = mine(sv, tv, st, tt, threshold=cut)
    assert {(p.src_index, p.tgt_index) for p in pairs} == set(gold.items())
    scores = [p.score for p in pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(s >= cut for s in scores)
    assert mine(sv, tv, st, tt, threshold=max(gold_scores) + 1e-3) == []


def test_mining_score_is_cos_minus_lambda_neighbourhood(task):
    sv, tv, st, tt, _ = task
    s = replace(SETTINGS, mine_number_weight=0.0)
    fwd, bwd = score_candidates(sv, tv, retrieval=False, settings=s)
    for lam in (0.0, 0.75, 1.0):
        pairs = mine(sv, tv, st, tt, threshold=-1e9, settings=replace(s, mine_score_lambda=lam))
        for p in pairs:
            col = list(fwd.ids[p.src_index]).index(p.tgt_index)
            expected = fwd.cos[p.src_index, col] - lam * fwd.hub[p.src_index, col]
            assert p.score == pytest.approx(float(expected), abs=1e-6)


def test_retrieval_self_alignment_is_off_when_mining(task, monkeypatch):
    import aligner.margin as margin_mod

    calls = []
    real = margin_mod.self_align
    monkeypatch.setattr(margin_mod, "self_align", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    sv, tv, st, tt, _ = task
    s = replace(SETTINGS, self_align_min_pairs=5)
    mine(sv, tv, st, tt, threshold=-1e9, settings=s)
    assert calls == []
    retrieve(sv, tv, st, tt, settings=s)
    assert calls == [1]


def hand_candidates():
    """3 sources x 3 targets, cosines chosen so the modes disagree.

    forward best:  s0 -> t0, s1 -> t0, s2 -> t1
    backward best: t0 -> s0, t1 -> s0, t2 -> s2
    """
    return 0.5 * np.array([
        [0.9, 0.8, 0.0],
        [0.85, 0.1, 0.0],
        [0.0, 0.7, 0.2],
    ])


def vectors_from_cosines(cos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors whose cross cosines are ``cos`` (sources on axes, targets built from them)."""
    n_src, n_tgt = cos.shape
    dim = n_src + n_tgt
    src = np.eye(n_src, dim, dtype=np.float64)
    tgt = np.zeros((n_tgt, dim))
    tgt[:, :n_src] = cos.T
    rest = 1 - (cos.T ** 2).sum(1)
    assert (rest >= 0).all()
    tgt[np.arange(n_tgt), n_src + np.arange(n_tgt)] = np.sqrt(rest)
    return np.ascontiguousarray(src, np.float32), np.ascontiguousarray(tgt, np.float32)


@pytest.mark.parametrize("mode, expected", [
    ("fwd", {(0, 0), (1, 0), (2, 1)}),
    ("bwd", {(0, 0), (0, 1), (2, 2)}),
    ("intersect", {(0, 0)}),
    # pooled, best first: (s0,t0) .45, (s1,t0) .425 t0 taken, (s0,t1) .4 s0 taken,
    # (s2,t1) .35 kept, (s2,t2) .1 s2 taken
    ("max", {(0, 0), (2, 1)}),
])
def test_modes_on_hand_made_cosines(mode, expected):
    src, tgt = vectors_from_cosines(hand_candidates())
    s = replace(SETTINGS, mine_center=False, retrieval_whiten=0.0, retrieval_self_align=False)
    texts_s, texts_t = ["a", "b", "c"], ["x", "y", "z"]
    got = mine(src, tgt, texts_s, texts_t, threshold=-1e9, mode=mode, margin="cosine", settings=s)
    assert {(p.src_index, p.tgt_index) for p in got} == expected
    if mode == "max":  # each sentence used at most once
        assert len({p.src_index for p in got}) == len(got) == len({p.tgt_index for p in got})


def test_empty_sides_give_no_pairs():
    empty = np.zeros((0, 8), np.float32)
    one = np.ascontiguousarray(np.eye(1, 8, dtype=np.float32))
    assert mine(empty, one, [], ["x"]) == []
    assert retrieve(one, empty, ["x"], []) == []


def test_fewer_sentences_than_k(task):
    sv, tv, st, tt, gold = task
    pairs = retrieve(sv[:2], tv[:1], st[:2], tt[:1], k=8)
    assert [p.tgt_index for p in pairs] == [0, 0]


def test_bad_inputs():
    v = np.ascontiguousarray(np.eye(2, 8, dtype=np.float32))
    with pytest.raises(DimensionError, match="src_texts: 1 texts for 2 vectors"):
        mine(v, v, ["a"], ["a", "b"])
    with pytest.raises(DimensionError, match="tgt_vecs: dimension 4 does not match src_vecs dimension 8"):
        mine(v, np.zeros((2, 4), np.float32), ["a", "b"], ["a", "b"])
    with pytest.raises(DimensionError, match="expected dtype float32, got float64"):
        mine(v.astype(np.float64), v, ["a", "b"], ["a", "b"])
    with pytest.raises(ChoiceError, match="valid choices: intersect, max, fwd, bwd"):
        mine(v, v, ["a", "b"], ["a", "b"], threshold=1.0, mode="both")
    with pytest.raises(ChoiceError, match="valid choices: ratio, distance, cosine"):
        mine(v, v, ["a", "b"], ["a", "b"], margin="csls")
    assert set(MODES) == {"intersect", "max", "fwd", "bwd"}


@pytest.mark.parametrize("value, expected", [
    ("auto", SETTINGS.mine_threshold), ("1.05", 1.05), (" 0.9 ", 0.9), (1, 1.0), ("-2e-1", -0.2),
])
def test_parse_threshold(value, expected):
    assert parse_threshold(value) == expected


@pytest.mark.parametrize("value", ["high", "", "nan", "inf", True, "1,05", None, "none"])
def test_parse_threshold_rejects(value):
    with pytest.raises(ChoiceError) as e:
        parse_threshold(value)
    assert "valid choices: auto, a number such as 0.2" in e.value.message


def test_mining_needs_a_threshold_retrieval_is_its_own_task(task):
    sv, tv, st, tt, _ = task
    with pytest.raises(ChoiceError, match="aligner.mine.retrieve"):
        mine(sv, tv, st, tt, threshold=None)
