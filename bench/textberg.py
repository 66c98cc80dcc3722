"""Whole-text alignment on the Text+Berg German–French benchmark (``aligner.bitext``).

Data: ``../shared/data/textberg-defr`` (dev + test0–6, one sentence per line,
gold beads in ``*.defr`` lines like ``[0]:[0, 1]``). Tune on dev only
(``--split dev``); report the test files (``--split test``, the default).

Scores are computed the way the Bleualign / Vecalign / Bertalign papers do,
micro-averaged over the files of the split, with null beads (1-0 / 0-1)
left out on both sides:

* strict: a bead counts only if the same source and target sentence sets
  are a gold bead;
* lax: a hypothesis bead counts for precision if it shares at least one
  source and one target sentence with a gold bead; a gold bead counts for
  recall if some hypothesis bead shares a sentence on both sides with it.

Also ``--scaling``: times the whole pipeline (embeddings included) on
synthetic long texts made by concatenating the dev and test files
repeatedly (1,000 vs 10,000 sentences a side; 2,000 for the 60 s target).

Usage::

    .venv/bin/python bench/textberg.py                 # test table
    .venv/bin/python bench/textberg.py --split dev     # what tuning looks at
    .venv/bin/python bench/textberg.py --scaling 1000 2000 10000
"""

from __future__ import annotations

import argparse
import ast
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from _common import DATA, command_line, machine, markdown_table, need_data  # noqa: E402

from aligner.bitext import Bead, BitextParams, OverlapVecs, align_bitext, overlap_texts  # noqa: E402

TB = DATA / "textberg-defr"
TEST = [f"test{i}" for i in range(7)]


def read_gold(path: Path) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        s, t = line.split(":", 1)
        out.append((tuple(ast.literal_eval(s.strip())), tuple(ast.literal_eval(t.strip()))))
    return out


def counts(hyp, gold) -> dict[str, int]:
    """True positives and totals for strict and lax scoring (null beads excluded)."""
    hyp = [(tuple(s), tuple(t)) for s, t in hyp if s and t]
    gold = [(tuple(s), tuple(t)) for s, t in gold if s and t]
    gold_set = set(gold)
    strict_tp = sum(1 for b in hyp if b in gold_set)

    def overlaps(a, b) -> bool:
        return bool(set(a[0]) & set(b[0])) and bool(set(a[1]) & set(b[1]))

    lax_p = sum(1 for h in hyp if any(overlaps(h, g) for g in gold))
    lax_r = sum(1 for g in gold if any(overlaps(h, g) for h in hyp))
    return {"strict_tp": strict_tp, "lax_p": lax_p, "lax_r": lax_r, "hyp": len(hyp), "gold": len(gold)}


def prf(tp_p: int, tp_r: int, n_hyp: int, n_gold: int) -> tuple[float, float, float]:
    p = tp_p / n_hyp if n_hyp else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


class Embed:
    """Product encoder (with its on-disk cache); counts the seconds spent."""

    def __init__(self, model: str | None):
        from aligner.embed import get_encoder

        self.enc = get_encoder(model)
        self.seconds = 0.0

    def overlaps(self, sentences: list[str]) -> OverlapVecs:
        t0 = time.perf_counter()
        flat = self.enc.encode(overlap_texts(sentences))
        self.seconds += time.perf_counter() - t0
        return OverlapVecs.from_flat(flat, sentences)


def read_lines(path: Path) -> list[str]:
    return [s.strip() for s in path.read_text(encoding="utf-8").splitlines()]


def evaluate(names: list[str], embed: Embed, params: BitextParams, *, cache: dict | None = None):
    tot = {"strict_tp": 0, "lax_p": 0, "lax_r": 0, "hyp": 0, "gold": 0}
    n_sent, align_s = 0, 0.0
    per_file = []
    for name in names:
        key = name
        if cache is not None and key in cache:
            src, tgt = cache[key]
        else:
            de, fr = read_lines(TB / f"{name}.de"), read_lines(TB / f"{name}.fr")
            src, tgt = embed.overlaps(de), embed.overlaps(fr)
            if cache is not None:
                cache[key] = (src, tgt)
        t0 = time.perf_counter()
        beads = align_bitext(src, tgt, params)
        align_s += time.perf_counter() - t0
        c = counts([(b.src, b.tgt) for b in beads], read_gold(TB / f"{name}.defr"))
        per_file.append((name, c))
        for k in tot:
            tot[k] += c[k]
        n_sent += src.n + tgt.n
    return tot, per_file, n_sent, align_s


