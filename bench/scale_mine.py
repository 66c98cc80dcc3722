"""Scaling of `aligner mine`: time and peak memory, local engine and Ray.

Real 200k-line parallel corpora are not available here, and embedding
400,000 lines on 2 shared cores takes hours, so the costs are measured apart:

* ``mine``: `aligner mine` (the CLI, in a fresh process) at 50k / 100k /
  200k lines a side, local and Ray, with the embedding already done: the
  work folder holds finished shards (``--work-dir W --resume``), so the run
  plans the inputs (reading every line), checks the shards, mines, and
  writes the TSV, all as a user's resumed run does. The shard vectors are a
  stand-in built from real embeddings: every source row mixes the English
  embeddings of two random UN dev lines plus noise, re-normalised; half
  the target rows are the French mixes of the same two lines (own noise):
  "translations"; the other half mix other random pairs (see
  make_side_files). Texts are the two UN lines joined (real text for the
  number check and the output). Memory is sampled every 0.5 s over the CLI
  process and all its descendants (Ray's GCS, raylet, workers): see
  :class:`TreeMemory` for what is counted.
* ``overhead``: `aligner mine` end to end (embedding included) on N x N real
  en-fr lines, --engine local then --engine ray, same input and the same
  embedding-cache state (off for both, or on for both with --cache); prints
  both times, the overhead, CPU flags and load average.
* ``embed``: sentences per second of the real model (no embedding cache)
  through the engine path, local and Ray (2 actors), on UN dev lines.
* ``jaccard``: `aligner mine` on N x N UN dev lines (en, fr) with --engine
  local and --engine ray; Jaccard of the two pair sets.
* ``pqspeed``: CPU per query of one IVF-PQ index shard (PQ only, and with
  exact re-ranking) on the centred vectors a ``mine`` run left behind.
* ``recall``: IVF and IVF-PQ (the index past the memory budget) against
  exact search on the real en-fr lines of ../shared/data.

Usage:
    .venv/bin/python bench/scale_mine.py mine --sizes 50000 100000 200000 --engines local ray
    .venv/bin/python bench/scale_mine.py overhead --lines 20000
    .venv/bin/python bench/scale_mine.py embed --lines 600
    .venv/bin/python bench/scale_mine.py jaccard --lines 3000
    .venv/bin/python bench/scale_mine.py recall --nprobe 16 32 64
"""

from __future__ import annotations

import argparse
import os
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

class TreeMemory:
    """Samples the memory of a process and all its descendants (the CLI, and for Ray the
    GCS, raylet, workers and actors it starts) every ``period`` seconds.

    peak_pss: the largest sum of PSS (proportional set size: a page shared by k processes
    counts 1/k in each, so the sum is the memory they take together; Ray's object store
    is shared memory); peak_rss: the largest sum of RSS (shared pages counted once per
    process: an upper bound); driver_hwm: the CLI process's own peak RSS (VmHWM);
    processes: the most processes seen at once.
    """

    def __init__(self, pid: int, period: float = 0.5):
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.period = period
        self.peak_pss = self.peak_rss = self.driver_hwm = self.processes = 0
        self.peak_anon = 0  # largest sum of RssAnon + RssShmem: resident memory that is not a file's pages
        self.at_peak: list[tuple[str, int]] = []  # (process, PSS) at the sample of peak_pss
        self.cpu: dict[int, float] = {}  # last user + system CPU seconds seen of each process
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except self.psutil.NoSuchProcess:
            return
        pss = rss = anon = 0
        each = []
        for p in procs:
            try:
                m = p.memory_full_info()
                pss += m.pss
                rss += m.rss
                each.append((p.name(), m.pss))
                c = p.cpu_times()
                self.cpu[p.pid] = c.user + c.system
                for line in Path(f"/proc/{p.pid}/status").read_text().splitlines():
                    if line.startswith(("RssAnon:", "RssShmem:")):
                        anon += int(line.split()[1]) * 1024
            except (self.psutil.NoSuchProcess, self.psutil.AccessDenied, ProcessLookupError,
                    FileNotFoundError):
                pass
        if pss > self.peak_pss:
            self.at_peak = sorted(each, key=lambda x: -x[1])
        self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)
        self.peak_anon = max(self.peak_anon, anon)
        self.processes = max(self.processes, len(procs))
        try:
            for line in Path(f"/proc/{self.root.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    self.driver_hwm = max(self.driver_hwm, int(line.split()[1]) * 1024)
        except OSError:
            pass

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.period)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def cli(args: list[str], env: dict | None = None) -> dict:
    """Run `aligner ARGS` in a fresh process; its time and memory (:class:`TreeMemory`)."""
    cmd = [sys.executable, "-c", "from aligner.cli import entry; entry()", *args]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    import resource

    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as mem:
        _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU of the CLI and what it reaped; Ray's processes are not all reaped by it, so the
    # larger of that and the sum of each process's last sampled CPU time (0.5 s samples)
    reaped = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu = max(reaped, sum(mem.cpu.values()))
    if proc.returncode != 0:
        raise SystemExit(f"aligner {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    return {"seconds": seconds, "cpu": cpu, "peak_pss": mem.peak_pss, "peak_rss": mem.peak_rss,
            "peak_anon": mem.peak_anon, "at_peak": mem.at_peak,
            "driver_hwm": mem.driver_hwm, "processes": mem.processes, "load_start": load,
            "load_end": os.getloadavg()[0], "stderr": err}


