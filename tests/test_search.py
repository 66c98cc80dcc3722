"""FAISS search: exact and approximate k-NN, input validation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aligner.errors import ChoiceError, DimensionError
from aligner.search import build_index, check_matrix, knn
from aligner.settings import SETTINGS


def unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x)


def test_exact_knn_matches_numpy():
    rng = np.random.default_rng(1)
    keys, queries = unit(rng, 300, 16), unit(rng, 20, 16)
    sims, ids = knn(build_index(keys), queries, 5)
    assert sims.shape == (20, 5) and ids.shape == (20, 5)
    assert sims.dtype == np.float32 and ids.dtype == np.int64
    full = queries @ keys.T
    expected = np.argsort(-full, axis=1)[:, :5]
    np.testing.assert_array_equal(ids, expected)
    np.testing.assert_allclose(sims, np.take_along_axis(full, expected, 1), rtol=1e-5, atol=1e-6)
    assert np.all(np.diff(sims, axis=1) <= 1e-7)  # best first


def test_knn_accepts_raw_vectors():
    rng = np.random.default_rng(2)
    keys = unit(rng, 10, 8)
    sims, ids = knn(keys, keys[:3], 1)
    np.testing.assert_array_equal(ids[:, 0], [0, 1, 2])
    np.testing.assert_allclose(sims[:, 0], 1.0, rtol=1e-5)


def test_k_larger_than_n_is_clipped():
    rng = np.random.default_rng(3)
    keys = unit(rng, 3, 8)
    sims, ids = knn(keys, unit(rng, 4, 8), 10)
    assert sims.shape == (4, 3)
    assert sorted(ids[0].tolist()) == [0, 1, 2]


def test_empty_index_and_empty_queries():
    empty = np.zeros((0, 8), np.float32)
    index = build_index(empty)
    assert index.ntotal == 0
    sims, ids = knn(index, unit(np.random.default_rng(4), 2, 8), 5)
    assert sims.shape == (2, 0) and ids.shape == (2, 0)
    sims, ids = knn(unit(np.random.default_rng(4), 5, 8), empty, 3)
    assert sims.shape == (0, 3) and ids.shape == (0, 3)


@pytest.mark.parametrize(
    "arr, message",
    [
        ([[1.0, 0.0]], "queries: expected a numpy array, got list"),
        (np.zeros(8, np.float32), "queries: expected a 2-D array (n, dim), got shape (8,)"),
        (np.zeros((2, 8), np.float64), "queries: expected dtype float32, got float64"),
        (np.zeros((8, 4), np.float32).T, "queries: expected a C-contiguous array (use np.ascontiguousarray)"),
        (np.zeros((2, 6), np.float32), "queries: dimension 6 does not match index dimension 8"),
    ],
)
def test_query_validation_messages(arr, message):
    keys = unit(np.random.default_rng(5), 4, 8)
    with pytest.raises(DimensionError) as e:
        knn(build_index(keys), arr, 1)
    assert e.value.message == message


def test_check_matrix_names_the_other_side():
    with pytest.raises(DimensionError, match=r"^\[E005\] tgt: dimension 3 does not match src dimension 4$"):
        check_matrix("tgt", np.zeros((1, 3), np.float32), 4, other="src")


def test_bad_k_and_kind():
    keys = unit(np.random.default_rng(6), 4, 8)
    with pytest.raises(ChoiceError, match="k"):
        knn(keys, keys, 0)
    with pytest.raises(ChoiceError, match="valid choices: auto, flat, ivf, hnsw"):
        build_index(keys, kind="annoy")


def clustered(rng: np.random.Generator, n: int, dim: int, clusters: int) -> np.ndarray:
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x, dtype=np.float32)


def recall_at_k(exact: np.ndarray, approx: np.ndarray) -> float:
    k = exact.shape[1]
    return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(exact.tolist(), approx.tolist())]))


def test_auto_switches_to_ivf_above_threshold():
    rng = np.random.default_rng(7)
    x = clustered(rng, 2000, 16, 20)
    s = replace(SETTINGS, ivf_threshold=1000)
    index = build_index(x, settings=s)
    assert type(index).__name__ == "IndexIVFFlat"
    assert index.nlist == min(int(4 * np.sqrt(2000)), 2000 // 39)
    assert type(build_index(x[:1000], settings=s)).__name__ == "IndexFlatIP"


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_recall_against_exact(kind):
    """Seeded clustered vectors: the approximate index finds >= 95% of the true 10-NN."""
    rng = np.random.default_rng(0)
    x = clustered(rng, 60_000 if kind == "ivf" else 20_000, 64, 200)
    q = x[rng.choice(len(x), 500, replace=False)] + 0.1 * rng.standard_normal((500, 64)).astype(np.float32)
    q = np.ascontiguousarray(q / np.linalg.norm(q, axis=1, keepdims=True), dtype=np.float32)
    exact = knn(build_index(x, kind="flat"), q, 10)[1]
    approx_index = build_index(x, kind=kind)
    approx = knn(approx_index, q, 10)[1]
    assert recall_at_k(exact, approx) >= 0.95