def report(split: str, model: str | None, params: BitextParams) -> None:
    names = ["dev"] if split == "dev" else TEST
    embed = Embed(model)
    t0 = time.perf_counter()
    tot, per_file, n_sent, align_s = evaluate(names, embed, params)
    wall = time.perf_counter() - t0
    sp, sr, sf = prf(tot["strict_tp"], tot["strict_tp"], tot["hyp"], tot["gold"])
    lp, lr, lf = prf(tot["lax_p"], tot["lax_r"], tot["hyp"], tot["gold"])
    rows = [[name, c["gold"], c["hyp"], *prf(c["strict_tp"], c["strict_tp"], c["hyp"], c["gold"])]
            for name, c in per_file]
    print(f"# Text+Berg de-fr, split {split} ({', '.join(names)}), model {embed.enc.name}\n")
    print(markdown_table(["file", "gold beads", "hyp beads", "strict P", "strict R", "strict F1"], rows))
    print()
    print(markdown_table(["", "P", "R", "F1"], [["strict", sp, sr, sf], ["lax", lp, lr, lf]]))
    per_k = 1000 * wall / (n_sent / 2)
    print(f"\n{n_sent} sentences (both sides), wall {wall:.1f} s incl. embeddings "
          f"({embed.seconds:.1f} s embedding, {align_s:.2f} s alignment); "
          f"{per_k:.1f} s per 1,000 sentences a side ({1000 * align_s / (n_sent / 2):.2f} s without embeddings)")
    _footer()


def _footer() -> None:
    flags = _cpu_flags()
    print(f"\nmachine: {machine()}; CPU flags: {flags}; load average: {os.getloadavg()}")
    print(f"command: {command_line()}")


def _cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "?"
    flags = set()
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    return " ".join(f for f in ("avx512_bf16", "amx_bf16", "amx_int8", "avx512_vnni", "avx512f") if f in flags) or "none of avx512/amx"


def scaling(sizes: list[int], model: str | None, params: BitextParams) -> None:
    """Synthetic long texts: dev + test files concatenated (repeated) to n sentences a side."""
    de_all, fr_all = [], []
    for name in ["dev", *TEST]:
        de_all += read_lines(TB / f"{name}.de")
        fr_all += read_lines(TB / f"{name}.fr")
    rows = []
    for n in sizes:
        reps = -(-n // min(len(de_all), len(fr_all)))
        de = (de_all * reps)[:n]
        fr = (fr_all * reps)[:n]
        embed = Embed(model)
        embed.enc.use_cache = False  # time the model, not the disk cache
        t0 = time.perf_counter()
        src, tgt = embed.overlaps(de), embed.overlaps(fr)
        t1 = time.perf_counter()
        beads = align_bitext(src, tgt, params)
        t2 = time.perf_counter()
        rows.append([n, len(beads), round(t1 - t0, 1), round(t2 - t1, 2), round(t2 - t0, 1)])
        print(f"n={n}: embed {t1 - t0:.1f} s, align {t2 - t1:.2f} s", file=sys.stderr, flush=True)
    print("# Synthetic scaling: Text+Berg dev+test files concatenated (and repeated) to n sentences a side\n")
    print(markdown_table(["sentences a side", "beads", "embedding s", "alignment s", "total s"], rows))
    _footer()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--model", default=None, help="sentence-transformers model (default: the bundled e5-small)")
    ap.add_argument("--scaling", type=int, nargs="*", help="time synthetic texts of these sizes instead")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a BitextParams field (tuning on dev)")
    args = ap.parse_args()
    need_data(TB)
    params = BitextParams()
    for kv in args.set:
        k, v = kv.split("=", 1)
        params = replace(params, **{k: type(getattr(params, k))(v)})
    if args.scaling:
        scaling(args.scaling, args.model, params)
    else:
        report(args.split, args.model, params)


if __name__ == "__main__":
    main()
