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
from ..io.lines import read_lines
from .shards import Shard, ShardedVectors, ShardStore, plan_side, shard_texts

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
        self._file: tuple[str, list[str]] | None = None  # last file read (shards come in order)

    @property
    def encoder(self):
        if self._encoder is None:
            self._encoder = self.factory()
        return self._encoder

    def _lines(self, path: str) -> list[str]:
        if self._file is None or self._file[0] != path:
            self._file = (path, read_lines(path, max_bytes=self.max_bytes))
        return self._file[1]

    def run(self, shard: Shard) -> ShardResult:
        t0 = time.perf_counter()
        try:
            texts = shard_texts(self._lines(shard.path), shard.start, shard.stop, shard.skip_blank)
            if len(texts) != shard.rows:
                raise AlignerError(f"{shard.path}: changed while it was being read "
                                   f"(lines {shard.start}-{shard.stop})")
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
    texts/line_numbers: with ``keep_texts``, the embedded texts and the
    0-based line number of each over all the side's files; computed/
    reused: shards embedded by this run / found finished.
    """

    vectors: ShardedVectors
    texts: list[str]
    line_numbers: list[int]
    computed: int
    reused: int
    sentences: int
    seconds: float


def embed_side(engine, files: Sequence[Path], work: Path, factory: EncoderFactory, *, key: str,
               shard_lines: int, skip_blank: bool, max_bytes: int, resume: bool,
               keep_texts: bool = False, progress: EmbedProgress | None = None,
               notes: Callable[[str], None] | None = None) -> SideEmbedding:
    """Embed ``files`` into shards under ``work`` on ``engine``.

    Files inside ``work`` are left out (a work folder within an input
    folder). Files that cannot be read, and shards that fail, are collected: the
    others are finished and kept, then :class:`ShardFailures` names each
    failed file and its problem. ``key`` identifies the encoder (a resumed
    folder of another model is refused).
    """
    inside = Path(work).resolve()
    files = [f for f in files if inside not in f.resolve().parents]  # never our own shards
    side, shards, failures, texts, numbers = plan_side(
        files, shard_lines=shard_lines, skip_blank=skip_blank, max_bytes=max_bytes,
        keep_texts=keep_texts)
    store = ShardStore(work)
    for path in store.open(key=key, files=side, shard_lines=shard_lines, resume=resume):
        if notes:
            notes(f"{path}: changed since its shards were made; embedding it again")
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
        raise ShardFailures(sorted(merged.items()), done_shards, len(shards))
    return SideEmbedding(store.vectors(shards), texts, numbers, len(todo), reused,
                         done_sentences, seconds)
