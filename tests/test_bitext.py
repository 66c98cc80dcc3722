"""The whole-text aligner core (aligner/bitext.py) on texts embedded by the fake encoder.

The fake encoder is lexical, so a "translation" here is the same sentence
(optionally re-split or merged); the logic under test is the anchor search,
the bead shapes, null beads and the banded (coarse-to-fine) search.
"""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest
from fakes import FakeEncoder

from aligner.bitext import (Bead, BitextInputError, BitextParams, OverlapVecs, align_bitext, find_anchors,
                            overlap_texts)

WORDS = ("river glacier summit valley expedition porter camp ridge snow storm rope ice tent map "
         "village monsoon route pass peak climber doctor letter winter summer bridge forest lake "
         "school market station engine harbour island garden window kitchen teacher soldier").split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 12))).capitalize() + f" {k}."
            for k in range(n)]


def vecs(sents, enc=None, paragraphs=None) -> OverlapVecs:
    enc = enc or FakeEncoder(dim=256)
    return OverlapVecs.from_flat(enc.encode(overlap_texts(sents)), sents, paragraphs=paragraphs)


def pairs(beads):
    return [(b.src, b.tgt) for b in beads]


def covers(beads, n, m):
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))


def test_overlap_texts_order_and_split_back():
    s = ["a", "b", "c", "d"]
    assert overlap_texts(s) == ["a", "b", "c", "d", "a b", "b c", "c d", "a b c", "b c d"]
    ov = vecs(s)
    assert [v.shape[0] for v in ov.vecs] == [4, 3, 2]
    with pytest.raises(ValueError, match="expected 9 rows"):
        OverlapVecs.from_flat(np.zeros((3, 8), np.float32), s)


def test_identical_texts_align_one_to_one():
    s = sentences(40)
    beads = align_bitext(vecs(s), vecs(s))
    assert pairs(beads) == [((i,), (i,)) for i in range(40)]
    assert all(0.0 <= b.score <= 1.0 for b in beads)


def test_merged_and_split_sentences_give_2_1_and_1_2_beads():
    s = sentences(30, seed=1)
    t = s[:10] + [s[10][:-1] + " " + s[11]] + s[12:20] + [s[20].split(" ", 4)[-1]] + s[21:]
    # t[10] = s10+s11 (2-1); t[19] is a truncated s20 -> still 1-1
    t2 = t[:19] + [" ".join(s[20].split()[:5]) + ".", " ".join(s[20].split()[5:])] + t[20:]  # 1-2
    beads = align_bitext(vecs(s), vecs(t2))
    covers(beads, len(s), len(t2))
    got = pairs(beads)
    assert ((10, 11), (10,)) in got
    assert ((20,), (19, 20)) in got


def test_insertions_and_deletions_stay_unpaired():
    s = sentences(30, seed=2)
    extra = sentences(3, seed=99)
    t = s[:8] + s[9:15] + [extra[0]] + s[15:]  # s8 deleted, extra inserted
    beads = align_bitext(vecs(s), vecs(t))
    covers(beads, len(s), len(t))
    got = pairs(beads)
    assert ((8,), ()) in got
    assert ((), (14,)) in got
    assert all(len(b.src) == 1 and len(b.tgt) == 1 for b in beads if not b.is_null)


def test_summary_against_full_text_gives_mostly_null_beads():
    full = sentences(60, seed=3)
    summary = [full[5], full[30], full[55]]
    beads = align_bitext(vecs(full), vecs(summary))
    covers(beads, 60, 3)
    assert {(b.src, b.tgt) for b in beads if not b.is_null} == {((5,), (0,)), ((30,), (1,)), ((55,), (2,))}
    assert sum(b.is_null for b in beads) == 57


def test_one_sentence_side_still_aligns():
    s = sentences(5, seed=4)
    beads = align_bitext(vecs([s[2]]), vecs(s))
    covers(beads, 1, 5)
    assert ((0,), (2,)) in pairs(beads)
    beads = align_bitext(vecs(s[:1]), vecs(s[:1]))
    assert pairs(beads) == [((0,), (0,))]


def test_empty_side_is_a_clear_error():
    with pytest.raises(BitextInputError, match="source text has no sentences"):
        align_bitext(vecs([]), vecs(["A sentence."]))
    with pytest.raises(BitextInputError, match="target text has no sentences"):
        align_bitext(vecs(["A sentence."]), vecs([]))


