"""Margin criteria on tiny hand-written arrays (no model)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aligner.errors import ChoiceError, DimensionError
from aligner.margin import (
    MARGINS, center, get_margin, margin_matrix, mutual_best, neighbour_means, prepare_spaces,
    score_both_ways, score_candidates, self_align, sinkhorn_applies, sinkhorn_best,
    sinkhorn_potentials, whiten,
)
from aligner.settings import SETTINGS


def unit_rows(*rows) -> np.ndarray:
    x = np.array(rows, dtype=np.float64)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x, dtype=np.float32)


# Two sources, three targets in 2-D. Cosines worked out by hand:
#   x0 = (1, 0); x1 = (0, 1); y0 = (1, 0); y1 = (0.6, 0.8); y2 = (0, 1)
#   cos = [[1.0, 0.6, 0.0],
#          [0.0, 0.8, 1.0]]
X = unit_rows([1, 0], [0, 1])
Y = unit_rows([1, 0], [0.6, 0.8], [0, 1])
COS = np.array([[1.0, 0.6, 0.0], [0.0, 0.8, 1.0]])


def test_cosines_of_the_fixture():
    np.testing.assert_allclose(X @ Y.T, COS, atol=1e-6)


def test_ratio_margin_formula_k2():
    # k = 2. Source means over their 2 nearest targets:
    #   x0: (1.0 + 0.6)/2 = 0.8 ; x1: (1.0 + 0.8)/2 = 0.9
    # Target means over their 2 nearest sources (only 2 exist):
    #   y0: (1.0 + 0.0)/2 = 0.5 ; y1: (0.6 + 0.8)/2 = 0.7 ; y2: (0.0 + 1.0)/2 = 0.5
    # ratio = cos / ((src_mean + tgt_mean)/2)
    expected = np.array([
        [1.0 / 0.65, 0.6 / 0.75, 0.0 / 0.65],
        [0.0 / 0.70, 0.8 / 0.80, 1.0 / 0.70],
    ])
    np.testing.assert_allclose(margin_matrix(X, Y, k=2, margin="ratio"), expected, rtol=1e-5, atol=1e-6)


def test_distance_margin_formula_k1():
    # k = 1: src means = best cos = [1.0, 1.0]; tgt means = [1.0, 0.8, 1.0]
    expected = COS - (np.array([1.0, 1.0])[:, None] + np.array([1.0, 0.8, 1.0])[None, :]) / 2
    np.testing.assert_allclose(margin_matrix(X, Y, k=1, margin="distance"), expected, atol=1e-6)


def test_cosine_ignores_neighbours():
    np.testing.assert_allclose(margin_matrix(X, Y, k=3, margin="cosine"), COS, atol=1e-6)


def test_k_larger_than_sets_uses_everything():
    # k = 10 > 3 targets and > 2 sources: means over all of them
    src_mean = COS.mean(axis=1)  # [0.5333, 0.6]
    tgt_mean = COS.mean(axis=0)  # [0.5, 0.7, 0.5]
    expected = COS / ((src_mean[:, None] + tgt_mean[None, :]) / 2)
    np.testing.assert_allclose(margin_matrix(X, Y, k=10), expected, rtol=1e-5, atol=1e-6)


def test_ratio_margin_prefers_the_less_popular_target():
    # y_hub is close to everything, y_true only to x; cosine picks the hub, margin does not
    x = unit_rows([1, 0, 0], [0, 1, 0], [0, 0, 1])
    # y0: hub (cos 0.577 to every source); y1: x0's translation, but cos only 0.55
    y = unit_rows([1, 1, 1], [0.55, -0.6, -0.58], [0, 1, 0], [0, 0, 1])
    cos = x @ y.T
    assert cos[0].argmax() == 0  # cosine picks the hub
    m = margin_matrix(x, y, k=2)
    assert m[0].argmax() == 1
    # by hand: ratio(x0, y1) = 0.55 / ((mean(0.577, 0.55) + mean(0.55, -0.58)) / 2) ~ 2.0
    assert m[0, 1] == pytest.approx(cos[0, 1] / (((cos[0, 0] + cos[0, 1]) / 2 + (cos[0, 1] + cos[2, 1]) / 2) / 2), rel=1e-5)


def test_empty_inputs():
    empty = np.zeros((0, 2), np.float32)
    assert margin_matrix(empty, Y).shape == (0, 3)
    assert margin_matrix(X, empty).shape == (2, 0)
    fwd, bwd = score_both_ways(empty, Y, k=2)
    assert fwd.ids.shape == (0, 3) and bwd.ids.shape == (3, 0)
    assert bwd.best_ids().tolist() == [-1, -1, -1]


def test_registry_and_unknown_name():
    assert set(MARGINS) == {"ratio", "distance", "cosine"}
    assert get_margin("ratio") is MARGINS["ratio"]
    with pytest.raises(ChoiceError) as e:
        get_margin("csls2")
    assert "valid choices: ratio, distance, cosine" in e.value.message
    with pytest.raises(ChoiceError):
        margin_matrix(X, Y, margin="nope")


def test_dimension_mismatch():
    with pytest.raises(DimensionError, match="tgt: dimension 3 does not match src dimension 2"):
        margin_matrix(X, np.zeros((1, 3), np.float32))


def test_neighbour_means_ignores_missing_slots():
    sims = np.array([[0.9, 0.7], [0.5, -np.inf], [-np.inf, -np.inf]], np.float32)
    np.testing.assert_allclose(neighbour_means(sims), [0.8, 0.5, 0.0])
    assert neighbour_means(np.zeros((3, 0), np.float32)).tolist() == [0.0, 0.0, 0.0]


def test_score_both_ways_matches_dense_matrix():
    rng = np.random.default_rng(0)
    src = unit_rows(*rng.standard_normal((30, 8)))
    tgt = unit_rows(*rng.standard_normal((25, 8)))
    dense = margin_matrix(src, tgt, k=3)
    fwd, bwd = score_both_ways(src, tgt, k=3, candidates=25)
    np.testing.assert_allclose(np.take_along_axis(dense, fwd.ids, 1), fwd.score, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.take_along_axis(dense.T, bwd.ids, 1), bwd.score, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(fwd.best_ids(), dense.argmax(1))
    np.testing.assert_array_equal(bwd.best_ids(), dense.argmax(0))


def test_center_removes_the_mean_and_renormalises():
    x = unit_rows([1, 1], [1, 0.5], [1, 0])
    c = center(x)
    np.testing.assert_allclose(np.linalg.norm(c, axis=1), 1.0, rtol=1e-6)
    # after removing the mean (shared "language" direction) the extremes point apart
    assert c[0] @ c[2] < -0.99
    np.testing.assert_array_equal(center(x, min_n=5), x)  # too few: unchanged


def test_center_helps_when_a_language_offset_dominates():
    rng = np.random.default_rng(1)
    content = rng.standard_normal((40, 16))
    src = unit_rows(*(content + 0.2 * rng.standard_normal((40, 16)) + 6 * np.eye(16)[0]))
    tgt = unit_rows(*(content + 0.2 * rng.standard_normal((40, 16)) + 6 * np.eye(16)[1]))
    gold = np.arange(40)
    raw = (src @ tgt.T).argmax(1)
    centred = (center(src) @ center(tgt).T).argmax(1)
    assert (centred == gold).mean() > (raw == gold).mean()
    assert (centred == gold).mean() >= 0.95


def test_self_align_recovers_a_rotation():
    rng = np.random.default_rng(2)
    tgt = unit_rows(*rng.standard_normal((60, 12)))
    q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    src = np.ascontiguousarray(tgt @ q.T, dtype=np.float32)  # rotated copy
    pairs = np.stack([np.arange(30), np.arange(30)], 1)  # half the pairs are enough
    back = self_align(src, tgt, pairs)
    np.testing.assert_allclose(back, tgt, atol=1e-4)
    np.testing.assert_array_equal(self_align(src, tgt, pairs[:5], min_pairs=20), src)


def test_self_align_falls_back_when_the_default_svd_does_not_converge(monkeypatch):
    rng = np.random.default_rng(2)
    tgt = unit_rows(*rng.standard_normal((60, 12)))
    q, _ = np.linalg.qr(rng.standard_normal((12, 12)))
    src = np.ascontiguousarray(tgt @ q.T, dtype=np.float32)
    pairs = np.stack([np.arange(30), np.arange(30)], 1)

    def no_convergence(*a, **k):
        raise np.linalg.LinAlgError("SVD did not converge")

    monkeypatch.setattr(np.linalg, "svd", no_convergence)
    np.testing.assert_allclose(self_align(src, tgt, pairs), tgt, atol=1e-4)  # via gesvd


def test_self_align_leaves_non_finite_input_unchanged():
    src = unit_rows(*np.eye(4)).copy()
    src[0, 0] = np.nan
    tgt = unit_rows(*np.eye(4))
    out = self_align(src, tgt, np.stack([np.arange(4), np.arange(4)], 1), min_pairs=2)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(src))


def _dense_sinkhorn_potentials(src, tgt, t, iters):
    from scipy.special import logsumexp

    k = (src @ tgt.T).astype(np.float64) / t
    v = np.zeros(len(tgt))
    for _ in range(iters):
        u = logsumexp(k - v, axis=1)
        v = logsumexp(k - u[:, None], axis=0)
    return k, u, v


def test_sinkhorn_potentials_match_a_dense_reference_in_blocks():
    rng = np.random.default_rng(5)
    src = unit_rows(*rng.standard_normal((23, 8)))
    tgt = unit_rows(*rng.standard_normal((17, 8)))
    k, u, v = _dense_sinkhorn_potentials(src, tgt, 0.05, 7)
    got = sinkhorn_potentials(src, tgt, temperature=0.05, iters=7, block=4)
    np.testing.assert_allclose(got, v, rtol=1e-5, atol=1e-5)  # float32 products, blocked
    # after the last column step every column of exp(K - u - v) sums to 1
    np.testing.assert_allclose(np.exp(k - u[:, None] - v).sum(axis=0), 1.0, atol=1e-9)


def test_sinkhorn_corrects_a_hub():
    # 40 noisy translation pairs; every source also leans towards one direction c,
    # and target 0 lies on c: a hub that is near every source
    rng = np.random.default_rng(0)
    tgt = rng.standard_normal((40, 16))
    c = rng.standard_normal(16)
    c *= 4 / np.linalg.norm(c)
    src = tgt + 0.8 * rng.standard_normal((40, 16)) + 0.8 * c
    tgt[0] = c
    src, tgt = unit_rows(*src), unit_rows(*tgt)
    plain = np.argmax(src @ tgt.T, axis=1)
    v = sinkhorn_potentials(src, tgt, temperature=0.05, iters=10)
    ids, cos = sinkhorn_best(src, tgt, v, temperature=0.05, block=7)
    truth = np.arange(40)
    assert (plain == 0).sum() > 3  # the hub attracts several sources...
    assert v[0] == v.max()  # ... gets the largest potential ...
    assert (ids == truth).sum() > (plain == truth).sum()  # ... and loses them
    np.testing.assert_allclose(cos, (src @ tgt.T)[truth, ids], rtol=1e-6)


def test_sinkhorn_rejects_bad_parameters_and_handles_empty_sides():
    x = unit_rows([1, 0], [0, 1])
    with pytest.raises(ChoiceError, match="temperature"):
        sinkhorn_potentials(x, x, temperature=0, iters=3)
    with pytest.raises(ChoiceError, match="iterations"):
        sinkhorn_potentials(x, x, temperature=0.1, iters=0)
    empty = np.zeros((0, 2), np.float32)
    assert sinkhorn_potentials(empty, x, temperature=0.1, iters=2).tolist() == [0.0, 0.0]
    ids, cos = sinkhorn_best(x, empty, np.zeros(0), temperature=0.1)
    assert ids.tolist() == [-1, -1] and np.isneginf(cos).all()


def test_sinkhorn_applies_only_to_comparable_sides():
    s = SETTINGS
    assert sinkhorn_applies(1000, 1000, s)
    assert sinkhorn_applies(600, 1000, s) and not sinkhorn_applies(400, 1000, s)
    assert not sinkhorn_applies(2, 2, s)  # too few sentences for potentials
    assert not sinkhorn_applies(1000, 1000, replace(s, retrieval_sinkhorn=0.0))
    assert not sinkhorn_applies(8000, 8000, replace(s, retrieval_sinkhorn_max_pairs=10**7))


def test_mutual_best_pairs():
    fwd, bwd = score_both_ways(X, Y, k=2)
    # x0 <-> y0 and x1 <-> y2 are mutual; y1 is nobody's best
    assert mutual_best(fwd, bwd).tolist() == [[0, 0], [1, 2]]


def test_score_candidates_finds_rotated_translations():
    # the target language is the source space slightly rotated and shifted,
    # as with real multilingual embeddings: centring removes the shift and
    # self-alignment undoes the rotation found from the first-pass pairs
    rng = np.random.default_rng(3)
    dim = 32
    content = rng.standard_normal((300, dim))
    skew = rng.standard_normal((dim, dim))
    skew = 0.1 * (skew - skew.T)
    w, v = np.linalg.eigh(1j * skew)  # exp(skew) via the Hermitian matrix i*skew
    rot = np.real(v @ np.diag(np.exp(-1j * w)) @ v.conj().T)
    np.testing.assert_allclose(rot @ rot.T, np.eye(dim), atol=1e-8)
    src = unit_rows(*(content + 0.5 * rng.standard_normal((300, dim)) + 2))
    tgt = unit_rows(*((content + 0.5 * rng.standard_normal((300, dim))) @ rot - 2))
    gold = np.arange(300)

    def accuracy(**changes):
        s = replace(SETTINGS, **changes)
        return (score_candidates(src, tgt, settings=s)[0].best_ids() == gold).mean()

    plain = accuracy(mine_center=False, retrieval_whiten=0.0, retrieval_self_align=False)
    centred = accuracy(mine_center=True, retrieval_whiten=0.0, retrieval_self_align=False)
    aligned = accuracy(mine_center=True, retrieval_whiten=0.0, retrieval_self_align=True)
    assert plain < 0.5 < centred < aligned
    assert aligned >= 0.99


def test_whiten_shapes_norms_and_limits():
    rng = np.random.default_rng(4)
    # anisotropic cloud: one dominant direction
    x = rng.standard_normal((200, 6)) * np.array([10, 1, 1, 1, 1, 1]) + 5
    x = unit_rows(*x)
    w = whiten(x, 3.0)
    assert w.shape == x.shape and w.dtype == np.float32 and w.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(w, axis=1), 1.0, rtol=1e-5)
    # huge shrinkage = plain centring
    np.testing.assert_allclose(whiten(x, 1e9), center(x), atol=1e-5)
    # the dominant direction loses weight: variance spread more evenly
    def spread(v):
        ev = np.linalg.eigvalsh(np.cov((v - v.mean(0)).T))
        return ev.max() / ev.sum()
    assert spread(whiten(x, 0.1)) < spread(whiten(x, 3.0)) < spread(center(x))
    np.testing.assert_array_equal(whiten(x[:2], 3.0, min_n=3), x[:2])  # too few: unchanged


def test_prepare_spaces_modes():
    rng = np.random.default_rng(5)
    src = unit_rows(*rng.standard_normal((60, 8)) + 1)
    tgt = unit_rows(*rng.standard_normal((60, 8)) - 1)
    s = replace(SETTINGS, retrieval_whiten=0.0, retrieval_self_align=False)
    a, b = prepare_spaces(src, tgt, retrieval=False, settings=SETTINGS)
    np.testing.assert_allclose(a, center(src), atol=1e-6)  # mining: centring only
    np.testing.assert_allclose(b, center(tgt), atol=1e-6)
    a, b = prepare_spaces(src, tgt, retrieval=True, settings=s)
    np.testing.assert_allclose(a, center(src), atol=1e-6)
    a, b = prepare_spaces(src, tgt, retrieval=True, settings=replace(s, retrieval_whiten=3.0))
    np.testing.assert_allclose(a, whiten(src, 3.0), atol=1e-6)
    np.testing.assert_allclose(b, whiten(tgt, 3.0), atol=1e-6)
