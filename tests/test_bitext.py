"""The whole-text aligner core (aligner/bitext.py) on texts embedded by the fake encoder.

The fake encoder is lexical, so a "translation" here is the same sentence
(optionally re-split or merged); the logic under test is the anchor search,
the bead shapes, null beads and the banded (coarse-to-fine) search.
"""

from __future__ import annotations

import random

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
