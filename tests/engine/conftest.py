"""Fixtures of the engine tests: a small parallel corpus for the fake encoder."""

from __future__ import annotations

import numpy as np
import pytest


def make_corpus(n_src: int, n_tgt: int, seed: int = 0) -> tuple[list[str], list[str]]:
    """Sources of 8 random words (every third with a number); the first half of
    the targets are shuffled copies of sources with one word dropped (the
    fake encoder's "translations"), the rest unrelated; a few blank lines."""
    rng = np.random.default_rng(seed)
    words = [f"w{i}" for i in range(4000)]
    src = [" ".join(rng.choice(words, 8)) + (f" {rng.integers(1000)}" if i % 3 == 0 else "")
           for i in range(n_src)]
    half = n_tgt // 2
    tgt = []
    for i in range(half):
        w = src[i].split()
        rng.shuffle(w)
        tgt.append(" ".join(w[:-1]))
    tgt += [" ".join(rng.choice(words, 8)) for _ in range(n_tgt - half)]
    tgt = [tgt[i] for i in rng.permutation(len(tgt))]
    for lines in (src, tgt):
        for i in range(5, len(lines), 97):
            lines[i] = ""
    return src, tgt


@pytest.fixture
def corpus_files(tmp_path):
    """(src files, tgt file): 2,500 source lines in 3 files, 2,000 target lines in one."""
    src, tgt = make_corpus(2500, 2000)
    d = tmp_path / "src"
    d.mkdir()
    for i, part in enumerate((src[:1000], src[1000:1800], src[1800:])):
        (d / f"part{i}.txt").write_text("\n".join(part) + "\n", encoding="utf-8")
    t = tmp_path / "tgt.txt"
    t.write_text("\n".join(tgt) + "\n", encoding="utf-8")
    return d, t, src, tgt
