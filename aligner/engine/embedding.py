"""Embedding a side into shards: the work each engine runs, and the driver loop.

:class:`ShardEmbedder` is what one worker does (the local process, or one
Ray actor): it makes one encoder with the caller's factory (the same
encoder as the local path; loaded once per worker), reads the lines of a
shard, embeds them and writes the shard file. A shard whose file cannot be
used fails alone: the error names the file, the other shards go on.
:func:`plan_embedding` plans a side's shards and skips the finished ones
(``--resume``); :func:`embed_sides` runs what is left of one or more sides
on an engine in one go and reports progress; :func:`embed_side` is both
for one side.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import AlignerError, ShardFailures
from .shards import Shard, ShardedVectors, ShardStore, plan_side, read_shard
from .texts import SideTexts

__all__ = ["EmbedProgress", "EncoderFactory", "ShardEmbedder", "ShardResult", "SideEmbedding",
           "SidePlan", "embed_side", "embed_sides", "encoder_key", "plan_embedding"]

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
    folder: str = ""
    """The work folder of the shard's side."""
    worker: str = ""
    """Which worker embedded it: ``host:pid``."""


EmbedProgress = Callable[[int, int, int, float], None]
"""progress(shards_done, shards_total, sentences_done, seconds_elapsed)."""


def encoder_key(encoder) -> str:
    """What identifies an encoder's vectors in a work folder (model, input steps, backend,
    dtype, length): shards of two encoders with different keys are never mixed."""
    key = getattr(encoder, "embedding_key", None) or encoder.name
    for attr in ("backend", "dtype", "max_seq_length"):
        value = getattr(encoder, attr, None)
        if isinstance(value, (str, int)):
            key += f"|{attr}={value}"
    return key


class ShardEmbedder:
    """One worker's embedding: one encoder, shard after shard.

    ``key``: the run's :func:`encoder_key`; a worker whose encoder comes out
    different (another backend on another machine of a cluster, say) fails
    its shards instead of writing vectors of another encoder.
    """

    def __init__(self, factory: EncoderFactory, max_bytes: int, key: str | None = None):
        self.factory = factory
        self.max_bytes = max_bytes
        self.key = key
        self._encoder = None

    @property
    def encoder(self):
        if self._encoder is None:
            encoder = self.factory()
            if self.key is not None and encoder_key(encoder) != self.key:
                raise AlignerError(f"this worker's encoder is {encoder_key(encoder)}, the run's is "
                                   f"{self.key}; its vectors would not match (same model, "
                                   f"backend and settings on every worker)")
            self._encoder = encoder
        return self._encoder

    def run(self, shard: Shard, store: ShardStore) -> ShardResult:
        """Embed one shard into ``store``; what became of it (never raises)."""
        t0 = time.perf_counter()
        where = dict(folder=str(store.folder), worker=f"{socket.gethostname()}:{os.getpid()}")
        try:
            texts = read_shard(shard, self.max_bytes)
            store.write(shard, self.encoder.encode(texts))
        except AlignerError as e:
            return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0,
                               e.message, **where)
        except Exception as e:  # noqa: BLE001 - the isolation boundary: one shard fails, not the run
            return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0,
                               f"{type(e).__name__}: {e}", **where)
        return ShardResult(shard.index, shard.path, shard.rows, time.perf_counter() - t0, **where)


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


@dataclass
class SidePlan:
    """A side planned for embedding: its store, shards, what is left to do."""

    store: ShardStore
    shards: list[Shard]
    todo: list[Shard]
    failures: list[tuple[str, str]]
    texts: SideTexts | None

    @property
    def reused(self) -> int:
        return len(self.shards) - len(self.todo)


def plan_embedding(files: Sequence[Path], work: Path, *, key: str, shard_lines: int,
                   skip_blank: bool, max_bytes: int, resume: bool, keep_texts: bool = False,
                   notes: Callable[[str], None] | None = None) -> SidePlan:
    """Plan one side (:func:`plan_side`), check its work folder, find the shards to make.

    Files inside ``work`` are left out (a work folder within an input
    folder). ``key`` identifies the encoder (a resumed folder of another
    model is refused).
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
    return SidePlan(store, shards, todo, list(failures), texts)


def embed_sides(engine, plans: Sequence[SidePlan], factory: EncoderFactory, *, key: str,
                max_bytes: int, progress: EmbedProgress | None = None,
                work_dir: str | None = None) -> list[SideEmbedding]:
    """Embed the shards left to do of every side in one run of ``engine`` (Ray: one actor
    pool for all sides, each actor loading its model once, the shards of all sides
    balanced over the actors).

    Files that cannot be read, and shards that fail, are collected: the
    others are finished and kept, then :class:`ShardFailures` names each
    failed file and its problem. ``work_dir``: the kept work folder
    (``--work-dir``; None: a temporary one), named in that error.
    """
    items = [(plan.store, shard) for plan in plans for shard in plan.todo]
    total = sum(len(plan.shards) for plan in plans)
    side_of = {str(plan.store.folder): k for k, plan in enumerate(plans)}
    computed = [0] * len(plans)
    sentences = [0] * len(plans)
    failures = [f for plan in plans for f in plan.failures]
    done_shards = sum(plan.reused for plan in plans)
    t0 = time.perf_counter()
    if progress:
        progress(done_shards, total, 0, 0.0)
    for result in engine.embed(items, factory, max_bytes=max_bytes, key=key):
        if result.error:
            failures.append((result.path, result.error))
        else:
            k = side_of[result.folder]
            computed[k] += 1
            sentences[k] += result.rows
            done_shards += 1
        if progress:
            progress(done_shards, total, sum(sentences), time.perf_counter() - t0)
    seconds = time.perf_counter() - t0
    if failures:
        merged: dict[str, str] = {}
        for path, problem in failures:
            merged.setdefault(path, problem)
        raise ShardFailures(sorted(merged.items()), done_shards, total, work_dir=work_dir)
    return [SideEmbedding(plan.store.vectors(plan.shards), plan.texts, computed[k], plan.reused,
                          sentences[k], seconds) for k, plan in enumerate(plans)]


def embed_side(engine, files: Sequence[Path], work: Path, factory: EncoderFactory, *, key: str,
               shard_lines: int, skip_blank: bool, max_bytes: int, resume: bool,
               keep_texts: bool = False, progress: EmbedProgress | None = None,
               notes: Callable[[str], None] | None = None,
               resumable: bool = True) -> SideEmbedding:
    """Embed ``files`` into shards under ``work`` on ``engine``: :func:`plan_embedding`
    then :func:`embed_sides` for this one side. ``resumable``: the work folder is kept
    (``--work-dir``), so the error can suggest ``--resume``."""
    plan = plan_embedding(files, work, key=key, shard_lines=shard_lines, skip_blank=skip_blank,
                          max_bytes=max_bytes, resume=resume, keep_texts=keep_texts, notes=notes)
    return embed_sides(engine, [plan], factory, key=key, max_bytes=max_bytes, progress=progress,
                       work_dir=str(work) if resumable else None)[0]
