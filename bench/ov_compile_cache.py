"""What OpenVINO's compile cache buys, and what it costs on disk.

Loads the encoder's OpenVINO build (built once per machine, as the product
does) and, for each graph the product compiles (the int8 sentence graph; the
fp graph cut at ``word_align_layer`` for token vectors), times in fresh
subprocesses:

- ``no cache``: compiling with the cache off (``ov_cache_mb=0``);
- ``cache, first``: compiling into an empty cache (the blob is written);
- ``cache, later``: compiling again, the blob read back;

and reports the blob's size. The product caches the sentence graph only
(``Settings.ov_cache_mb``): the token-state graph compiles in well under a
second, so its blob is not worth the disk. Each timing is the median of ``--repeat``
runs; the OS file cache is warm after the first of them.

    .venv/bin/python bench/ov_compile_cache.py            # 3 runs each
    .venv/bin/python bench/ov_compile_cache.py --repeat 5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine  # noqa: E402

CHILD = r"""
import json, sys, time
from pathlib import Path
import openvino  # noqa: F401 - imported before the clock starts
from aligner.embed import ov_cache
from aligner.embed.ov_runner import OpenVINORunner, default_threads
from aligner.embed.ov_tokens import OpenVINOTokenStates
from aligner.settings import SETTINGS
root = Path(sys.argv[1]); build = Path(sys.argv[2]); what = sys.argv[3]; cache_mb = int(sys.argv[4])
precision = "bf16" if "--bf16" in sys.argv else "fp32"
ov_cache.cache_folder = lambda: root
if what == "sentences":
    t = time.perf_counter()
    OpenVINORunner(build, "int8", precision, threads=default_threads(), max_seq_length=256, cache_mb=cache_mb)
else:
    states = OpenVINOTokenStates(build, SETTINGS.word_align_layer, graph="openvino", precision=precision,
                                 threads=default_threads(), cache_mb=cache_mb)
    states._tok = states._load_tokenizer()  # the tokenizer's load is not the compile's
    t = time.perf_counter()
    states._compile()
print(json.dumps({"seconds": time.perf_counter() - t}))
"""


def _run(root: Path, build: Path, what: str, cache_mb: int, bf16: bool) -> float:
    cmd = [sys.executable, "-c", CHILD, str(root), str(build), what, str(cache_mb)] + (["--bf16"] if bf16 else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from aligner.embed.hardware import cpu_flags
    from aligner.embed.ov_cache import cache_size
    from aligner.embed.st_encoder import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(cache=False, backend="int8")
    enc.encode(["warm up"])
    build = enc._ov_dir
    bf16 = enc.dtype == "bf16"
    flags = " ".join(sorted(f for f in cpu_flags() if f.startswith(("amx", "avx512_bf16", "avx512_vnni", "avx2"))))
    print(f"machine: {machine()}; CPU flags: {flags}; non-int8 maths in {'bf16' if bf16 else 'fp32'}")
    print(f"{'graph':<28} {'no cache':>9} {'cache, first':>13} {'cache, later':>13} {'blob MB':>8}")
    for what, label in (("sentences", "int8 sentence runner *"), ("tokens", "fp graph cut (token states)")):
        off, first, later, sizes = [], [], [], []
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory(prefix="ovc-bench-") as tmp:
                root = Path(tmp) / "openvino-cache"
                off.append(_run(root, build, what, 0, bf16))
                first.append(_run(root, build, what, 4096, bf16))
                later.append(_run(root, build, what, 4096, bf16))
                sizes.append(cache_size(root) / 2**20)
        med = statistics.median
        print(f"{label:<28} {med(off):>8.2f}s {med(first):>12.2f}s {med(later):>12.2f}s {med(sizes):>8.0f}")
    print("* the runner's load: its tokenizer, then the compile")


if __name__ == "__main__":
    main()
