"""Scaling of `aligner mine`: time and peak memory, local engine and Ray.

Real 200k-line parallel corpora are not available here, and embedding
400,000 lines on 2 cores takes the whole machine for half an hour, so the
two costs are measured apart:

* ``embed``: sentences per second of the real model (no embedding cache)
  through the engine path, local (one process, all cores) and Ray (2
  actors, one model and one core each), on a sample of UN dev lines; plus
  Ray's fixed costs (cluster start, actors loading the model).
* ``mine``: mining from vectors on disk at 50k / 100k / 200k lines a side.
  The vectors are a stand-in built from real embeddings: every source row
  mixes the English embeddings of two random UN dev lines plus noise,
  re-normalised; half the target rows are the French mixes of the same two
  lines (own noise): "translations"; the other half mix other random
  pairs (see make_side_files). Texts are the two UN lines joined, so the
  number check runs on real text. Each (size, engine) runs in a fresh process; peak RSS is the
  process's peak resident set (VmHWM) or the sampled maximum of the sum
  over the driver and all Ray processes (Ray; shared object-store pages are
  counted once per process, so an upper bound).
* ``jaccard``: `aligner mine` (the CLI) on N x N UN dev lines (en, fr)
  with --engine local and --engine ray; Jaccard of the two pair sets.
* ``overhead``: Ray against local on mining N x N vectors (same stand-in),
  and the embedding figures above, combined into the end-to-end overhead
  at N lines a side (see the printout for the formula).

Usage:
    .venv/bin/python bench/scale_mine.py embed --lines 600
    .venv/bin/python bench/scale_mine.py mine --sizes 50000 100000 200000 --engines local ray
    .venv/bin/python bench/scale_mine.py jaccard --lines 3000
    .venv/bin/python bench/scale_mine.py overhead --lines 20000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

from _common import ROOT, UN, command_line, machine, need_data, read

WORK = Path(os.environ.get("ALIGNER_SCALE_DIR", "/tmp/aligner-scale"))


def cpu_flags() -> str:
    text = Path("/proc/cpuinfo").read_text()
    flags = [f for f in ("avx512_bf16", "amx_tile", "avx512_vnni") if f in text]
    return ",".join(flags) or "none of avx512_bf16/amx/avx512_vnni"


def header() -> str:
    return (f"{machine()}; CPU flags: {cpu_flags()}; load average at start: "
            f"{os.getloadavg()[0]:.1f} (1 min)")


# ------------------------------------------------------------- stand-in vectors

def base_embeddings() -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Real embeddings of the 4000 UN dev lines, English and French (product encoder)."""
    from aligner.embed import get_encoder

    need_data(UN)
    en, fr = read(UN / "UNv1.0.devset.en"), read(UN / "UNv1.0.devset.fr")
    cache = WORK / "un-base.npz"
    if cache.exists():
        z = np.load(cache)
        return z["en"], z["fr"], en, fr
    enc = get_encoder()
    e, f = enc.encode(en), enc.encode(fr)
    WORK.mkdir(parents=True, exist_ok=True)
    np.savez(cache, en=e, fr=f)
    return e, f, en, fr


def _mix(a: np.ndarray, b: np.ndarray, rng: np.random.Generator, noise: float) -> np.ndarray:
    """normalise(a + 0.7 b + noise): a new "sentence" near two real ones (noise: its norm)."""
    x = a + 0.7 * b
    x = x + rng.standard_normal(x.shape).astype(np.float32) * (noise / np.sqrt(x.shape[1]))
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def make_side_files(n: int, seed: int = 0) -> Path:
    """Source and target vectors (.npy, written in blocks) and texts for n lines a side.

    Row k of the source mixes the English embeddings of two random UN lines
    (i_k, j_k) plus noise; half the target rows are the French mixes of the
    same pairs (own noise): translations; the others mix other random pairs.
    16 M possible pairs, so rows are rarely near-duplicates. Texts: the two
    lines joined.
    """
    folder = WORK / f"vectors2-{n}"
    if (folder / "done").exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    en_v, fr_v, en_t, fr_t = base_embeddings()
    rng = np.random.default_rng(seed)
    src_pairs = rng.integers(len(en_v), size=(n, 2))
    half = n // 2
    tgt_pairs = np.concatenate([src_pairs[rng.permutation(n)[:half]],
                                rng.integers(len(fr_v), size=(n - half, 2))])
    tgt_pairs = tgt_pairs[rng.permutation(n)]
    for name, pairs, vecs, texts in (("src", src_pairs, en_v, en_t), ("tgt", tgt_pairs, fr_v, fr_t)):
        out = np.lib.format.open_memmap(folder / f"{name}.npy", mode="w+", dtype=np.float32,
                                        shape=(n, vecs.shape[1]))
        for a in range(0, n, 50_000):
            p = pairs[a:a + 50_000]
            out[a:a + 50_000] = _mix(vecs[p[:, 0]], vecs[p[:, 1]], rng, 0.3)
        out.flush()
        del out
        (folder / f"{name}.txt").write_text(
            "\n".join(f"{texts[i]} {texts[j]}" for i, j in pairs) + "\n", encoding="utf-8")
    (folder / "done").write_text("ok")
    return folder


