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

Also ``--speed N``: N real sentences a side (WMT newstest 2012 fr-en),
embeddings included and not cached (the 2,000-sentence target); and
``--scaling``: the alignment alone on synthetic embeddings (random vectors,
no model) of growing size, to show the cost grows linearly.

Usage::

    .venv/bin/python bench/textberg.py                 # test table
    .venv/bin/python bench/textberg.py --split dev     # what tuning looks at
    .venv/bin/python bench/textberg.py --split dev --halves --set decode=posterior --set posterior_temp=0.35
                                                       # ... with both halves of dev scored apart
    .venv/bin/python bench/textberg.py --speed 2000     # the default mode (--overlaps needed)
    .venv/bin/python bench/textberg.py --speed 2000 --overlaps all
    .venv/bin/python bench/textberg.py --scaling 1000 10000
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

from aligner.bitext import BitextParams, OverlapVecs, align_bitext  # noqa: E402
from aligner.settings import parse_as  # noqa: E402

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
        from aligner.settings import Settings

        self.enc = get_encoder(model, settings=Settings.from_env())  # ALIGNER_BACKEND etc. apply, as in the CLI
        self.seconds = 0.0


def read_lines(path: Path) -> list[str]:
    return [s.strip() for s in path.read_text(encoding="utf-8").splitlines()]


def evaluate(names: list[str], embed: Embed, params: BitextParams, *, overlaps: str = "needed",
             cut: int | None = None):
    """Align each file as ``aligner bitext`` does (:func:`aligner.bitext.align_texts`) and score it.

    With ``cut``, also the counts of each half: beads (hypothesis and gold)
    whose first source sentence is before ``cut``, and the others.
    """
    from aligner.bitext import align_texts

    tot = {"strict_tp": 0, "lax_p": 0, "lax_r": 0, "hyp": 0, "gold": 0}
    n_sent, texts = 0, [0]
    per_file = []
    halves = [{k: 0 for k in tot}, {k: 0 for k in tot}]
    scored: list[tuple[float, bool]] = []  # (score, strictly correct) of every pairing bead

    def encode(batch):
        t0 = time.perf_counter()
        out = embed.enc.encode(batch)
        embed.seconds += time.perf_counter() - t0
        texts[0] += len(batch)
        return out

    for name in names:
        de, fr = read_lines(TB / f"{name}.de"), read_lines(TB / f"{name}.fr")
        beads = align_texts(de, fr, encode, params, overlaps=overlaps)
        hyp, gold = [(b.src, b.tgt) for b in beads], read_gold(TB / f"{name}.defr")
        gold_set = {(tuple(s), tuple(t)) for s, t in gold}
        scored.extend((b.score, (b.src, b.tgt) in gold_set) for b in beads if not b.is_null)
        c = counts(hyp, gold)
        per_file.append((name, c))
        for k in tot:
            tot[k] += c[k]
        if cut is not None:
            for half, keep in zip(halves, (lambda s: s[0] < cut, lambda s: s[0] >= cut)):
                ch = counts([x for x in hyp if x[0] and keep(x[0])], [x for x in gold if x[0] and keep(x[0])])
                for k in half:
                    half[k] += ch[k]
        n_sent += len(de) + len(fr)
    return tot, per_file, n_sent, texts[0], (halves if cut is not None else None), scored


def auc(scored: list[tuple[float, bool]]) -> float:
    """Chance that a correct pairing bead scores above a wrong one (ties count half); nan without both."""
    pos = sorted(sc for sc, ok in scored if ok)
    neg = sorted(sc for sc, ok in scored if not ok)
    if not pos or not neg:
        return float("nan")
    import bisect

    wins = sum(bisect.bisect_left(neg, x) + 0.5 * (bisect.bisect_right(neg, x) - bisect.bisect_left(neg, x)) for x in pos)
    return wins / (len(pos) * len(neg))


