"""The Ray engine (``--engine ray``): Ray Data for embedding, Ray tasks for search.

* Embedding: a Ray Data dataset of shard descriptions, ``map_batches`` over
  an actor pool (``ActorPoolStrategy``), one encoder per actor (the same
  encoder factory as the local path, loaded once per actor). Each actor
  reads its shard's lines and writes the shard's ``.npy``; only a small
  result row per shard travels back. The inputs and the work folder must be
  visible to every node (one machine, or a shared file system).
* Search: each index shard (one, unless a side's index exceeds the memory
  budget: :func:`aligner.engine.mining.index_shards`) is built by the driver
  and written to the work folder, and each block of queries is searched by a
  Ray task (one CPU each) that reads the shard once per worker and its block
  from the work folder; the driver merges the shards' hits.

Without an address a local cluster is started, sized to this machine's
cores, and shut down at the end; with one, the existing cluster is joined
(``ray start --head`` / ``ray start --address=...``) and left running.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict

import numpy as np

from ..errors import EngineError
from .embedding import EncoderFactory, ShardEmbedder, ShardResult
from .shards import Shard, ShardStore

__all__ = ["RayEngine", "import_ray", "plan_actors"]

INSTALL_HINT = ("--engine ray needs Ray: pip install 'alignment-workbench[ray]' "
                "(or pip install 'ray[data]==2.60.0')")


def import_ray():
    """The ``ray`` module, or :class:`EngineError` saying what to install."""
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as e:
        raise EngineError(f"{INSTALL_HINT} ({e})") from None
    return ray


class _ShardActor:
    """Ray Data actor: one :class:`ShardEmbedder` (one model) per actor."""

    def __init__(self, factory: EncoderFactory, max_bytes: int, threads: int,
                 key: str | None = None):
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        try:
            import torch

            torch.set_num_threads(threads)
        except ImportError:
            pass
        self.worker = ShardEmbedder(factory, max_bytes, key)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out: dict[str, list] = {"index": [], "path": [], "rows": [], "seconds": [], "error": [],
                                "folder": [], "worker": []}
        for i in range(len(batch["index"])):
            shard = Shard(index=int(batch["index"][i]), path=str(batch["path"][i]),
                          start=int(batch["start"][i]), stop=int(batch["stop"][i]),
                          rows=int(batch["rows"][i]), skip_blank=bool(batch["skip_blank"][i]),
                          byte_start=int(batch["byte_start"][i]),
                          byte_stop=int(batch["byte_stop"][i]), codec=str(batch["codec"][i]))
            r = self.worker.run(shard, ShardStore(str(batch["folder"][i])))
            out["index"].append(r.index)
            out["path"].append(r.path)
            out["rows"].append(r.rows)
            out["seconds"].append(r.seconds)
            out["error"].append(r.error)
            out["folder"].append(r.folder)
            out["worker"].append(r.worker)
        return {k: np.asarray(v) for k, v in out.items()}


_INDEX_CACHE: dict[str, object] = {}


def _knn_task(index_path: str, token: str, queries_path: str, a: int, b: int, depth: int,
              keys_path: str | None, refine: int):
    import faiss

    from .mining import NpyRows, search_block

    faiss.omp_set_num_threads(1)
    index = _INDEX_CACHE.get(token)
    if index is None:
        _INDEX_CACHE.clear()  # one index per worker at a time
        index = faiss.read_index(index_path)
        _INDEX_CACHE[token] = index
    keys = NpyRows(keys_path) if keys_path else None
    sims, ids = search_block(index, NpyRows(queries_path)[a:b], depth, keys, refine)
    return a, b, sims, ids


def _drop_index() -> int:
    """Free a search worker's cached index (run as a task at the end of a search)."""
    n = len(_INDEX_CACHE)
    _INDEX_CACHE.clear()
    return n


def _node_cpus(ray) -> list[int]:
    """Whole CPUs of each live node of the cluster (nodes without a CPU left out)."""
    try:
        nodes = ray.nodes()
    except Exception:  # noqa: BLE001 - an older or remote API: fall back to the cluster total
        return []
    return [int(n.get("Resources", {}).get("CPU", 0)) for n in nodes
            if n.get("Alive") and int(n.get("Resources", {}).get("CPU", 0)) >= 1]