def test_paragraph_boundary_is_not_crossed_without_cause():
    s = sentences(12, seed=5)
    # the target merges s3 and s4, but they are in different paragraphs on the source side
    t = s[:3] + [s[3][:-1] + " " + s[4]] + s[5:]
    para = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    merged = pairs(align_bitext(vecs(s), vecs(t)))
    assert ((3, 4), (3,)) in merged
    kept = pairs(align_bitext(vecs(s, paragraphs=para), vecs(t), BitextParams(para_penalty=50.0)))
    assert ((3, 4), (3,)) not in kept
    assert all(not (3 in a and 4 in a) for a, _ in kept)


def test_banded_search_on_long_text_matches_the_full_search():
    s = sentences(600, seed=6)
    t = s[:100] + s[101:400] + sentences(2, seed=7) + s[400:]
    sv, tv = vecs(s), vecs(t)
    full = align_bitext(sv, tv)
    banded = align_bitext(sv, tv, BitextParams(full_search_cells=10_000))
    assert pairs(banded) == pairs(full)
    covers(banded, len(s), len(t))
    a_full, _ = find_anchors(sv.vecs[0], tv.vecs[0])
    a_band, _ = find_anchors(sv.vecs[0], tv.vecs[0], BitextParams(full_search_cells=10_000))
    assert len(a_band) >= 0.95 * len(a_full)
    assert np.all(np.diff(a_band, axis=0) > 0)  # increasing on both sides


def test_bead_record():
    b = Bead((1, 2), (3,), 0.5)
    assert b.kind == "2-1" and not b.is_null and Bead((), (3,), 0.0).is_null


def test_fast_mode_overlaps_are_normalised_sums_and_still_align():
    from aligner.bitext import mean_overlaps

    s = sentences(20, seed=8)
    t = s[:5] + [s[5][:-1] + " " + s[6]] + s[7:]
    enc = FakeEncoder(dim=256)
    sv = mean_overlaps(enc.encode(s), s)
    v = enc.encode(s)
    expect = (v[3] + v[4]) / np.linalg.norm(v[3] + v[4])
    assert np.allclose(sv.vecs[1][3], expect, atol=1e-6) and [len(x) for x in sv.vecs] == [20, 19, 18]
    beads = align_bitext(sv, mean_overlaps(enc.encode(t), t))
    assert ((5, 6), (5,)) in pairs(beads)
    covers(beads, 20, 19)


def test_one_to_four_and_two_to_three_beads():
    s = sentences(30, seed=9)
    rng = random.Random(9)
    s[20], s[21] = (" ".join(rng.choice(WORDS) for _ in range(12)) + f" {k}." for k in (20, 21))
    a, b = s[20].split(), s[21].split()
    # t[5] is s5..s8 in one sentence (4-1); s20 + s21 are cut into three target sentences (2-3)
    t = (s[:5] + [" ".join(x[:-1] if k < 3 else x for k, x in enumerate(s[5:9]))] + s[9:20]
         + [" ".join(a[:7]) + ".", " ".join(a[7:] + b[:6]) + ".", " ".join(b[6:])] + s[22:])
    beads = align_bitext(vecs(s), vecs(t))
    covers(beads, len(s), len(t))
    got = pairs(beads)
    assert ((5, 6, 7, 8), (5,)) in got
    assert ((20, 21), (17, 18, 19)) in got
    # the same texts with beads of at most 3 sentences cannot produce them
    small = pairs(align_bitext(vecs(s), vecs(t), BitextParams(max_side=3, max_total=4)))
    assert ((5, 6, 7, 8), (5,)) not in small and all(len(a) + len(b) <= 4 for a, b in small)


def test_bead_types_follow_the_size_limits():
    from aligner.bitext import BEAD_TYPES, bead_types

    assert bead_types(BitextParams(max_side=3, max_total=4)) == (
        (1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1), (1, 0), (0, 1))
    assert set(BEAD_TYPES) >= {(1, 4), (4, 1), (2, 3), (3, 2), (3, 3)}
    assert all(a <= 4 and b <= 4 and a + b <= 6 for a, b in BEAD_TYPES)


