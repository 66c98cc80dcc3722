"""Recall@10 and speed of the approximate FAISS indexes against exact search.

Seeded synthetic data: n unit vectors around 200 random centres (dim 64, or
384 = the model's width); 1000 queries = perturbed copies of random points.
``aligner.search.build_index`` switches to IVF above ``settings.ivf_threshold``
(50,000) vectors; this measures what that costs in recall.

Usage: .venv/bin/python bench/search_recall.py [--n 60000] [--dim 64]
"""

from __future__ import annotations

import argparse
import datetime
import time
from dataclasses import replace

import numpy as np

from _common import command_line, machine, markdown_table

from aligner.search import build_index, knn
from aligner.settings import SETTINGS


def clustered(rng, n, dim, clusters=200):
    centres = rng.standard_normal((clusters, dim)).astype(np.float32)
    x = centres[rng.integers(0, clusters, n)] + 0.5 * rng.standard_normal((n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return np.ascontiguousarray(x, dtype=np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=60_000)
    ap.add_argument("--dim", type=int, default=64)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    x = clustered(rng, args.n, args.dim)
    q = x[rng.choice(args.n, 1000, replace=False)] + 0.1 * rng.standard_normal((1000, args.dim)).astype(np.float32)
    q = np.ascontiguousarray(q / np.linalg.norm(q, axis=1, keepdims=True), dtype=np.float32)
    t = time.perf_counter()
    flat = build_index(x, kind="flat")
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    exact = knn(flat, q, 10)[1]
    rows = [["flat (exact)", "-", 1.0, t_build, (time.perf_counter() - t) * 1000]]
    for kind, settings in [
        ("ivf", replace(SETTINGS, ivf_nprobe=8)),
        ("ivf", SETTINGS),
        ("ivf", replace(SETTINGS, ivf_nprobe=32)),
        ("hnsw", SETTINGS),
    ]:
        t = time.perf_counter()
        index = build_index(x, kind=kind, settings=settings)
        t_build = time.perf_counter() - t
        t = time.perf_counter()
        ids = knn(index, q, 10, settings=settings)[1]
        t_search = time.perf_counter() - t
        recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact.tolist(), ids.tolist())]))
        param = f"nprobe={index.nprobe}, nlist={index.nlist}" if kind == "ivf" else f"M={settings.hnsw_m}, efSearch={settings.hnsw_ef_search}"
        rows.append([kind, param, recall, t_build, t_search * 1000])
    print(f"## FAISS recall@10 vs exact search ({args.n} x {args.dim}, 1000 queries)\n")
    print(markdown_table(["index", "parameters", "recall@10", "build (s)", "1000 queries (ms)"], rows))
    print(f"\nmachine: {machine()}; date: {datetime.date.today().isoformat()}")
    print(f"command: `{command_line()}`")


if __name__ == "__main__":
    main()
