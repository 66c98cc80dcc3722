"""A small parallel corpus for the fake encoder (engine tests)."""

from __future__ import annotations

import numpy as np


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