def test_widened_runs_are_sums_of_embedded_runs():
    s = sentences(9, seed=10)
    ov = vecs(s)
    wide = ov.widened(5)
    assert [len(v) for v in wide.vecs] == [9, 8, 7, 6, 5]
    v4 = 2 * ov.vecs[1][2] + 2 * ov.vecs[1][4]  # sentences 2..5 = runs (2,3) + (4,5)
    assert np.allclose(wide.vecs[3][2], v4 / np.linalg.norm(v4), atol=1e-6)
    v5 = 3 * ov.vecs[2][1] + 2 * ov.vecs[1][4]  # sentences 1..5 = run (1..3) + (4,5)
    assert np.allclose(wide.vecs[4][1], v5 / np.linalg.norm(v5), atol=1e-6)
    assert wide.marks[3][2] == ov.marks[1][2] | ov.marks[1][4]
    assert ov.widened(3) is ov


class CountingEncoder(FakeEncoder):
    def __init__(self):
        super().__init__(dim=256)
        self.batches: list[list[str]] = []

    def encode(self, texts, *, progress=None):
        self.batches.append(list(texts))
        return super().encode(texts, progress=progress)


def test_needed_overlaps_embed_runs_only_around_uncertain_beads():
    from aligner.bitext import align_texts, overlap_texts

    s = sentences(80, seed=11)
    t = s[:40] + [s[40][:-1] + " " + s[41]] + s[42:]  # one 2-1 merge, the rest 1-1
    enc = CountingEncoder()
    beads = align_texts(s, t, enc.encode)
    assert ((40, 41), (40,)) in pairs(beads)
    covers(beads, 80, 79)
    assert enc.batches[0] == s + t  # the sentences first, in one call
    runs = [x for b in enc.batches[1:] for x in b]
    assert 0 < len(runs) < 30  # a few runs near the merge, not the 2 * 2 * 79 of "all"
    assert f"{s[40]} {s[41]}" in runs
    assert not any(s[5] in r or s[70] in r for r in runs)  # nothing far from the merge
    # the same beads as embedding every run
    every = CountingEncoder()
    assert pairs(align_texts(s, t, every.encode, overlaps="all")) == pairs(beads)
    assert sorted(every.batches[0]) == sorted(overlap_texts(s) + overlap_texts(t))
    none = CountingEncoder()
    align_texts(s, t, none.encode, overlaps="none")
    assert len(none.batches) == 1 and len(none.batches[0]) == 80 + 79


def test_uncertain_runs_cover_the_region_around_non_one_to_one_beads():
    from aligner.bitext import uncertain_runs

    beads = [Bead((i,), (i,), 0.9) for i in range(10)] + [Bead((10, 11), (10,), 0.9), Bead((), (11,), 0.0)] + \
        [Bead((12 + k,), (12 + k,), 0.9) for k in range(8)] + [Bead((20,), (20,), 0.1)] + \
        [Bead((21 + k,), (21 + k,), 0.9) for k in range(9)]
    src, tgt = uncertain_runs(beads, 30, 30, BitextParams(refine_below=0.6, refine_context=1))
    # region on both sides: 9..13 (the 2-1 bead, the null bead and its neighbour 12, one sentence of
    # context) and 19..21 (the low 1-1); the 2-sentence runs touching it start one earlier
    assert {i for i, w in src if w == 2} == {8, 9, 10, 11, 12, 13, 18, 19, 20, 21}
    assert (0, 2) not in src and (25, 2) not in src and (7, 3) in src and (6, 3) not in src
    assert {j for j, w in tgt if w == 2} == {8, 9, 10, 11, 12, 13, 18, 19, 20, 21}


def test_align_texts_rejects_an_unknown_mode_and_empty_sides():
    from aligner.bitext import align_texts
    from aligner.errors import ChoiceError

    with pytest.raises(ChoiceError, match="needed"):
        align_texts(["A."], ["B."], FakeEncoder().encode, overlaps="some")
    with pytest.raises(BitextInputError, match="target text has no sentences"):
        align_texts(["A."], [], FakeEncoder().encode)


