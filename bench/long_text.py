"""Time and memory of ``aligner align`` against article size: one paragraph, no breaks.

Issue 15: a 300 KB article without paragraph breaks took 202 s and a 15 MB
line did not finish, because pysbd's abbreviation pass and lingua cost time
quadratic in the paragraph length. Sentence splitting and language ID now
work on bounded windows (``aligner/text/sentences.py`` WINDOW_CHARS,
``aligner/text/langid.py`` SAMPLE_CHARS), so text time should be linear.

Each size is a fresh ``aligner align LONG.txt FR.txt -f jsonl -o OUT`` process
(an English article built from the body paragraphs of ``seeds/en`` repeated
into one line, plus a French seed article as a translation target). Reported:
CPU time (user + system) of the process and per MB (what to read on a shared,
loaded machine), wall time, peak memory (max RSS of the process).

    python bench/long_text.py                       # 0.1 0.3 1 3 10 MB, hashing encoder
    python bench/long_text.py --sizes 0.1 1 --encoder model

``--encoder hash`` (default) replaces the model by a deterministic word-hashing
encoder so the figures show the text pipeline (reading, sentences, language,
quotes, speakers) and the alignment, not the model's speed (see
``bench/throughput.py`` for that); ``--encoder model`` uses the default model.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DRIVER = r"""
import sys, zlib
import numpy as np
from aligner.cli import align_cmd, main

class HashEncoder:
    name = "hash-256"; dtype = "float32"; dim = 256
    def encode(self, texts, progress=None, **kw):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            for w in t.casefold().split():
                h = zlib.crc32(w.encode("utf-8", "replace"))
                out[i, h % self.dim] += 1.0 if (h >> 16) & 1 else -1.0
        n = np.linalg.norm(out, axis=1, keepdims=True)
        n[n == 0] = 1.0
        if progress:
            progress(len(texts), len(texts))
        return out / n

if sys.argv[1] == "hash":
    align_cmd._encoder_factory = lambda model, *a, **k: HashEncoder()
sys.exit(main(sys.argv[2:]))
"""


def cpu_flags() -> str:
    try:
        flags = set(re.search(r"^flags\s*:\s*(.*)$", Path("/proc/cpuinfo").read_text(), re.M).group(1).split())
    except (OSError, AttributeError):
        return "unknown"
    return " ".join(f for f in ("avx512_bf16", "amx_bf16", "amx_tile", "avx512_vnni", "avx2") if f in flags) or "none"


def build_article(size_bytes: int) -> str:
    paras = []
    for p in sorted((ROOT / "seeds" / "en").glob("*.txt")):
        paras += [x.strip() for x in p.read_text(encoding="utf-8").split("\n") if len(x.strip()) > 120]
    base = " ".join(paras) + " "
    body = (base * (size_bytes // len(base.encode("utf-8")) + 1))
    body = body.encode("utf-8")[:size_bytes].decode("utf-8", "ignore")
    body = body[: body.rfind(" ")]
    return "A long article\n\n" + body + "\n"


def run_one(mb: float, encoder: str, work: Path) -> dict:
    art = work / f"long_{mb}MB.txt"
    art.write_text(build_article(int(mb * 1_000_000)), encoding="utf-8")
    fr = sorted((ROOT / "seeds" / "fr").glob("*.txt"))[0]
    out = work / "out.jsonl"
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    before = ru0.ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", DRIVER, encoder, "align", str(art), str(fr), "-f", "jsonl",
                           "-o", str(out), "--min-score", "0"], capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = ru1.ru_maxrss  # KiB, max over children so far
    cpu = (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"{mb} MB: exit {proc.returncode}\n{proc.stderr[-2000:]}")
    stats = proc.stderr.strip().splitlines()[-1]
    return {"mb": mb, "bytes": art.stat().st_size, "wall": wall, "cpu": cpu, "rss_mib": rss / 1024,
            "rss_note": "" if rss > before else " (≤ earlier run)", "stats": stats,
            "matches": sum(1 for _ in out.open(encoding="utf-8"))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=float, nargs="+", default=[0.1, 0.3, 1, 3, 10], help="article sizes in MB")
    ap.add_argument("--encoder", choices=("hash", "model"), default="hash")
    args = ap.parse_args()
    load = os.getloadavg()
    print(f"# aligner align on one-paragraph articles ({args.encoder} encoder)\n")
    print(f"command: python bench/long_text.py --sizes {' '.join(map(str, args.sizes))} --encoder {args.encoder}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; CPU: {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} cores, flags: {cpu_flags()}; load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print("| size | CPU (s) | CPU s per MB | wall (s) | peak RSS (MiB) | matches | aligner's summary |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory(prefix="aligner-long-") as d:
        for mb in sorted(args.sizes):
            r = run_one(mb, args.encoder, Path(d))
            print(f"| {r['bytes'] / 1e6:.2f} MB | {r['cpu']:.1f} | {r['cpu'] / (r['bytes'] / 1e6):.1f} | "
                  f"{r['wall']:.1f} | {r['rss_mib']:.0f}{r['rss_note']} | {r['matches']} | {r['stats']} |",
                  flush=True)
    load = os.getloadavg()
    print(f"\nload average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
