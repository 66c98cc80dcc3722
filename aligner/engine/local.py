"""The local engine: everything in this process, one shard or block at a time."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from .embedding import EncoderFactory, ShardEmbedder, ShardResult
from .shards import Shard, ShardStore

__all__ = ["LocalEngine"]


class LocalEngine:
    """Runs the batch work in the calling process (``--engine local``)."""

    name = "local"

    def __init__(self) -> None:
        self._worker: ShardEmbedder | None = None
        self.workers = 1

    def __enter__(self) -> "LocalEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._worker = None

    def embed(self, items: Sequence[tuple[ShardStore, Shard]], factory: EncoderFactory, *,
              max_bytes: int, key: str | None = None) -> Iterator[ShardResult]:
        """Embed each (store, shard) in turn, with one encoder for the whole run (both
        sides of `aligner mine`)."""
        if self._worker is None or self._worker.factory is not factory:
            self._worker = ShardEmbedder(factory, max_bytes, key)
        for store, shard in items:
            yield self._worker.run(shard, store)

    def release_models(self) -> None:
        """Drop the encoder (and its model) once embedding is over."""
        self._worker = None

    def index_budget_mb(self, settings) -> int:
        """Memory one search index may take: the whole budget (one copy, here)."""
        return int(settings.mine_memory_budget_mb)

    def share_index(self, index, path):
        """What :meth:`knn` searches: the index itself (``path`` unused)."""
        return index

    def knn(self, index, queries_path: str, blocks: Sequence[tuple[int, int]], depth: int,
            keys_path: str | None, refine: int) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
        """(a, b, sims, ids) for each query block ``[a, b)``, in order (each block read from
        disk when it is searched)."""
        from .mining import NpyRows, search_block

        queries = NpyRows(queries_path)
        keys = NpyRows(keys_path) if keys_path else None
        for a, b in blocks:
            sims, ids = search_block(index, queries[a:b], depth, keys, refine)
            yield a, b, sims, ids