def product_key(settings) -> str:
    """The work-folder key `aligner mine` computes for the default encoder."""
    from aligner.embed import get_encoder
    from aligner.engine.embedding import encoder_key

    return encoder_key(get_encoder(None, settings=settings))


def premade_shards(txt: Path, npy: Path, work_side: Path, settings, key: str) -> None:
    """Write ``npy``'s rows as the finished shards of ``txt`` in ``work_side``, as
    `aligner mine --work-dir` leaves them: a --resume run then embeds nothing."""
    import shutil

    from aligner.engine.shards import ShardStore, plan_side

    shutil.rmtree(work_side, ignore_errors=True)
    side, shards, failures, _ = plan_side([txt], shard_lines=settings.engine_shard_lines,
                                          skip_blank=True, max_bytes=settings.engine_max_file_bytes)
    assert not failures, failures
    store = ShardStore(work_side)
    store.open(key=key, files=side, shard_lines=settings.engine_shard_lines, resume=False)
    vecs = np.load(npy, mmap_mode="r")
    pos = 0
    for shard in shards:
        store.write(shard, np.asarray(vecs[pos:pos + shard.rows]))
        pos += shard.rows
    assert pos == len(vecs), (pos, len(vecs))


def tsv_pairs(path: Path) -> set[tuple[int, int]]:
    with open(path, encoding="utf-8") as fh:
        return {(int(r[1]), int(r[2])) for r in (line.split("\t", 3) for line in fh)}


def jaccard_sets(a: set, b: set) -> float:
    return len(a & b) / max(1, len(a | b))


GiB = 2 ** 30


def describe(r: dict) -> str:
    return (f"{r['seconds']:7.1f} s ({r.get('cpu', 0):.0f} CPU s); peak memory: CLI process "
            f"{r['driver_hwm'] / GiB:.2f} GiB, "
            f"all processes {r['peak_pss'] / GiB:.2f} GiB PSS ({r['peak_rss'] / GiB:.2f} GiB "
            f"RSS summed, {r['processes']} processes; {r['peak_anon'] / GiB:.2f} GiB not file pages); "
            f"load {r['load_start']:.1f} -> {r['load_end']:.1f}")


# ------------------------------------------------------------------ the parts

def index_plan(n: int, settings, engine: str, args) -> str:
    """How `aligner mine` indexes a side of n stand-in rows (384 dims) with these options."""
    from dataclasses import replace

    from aligner.embed.hardware import available_cpus
    from aligner.engine.mining import plan_index

    s = replace(settings, **({} if args.budget_mb is None else {"mine_memory_budget_mb": args.budget_mb}),
                **({} if args.shard_rows is None else {"mine_index_shard_rows": args.shard_rows}))
    budget = s.mine_memory_budget_mb // (available_cpus() if engine == "ray" else 1)
    plan = plan_index(n, 384, s, budget_mb=max(1, budget))
    if plan.whole:
        kind = "flat" if n <= s.ivf_threshold else s.index_kind
        return f"one {kind} index ({n * 384 * 4 / 2 ** 20:.0f} MiB), budget {budget} MiB"
    rows = max(b - a for a, b in plan.shards)
    return (f"IVF-PQ nlist {plan.nlist}, PQ{plan.m}x{plan.nbits}, trained on {plan.sample:,} rows, "
            f"{len(plan.shards)} shard(s) of up to {rows:,} keys, budget {budget} MiB")


