"""The Ray engine against the local one, on a local Ray cluster of 2 CPUs.

Marked ``ray``; skipped (with the reason shown by ``pytest -ra``) where Ray is
not installed. ``make test`` installs the ``ray`` extra, so CI runs them.
The fake encoder travels to the Ray workers by value (they cannot import the
tests' ``fakes`` module by name).
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install 'alignment-workbench[ray]'")

from aligner.engine.embedding import embed_side, encoder_key  # noqa: E402
from aligner.engine.local import LocalEngine  # noqa: E402
from aligner.engine.mining import mine_vectors  # noqa: E402
from aligner.engine.ray_engine import RayEngine  # noqa: E402
from aligner.engine.shards import expand_inputs  # noqa: E402
from aligner.errors import ShardFailures  # noqa: E402
from aligner.settings import SETTINGS  # noqa: E402

import fakes  # noqa: E402

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def cluster():
    from ray import cloudpickle  # Ray's own copy pickles the actors' arguments

    cloudpickle.register_pickle_by_value(fakes)
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, object_store_memory=256 * 1024 * 1024, include_dashboard=False,
                 log_to_driver=False)
    try:
        yield
    finally:
        cloudpickle.unregister_pickle_by_value(fakes)
        if started:
            ray.shutdown()


FACTORY = functools.partial(fakes.FakeEncoder, dim=48)
KEY = encoder_key(FACTORY())


def run(engine, src_dir, tgt, work, resume=False, settings=SETTINGS):
    sides = [embed_side(engine, expand_inputs([p]), work / name, FACTORY, key=KEY,
                        shard_lines=400, skip_blank=True, max_bytes=10_000_000, resume=resume,
                        keep_texts=True)
             for name, p in (("src", src_dir), ("tgt", tgt))]
    pairs = mine_vectors(sides[0].vectors, sides[1].vectors, sides[0].texts, sides[1].texts,
                         engine=engine, work=work / "mine", threshold=-1e9, settings=settings)
    return sides, pairs


def test_ray_and_local_give_the_same_pairs(cluster, corpus_files, tmp_path):
    from dataclasses import replace

    src_dir, tgt, _, _ = corpus_files
    s = replace(SETTINGS, search_block_rows=600)  # several search tasks a direction
    _, local = run(LocalEngine(), src_dir, tgt, tmp_path / "local", settings=s)
    with RayEngine(workers=2) as eng:
        assert eng.workers == 2 and eng.cpus == 2
        sides, remote = run(eng, src_dir, tgt, tmp_path / "ray", settings=s)
    assert ray.is_initialized()  # joined the running cluster: not shut down
    assert sides[0].computed == 7 and len(remote) > 1000
    assert remote == local  # same pairs, scores and order
    for name in ("src", "tgt"):  # shard files bit for bit
        for p in sorted((tmp_path / "local" / name / "shards").glob("*.npy")):
            np.testing.assert_array_equal(np.load(p), np.load(tmp_path / "ray" / name / "shards" / p.name))


def test_ray_resume_after_losing_a_shard_gives_the_same_output(cluster, corpus_files, tmp_path):
    src_dir, tgt, _, _ = corpus_files
    work = tmp_path / "work"
    with RayEngine(workers=2) as eng:
        _, first = run(eng, src_dir, tgt, work)
        lost = sorted((work / "tgt" / "shards").glob("*.npy"))[2]
        lost.unlink()
        sides, again = run(eng, src_dir, tgt, work, resume=True)
    assert [(s.computed, s.reused) for s in sides] == [(0, 7), (1, 4)]
    assert again == first


def test_ray_names_a_bad_file_and_finishes_the_others(cluster, corpus_files, tmp_path):
    src_dir, _, _, _ = corpus_files
    bad = src_dir / "part2.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    with RayEngine(workers=2) as eng, pytest.raises(ShardFailures) as e:
        embed_side(eng, expand_inputs([src_dir]), tmp_path / "w", FACTORY, key=KEY,
                   shard_lines=400, skip_blank=True, max_bytes=10_000_000, resume=False)
    assert e.value.failures == [(str(bad), "looks like a binary file, not text")]
    assert len(list((tmp_path / "w" / "shards").glob("*.npy"))) == 5  # part0: 3, part1: 2


def test_a_file_that_fails_inside_a_worker_is_named(cluster, corpus_files, tmp_path, monkeypatch):
    """The file changes between planning and embedding: the actor reports it by name."""
    src_dir, _, _, _ = corpus_files
    from aligner.engine import embedding as emb

    files = expand_inputs([src_dir])
    real_plan = emb.plan_side

    def plan_then_break(*a, **kw):
        out = real_plan(*a, **kw)
        (src_dir / "part1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
        return out

    monkeypatch.setattr(emb, "plan_side", plan_then_break)
    with RayEngine(workers=2) as eng, pytest.raises(ShardFailures) as e:
        embed_side(eng, files, tmp_path / "w", FACTORY, key=KEY, shard_lines=400,
                   skip_blank=True, max_bytes=10_000_000, resume=False)
    assert [p for p, _ in e.value.failures] == [str(src_dir / "part1.txt")]
    assert "not valid UTF-8" in e.value.failures[0][1]
    assert len(list((tmp_path / "w" / "shards").glob("*.npy"))) == 5  # part0: 3, part2: 2


def test_cli_engine_ray_matches_local(cluster, corpus_files, tmp_path, monkeypatch, capsys):
    from aligner.cli import main, mine_cmd

    src_dir, tgt, _, _ = corpus_files
    monkeypatch.setattr(mine_cmd, "encoder_factory", lambda model, settings, engine: FACTORY)
    out_local, out_ray = tmp_path / "local.tsv", tmp_path / "ray.tsv"
    assert main(["mine", str(src_dir), str(tgt), "-o", str(out_local), "-t", "0"]) == 0
    assert main(["mine", str(src_dir), str(tgt), "-o", str(out_ray), "-t", "0", "--engine", "ray",
                 "--work-dir", str(tmp_path / "w"), "--shard-lines", "500"]) == 0
    text = out_ray.read_text(encoding="utf-8")
    assert text == out_local.read_text(encoding="utf-8") and text.count("\n") > 500
    # resumed with every shard there: nothing embedded again, same output
    assert main(["mine", str(src_dir), str(tgt), "-o", str(out_ray), "-t", "0", "--engine", "ray",
                 "--work-dir", str(tmp_path / "w"), "--shard-lines", "500", "--resume"]) == 0
    assert "0 shards embedded, 6 reused" in capsys.readouterr().err
    assert out_ray.read_text(encoding="utf-8") == text


@pytest.mark.model
def test_real_model_on_ray_matches_local(cluster, tmp_path, real_encoder):
    """One small real-model run: 2 actors each load the default model."""
    from aligner.engine import EncoderSpec

    en = ["The minister resigned on Tuesday after the vote.",
          "Prices of bread rose sharply this winter.",
          "The museum will reopen in spring with a new wing.",
          "Heavy rain flooded the old town overnight."] * 3
    f = tmp_path / "en.txt"
    f.write_text("\n".join(en) + "\n", encoding="utf-8")
    spec = EncoderSpec(cache=False)
    with RayEngine(workers=2) as eng:
        side = embed_side(eng, [f], tmp_path / "w", spec, key=encoder_key(spec()), shard_lines=4,
                          skip_blank=False, max_bytes=10_000_000, resume=False)
    got = side.vectors.load()
    want = real_encoder.encode([t.strip() for t in en])
    assert got.shape == (12, 384)
    assert float((got * want).sum(axis=1).min()) > 0.999  # the same encoder (bf16 may round)


def test_two_shards_run_on_two_actors_at_once(cluster, tmp_path):
    """Each actor takes one shard at a time: two shards with two workers are embedded by
    two actors (Ray Data's default of 4 tasks in flight per actor sent both to the first)."""
    from aligner.engine.embedding import plan_embedding

    for name in ("a", "b"):
        (tmp_path / f"{name}.txt").write_text("\n".join(f"{name} line {i}" for i in range(50)) + "\n",
                                              encoding="utf-8")
    plans = [plan_embedding([tmp_path / f"{name}.txt"], tmp_path / "w" / name, key=KEY,
                            shard_lines=400, skip_blank=True, max_bytes=10_000_000, resume=False)
             for name in ("a", "b")]
    items = [(p.store, s) for p in plans for s in p.todo]
    assert len(items) == 2
    with RayEngine(workers=2) as eng:
        results = list(eng.embed(items, FACTORY, max_bytes=10_000_000, key=KEY))
    assert not any(r.error for r in results)
    assert len({r.worker for r in results}) == 2


def test_ray_searches_index_shards_and_sorts_on_disk_like_local(cluster, tmp_path):
    """Keys in IVF-PQ index shards (one index handle per shard on Ray), pairs sorted in runs
    on disk: the Ray engine gives the local engine's pairs, scores and order."""
    from dataclasses import replace

    from engine_corpus import make_corpus

    src, tgt = (t for t in make_corpus(2500, 2000))
    src, tgt = [t for t in src if t.strip()], [t for t in tgt if t.strip()]
    enc = FACTORY()
    sv, tv = enc.encode(src), enc.encode(tgt)
    s = replace(SETTINGS, search_block_rows=600, mine_index_shard_rows=700, mine_sort_run_rows=500)
    local = mine_vectors(sv, tv, src, tgt, engine=LocalEngine(), work=tmp_path / "local",
                         threshold=-1e9, settings=s)
    with RayEngine(workers=2) as eng:
        remote = mine_vectors(sv, tv, src, tgt, engine=eng, work=tmp_path / "ray",
                              threshold=-1e9, settings=s)
    assert len(local) > 1000
    assert remote == local
