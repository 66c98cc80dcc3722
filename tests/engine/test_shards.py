"""Inputs, shards and the work folder (no engine)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from aligner.engine.shards import (ShardedVectors, ShardStore, expand_inputs, plan_side,
                                   shard_texts)
from aligner.errors import EngineError, InputFileError


def test_expand_inputs_files_folders_globs(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("a.txt", "b/c.txt", "b/d.txt", "b/.hidden.txt"):
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    got = expand_inputs([tmp_path / "b", str(tmp_path / "*.txt"), tmp_path / "a.txt"])
    assert [p.name for p in got] == ["c.txt", "d.txt", "a.txt"]  # folder sorted, duplicates once
    with pytest.raises(InputFileError, match=r"\*\.fr: file not found"):
        expand_inputs([str(tmp_path / "*.fr")])
    with pytest.raises(InputFileError, match="missing.txt: file not found"):
        expand_inputs([tmp_path / "missing.txt"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputFileError, match="folder holds no files"):
        expand_inputs([tmp_path / "empty"])


def test_plan_numbers_lines_over_files_and_skips_bad_ones(tmp_path):
    a, bad, c = tmp_path / "a.txt", tmp_path / "bad.txt", tmp_path / "c.txt"
    a.write_text("one\n\nthree\nfour\nfive\n", encoding="utf-8")
    bad.write_bytes("déjà vu\n".encode("latin-1"))
    c.write_text("six\nseven\n", encoding="utf-8")
    files, shards, failures, texts = plan_side(
        [a, bad, c], shard_lines=2, skip_blank=True, max_bytes=10_000,
        rows_table=tmp_path / "rows.i64")
    assert [f.path for f in files] == [str(a), str(c)]
    assert failures == [(str(bad), "is not valid UTF-8 (bad byte 0xe9 on line 1); convert it to UTF-8 first")]
    assert [(s.path, s.start, s.stop, s.rows) for s in shards] == [
        (str(a), 0, 2, 1), (str(a), 2, 4, 2), (str(a), 4, 5, 1), (str(c), 0, 2, 2)]
    assert list(texts) == ["one", "three", "four", "five", "six", "seven"]
    assert texts[1:4] == ["three", "four", "five"] and texts[-1] == "seven"
    assert texts.take(np.array([5, 0, 3])) == ["seven", "one", "five"]
    # line numbers over a and c; the blank line 1 skipped
    assert texts.line_numbers(np.arange(6)).tolist() == [0, 2, 3, 4, 5, 6]
    assert shard_texts([" a ", "", "b"], 0, 3, skip_blank=False) == ["a", "", "b"]


def _plan(tmp_path, text="a\nb\nc\n"):
    f = tmp_path / "in.txt"
    f.write_text(text, encoding="utf-8")
    return f, *plan_side([f], shard_lines=2, skip_blank=False, max_bytes=10_000)[:2]


def test_store_refuses_earlier_work_without_resume_and_other_models(tmp_path):
    f, files, shards = _plan(tmp_path)
    store = ShardStore(tmp_path / "work")
    store.open(key="m1", files=files, shard_lines=2, resume=False)
    store.write(shards[0], np.ones((2, 4), np.float32))
    with pytest.raises(EngineError, match="add --resume to continue it"):
        ShardStore(tmp_path / "work").open(key="m1", files=files, shard_lines=2, resume=False)
    with pytest.raises(EngineError, match="another model or setting"):
        ShardStore(tmp_path / "work").open(key="m2", files=files, shard_lines=2, resume=True)
    with pytest.raises(EngineError, match="shards have 2 lines, not 3"):
        ShardStore(tmp_path / "work").open(key="m1", files=files, shard_lines=3, resume=True)
    assert ShardStore(tmp_path / "work").open(key="m1", files=files, shard_lines=2, resume=True) == []
    assert store.status(shards[0], 4) == "done" and store.status(shards[1], 4) == "missing"
    store.path(shards[1]).write_bytes(b"not a numpy file")
    assert store.status(shards[1], 4) == "damaged"
    manifest = json.loads(store.manifest_path.read_text(encoding="utf-8"))
    assert manifest["key"] == "m1" and str(f) in manifest["files"]


def test_a_changed_file_loses_its_shards_on_resume(tmp_path):
    f, files, shards = _plan(tmp_path)
    store = ShardStore(tmp_path / "work")
    store.open(key="m", files=files, shard_lines=2, resume=False)
    store.write(shards[0], np.ones((2, 4), np.float32))
    f2, files2, _ = _plan(tmp_path, "a\nB changed\nc\nd\n")
    assert store.open(key="m", files=files2, shard_lines=2, resume=True) == [str(f)]
    assert store.status(shards[0], 4) == "missing"


def test_store_write_checks_rows(tmp_path):
    _, files, shards = _plan(tmp_path)
    store = ShardStore(tmp_path / "w")
    with pytest.raises(EngineError, match=r"encoder gave shape \(3, 4\), expected \(2, dim\)"):
        store.write(shards[0], np.ones((3, 4), np.float32))


def test_sharded_vectors_slices_across_shards(tmp_path):
    rng = np.random.default_rng(0)
    whole = rng.standard_normal((10, 3)).astype(np.float32)
    paths = []
    for i, (a, b) in enumerate(((0, 4), (4, 5), (5, 10))):
        p = tmp_path / f"{i}.npy"
        np.save(p, whole[a:b])
        paths.append(p)
    v = ShardedVectors(paths)
    assert len(v) == 10 and v.shape == (10, 3)
    for a, b in ((0, 10), (3, 6), (4, 5), (9, 10), (7, 7), (2, 100)):
        np.testing.assert_array_equal(v[a:b], whole[a:b])
    np.testing.assert_array_equal(v.load(), whole)
    with pytest.raises(TypeError):
        v[::2]
