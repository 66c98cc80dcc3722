"""OpenVINO's compile cache: one folder per compile, kept to a size limit (least recently used out)."""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

from aligner.embed import ov_cache

MB = 1024 * 1024


def _entry(root, name, size_mb, age_s, now):
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "x.blob").write_bytes(b"\0" * int(size_mb * MB))
    (folder / ov_cache.STAMP).touch()
    os.utime(folder / ov_cache.STAMP, (now - age_s, now - age_s))
    return folder


def test_prune_removes_loose_files_then_least_recently_used(tmp_path):
    now = time.time()
    old = _entry(tmp_path, "old", 3, 3000, now)
    mid = _entry(tmp_path, "mid", 3, 2000, now)
    new = _entry(tmp_path, "new", 3, 1000, now)
    loose = tmp_path / "123.blob"  # left at the top by an earlier version
    loose.write_bytes(b"\0" * MB)
    removed = ov_cache.prune(tmp_path, 7 * MB, keep=new, now=now)
    assert removed == [loose, old]
    assert not old.exists() and mid.exists() and new.exists()
    assert ov_cache.cache_size(tmp_path) == 6 * MB
    assert ov_cache.prune(tmp_path, 6 * MB, keep=new, now=now) == []  # fits: nothing to do


def test_prune_counts_the_reserve_and_never_removes_keep_or_recent_folders(tmp_path):
    now = time.time()
    busy = _entry(tmp_path, "busy", 4, 10, now)  # used 10 s ago, maybe by another process
    old = _entry(tmp_path, "old", 4, 4000, now)
    keep = _entry(tmp_path, "keep", 4, 5000, now)
    assert ov_cache.prune(tmp_path, 13 * MB, keep=keep, now=now) == []
    assert ov_cache.prune(tmp_path, 13 * MB, keep=keep, reserve=2 * MB, now=now) == [old]
    assert ov_cache.prune(tmp_path, 1 * MB, keep=keep, now=now) == []  # only keep and busy are left
    assert busy.exists() and keep.exists()
    assert ov_cache.prune(tmp_path / "missing", 0) == []


def test_settle_prunes_with_the_blob_really_written(tmp_path):
    """The estimate before a compile can be low (int8 for bf16: 3.4 times its weights file):
    settle() removes what no longer fits once the blob is there."""
    graph = tmp_path / "int8.xml"
    graph.write_text("<net/>")
    (tmp_path / "int8.bin").write_bytes(b"\0" * MB)  # estimate: a 2 MB blob
    root = tmp_path / "cache"
    now = time.time()
    old = _entry(root, "old", 5, 3000, now)
    folder = ov_cache.compile_cache_for(graph, {}, 8, root=root)
    assert folder is not None and old.exists()  # 5 + 2 fits within 8
    (folder / "compiled.blob").write_bytes(b"\0" * (4 * MB))  # what the compile really wrote
    assert ov_cache.settle(folder, 8) == [old]
    assert ov_cache.cache_size(root) == 4 * MB
    assert ov_cache.settle(folder, 8) == [] and ov_cache.settle(None, 8) == [] and ov_cache.settle(folder, 0) == []


def test_cache_folder_per_graph_and_options(tmp_path):
    graph = tmp_path / "int8.xml"
    graph.write_text("<net/>")
    (tmp_path / "int8.bin").write_bytes(b"\0" * 1000)
    root = tmp_path / "cache"
    a = ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 2}, 1024, root=root)
    assert a is not None and a.parent == root and (a / ov_cache.STAMP).is_file()
    assert ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 2}, 1024, root=root) == a
    b = ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 1}, 1024, root=root)
    c = ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 2}, 1024, root=root, extra="hidden_state_8")
    assert len({a, b, c}) == 3
    assert ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 2}, 0, root=root) is None  # cache off
    graph.write_text("<net version='2'/>")  # a rebuilt graph never reads an old blob
    os.utime(graph, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))
    assert ov_cache.compile_cache_for(graph, {"INFERENCE_NUM_THREADS": 2}, 1024, root=root) != a


def test_no_cache_when_the_blob_could_not_fit(tmp_path):
    graph = tmp_path / "int8.xml"
    graph.write_text("<net/>")
    (tmp_path / "int8.bin").write_bytes(b"\0" * (2 * MB))  # a blob of about 4 MB is expected
    assert ov_cache.compile_cache_for(graph, {}, 3, root=tmp_path / "cache") is None
    assert ov_cache.compile_cache_for(graph, {}, 5, root=tmp_path / "cache") is not None


def test_unwritable_cache_compiles_without_it(tmp_path):
    graph = tmp_path / "int8.xml"
    graph.write_text("<net/>")
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    assert ov_cache.compile_cache_for(graph, {}, 1024, root=blocker) is None


@pytest.mark.model
def test_real_compiles_reuse_their_folder_and_stay_under_the_limit(real_encoder, tmp_path, monkeypatch):
    from aligner.embed.ov_runner import OpenVINORunner
    from aligner.embed.st_encoder import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(cache=False, backend="int8")
    enc.encode(["warm"])
    build = enc._ov_dir
    root = tmp_path / "openvino-cache"
    monkeypatch.setattr(ov_cache, "cache_folder", lambda: root)

    def runner(threads, cache_mb):
        return OpenVINORunner(build, "int8", "fp32", threads=threads, max_seq_length=64, cache_mb=cache_mb)

    a = runner(1, 1024)
    assert a.cache_folder is not None and a.cache_folder.parent == root
    assert len(list(a.cache_folder.glob("*.blob"))) == 1
    assert runner(1, 1024).cache_folder == a.cache_folder  # read back, nothing new written
    assert len(list(a.cache_folder.glob("*.blob"))) == 1
    blob_mb = ov_cache.cache_size(a.cache_folder) / MB

    long_ago = time.time() - 3600
    os.utime(a.cache_folder / ov_cache.STAMP, (long_ago, long_ago))
    c = runner(2, math.ceil(blob_mb * 1.5))  # room for one blob only: the older one goes
    assert c.cache_folder is not None and c.cache_folder != a.cache_folder
    assert not a.cache_folder.exists()
    assert [p.name for p in root.iterdir()] == [c.cache_folder.name]
    assert ov_cache.cache_size(root) <= math.ceil(blob_mb * 1.5) * MB

    off = runner(2, 0)
    assert off.cache_folder is None
    texts = ["The talks will resume on Tuesday.", "Les pourparlers reprendront mardi."]
    got = {}
    for name, r in (("cached", c), ("off", off)):
        r.run([texts], lambda i, v, name=name: got.__setitem__(name, v))
    np.testing.assert_allclose(got["cached"], got["off"], atol=1e-5)