def bands(scored: list[tuple[float, bool]]) -> list[list]:
    """Pairing beads per confidence band of the review colours, and the share strictly correct."""
    from aligner.review import confidence_band

    rows = []
    for band in ("high", "medium", "low"):
        oks = [ok for sc, ok in scored if confidence_band(sc) == band]
        rows.append([band, len(oks), sum(oks), sum(oks) / len(oks) if oks else float("nan")])
    return rows


def report(split: str, model: str | None, params: BitextParams, overlaps: str = "needed",
           cut: int | None = None) -> None:
    names = ["dev"] if split == "dev" else TEST
    embed = Embed(model)
    t0 = time.perf_counter()
    tot, per_file, n_sent, n_texts, halves, scored = evaluate(names, embed, params, overlaps=overlaps, cut=cut)
    wall = time.perf_counter() - t0
    align_s = wall - embed.seconds
    sp, sr, sf = prf(tot["strict_tp"], tot["strict_tp"], tot["hyp"], tot["gold"])
    lp, lr, lf = prf(tot["lax_p"], tot["lax_r"], tot["hyp"], tot["gold"])
    rows = [[name, c["gold"], c["hyp"], *prf(c["strict_tp"], c["strict_tp"], c["hyp"], c["gold"])]
            for name, c in per_file]
    print(f"# Text+Berg de-fr, split {split} ({', '.join(names)}), model {embed.enc.name}, overlaps={overlaps}\n")
    print(markdown_table(["file", "gold beads", "hyp beads", "strict P", "strict R", "strict F1"], rows))
    print()
    print(markdown_table(["", "P", "R", "F1"], [["strict", sp, sr, sf], ["lax", lp, lr, lf]]))
    if halves is not None:
        print(f"\nHalves (beads by first source sentence, before / from {cut}), strict:\n")
        labels = (f"src < {cut}", f"src >= {cut}")
        print(markdown_table(["half", "gold beads", "hyp beads", "P", "R", "F1"],
                             [[label, h["gold"], h["hyp"], *prf(h["strict_tp"], h["strict_tp"], h["hyp"], h["gold"])]
                              for label, h in zip(labels, halves)]))
    wrong = sum(1 for _, ok in scored if not ok)
    print(f"\nBead score ({params.bead_score}) as a confidence: AUC {auc(scored):.3f} (correct pairing beads "
          f"against the {wrong} wrong ones, strict)")
    print("\n" + markdown_table(["band (aligner.review)", "pairing beads", "strictly correct", "share"], bands(scored)))
    per_k = 1000 * wall / (n_sent / 2)
    print(f"\n{n_sent} sentences (both sides), {n_texts} texts sent to the encoder; wall {wall:.1f} s incl. embeddings "
          f"(read from the encoder's on-disk cache when these texts were embedded before; "
          f"--speed times the model) "
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


def speed(n: int, model: str | None, params: BitextParams, overlaps: str = "needed") -> None:
    """n sentences a side of real news (WMT newstest 2012 fr-en, line-aligned), embeddings not cached.

    Runs the product path (:func:`aligner.bitext.align_texts`, as ``aligner bitext``)
    with the given overlap mode; times the model calls and the alignment apart.
    """
    from aligner.bitext import align_texts

    base = DATA / "news-quotes" / "wmt-newstest2012-enfr"
    need_data(base)
    fr = read_lines(base / "fra.txt")[:n]
    en = read_lines(base / "eng.txt")[:n]
    embed = Embed(model)
    embed.enc.use_cache = False  # time the model, not the disk cache
    embed.enc.encode(["warm-up"])  # load (and compile) the model outside the timing
    texts, emb_wall = [0], [0.0]

    def encode(batch):
        t = time.perf_counter()
        out = embed.enc.encode(batch)
        emb_wall[0] += time.perf_counter() - t
        texts[0] += len(batch)
        return out

    load0 = os.getloadavg()
    t0 = time.perf_counter()
    c0 = time.process_time()
    beads = align_texts(fr, en, encode, params, overlaps=overlaps)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    one_one = sum(1 for b in beads if b.src == b.tgt and len(b.src) == 1)
    print(f"# {n} sentences a side (WMT newstest2012 fr-en, first {n} lines; gold is line-aligned), "
          f"overlaps={overlaps}\n")
    print(markdown_table(["sentences a side", "texts embedded", "embedding s", "alignment s", "total s",
                          "process CPU s", "beads equal to the gold 1-1 line pairs"],
                         [[n, texts[0], round(emb_wall[0], 1), round(wall - emb_wall[0], 2), round(wall, 1),
                           round(cpu, 1), f"{one_one}/{n}"]]))
    print(f"\nload average at the start {load0}")
    _footer()


def scaling(sizes: list[int], params: BitextParams, dim: int = 384, seed: int = 0) -> None:
    """Alignment time alone (anchors + DP) on synthetic embeddings, to show linear growth.

    Source sentence vectors are random unit vectors; the target is the source
    with noise, about 4% of sentences deleted and 4% inserted, and 5% merged
    pairs; overlap vectors are normalised sums. No model is involved.
    """
    import numpy as np

    rows = []
    for n in sizes:
        rng = np.random.default_rng(seed)
        base = rng.standard_normal((n, dim)).astype(np.float32)
        tv, k = [], 0
        while k < n:
            r = rng.random()
            if r < 0.04:
                k += 1  # deleted
                continue
            if r < 0.08:
                tv.append(rng.standard_normal(dim))  # inserted
                continue
            if r < 0.13 and k + 1 < n:
                tv.append(base[k] + base[k + 1])
                k += 2
                continue
            tv.append(base[k] + 0.6 * rng.standard_normal(dim))
            k += 1
        tgt0 = np.asarray(tv, dtype=np.float32)

        def ov(v):
            v = v / np.linalg.norm(v, axis=1, keepdims=True)
            out = [np.ascontiguousarray(v, dtype=np.float32)]
            for w in (2, 3):
                s = sum(v[j:len(v) - w + 1 + j] for j in range(w))
                out.append(np.ascontiguousarray(s / np.linalg.norm(s, axis=1, keepdims=True), dtype=np.float32))
            return OverlapVecs(tuple(out), np.full(len(v), 100), np.zeros(len(v), bool))

        src, tgt = ov(base), ov(tgt0)
        t0, c0 = time.perf_counter(), time.process_time()
        beads = align_bitext(src, tgt, params)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append([n, len(tgt0), len(beads), round(dt, 2), round(cpu, 2), round(1000 * cpu / n, 3)])
        print(f"n={n}: {dt:.2f} s wall, {cpu:.2f} s CPU", file=sys.stderr, flush=True)
    print("# Alignment time on synthetic embeddings (no model): anchors + banded DP\n")
    print(markdown_table(["source sentences", "target sentences", "beads", "alignment wall s", "process CPU s",
                          "CPU s per 1,000"], rows))
    _footer()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "test"], default="test")
    ap.add_argument("--model", default=None, help="sentence-transformers model (default: the bundled e5-small)")
    ap.add_argument("--speed", type=int, metavar="N", help="time N real sentences a side (WMT fr-en), embeddings included")
    ap.add_argument("--overlaps", choices=["needed", "all", "none"], default="needed",
                    help="which sentence runs are embedded (as aligner bitext --overlaps)")
    ap.add_argument("--scaling", type=int, nargs="*", help="time the alignment alone on synthetic embeddings of these sizes")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a BitextParams field (tuning on dev)")
    ap.add_argument("--halves", type=int, nargs="?", const=234, metavar="SRC",
                    help="also score the two halves of each file: beads whose first source sentence is before SRC "
                         "(default 234, the middle of dev) and the others (a robustness check while tuning on dev)")
    args = ap.parse_args()
    need_data(TB)
    params = BitextParams()
    for kv in args.set:
        k, v = kv.split("=", 1)
        params = replace(params, **{k: parse_as(v, type(getattr(params, k)))})
    if args.speed:
        speed(args.speed, args.model, params, overlaps=args.overlaps)
    elif args.scaling:
        scaling(args.scaling, params)
    else:
        report(args.split, args.model, params, overlaps=args.overlaps, cut=args.halves)


if __name__ == "__main__":
    main()