# ------------------------------------------------------------- one measured run

class PeakRSS:
    """Samples the summed RSS of this process and all its descendants (Ray's too)."""

    def __init__(self, period: float = 0.25):
        import psutil

        self.psutil = psutil
        self.period = period
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        me = self.psutil.Process()
        total = 0
        for p in [me, *me.children(recursive=True)]:
            try:
                total += p.memory_info().rss
            except (self.psutil.NoSuchProcess, self.psutil.AccessDenied):
                pass
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.period)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def vm_hwm() -> int:
    """Peak resident set of this process since it started (VmHWM; unlike ru_maxrss it does
    not include the memory of the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_one(folder: Path, engine: str, workers: int) -> dict:
    """Mine the vectors of ``folder`` once (called in a fresh process)."""
    from aligner.engine import open_engine
    from aligner.engine.mining import mine_vectors
    from aligner.settings import Settings

    s = Settings.from_env()
    src = np.load(folder / "src.npy", mmap_mode="r")
    tgt = np.load(folder / "tgt.npy", mmap_mode="r")
    src_t = (folder / "src.txt").read_text(encoding="utf-8").splitlines()
    tgt_t = (folder / "tgt.txt").read_text(encoding="utf-8").splitlines()
    work = WORK / f"work-{engine}-{len(src)}"
    t0 = time.perf_counter()
    with PeakRSS() as rss:
        with open_engine(engine, workers=workers, object_store_mb=s.ray_object_store_mb) as eng:
            t_start = time.perf_counter() - t0
            pairs = mine_vectors(src, tgt, src_t, tgt_t, engine=eng, work=work, settings=s)
    seconds = time.perf_counter() - t0
    pairs_path = WORK / f"pairs-{engine}-{len(src)}.json"
    pairs_path.write_text(json.dumps([[p.src_index, p.tgt_index] for p in pairs]))
    return {"engine": engine, "n": len(src), "seconds": seconds, "startup": t_start,
            "pairs": len(pairs), "peak_rss_self": vm_hwm(),
            "peak_rss_tree": rss.peak, "vectors_bytes": (src.nbytes + tgt.nbytes),
            "pairs_file": str(pairs_path)}


def in_fresh_process(folder: Path, engine: str, workers: int) -> dict:
    code = ("import sys, json; sys.path.insert(0, 'bench'); import scale_mine as m; "
            f"print('RESULT', json.dumps(m.run_one(m.Path({str(folder)!r}), {engine!r}, {workers})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"run failed ({engine}, {folder}):\n{out.stderr[-3000:]}")


def jaccard(a: Path, b: Path) -> float:
    x = {tuple(p) for p in json.loads(Path(a).read_text())}
    y = {tuple(p) for p in json.loads(Path(b).read_text())}
    return len(x & y) / max(1, len(x | y))


# ------------------------------------------------------------------ the parts

def part_mine(args) -> list[dict]:
    rows = []
    for n in args.sizes:
        folder = make_side_files(n)
        results = {}
        for engine in args.engines:
            r = in_fresh_process(folder, engine, args.workers)
            results[engine] = r
            rows.append(r)
            print(f"n={n:>7,} {engine:>5}: {r['seconds']:7.1f} s (engine start {r['startup']:.1f} s), "
                  f"peak RSS {r['peak_rss_self'] / 2**30:.2f} GiB driver, "
                  f"{r['peak_rss_tree'] / 2**30:.2f} GiB all processes; {r['pairs']:,} pairs; "
                  f"vectors on disk {r['vectors_bytes'] / 2**30:.2f} GiB", flush=True)
        if "local" in results and "ray" in results:
            print(f"n={n:>7,} Jaccard(ray, local) = "
                  f"{jaccard(results['ray']['pairs_file'], results['local']['pairs_file']):.4f}")
    return rows


def _embed_run(engine: str, lines: list[str], shard_lines: int, workers: int) -> dict:
    from aligner.engine import EncoderSpec, open_engine
    from aligner.engine.embedding import embed_side

    folder = WORK / f"embed-{engine}"
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    f = folder / "in.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    with open_engine(engine, workers=workers) as eng:
        t_start = time.perf_counter() - t0
        side = embed_side(eng, [f], folder / "w", EncoderSpec(cache=False), key="bench",
                          shard_lines=shard_lines, skip_blank=True, max_bytes=10**9,
                          resume=False)
    total = time.perf_counter() - t0
    return {"engine": engine, "lines": len(lines), "total": total, "startup": t_start,
            "embed_seconds": side.seconds, "rate": side.sentences / side.seconds,
            "vectors": side.vectors.load()}


def part_embed(args) -> dict:
    need_data(UN)
    en = read(UN / "UNv1.0.devset.en")
    lines = [en[i] for i in np.random.default_rng(1).choice(len(en), args.lines, replace=False)]
    shard = max(1, args.lines // 4)  # 4 shards: both actors busy, each loads its model once
    out = {}
    for engine in ("local", "ray"):
        r = _embed_run(engine, lines, shard, args.workers)
        out[engine] = r
        print(f"{engine:>5}: {args.lines} lines in {r['total']:.1f} s (engine start "
              f"{r['startup']:.1f} s, embedding incl. model loads {r['embed_seconds']:.1f} s): "
              f"{r['rate']:.1f} sentences/s", flush=True)
    diff = float(np.abs(out["local"]["vectors"] - out["ray"]["vectors"]).max())
    print(f"max |local - ray| over all vector entries: {diff:.3g}")
    return out


def part_jaccard(args) -> None:
    need_data(UN)
    WORK.mkdir(parents=True, exist_ok=True)
    en, fr = read(UN / "UNv1.0.devset.en")[:args.lines], read(UN / "UNv1.0.devset.fr")[:args.lines]
    (WORK / "un.en").write_text("\n".join(en) + "\n", encoding="utf-8")
    (WORK / "un.fr").write_text("\n".join(fr) + "\n", encoding="utf-8")
    sets = {}
    for engine in ("local", "ray"):
        out = WORK / f"un-{engine}.tsv"
        cmd = [sys.executable, "-c", "from aligner.cli import entry; entry()", "mine",
               str(WORK / "un.en"), str(WORK / "un.fr"), "-o", str(out), "--engine", engine]
        if args.no_cache:
            os.environ["ALIGNER_EMBED_CACHE"] = "0"
        t0 = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
        sets[engine] = {(int(r[1]), int(r[2])) for r in rows}
        right = sum(1 for i, j in sets[engine] if i == j)
        print(f"{engine:>5}: {len(rows)} pairs ({right} are the true translation) in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    a, b = sets["local"], sets["ray"]
    print(f"Jaccard(ray, local) on {args.lines} x {args.lines} UN lines = "
          f"{len(a & b) / max(1, len(a | b)):.4f}")


def part_overhead(args) -> None:
    folder = make_side_files(args.lines)
    r = {e: in_fresh_process(folder, e, args.workers) for e in ("local", "ray")}
    for e, x in r.items():
        print(f"mining {args.lines:,} x {args.lines:,} vectors, {e:>5}: {x['seconds']:.1f} s "
              f"(engine start {x['startup']:.1f} s)", flush=True)
    print(f"Jaccard(ray, local) = {jaccard(r['ray']['pairs_file'], r['local']['pairs_file']):.4f}")
    if args.embed_json:
        e = json.loads(Path(args.embed_json).read_text())
        n = 2 * args.lines
        local = n / e["local_rate"] + r["local"]["seconds"]
        ray = e["ray_fixed"] + n / e["ray_rate"] + (r["ray"]["seconds"] - r["ray"]["startup"])
        print(f"end to end at {args.lines:,} lines a side: local {local:.0f} s = {n} / "
              f"{e['local_rate']:.1f} + {r['local']['seconds']:.0f}; ray {ray:.0f} s = "
              f"{e['ray_fixed']:.0f} + {n} / {e['ray_rate']:.1f} + "
              f"{r['ray']['seconds'] - r['ray']['startup']:.0f}; overhead {100 * (ray / local - 1):+.0f}%")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="part", required=True)
    p = sub.add_parser("mine")
    p.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    p.add_argument("--engines", nargs="+", default=["local", "ray"])
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("embed")
    p.add_argument("--lines", type=int, default=600)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("jaccard")
    p.add_argument("--lines", type=int, default=3000)
    p.add_argument("--no-cache", action="store_true", help="embed again instead of using the embedding cache")
    p = sub.add_parser("overhead")
    p.add_argument("--lines", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--embed-json", help="JSON with local_rate, ray_rate, ray_fixed from the embed part")
    args = ap.parse_args()
    print(f"# {command_line()}\n# {header()}", flush=True)
    {"mine": part_mine, "embed": part_embed, "jaccard": part_jaccard,
     "overhead": part_overhead}[args.part](args)
    print(f"# load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