def test_gap_open_cost_is_paid_once_per_run_of_null_beads():
    s = sentences(40, seed=12)
    junk = sentences(6, seed=98)
    t = s[:10] + [s[10], junk[0]] + s[11:25] + junk[1:6] + s[25:]
    sv, tv = vecs(s), vecs(t)
    got = pairs(align_bitext(sv, tv))  # default gap cost: an unrelated sentence stays unpaired
    assert ((), (11,)) in got and ((10,), (10,)) in got
    assert [b for a, b in got if not a] == [(11,), (26,), (27,), (28,), (29,), (30,)]
    free = pairs(align_bitext(sv, tv, BitextParams(null_open=0.0)))
    assert [b for a, b in free if not a] == [(11,), (26,), (27,), (28,), (29,), (30,)]
    # a prohibitive cost forces the lone sentence into a neighbour bead
    forced = pairs(align_bitext(sv, tv, BitextParams(null_open=20.0)))
    assert ((), (11,)) not in forced
    assert any(11 in b and len(a) >= 1 for a, b in forced)
    # a cost the lone sentence pays but the passage shares: the passage stays unpaired, the lone one not
    mid = pairs(align_bitext(sv, tv, BitextParams(null_open=2.5)))
    assert ((), (11,)) not in mid
    assert [b for a, b in mid if not a] == [(26,), (27,), (28,), (29,), (30,)]


