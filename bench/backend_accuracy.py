"""Accuracy of every encoder backend against torch fp32: Tatoeba P@1 and UN mining F1.

For each engine (backend + precision) available on this machine: Tatoeba
ara-eng and fra-eng P@1 (both directions averaged, product retrieval =
``aligner mine --threshold none``), UN dev mining F1 (report documents,
product default threshold), and the cosine of every embedded sentence to
the torch fp32 vector. Differences are in points (1 point = 0.01).

    .venv/bin/python bench/backend_accuracy.py                  # every backend
    .venv/bin/python bench/backend_accuracy.py --engines torch-fp32,int8-bf16

Embeddings go through the product encoder with its disk cache (keyed by
engine), so a second run is quick. Needs ../shared/data (tatoeba, un-devset).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time

import numpy as np

from _common import TATOEBA, command_line, load_un, machine, markdown_table, need_data, read

from aligner.settings import SETTINGS

ENGINES = ["torch-fp32", "torch-bf16", "openvino-fp32", "openvino-bf16", "int8-fp32", "int8-bf16"]


def engines_here() -> list[str]:
    from aligner.embed.hardware import bf16_support, openvino_support

    out = ["torch-fp32"]
    bf16 = bf16_support().ok
    if bf16:
        out.append("torch-bf16")
    if openvino_support().ok:
        out += ["openvino-fp32"] + (["openvino-bf16"] if bf16 else []) + ["int8-fp32"]
        out += ["int8-bf16"] if bf16 else []
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engines", help=f"comma-separated, from {','.join(ENGINES)} (default: all available here)")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.path.insert(0, os.path.dirname(__file__))
    from tatoeba import both_ways
    from un_mining import mine_task

    from _common import prf
    from aligner.embed.st_encoder import SentenceTransformerEncoder

    engines = args.engines.split(",") if args.engines else engines_here()
    if engines[0] != "torch-fp32":
        engines = ["torch-fp32"] + [e for e in engines if e != "torch-fp32"]
    need_data(TATOEBA)
    tat = {lang: (read(TATOEBA / f"tatoeba.{lang}-eng.{lang}"), read(TATOEBA / f"tatoeba.{lang}-eng.eng"))
           for lang in ("ara", "fra")}
    un = load_un()
    results = {}
    for engine in engines:
        backend, dtype = engine.split("-")
        enc = SentenceTransformerEncoder(backend=backend, dtype=dtype)
        if enc.backend != backend:
            print(f"skip {engine}: {enc.backend_reason}", file=sys.stderr)
            continue
        seen: list[np.ndarray] = []
        t0 = time.perf_counter()

        def embed(texts, enc=enc, seen=seen):
            x = enc.encode(texts)
            seen.append(x)
            return x

        row = {}
        for lang, (xx, en) in tat.items():
            a, b = both_ways(embed(xx), embed(en), xx, en, SETTINGS)
            row[f"tat_{lang}"] = (a + b) / 2
        for lang in ("fr", "ar"):
            task, pairs = mine_task(un, un.test, lang, embed, SETTINGS, SETTINGS.mine_threshold)
            row[f"un_{lang}"] = prf(pairs, task.gold)[2]
        row["vectors"] = np.vstack(seen)
        row["seconds"] = time.perf_counter() - t0
        results[engine] = row
        print(f"{engine}: done in {row['seconds']:.0f} s", file=sys.stderr, flush=True)

    ref = results["torch-fp32"]
    keys = ["tat_ara", "tat_fra", "un_fr", "un_ar"]
    rows = []
    for engine, r in results.items():
        cos = (r["vectors"] * ref["vectors"]).sum(axis=1)
        deltas = [100 * (r[k] - ref[k]) for k in keys]
        rows.append([engine, *[f"{r[k]:.4f}" for k in keys], f"{min(deltas):+.2f}", f"{max(deltas):+.2f}",
                     f"{cos.min():.4f}", f"{cos.mean():.5f}"])
    from aligner.embed.hardware import cpu_flags

    flags = " ".join(sorted(f for f in cpu_flags() if f.startswith(("amx", "avx512_bf16", "avx512_vnni",
                                                                      "avx_vnni", "avx2"))))
    n = len(ref["vectors"])
    print(f"## Accuracy per backend vs torch fp32 (CPU flags: {flags})\n")
    print(markdown_table(["engine", "Tatoeba ara P@1", "Tatoeba fra P@1", "UN mining F1 fr", "UN mining F1 ar",
                          "worst Δ (points)", "best Δ", f"cos to fp32 min ({n} sentences)", "mean"], rows))
    print(f"\nTatoeba: P@1 averaged over both directions, product retrieval defaults; UN: report documents, "
          f"threshold {SETTINGS.mine_threshold}.")
    print(f"machine: {machine()}; date: {datetime.date.today().isoformat()}")
    print(f"command: `{command_line()}`")


if __name__ == "__main__":
    main()
