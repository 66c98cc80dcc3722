"""Embedding a side into shards: the work each engine runs, and the driver loop.

:class:`ShardEmbedder` is what one worker does (the local process, or one
Ray actor): it makes one encoder with the caller's factory (the same
encoder as the local path; loaded once per worker), reads the lines of a
shard, embeds them and writes the shard file. A shard whose file cannot be
used fails alone: the error names the file, the other shards go on.
:func:`embed_side` plans the shards, skips the finished ones (``--resume``),
runs the rest on an engine and reports progress.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import AlignerError, ShardFailures
from .shards import Shard, ShardedVectors, ShardStore, plan_side, read_shard
from .texts import SideTexts

__all__ = ["EmbedProgress", "EncoderFactory", "ShardEmbedder", "ShardResult", "SideEmbedding",
           "embed_side"]

EncoderFactory = Callable[[], object]
"""Zero-argument callable that makes an :class:`aligner.embed.Encoder`. For Ray it
must pickle (a module-level class or function, e.g. :class:`aligner.engine.EncoderSpec`)."""


@dataclass(frozen=True)
class ShardResult:
    """What became of one shard: ``error`` is empty when it was written."""

    index: int
    path: str
    rows: int
    seconds: float
    error: str = ""


EmbedProgress = Callable[[int, int, int, float], None]
"""progress(shards_done, shards_total, sentences_done, seconds_elapsed)."""


class ShardEmbedder:
    """One worker's embedding: one encoder, shard after shard."""

    def __init__(self, factory: EncoderFactory, folder: str, max_bytes: int):
        self.factory = factory
        self.store = ShardStore(folder)
        self.max_bytes = max_bytes
        self._encoder = None

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = self.factory()
        return self._encoder

    def run(self, shard: Shard) -> ShardResult:
        t0 = time.perf_counter()
        try:
            texts = read_shard(shard, self.max_bytes)
            self.store.write(shard, self.encoder.encode(texts))
        except AlignerError as e:
            return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0,
                               e.message)
        except Exception as e:  # noqa: BLE001 - the isolation boundary: one shard fails, not the run
            return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0,
                               f"{type(e).__name__}: {e}")
        return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0)


@dataclass(frozen=True)
class SideEmbedding:
    """A side embedded into a work folder.

    vectors: the side's rows in shard order (n, dim) float32 on disk;
    texts: with ``keep_texts``, the embedded texts, read from the input
    files when asked for (:class:`SideTexts`: also each row's 0-based line
    number over all the side's files), else None; computed/reused: shards
    embedded by this run / found finished.
    """

    vectors: ShardedVectors
    texts: SideTexts | None
    computed: int
    reused: int
    sentences: int
    seconds: float


def embed_side(engine, files: Sequence[Path], work: Path, factory: EncoderFactory, *, key: str,
               shard_lines: int, skip_blank: bool, max_bytes: int, resume: bool,
               keep_texts: bool = False, progress: EmbedProgress | None = None,
               notes: Callable[[str], None] | None = None,
               resumable: bool = True) -> SideEmbedding:
    """Embed ``files`` into shards under ``work`` on ``engine``.

    Files inside ``work`` are left out (a work folder within an input
    folder). Files that cannot be read, and shards that fail, are collected: the
    others are finished and kept, then :class:`ShardFailures` names each
    failed file and its problem. ``key`` identifies the encoder (a resumed
    folder of another model is refused). ``resumable``: the work folder is
    kept (``--work-dir``), so the error can suggest ``--resume``.
    """
    inside = Path(work).resolve()
    files = [f for f in files if inside not in f.resolve().parents]  # never our own shards
    store = ShardStore(work)
    Path(work).mkdir(parents=True, exist_ok=True)
    side, shards, failures, texts = plan_side(
        files, shard_lines=shard_lines, skip_blank=skip_blank, max_bytes=max_bytes,
        rows_table=Path(work) / "rows.i64.part" if keep_texts else None)
    for path in store.open(key=key, files=side, shard_lines=shard_lines, resume=resume):
        if notes:
            notes(f"{path}: changed since its shards were made; embedding it again")
    if texts is not None:  # the folder is ours (open checked it): the row table joins it
        texts.table = texts.table.replace(texts.table.with_suffix(""))
    todo: list[Shard] = []
    for shard in shards:
        state = store.status(shard, None) if resume else "missing"
        if state == "damaged" and notes:
            notes(f"{store.path(shard)}: damaged shard ({shard.path} lines "
                  f"{shard.start + 1}-{shard.stop}); embedding it again")
        if state != "done":
            todo.append(shard)
    reused = len(shards) - len(todo)
    t0 = time.perf_counter()
    done_shards = reused
    done_sentences = 0
    if progress:
        progress(done_shards, len(shards), 0, 0.0)
    for result in engine.embed(store, todo, factory, max_bytes=max_bytes):
        if result.error:
            failures.append((result.path, result.error))
        else:
            done_shards += 1
            done_sentences += result.rows
        if progress:
            progress(done_shards, len(shards), done_sentences, time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    if failures:
        merged: dict[str, str] = {}
        for path, problem in failures:
            merged.setdefault(path, problem)
        raise ShardFailures(sorted(merged.items()), done_shards, len(shards),
                            work_dir=str(work) if resumable else None)
    return SideEmbedding(store.vectors(shards), texts, len(todo), reused,
                         done_sentences, seconds)
