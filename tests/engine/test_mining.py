"""Mining from vectors on disk, in blocks, against the in-memory path (fake encoder)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aligner.engine.local import LocalEngine
from aligner.engine.mining import build_search_index, mine_vectors, search_block
from aligner.engine.shards import ShardedVectors
from aligner.errors import ChoiceError, DimensionError
from aligner.mine import mine
from aligner.search import knn, query_blocks
from aligner.settings import SETTINGS

from engine_corpus import make_corpus
from fakes import FakeEncoder


@pytest.fixture(scope="module")
def vectors():
    src, tgt = make_corpus(2500, 2000)
    src = [t for t in src if t.strip()]
    tgt = [t for t in tgt if t.strip()]
    enc = FakeEncoder(dim=64)
    return enc.encode(src), enc.encode(tgt), src, tgt


def pair_set(pairs):
    return {(p.src_index, p.tgt_index) for p in pairs}


@pytest.mark.parametrize("settings", [
    replace(SETTINGS, search_block_rows=300),                       # exact search, 9 blocks a side
    replace(SETTINGS, search_block_rows=700, ivf_threshold=1000),   # IVF, as in memory
    replace(SETTINGS, search_block_rows=512, mine_number_weight=0.0, mine_mode="max"),
], ids=["flat", "ivf", "max-no-numbers"])
def test_streamed_blocks_give_the_in_memory_pairs_exactly(vectors, tmp_path, settings):
    sv, tv, st, tt = vectors
    want = mine(sv, tv, st, tt, threshold=-1e9, settings=settings)
    got = mine_vectors(sv, tv, st, tt, engine=LocalEngine(), work=tmp_path, threshold=-1e9,
                       settings=settings)
    assert len(want) > 1000
    assert got == want  # same pairs, same scores, same order


def test_from_shards_on_disk(vectors, tmp_path):
    sv, tv, st, tt = vectors
    paths = []
    for name, v in (("s", sv), ("t", tv)):
        side = []
        for i, (a, b) in enumerate(query_blocks(len(v), 333)):
            p = tmp_path / f"{name}{i}.npy"
            np.save(p, v[a:b])
            side.append(p)
        paths.append(side)
    s = replace(SETTINGS, search_block_rows=1000)
    got = mine_vectors(ShardedVectors(paths[0]), ShardedVectors(paths[1]), st, tt,
                       engine=LocalEngine(), work=tmp_path / "w", settings=s)
    assert got == mine(sv, tv, st, tt, settings=s)
    assert got and all(p.score >= s.mine_threshold for p in got)


def test_past_the_memory_budget_ivfpq_with_exact_rerank(vectors, tmp_path):
    sv, tv, st, tt = vectors
    s = replace(SETTINGS, mine_memory_budget_mb=0)  # every side is "too large": IVF-PQ
    index, exact = build_search_index(tv, s, 1000)
    assert not exact and "IVFPQ" in type(index).__name__
    sims, ids = search_block(index, sv[:200], 4, tv, s.mine_pq_refine)
    np.testing.assert_allclose(sims, np.einsum("qd,qkd->qk", sv[:200], tv[ids]), atol=1e-5)
    assert (np.diff(sims, axis=1) <= 1e-6).all()  # exact cosines, best first
    true_sims, true_ids = knn(tv, sv[:200], 4)
    assert (ids[:, 0] == true_ids[:, 0]).mean() > 0.8
    want = pair_set(mine(sv, tv, st, tt, settings=s))
    got = pair_set(mine_vectors(sv, tv, st, tt, engine=LocalEngine(), work=tmp_path, settings=s))
    assert len(got & want) / len(got | want) > 0.8  # approximate search, nearly the same pairs


def test_checks_like_mine(vectors, tmp_path):
    sv, tv, st, tt = vectors
    eng = LocalEngine()
    with pytest.raises(DimensionError, match="src_texts: 3 texts"):
        mine_vectors(sv, tv, st[:3], tt, engine=eng, work=tmp_path)
    with pytest.raises(ChoiceError, match="valid choices: intersect, max, fwd, bwd"):
        mine_vectors(sv, tv, st, tt, engine=eng, work=tmp_path, mode="both")
    with pytest.raises(ChoiceError, match="threshold"):
        mine_vectors(sv, tv, st, tt, engine=eng, work=tmp_path, threshold=None)
    empty = np.zeros((0, sv.shape[1]), np.float32)
    assert mine_vectors(empty, tv, [], tt, engine=eng, work=tmp_path) == []


def test_query_blocks():
    assert query_blocks(0, 10) == []
    assert query_blocks(250, 100) == [(0, 100), (100, 200), (200, 250)]
    assert query_blocks(220, 100) == [(0, 100), (100, 220)]
    assert query_blocks(41, 40) == [(0, 41)]  # a tail under 32 rows joins the block before


def test_npy_rows_reads_rows_like_the_array_a_few_at_a_time(tmp_path, monkeypatch):
    from aligner.engine.mining import NpyRows

    a = np.arange(50 * 3, dtype=np.float32).reshape(50, 3)
    np.save(tmp_path / "a.npy", a)
    monkeypatch.setattr(NpyRows, "SPAN", 7)  # several mappings per read
    monkeypatch.setattr(NpyRows, "PICK", 4)
    r = NpyRows(tmp_path / "a.npy")
    assert r.shape == (50, 3) and len(r) == 50
    np.testing.assert_array_equal(r[3:41], a[3:41])
    np.testing.assert_array_equal(r[45:99], a[45:])
    np.testing.assert_array_equal(r[::3], a[::3])
    picks = np.array([[49, 0, 5], [5, 17, 2]])
    np.testing.assert_array_equal(r[picks], a[picks])
    np.testing.assert_array_equal(r[np.arange(50) % 4 == 1], a[np.arange(50) % 4 == 1])
