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

    def embed(self, store: ShardStore, shards: Sequence[Shard], factory: EncoderFactory, *,
              max_bytes: int) -> Iterator[ShardResult]:
        # one encoder for the whole run (both sides of `aligner mine`)
        if self._worker is None or self._worker.factory is not factory:
            self._worker = ShardEmbedder(factory, str(store.folder), max_bytes)
        self._worker.store = store
        for shard in shards:
            yield self._worker.run(shard)

    def knn(self, index, queries_path: str, blocks: Sequence[tuple[int, int]], depth: int,
            keys_path: str | None, refine: int) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
        """(a, b, sims, ids) for each query block ``[a, b)``, in order."""
        from .mining import search_block

        queries = np.load(queries_path, mmap_mode="r")
        keys = np.load(keys_path, mmap_mode="r") if keys_path else None
        for a, b in blocks:
            sims, ids = search_block(index, np.ascontiguousarray(queries[a:b]), depth, keys, refine)
            yield a, b, sims, ids