def test_paragraphs_are_hard_limits_when_both_texts_agree_on_them():
    s = sentences(24, seed=13)
    para = [k // 6 for k in range(24)]  # four paragraphs of six sentences
    # the target merges the last sentence of paragraph 1 with the first of paragraph 2
    t = s[:11] + [s[11][:-1] + " " + s[12]] + s[13:]
    tpara = para[:11] + [1] + [p for p in para[13:]]
    merged = pairs(align_bitext(vecs(s, paragraphs=para), vecs(t), BitextParams(para_penalty=0.0)))
    assert ((11, 12), (11,)) in merged  # one paragraph on the target side: nothing to respect
    hard = align_bitext(vecs(s, paragraphs=para), vecs(t, paragraphs=tpara), BitextParams(para_penalty=0.0))
    covers(hard, 24, 23)
    got = pairs(hard)
    assert ((11, 12), (11,)) not in got  # the paragraphs agree: no bead crosses their boundary
    assert ((11,), (11,)) in got and ((12,), ()) in got
    assert all(len({para[i] for i in a}) <= 1 and len({tpara[j] for j in b}) <= 1 for a, b in got)
    # paragraphs that disagree (target boundaries one sentence earlier: anchors cross them) are only a penalty
    other = [0] * 5 + [1] * 6 + [2] * 6 + [3] * 6
    soft = pairs(align_bitext(vecs(s, paragraphs=para), vecs(t, paragraphs=other), BitextParams(para_penalty=0.0)))
    assert ((11, 12), (11,)) in soft
    off = pairs(align_bitext(vecs(s, paragraphs=para), vecs(t, paragraphs=tpara),
                             BitextParams(para_penalty=0.0, para_hard=False)))
    assert ((11, 12), (11,)) in off


# ------------------------------------------------ posterior (minimum-Bayes-risk) decoding

def _tiny_lattice(n: int, m: int, seed: int, params: BitextParams, band: tuple | None = None):
    """A lattice over random vectors (every bead shape has a gain of a few units), full band unless given."""
    from aligner.bitext import _lattice

    rng = np.random.default_rng(seed)

    def ov(k):
        vs = []
        for w in range(1, params.max_side + 1):
            v = rng.standard_normal((max(k - w + 1, 0), 16)).astype(np.float32)
            vs.append(v / np.linalg.norm(v, axis=1, keepdims=True))
        return OverlapVecs(tuple(vs), rng.integers(20, 120, k), np.zeros(k, bool))

    src, tgt = ov(n), ov(m)
    sbg = [np.zeros(len(v), np.float32) for v in src.vecs]
    tbg = [np.zeros(len(v), np.float32) for v in tgt.vecs]
    lo, hi = band if band is not None else (np.zeros(n + 1, np.int64), np.full(n + 1, m, np.int64))
    return _lattice(src, tgt, sbg, tbg, 0.3, 0.0, lo, hi, params)


def _all_paths(lat, op: float, npen: float):
    """Every bead sequence of the lattice by brute force: [(total gain, [(a, b, i, j), ...])].

    A run of null beads is listed once, its 1-0 beads first (the posterior's convention)."""
    gain = {}
    for i, row in enumerate(lat.rows):
        for t, idx, _, g in row:
            a, b = lat.types[t]
            for x, v in zip(idx, g):
                gain[(a, b, i, int(lat.lo[i]) + int(x))] = float(v)
    out = []

    def walk(i, j, state, total, path):
        if (i, j) == (lat.n, lat.m):
            out.append((total, path))
            return
        for (a, b, i2, j2), g in gain.items():
            if i2 - a == i and j2 - b == j:
                walk(i2, j2, "M", total + g, path + [(a, b, i2, j2)])
        null_cost = npen + (op if state == "M" else 0.0)
        if state != "I" and i < lat.n and lat.lo[i + 1] <= j <= lat.hi[i + 1]:
            walk(i + 1, j, "D", total - null_cost, path + [(1, 0, i + 1, j)])
        if j < lat.m and j + 1 <= lat.hi[i]:
            walk(i, j + 1, "I", total - null_cost, path + [(0, 1, i, j + 1)])

    walk(0, 0, "M", 0.0, [])
    return out


@pytest.mark.parametrize("temp, op, npen, seed", [(1.0, 0.5, 0.0, 0), (0.5, 0.0, 0.3, 1), (2.0, 1.0, 0.2, 2)])
def test_bead_posteriors_match_brute_force_enumeration(temp, op, npen, seed):
    from aligner.bitext import _posteriors

    p = BitextParams(max_side=2, max_total=4)
    lat = _tiny_lattice(3, 4, seed, p)
    paths = _all_paths(lat, op, npen)
    w = np.array([t for t, _ in paths]) / temp
    prob = np.exp(w - w.max())
    prob /= prob.sum()
    want = {}
    for q, (_, path) in zip(prob, paths):
        for bead in path:
            if bead[0] and bead[1]:
                want[bead] = want.get(bead, 0.0) + q
    post, null_s, null_t = _posteriors(lat, temp, op, npen)
    want_s, want_t = np.zeros(lat.n), np.zeros(lat.m)
    for q, (_, path) in zip(prob, paths):
        for a, b, i, j in path:
            if not b:
                want_s[i - 1] += q
            if not a:
                want_t[j - 1] += q
    np.testing.assert_allclose(null_s, want_s, atol=1e-9)
    np.testing.assert_allclose(null_t, want_t, atol=1e-9)
    got = {}
    for i, (row, prow) in enumerate(zip(lat.rows, post)):
        for (t, idx, _, _), q in zip(row, prow):
            a, b = lat.types[t]
            for x, v in zip(idx, q):
                got[(a, b, i, int(lat.lo[i]) + int(x))] = float(v)
    assert len(paths) > 50 and len(got) > 10
    assert set(want) <= set(got)
    for bead, v in got.items():
        assert v == pytest.approx(want.get(bead, 0.0), abs=1e-9), bead
    # every sentence is in exactly one bead: its pairing posteriors and its null posterior sum to 1
    cover_s, cover_t = null_s.copy(), null_t.copy()
    for (a, b, i, j), v in got.items():
        cover_s[i - a:i] += v
        cover_t[j - b:j] += v
    np.testing.assert_allclose(cover_s, 1.0, atol=1e-9)
    np.testing.assert_allclose(cover_t, 1.0, atol=1e-9)


def test_bead_posteriors_in_a_narrow_band_match_brute_force():
    from aligner.bitext import _posteriors

    p = BitextParams(max_side=2, max_total=3)
    band = (np.array([0, 0, 1, 2, 3]), np.array([2, 3, 4, 5, 5]))  # rows 0..4, columns lo..hi
    lat = _tiny_lattice(4, 5, 7, p, band=band)
    paths = _all_paths(lat, 0.5, 0.1)
    w = np.array([t for t, _ in paths]) / 0.7
    prob = np.exp(w - w.max())
    prob /= prob.sum()
    post, null_s, null_t = _posteriors(lat, 0.7, 0.5, 0.1)
    want_s = np.zeros(lat.n)
    for q, (_, path) in zip(prob, paths):
        for a, b, i, j in path:
            if a and not b:
                want_s[i - 1] += q
    np.testing.assert_allclose(null_s, want_s, atol=1e-9)
    total = sum(float(v.sum()) for row in post for v in row)
    expect = sum(q * sum(1 for a, b, *_ in path if a and b) for q, (_, path) in zip(prob, paths))
    assert total == pytest.approx(expect, abs=1e-9)  # expected number of pairing beads


def test_posteriors_stay_finite_for_large_gains_and_low_temperatures():
    from aligner.bitext import _posteriors

    p = BitextParams(max_side=2, max_total=4)
    lat = _tiny_lattice(6, 6, 3, p)
    post, null_s, null_t = _posteriors(lat, 1e-3, 0.5, 0.0)  # gains / T in the thousands
    vals = np.concatenate([v for row in post for v in row])
    assert np.isfinite(vals).all() and vals.min() >= 0 and vals.max() <= 1
    assert np.isfinite(null_s).all() and np.isfinite(null_t).all()
    with pytest.raises(ValueError, match="posterior_temp must be > 0"):
        _posteriors(lat, 0.0, 0.5, 0.0)


POSTERIOR = BitextParams(decode="posterior", posterior_temp=0.35, posterior_tau=0.5)


@pytest.mark.parametrize("seed", [1, 2])
def test_posterior_decoding_equals_viterbi_when_the_alignment_is_clear(seed):
    s = sentences(30, seed=seed)
    t = s[:10] + [s[10][:-1] + " " + s[11]] + s[12:]  # one 2-1 bead, the rest 1-1
    sv, tv = vecs(s), vecs(t)
    viterbi = align_bitext(sv, tv)
    mbr = align_bitext(sv, tv, POSTERIOR)
    assert pairs(mbr) == pairs(viterbi)
    assert ((10, 11), (10,)) in pairs(mbr)
    assert [b.score for b in mbr] == [b.score for b in viterbi]  # scores stay the similarity
    # the posterior as the score: the same beads, each with its probability
    scored = align_bitext(sv, tv, replace(POSTERIOR, bead_score="posterior"))
    assert pairs(scored) == pairs(viterbi)
    assert all(0.5 < b.score <= 1.0 for b in scored)
    # a low temperature concentrates the distribution on the best path: decoding at any tau < 1 is Viterbi's
    cold = align_bitext(sv, tv, replace(POSTERIOR, posterior_temp=0.01, posterior_tau=0.9))
    assert pairs(cold) == pairs(viterbi)


def test_posterior_decoding_keeps_deletions_one_sentence_sides_and_the_empty_side_error():
    s = sentences(30, seed=2)
    extra = sentences(3, seed=99)
    t = s[:8] + s[9:15] + [extra[0]] + s[15:]
    beads = align_bitext(vecs(s), vecs(t), POSTERIOR)
    covers(beads, len(s), len(t))
    assert ((8,), ()) in pairs(beads) and ((), (14,)) in pairs(beads)
    one = sentences(5, seed=4)
    for params in (POSTERIOR, replace(POSTERIOR, bead_score="posterior")):
        beads = align_bitext(vecs([one[2]]), vecs(one), params)
        covers(beads, 1, 5)
        assert ((0,), (2,)) in pairs(beads)
        assert pairs(align_bitext(vecs(one[:1]), vecs(one[:1]), params)) == [((0,), (0,))]
        with pytest.raises(BitextInputError, match="source text has no sentences"):
            align_bitext(vecs([]), vecs(["A sentence."]), params)
    summary = align_bitext(vecs(sentences(60, seed=3)), vecs([sentences(60, seed=3)[k] for k in (5, 30, 55)]),
                           POSTERIOR)
    assert sum(b.is_null for b in summary) == 57


def test_posterior_keep_fixes_confident_viterbi_beads_and_choices_are_checked():
    from aligner.errors import ChoiceError

    s = sentences(30, seed=1)
    t = s[:10] + [s[10][:-1] + " " + s[11]] + s[12:]
    sv, tv = vecs(s), vecs(t)
    # tau near 1 would drop every pairing bead; keeping Viterbi's beads of posterior >= 0.01 keeps them all
    assert all(b.is_null for b in align_bitext(sv, tv, replace(POSTERIOR, posterior_tau=1.5)))
    kept = align_bitext(sv, tv, replace(POSTERIOR, posterior_tau=1.5, posterior_keep=0.01))
    assert pairs(kept) == pairs(align_bitext(sv, tv))
    with pytest.raises(ChoiceError, match="viterbi"):
        align_bitext(sv, tv, BitextParams(decode="mbr"))
    with pytest.raises(ChoiceError, match="similarity"):
        align_bitext(sv, tv, BitextParams(bead_score="margin"))