def plan_actors(node_cpus: Sequence[int], workers: int | None) -> tuple[int, int]:
    """(embedding actors, CPUs each) for a cluster whose nodes have ``node_cpus`` CPUs.

    Default (``workers`` None): one actor per node with all of that node's
    CPUs (the smallest node's count, so that every actor fits anywhere): one
    model per node whose runtime spreads over its cores. Measured on 2 cores
    (bench/README.md, "Ray against local"): one 2-thread actor embeds 156
    sentences/s where two 1-thread actors reach 105, and it holds one model
    in memory instead of two. With ``workers``: that many actors, sharing the
    cluster's CPUs evenly, never more CPUs each than the smallest node has.
    """
    cpus = [c for c in node_cpus if c >= 1] or [1]
    total, smallest = sum(cpus), min(cpus)
    if workers is None:
        return len(cpus), smallest
    n = max(1, min(int(workers), total))
    return n, max(1, min(smallest, total // n))


class RayEngine:
    """Batch work on a Ray cluster. ``workers``: embedding actors (default: one per
    node, each with the node's CPUs; see :func:`plan_actors`)."""

    name = "ray"

    def __init__(self, address: str | None = None, *, workers: int | None = None,
                 num_cpus: int | None = None, object_store_mb: int = 256):
        ray = import_ray()
        self.ray = ray
        self._started = False
        if not ray.is_initialized():
            kwargs = dict(include_dashboard=False, log_to_driver=False,
                          logging_level=logging.WARNING)
            try:
                if address:
                    ray.init(address=address, **kwargs)
                else:
                    from ..embed.hardware import available_cpus

                    ray.init(num_cpus=num_cpus or available_cpus(),
                             object_store_memory=int(object_store_mb) * 1024 * 1024, **kwargs)
            except (ConnectionError, RuntimeError, ValueError) as e:
                where = f"the cluster at {address}" if address else "a local Ray cluster"
                raise EngineError(f"cannot start or join {where}: {e}") from None
            self._started = True
        ctx = ray.data.DataContext.get_current()
        ctx.enable_progress_bars = False
        # start every embedding actor before the first shard is handed out, so that the
        # shards spread over all of them (one at a time each, see embed)
        ctx.wait_for_min_actors_s = 600
        logging.getLogger("ray.data").setLevel(logging.ERROR)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.cpus = max(1, cpus)
        self.workers, self.threads = plan_actors(_node_cpus(ray) or [self.cpus], workers)
        self._knn = ray.remote(num_cpus=1)(_knn_task)
        self._drop = ray.remote(num_cpus=1)(_drop_index)

    def __enter__(self) -> "RayEngine":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Shut the cluster down if this engine started it."""
        if self._started and self.ray.is_initialized():
            self.ray.shutdown()
        self._started = False

    def embed(self, items: Sequence[tuple[ShardStore, Shard]], factory: EncoderFactory, *,
              max_bytes: int, key: str | None = None) -> Iterator[ShardResult]:
        """Embed each (store, shard) on one actor pool (the shards of every side in one
        dataset: each actor loads its model once); ``key``: the run's encoder key, which
        every actor's encoder must have (:class:`ShardEmbedder`)."""
        if not items:
            return
        ray = self.ray
        rows = [{**asdict(shard), "folder": str(store.folder)} for store, shard in items]
        ds = ray.data.from_items(rows, override_num_blocks=len(rows))
        ds = ds.map_batches(
            _ShardActor,
            fn_constructor_kwargs={"factory": factory, "max_bytes": max_bytes,
                                   "threads": self.threads, "key": key},
            batch_size=1,
            # one shard at a time per actor: with Ray Data's default (4 in flight) the first
            # actor takes every shard of a small run and the others idle
            compute=ray.data.ActorPoolStrategy(size=min(self.workers, len(rows)),
                                               max_tasks_in_flight_per_actor=1),
            num_cpus=self.threads,
        )
        try:
            for row in ds.iter_rows():
                yield ShardResult(int(row["index"]), str(row["path"]), int(row["rows"]),
                                  float(row["seconds"]), str(row["error"]), str(row["folder"]),
                                  str(row["worker"]))
        except ray.exceptions.RayError as e:
            raise EngineError(f"embedding on Ray failed: {_first_line(e)}") from None

    def release_models(self) -> None:
        """Nothing to do: the models live in the embedding actors, gone with their dataset."""

    def index_budget_mb(self, settings) -> int:
        """Memory one search index may take: each search worker (one per CPU) holds a
        copy, so they share ``settings.mine_memory_budget_mb``."""
        return max(1, int(settings.mine_memory_budget_mb) // max(1, self.cpus))

    def share_index(self, index, path):
        """Write ``index`` to ``path`` (in the work folder, which every node sees) for the
        search tasks to read; returns (path, token). The caller may free the index then."""
        import uuid

        import faiss

        faiss.write_index(index, str(path))
        return str(path), uuid.uuid4().hex

    def knn(self, index, queries_path: str, blocks: Sequence[tuple[int, int]], depth: int,
            keys_path: str | None, refine: int) -> Iterator[tuple[int, int, np.ndarray, np.ndarray]]:
        """(a, b, sims, ids) for each query block, in order; at most 2 blocks per CPU in flight
        or held (a slow block does not make the driver hold the results after it).
        ``index``: the (path, token) from :meth:`share_index` (one index shard)."""
        ray = self.ray
        index_path, token = index
        pending: list = []
        done: dict[int, tuple] = {}
        order = [a for a, _ in blocks]
        nxt = 0
        it = iter(blocks)
        limit = 2 * self.cpus
        try:
            while True:
                while len(pending) + len(done) < limit:  # results held out of order count too
                    blk = next(it, None)
                    if blk is None:
                        break
                    pending.append(self._knn.remote(index_path, token, str(queries_path), blk[0],
                                                    blk[1], depth, keys_path, refine))
                if not pending and nxt >= len(order):
                    break
                if pending:
                    ready, pending = ray.wait(pending, num_returns=1)
                    a, b, sims, ids = ray.get(ready[0])
                    done[a] = (a, b, np.array(sims), np.array(ids))  # copies: the store's pages go
                    del ready
                while nxt < len(order) and order[nxt] in done:
                    yield done.pop(order[nxt])
                    nxt += 1
        except ray.exceptions.RayError as e:
            raise EngineError(f"search on Ray failed: {_first_line(e)}") from None
        finally:
            self._free_indexes()

    def _free_indexes(self) -> None:
        """Ask every worker to drop its cached index (best effort: one small task per CPU)."""
        try:
            self.ray.get([self._drop.remote() for _ in range(self.cpus)], timeout=60)
        except Exception:  # noqa: BLE001 - freeing memory must not fail the run
            pass


def _first_line(e: Exception) -> str:
    text = str(e).strip().splitlines()
    return text[-1] if text else type(e).__name__