def part_mine(args) -> list[dict]:
    """`aligner mine` (the CLI, end to end but for embedding) at each size and engine."""
    from aligner.settings import Settings

    s = Settings.from_env()
    key = product_key(s)
    rows = []
    for n in args.sizes:
        folder = make_side_files(n)
        outs = {}
        env = {}
        if args.budget_mb is not None:
            env["ALIGNER_MINE_MEMORY_BUDGET_MB"] = str(args.budget_mb)
        if args.shard_rows is not None:
            env["ALIGNER_MINE_INDEX_SHARD_ROWS"] = str(args.shard_rows)
        tag = ("" if args.budget_mb is None else f"-budget{args.budget_mb}") + (
            "" if args.shard_rows is None else f"-shard{args.shard_rows}")
        for engine in args.engines:
            work = WORK / f"cli-{engine}-{n}{tag}"
            for side in ("src", "tgt"):
                premade_shards(folder / f"{side}.txt", folder / f"{side}.npy", work / side, s, key)
            out = WORK / f"cli-{engine}-{n}{tag}.tsv"
            extra = ["--workers", str(args.workers)] if engine == "ray" and args.workers else []
            r = cli(["mine", str(folder / "src.txt"), str(folder / "tgt.txt"), "-o", str(out),
                     "--engine", engine, "--work-dir", str(work), "--resume", *extra], env=env)
            r.update(engine=engine, n=n, pairs=len(tsv_pairs(out)))
            outs[engine] = out
            rows.append(r)
            print(f"n={n:>7,} {engine:>5}: {describe(r)}; {r['pairs']:,} pairs", flush=True)
            print("    at the peak (PSS MiB): " + ", ".join(
                f"{name} {pss / 2 ** 20:.0f}" for name, pss in r["at_peak"][:12]), flush=True)
            print(f"    index of each side: {index_plan(n, s, engine, args)}", flush=True)
        if "local" in outs and "ray" in outs:
            print(f"n={n:>7,} Jaccard(ray, local) = "
                  f"{jaccard_sets(tsv_pairs(outs['ray']), tsv_pairs(outs['local'])):.4f}", flush=True)
    return rows


