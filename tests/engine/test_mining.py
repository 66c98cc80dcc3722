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


@pytest.mark.parametrize("mode", ["intersect", "max", "fwd", "bwd"])
@pytest.mark.parametrize("threshold", [-1e9, "auto"])
def test_per_row_state_on_disk_and_external_sort_give_the_same_pairs(vectors, tmp_path,
                                                                     monkeypatch, mode, threshold):
    """Small blocks, runs and number sub-blocks: every per-row array on disk, pairs selected
    block by block, sorted in several runs merged from disk; same pairs, scores and order."""
    from aligner.engine import mining

    sv, tv, st, tt = vectors
    merged = []
    real_merge = mining._merge_runs
    monkeypatch.setattr(mining, "_merge_runs", lambda runs, n: merged.append(len(runs)) or
                        real_merge(runs, n))
    monkeypatch.setattr(mining, "NUMBER_BLOCK", 100)
    s = replace(SETTINGS, search_block_rows=300, mine_sort_run_rows=400, mine_mode=mode)
    want = mine(sv, tv, st, tt, threshold=threshold, settings=s)
    rows = mining.mine_rows(sv, tv, st, tt, engine=LocalEngine(), work=tmp_path,
                            threshold=threshold, settings=s)
    assert rows.pairs(st, tt) == want
    assert len(want) > 400 and max(merged) >= 2  # the pairs went through runs on disk
    assert (tmp_path / "fwd.best-ids.npy").exists() and (tmp_path / "tgt.mean.npy").exists()
    assert not list(tmp_path.glob("sort*.run*.bin"))  # runs removed once merged


def test_external_sort_orders_like_lexsort(tmp_path):
    from aligner.engine.mining import external_sort

    rng = np.random.default_rng(3)
    chunks = []
    for _ in range(17):
        n = int(rng.integers(0, 300))
        score = rng.integers(0, 20, n).astype(np.float64) / 4  # many ties
        chunks.append((score, rng.integers(0, 50, n), rng.integers(0, 50, n)))
    score, i, j = (np.concatenate([c[k] for c in chunks]) for k in range(3))
    order = np.lexsort((j, i, -score))
    for run_rows, read_rows in ((10 ** 6, 65_536), (250, 64), (97, 1000)):
        out = list(external_sort(iter(chunks), tmp_path, f"t{run_rows}", run_rows, read_rows))
        got = [np.concatenate([o[k] for o in out]) for k in range(3)]
        np.testing.assert_array_equal(got[0], score[order])
        np.testing.assert_array_equal(got[1], i[order])
        np.testing.assert_array_equal(got[2], j[order])


def test_index_plan_fits_the_budget_whatever_the_size():
    from aligner.engine.mining import plan_index

    s = SETTINGS
    assert plan_index(100_000, 384, s).whole  # 154 MB: one index, as in memory
    for n in (10 ** 6, 10 ** 7, 10 ** 8):
        for budget in (64, 1024):
            plan = plan_index(n, 384, s, budget_mb=budget)
            assert not plan.whole and plan.shards[0][0] == 0 and plan.shards[-1][1] == n
            rows = max(b - a for a, b in plan.shards)
            code = (plan.m * plan.nbits + 7) // 8 + 8
            shard_bytes = 2 * rows * code + plan.nlist * 384 * 4 + 384 * 2 ** plan.nbits * 4
            assert shard_bytes <= budget * 2 ** 20
            assert plan.sample * 384 * 4 <= max(budget * 2 ** 20 // 2, 256 * 39 * 384 * 4)
            assert plan.nlist * 39 <= plan.sample
    assert len(plan_index(10 ** 8, 384, s, budget_mb=1024).shards) == 11


def test_index_shards_search_every_shard_and_merge(vectors, tmp_path):
    """Keys in 3 IVF-PQ shards; with every list probed and every key of a shard re-ranked,
    the merged neighbours are the exact ones: the pairs of exact search."""
    from aligner.engine.mining import index_shards, plan_index

    sv, tv, st, tt = vectors
    s = replace(SETTINGS, mine_index_shard_rows=700, mine_pq_refine=100, mine_nprobe=64,
                search_block_rows=500)
    plan = plan_index(*tv.shape, s)
    assert not plan.whole and plan.shards == ((0, 700), (700, 1400), (1400, len(tv)))
    assert plan.nlist <= 64
    built = [build()[0] for _, _, build in index_shards(tv, s, 500)]
    assert [int(x.ntotal) for x in built] == [700, 700, len(tv) - 1400]
    want = mine(sv, tv, st, tt, threshold=-1e9, settings=s)
    got = mine_vectors(sv, tv, st, tt, engine=LocalEngine(), work=tmp_path, threshold=-1e9,
                       settings=s)
    got_d = {(p.src_index, p.tgt_index): p.score for p in got}
    want_d = {(p.src_index, p.tgt_index): p.score for p in want}
    assert got_d.keys() == want_d.keys()  # (cosines by a dot product, not BLAS: last bits differ)
    np.testing.assert_allclose([got_d[x] for x in want_d], list(want_d.values()), atol=1e-5)


def test_merge_topk():
    from aligner.engine.mining import merge_topk

    s1 = np.array([[0.9, 0.5, -np.inf]], np.float32)
    i1 = np.array([[3, 1, -1]])
    s2 = np.array([[0.7, 0.5, 0.1]], np.float32)
    i2 = np.array([[8, 9, 7]])
    s, i = merge_topk([s1, s2], [i1, i2], 4)
    np.testing.assert_array_equal(i, [[3, 8, 9, 1]])  # a tie: the larger id first, as FAISS
    np.testing.assert_array_equal(s, np.array([[0.9, 0.7, 0.5, 0.5]], np.float32))
