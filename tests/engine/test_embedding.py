"""Embedding sides into shards with the local engine: resume, bad files (fake encoder)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.engine.embedding import embed_side, encoder_key
from aligner.engine.local import LocalEngine
from aligner.engine.shards import expand_inputs
from aligner.errors import ShardFailures

from fakes import FakeEncoder


class CountingEncoder(FakeEncoder):
    made = 0

    def __init__(self):
        super().__init__(dim=32)
        CountingEncoder.made += 1


def embed(files, work, **kw):
    kw.setdefault("resume", False)
    enc = CountingEncoder()
    side = embed_side(LocalEngine(), files, work, lambda: enc, key=encoder_key(enc), shard_lines=300,
                      skip_blank=True, max_bytes=10_000_000, keep_texts=True, **kw)
    return side, enc


def test_shards_hold_the_texts_vectors_in_line_order(corpus_files, tmp_path):
    src_dir, _, src, _ = corpus_files
    side, enc = embed(expand_inputs([src_dir]), tmp_path / "w")
    nonblank = [t for t in src if t.strip()]
    assert list(side.texts) == nonblank
    assert side.texts.line_numbers(np.arange(len(nonblank))).tolist() == [
        i for i, t in enumerate(src) if t.strip()]
    np.testing.assert_array_equal(side.vectors.load(), FakeEncoder(dim=32).encode(nonblank))
    assert side.computed == 10 and side.reused == 0  # 1000, 800, 700 lines in shards of 300
    assert enc.calls == 10  # one encode per shard


def test_resume_after_losing_one_shard_recomputes_only_it(corpus_files, tmp_path):
    src_dir, _, _, _ = corpus_files
    files = expand_inputs([src_dir])
    first, _ = embed(files, tmp_path / "w")
    before = first.vectors.load()
    lost = sorted((tmp_path / "w" / "shards").glob("*.npy"))[4]
    lost.unlink()
    notes = []
    again, enc = embed(files, tmp_path / "w", resume=True, notes=notes.append)
    assert (again.computed, again.reused) == (1, 9) and enc.calls == 1
    np.testing.assert_array_equal(again.vectors.load(), before)
    # a damaged shard is reported by name and made again
    lost.write_bytes(b"\x93NUMPY garbage")
    third, enc = embed(files, tmp_path / "w", resume=True, notes=notes.append)
    assert third.computed == 1 and any(str(lost) in n and "damaged" in n for n in notes)
    np.testing.assert_array_equal(third.vectors.load(), before)


def test_a_bad_file_is_named_and_does_not_poison_the_rest(corpus_files, tmp_path):
    src_dir, _, _, _ = corpus_files
    bad = src_dir / "part1.txt"
    good_bytes = bad.read_bytes()
    bad.write_bytes(b"caf\xe9 broken " + good_bytes)
    files = expand_inputs([src_dir])
    with pytest.raises(ShardFailures) as e:
        embed(files, tmp_path / "w")
    assert e.value.failures == [(str(bad), "is not valid UTF-8 (bad byte 0xe9 on line 1); "
                                           "convert it to UTF-8 first")]
    assert "7 of 7 shards done and kept" in e.value.message and "--resume" in e.value.message
    assert len(list((tmp_path / "w" / "shards").glob("*.npy"))) == 7  # part0 and part2 done
    bad.write_bytes(good_bytes)  # fixed: the rerun embeds only the fixed file
    side, enc = embed(files, tmp_path / "w", resume=True)
    assert (side.computed, side.reused) == (3, 7)


def test_an_encoder_failure_in_one_shard_keeps_the_others(corpus_files, tmp_path):
    src_dir, _, _, _ = corpus_files

    class Flaky(FakeEncoder):
        def encode(self, texts, *, progress=None):
            out = super().encode(texts)
            if self.calls == 5:  # the 5th shard: lines 400-500 of part0.txt
                raise ValueError("cannot embed this batch")
            return out

    enc = Flaky(dim=32)
    with pytest.raises(ShardFailures) as e:
        embed_side(LocalEngine(), expand_inputs([src_dir]), tmp_path / "w", lambda: enc,
                   key=encoder_key(enc), shard_lines=100, skip_blank=True, max_bytes=10_000_000,
                   resume=False)
    assert e.value.failures == [(str(src_dir / "part0.txt"), "ValueError: cannot embed this batch")]
    assert len(list((tmp_path / "w" / "shards").glob("*.npy"))) == 24  # 25 shards, one failed


def test_work_of_another_run_is_not_overwritten(corpus_files, tmp_path):
    from aligner.errors import EngineError

    src_dir, _, _, _ = corpus_files
    files = expand_inputs([src_dir])
    embed(files, tmp_path / "w")
    with pytest.raises(EngineError, match="add --resume"):
        embed(files, tmp_path / "w")


def test_a_work_folder_inside_an_input_folder_is_not_read_as_input(corpus_files):
    src_dir, _, src, _ = corpus_files
    files = lambda: expand_inputs([src_dir])  # noqa: E731
    embed(files(), src_dir / "work")
    side, _ = embed(files(), src_dir / "work", resume=True)
    assert list(side.texts) == [t for t in src if t.strip()] and side.reused == 10


def test_a_worker_with_another_encoder_writes_no_shard(corpus_files, tmp_path):
    """Each worker makes its own encoder (Ray: one per actor, maybe on another machine): one
    that comes out different from the run's (another backend, dimension...) fails its shards
    by name instead of mixing vectors of two encoders in one work folder."""
    src_dir, _, _, _ = corpus_files
    run_key = encoder_key(FakeEncoder(dim=32))
    with pytest.raises(ShardFailures) as e:
        embed_side(LocalEngine(), expand_inputs([src_dir]), tmp_path / "w",
                   lambda: FakeEncoder(dim=16), key=run_key, shard_lines=500, skip_blank=True,
                   max_bytes=10_000_000, resume=False)
    assert {p for p, _ in e.value.failures} == {str(p) for p in expand_inputs([src_dir])}
    assert all("the run's is " + run_key in problem for _, problem in e.value.failures)
    assert not list((tmp_path / "w" / "shards").glob("*.npy"))