def _embed_run(engine: str, lines: list[str], shard_lines: int, workers: int) -> dict:
    from aligner.engine import EncoderSpec, open_engine
    from aligner.engine.embedding import embed_side, encoder_key

    folder = WORK / f"embed-{engine}"
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    f = folder / "in.txt"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    with open_engine(engine, workers=workers) as eng:
        t_start = time.perf_counter() - t0
        spec = EncoderSpec(cache=False)
        side = embed_side(eng, [f], folder / "w", spec, key=encoder_key(spec()),
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


def overhead_inputs(n: int) -> tuple[Path, Path]:
    """``n`` English and ``n`` French lines: the real parallel lines of ../shared/data
    (:func:`real_parallel`, 15,013 of them), then the same again with " (2)", " (3)"...
    appended, as many times as needed."""
    en, fr = real_parallel()
    folder = WORK / f"overhead-{n}"
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in (("src.txt", en), ("tgt.txt", fr)):
        rows = [lines[k % len(lines)] + ("" if k < len(lines) else f" ({k // len(lines) + 1})")
                for k in range(n)]
        (folder / name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / "src.txt", folder / "tgt.txt"


def part_overhead(args) -> None:
    """`aligner mine` end to end on N x N lines, --engine local then --engine ray, same
    input, same embedding-cache state (off for both unless --cache)."""
    import shutil

    src, tgt = overhead_inputs(args.lines)
    env = {"ALIGNER_EMBED_CACHE": "1" if args.cache else "0"}
    print(f"# {args.lines:,} x {args.lines:,} lines ({src}, {tgt}); embedding cache "
          f"{'on (both engines read cached vectors)' if args.cache else 'off (both engines embed every line)'}",
          flush=True)
    results, outs = {}, {}
    for engine in ("local", "ray"):
        work = WORK / f"overhead-work-{engine}"
        shutil.rmtree(work, ignore_errors=True)
        outs[engine] = WORK / f"overhead-{engine}-{args.lines}.tsv"
        extra = ["--workers", str(args.workers)] if engine == "ray" and args.workers else []
        r = cli(["mine", str(src), str(tgt), "-o", str(outs[engine]), "--engine", engine,
                 "--work-dir", str(work), *extra], env=env)
        results[engine] = r
        print(f"{engine:>5}: {describe(r)}", flush=True)
        print("       at the peak (PSS MiB): " + ", ".join(
            f"{name} {pss / 2 ** 20:.0f}" for name, pss in r["at_peak"][:14]), flush=True)
        for line in r["stderr"].splitlines():
            if line.startswith("embedded"):
                print(f"       {line}")
    local, ray = results["local"]["seconds"], results["ray"]["seconds"]
    print(f"Ray overhead at {args.lines:,} lines a side: {100 * (ray / local - 1):+.1f}% "
          f"(ray {ray:.1f} s / local {local:.1f} s; target: at most +30%); "
          f"Jaccard(ray, local) = {jaccard_sets(tsv_pairs(outs['ray']), tsv_pairs(outs['local'])):.4f}")


# ------------------------------------------------------------- IVF-PQ recall

NEWS = ROOT.parent / "shared" / "data" / "news-quotes"
TATOEBA_FR = ROOT.parent / "shared" / "data" / "tatoeba"


def real_parallel() -> tuple[list[str], list[str]]:
    """Every en-fr parallel line of ../shared/data: UN dev, WMT newstest 2012-2014, FLORES
    devtest, Tatoeba fra-eng (line i of one side translates line i of the other)."""
    need_data(UN)
    pairs = [(UN / "UNv1.0.devset.en", UN / "UNv1.0.devset.fr")]
    for year in (2012, 2013, 2014):
        d = NEWS / f"wmt-newstest{year}-enfr"
        pairs.append((d / "eng.txt", d / "fra.txt"))
    pairs.append((NEWS / "flores-devtest" / "eng.txt", NEWS / "flores-devtest" / "fra.txt"))
    pairs.append((TATOEBA_FR / "tatoeba.fra-eng.eng", TATOEBA_FR / "tatoeba.fra-eng.fra"))
    en: list[str] = []
    fr: list[str] = []
    seen: set[str] = set()
    for a, b in pairs:
        if not a.exists():
            continue
        for x, y in zip(read(a), read(b)):
            if x.strip() and y.strip() and x not in seen:
                seen.add(x)
                en.append(x)
                fr.append(y)
    return en, fr


def real_vectors(limit: int | None) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Product-encoder embeddings of :func:`real_parallel` (the encoder's own cache makes
    a second run free)."""
    from aligner.embed import get_encoder

    en, fr = real_parallel()
    if limit:
        en, fr = en[:limit], fr[:limit]
    enc = get_encoder()
    t0 = time.perf_counter()
    e, f = enc.encode(en), enc.encode(fr)
    print(f"# embedded {len(en):,} + {len(fr):,} lines in {time.perf_counter() - t0:.0f} s "
          f"({enc.name}, backend {getattr(enc, 'backend', '?')}; cache on)", flush=True)
    return e, f, en, fr


def part_recall(args) -> None:
    """Pairs and neighbours of IVF and IVF-PQ against exact (flat) search on real vectors."""
    from dataclasses import replace

    from aligner.engine.local import LocalEngine
    from aligner.engine.mining import NpyRows, mine_rows
    from aligner.settings import Settings

    e, f, en, fr = real_vectors(args.limit)
    n = len(e)
    base = replace(Settings.from_env(), ivf_threshold=10 ** 9)
    runs = [("flat (exact)", base)]
    for nprobe in args.nprobe:
        runs.append((f"IVF-Flat, nprobe {nprobe}", replace(base, ivf_threshold=1000,
                                                            mine_nprobe=nprobe)))
    for nprobe in args.nprobe:
        runs.append((f"IVF-PQ, nprobe {nprobe}", replace(base, mine_memory_budget_mb=0,
                                                          mine_nprobe=nprobe)))
    results = {}
    for label, s in runs:
        work = WORK / f"recall-{label.split(',')[0].split()[0]}-{s.mine_nprobe}"
        t0 = time.perf_counter()
        rows = mine_rows(e, f, en, fr, engine=LocalEngine(), work=work, settings=s)
        secs = time.perf_counter() - t0
        nn = NpyRows(work / "fwd.ids.npy")[0:n][:, 0]
        _, src_rows, tgt_rows = rows.load()
        results[label] = (set(zip(src_rows.tolist(), tgt_rows.tolist())), nn, secs)
    exact_pairs, exact_nn, _ = results["flat (exact)"]
    print(f"\n{n:,} x {n:,} real en-fr lines; nlist = {max(1, min(int(4 * n ** 0.5), n // 39))}; "
          f"default mine_nprobe {base.mine_nprobe}, PQ refine x{base.mine_pq_refine}\n")
    print("| search | time s | pairs | true translations | pair overlap with exact (Jaccard) "
          "| exact pairs found | nearest neighbour = exact's |")
    print("|---|---|---|---|---|---|---|")
    for label, (pairs, nn, secs) in results.items():
        true = sum(1 for i, j in pairs if i == j)
        jac = len(pairs & exact_pairs) / max(1, len(pairs | exact_pairs))
        found = len(pairs & exact_pairs) / max(1, len(exact_pairs))
        print(f"| {label} | {secs:.1f} | {len(pairs):,} | {true:,} ({true / max(1, len(pairs)):.1%}) "
              f"| {jac:.4f} | {found:.4f} | {float((nn == exact_nn).mean()):.4f} |", flush=True)


def part_pqspeed(args) -> None:
    """CPU per query of one IVF-PQ index shard, without and with exact re-ranking, on the
    centred vectors a `mine` run left in its work folder (input of docs/scaling.md)."""
    from dataclasses import replace

    from aligner.engine.mining import NpyRows, index_shards, plan_index, search_block
    from aligner.search import set_threads
    from aligner.settings import Settings

    set_threads(1)
    keys = NpyRows(Path(args.work) / "mine" / "tgt.centred.npy")
    queries = NpyRows(Path(args.work) / "mine" / "src.centred.npy")[0:args.queries]
    base = Settings.from_env()
    s = replace(base, mine_index_shard_rows=args.shard_rows, ivf_nprobe=base.mine_nprobe)
    plan = plan_index(*keys.shape, s, budget_mb=args.budget_mb)
    a, b, build = index_shards(keys, s, s.search_block_rows, budget_mb=args.budget_mb)[0]
    index, _ = build()
    scanned = s.ivf_nprobe / plan.nlist * (b - a)
    print(f"{len(keys):,} keys, nlist {plan.nlist}, {len(plan.shards)} shard(s), first of "
          f"{b - a:,} keys, nprobe {s.ivf_nprobe}, ~{scanned:,.0f} codes scanned a query")
    for label, rerank in (("PQ only", None), (f"PQ + exact re-rank of {16 * s.mine_pq_refine}", keys)):
        t0 = time.process_time()
        search_block(index, queries, 16, rerank, s.mine_pq_refine)
        cpu = time.process_time() - t0
        print(f"{label}: {1000 * cpu / len(queries):.2f} ms CPU a query (1 thread), "
              f"{1e9 * cpu / len(queries) / scanned:.1f} ns a scanned code", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="part", required=True)
    p = sub.add_parser("mine")
    p.add_argument("--sizes", type=int, nargs="+", default=[50_000, 100_000, 200_000])
    p.add_argument("--engines", nargs="+", default=["local", "ray"])
    p.add_argument("--workers", type=int, default=None,
                   help="Ray embedding actors (default: the engine's; nothing is embedded here)")
    p.add_argument("--budget-mb", type=int, default=None,
                   help="mine_memory_budget_mb for the runs (e.g. 16: IVF-PQ at every size)")
    p.add_argument("--shard-rows", type=int, default=None,
                   help="mine_index_shard_rows for the runs (most keys per index shard)")
    p = sub.add_parser("embed")
    p.add_argument("--lines", type=int, default=600)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("jaccard")
    p.add_argument("--lines", type=int, default=3000)
    p.add_argument("--no-cache", action="store_true", help="embed again instead of using the embedding cache")
    p = sub.add_parser("overhead")
    p.add_argument("--lines", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=None,
                   help="Ray embedding actors (default: the engine's, one per machine)")
    p.add_argument("--cache", action="store_true",
                   help="both engines read the embedding cache (default: off for both)")
    p = sub.add_parser("recall")
    p.add_argument("--limit", type=int, default=None, help="first N parallel lines only")
    p.add_argument("--nprobe", type=int, nargs="+", default=[16, 32, 64])
    p = sub.add_parser("pqspeed")
    p.add_argument("--work", required=True, help="work folder of a `mine` run (e.g. "
                   "$ALIGNER_SCALE_DIR/cli-local-500000-budget256-shard200000)")
    p.add_argument("--budget-mb", type=int, default=256)
    p.add_argument("--shard-rows", type=int, default=200_000)
    p.add_argument("--queries", type=int, default=4096)
    args = ap.parse_args()
    print(f"# {command_line()}\n# {header()}", flush=True)
    {"mine": part_mine, "embed": part_embed, "jaccard": part_jaccard,
     "overhead": part_overhead, "recall": part_recall, "pqspeed": part_pqspeed}[args.part](args)
    print(f"# load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
