"""Fixtures of the engine tests: a small parallel corpus for the fake encoder."""

from __future__ import annotations

import pytest

from engine_corpus import make_corpus


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
