"""Benchmark the name-variant pipeline; prints markdown tables and the command used.

Sections (each skipped with a note when its data is absent):

1. Arabic -> Latin match rate of the romanizer on google-translit-ar2en
   (eval split by default, ``--split train`` for the tuning split): is the
   reference spelling the top candidate / in the top 3 (case-insensitive,
   exact); also "variant-equivalent" (same comparison key as the reference).
2. Arabic/Latin matcher (translit.cross_unit_score) on the same pairs:
   recall on true pairs, false-match rate on shuffled pairs.
3. Clustering Latin spellings that share one Arabic form (netranslit
   wikidata; ``wd_arabic_16`` by default, tuned on ``wd_arabic_64``):
   sample Arabic names with 2+ spellings, cluster all their spellings,
   pairwise precision / recall against "same Arabic form".
4. End-to-end on the articles: shared seeds (gold: bench/names_gold_shared.json)
   and the demo corpus (gold: seeds/gold/names.json): mention detection
   recall, pairwise precision / recall / F1 over gold forms (case-insensitive),
   and the must-not-merge pairs.

Usage: python bench/names.py [--split eval|train] [--wd 16|64] [--sample 400] [--seed 0]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aligner.names.cluster import DEFAULT_PARAMS, ClusterParams, cluster_forms, cluster_mentions  # noqa: E402
from aligner.names.mentions import extract_corpus  # noqa: E402
from aligner.names.normalize import arabic_units, form_key, latin_key, latin_units  # noqa: E402
from aligner.names.translit import cross_unit_score, get_romanizer  # noqa: E402

SHARED = ROOT.parent / "shared"
DATA = SHARED / "data" / "names"


def pairwise(gold_groups: list[set[str]], pred_of: dict[str, object]) -> tuple[float, float, float, int, int]:
    """Pairwise P/R/F1 over the items of ``gold_groups``; ``pred_of`` maps item -> predicted cluster
    (items missing from it are singletons)."""
    gold_of = {}
    for gi, g in enumerate(gold_groups):
        for x in g:
            gold_of[x] = gi
    items = sorted(gold_of)
    tp = fp = fn = 0
    for a, b in combinations(items, 2):
        g = gold_of[a] == gold_of[b]
        pa, pb = pred_of.get(a), pred_of.get(b)
        p = pa is not None and pa == pb
        tp += g and p
        fp += (not g) and p
        fn += g and not p
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1, tp + fn, tp + fp


# ---------------------------------------------------------------- 1 + 2

def bench_translit(split: str, seed: int) -> list[str]:
    path = DATA / "google-translit-ar2en" / f"ar2en-{split}.txt"
    if not path.exists():
        return [f"_skipped: {path} not found_"]
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            pairs.append((parts[0].strip(), parts[1].strip()))
    rom = get_romanizer()
    t0 = time.time()
    cands = rom.candidates([a for a, _ in pairs], 3)
    dt = time.time() - t0
    top1 = top3 = eq1 = eq3 = 0
    for (a, e), cs in zip(pairs, cands, strict=True):
        texts = [c for c, _ in cs]
        lk = latin_key(e)
        top1 += bool(texts) and texts[0].casefold() == e.casefold()
        top3 += any(t.casefold() == e.casefold() for t in texts[:3])
        eq1 += bool(texts) and latin_key(texts[0].replace(" ", "")) == lk
        eq3 += any(latin_key(t.replace(" ", "")) == lk for t in texts[:3])
    n = len(pairs)
    out = [
        f"**Arabic -> Latin, google-translit-ar2en `{split}` split** ({n} single-word names; "
        f"romanizer {dt:.1f} s, {1000 * dt / max(n, 1):.1f} ms/name)",
        "",
        "| measure | top 1 | top 3 |",
        "|---|---|---|",
        f"| exact spelling (case-insensitive) | {top1 / n:.3f} | {top3 / n:.3f} |",
        f"| same comparison key (variant-equivalent) | {eq1 / n:.3f} | {eq3 / n:.3f} |",
        "",
    ]
    # 2. the matcher: true pairs vs shuffled pairs
    rng = random.Random(seed)
    sample = pairs if len(pairs) <= 1500 else rng.sample(pairs, 1500)
    shuffled_lat = [e for _, e in sample]
    rng.shuffle(shuffled_lat)
    from aligner.names.cluster import _latin_sim

    def sim(a, e):
        ua, ue = arabic_units(a), latin_units(e)
        if len(ua) != 1 or len(ue) != 1:
            return 0.0
        return cross_unit_score(ua[0], ue[0], lambda x, y: _latin_sim(x, y, DEFAULT_PARAMS.skeleton_bonus))

    pos = [sim(a, e) for a, e in sample]
    neg = [sim(a, e2) for (a, e), e2 in zip(sample, shuffled_lat, strict=True)
           if latin_key(e2) != latin_key(e)]
    rows = ["| threshold | true pairs matched (recall) | shuffled pairs matched (false-match rate) |",
            "|---|---|---|"]
    for t in (DEFAULT_PARAMS.context, DEFAULT_PARAMS.merge, 0.9):
        rows.append(f"| {t:.2f} | {sum(s >= t for s in pos) / len(pos):.3f} | "
                    f"{sum(s >= t for s in neg) / max(len(neg), 1):.4f} |")
    out += [f"**Arabic/Latin unit matcher** (romanizer candidates + skeleton/vowel shape), {len(sample)} pairs "
            f"of the `{split}` split", ""] + rows + [""]
    return out


# ------------------------------------------------------------------- 3

def bench_wikidata(wd: str, sample_n: int, seed: int, params: ClusterParams) -> list[str]:
    path = DATA / "netranslit-wikidata-ar" / f"wd_arabic_{wd}"
    if not path.exists():
        return [f"_skipped: {path} not found_"]
    by_ar: dict[str, set[str]] = defaultdict(set)
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        lat, ar = parts[0].strip(), parts[1].replace(" ", "").strip()
        if lat and ar and lat.isalpha():
            by_ar[ar].add(lat.lower())
    multi = sorted(a for a, ls in by_ar.items() if len(ls) >= 2)
    rng = random.Random(seed)
    chosen = rng.sample(multi, min(sample_n, len(multi)))
    # gold: Latin forms connected through a shared Arabic form (within the sample)
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a in chosen:
        ls = sorted(by_ar[a])
        for x in ls[1:]:
            parent[find(x)] = find(ls[0])
    forms = sorted(parent)
    groups: dict[str, set[str]] = defaultdict(set)
    for f in forms:
        groups[find(f)].add(f)
    t0 = time.time()
    pred = cluster_forms(forms, "person", params=params)
    dt = time.time() - t0
    pred_of = {f: i for i, g in enumerate(pred) for f in g}
    p, r, f1, ng, npred = pairwise(list(groups.values()), pred_of)
    return [
        f"**Latin spellings of one Arabic name, netranslit wikidata `wd_arabic_{wd}`** "
        f"({len(chosen)} Arabic names with 2+ spellings, {len(forms)} Latin forms, {ng} gold pairs; "
        f"clustering {dt:.1f} s)",
        "",
        "| pairwise precision | pairwise recall | F1 | predicted pairs |",
        "|---|---|---|---|",
        f"| {p:.3f} | {r:.3f} | {f1:.3f} | {npred} |",
        "",
    ]


# ------------------------------------------------------------------- 4

def _load_gold(path: Path) -> list[dict]:
    d = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in d["clusters"]:
        forms = c.get("forms") or c.get("variants") or []
        forms = [f if isinstance(f, str) else f["form"] for f in forms]
        out.append({"canonical": c.get("canonical", ""), "type": c.get("type", "person"), "forms": forms})
    return out


def _read_docs(paths: list[Path]):
    from aligner.errors import InputFileError
    from aligner.text.reader import read_paths

    docs, errors = read_paths([str(p) for p in paths])
    if errors:
        raise InputFileError(errors[0].path, f"{errors[0].problem} ({len(errors)} unreadable file(s))")
    return docs


def bench_corpus(name: str, paths: list[Path], gold_path: Path, params: ClusterParams,
                 show_errors: bool) -> list[str]:
    if not gold_path.exists() or not all(p.exists() for p in paths):
        return [f"_skipped {name}: data or gold not found_"]
    docs = _read_docs(paths)
    gold = _load_gold(gold_path)
    t0, c0 = time.time(), time.process_time()
    mentions = extract_corpus(docs)
    t1, c1 = time.time(), time.process_time()
    clusters = cluster_mentions(mentions, params=params)
    t2, c2 = time.time(), time.process_time()
    pred_of: dict[str, int] = {}
    pred_type: dict[str, str] = {}
    for i, c in enumerate(clusters):
        for v in c.variants:
            pred_of[form_key(v.form)] = i
            pred_type[form_key(v.form)] = c.type
    from aligner.names.normalize import clean_form
    corpus_text = "\n".join(clean_form(d.text) for d in docs).casefold()
    absent = sorted({form_key(f) for c in gold for f in c["forms"] if form_key(f) not in corpus_text})
    groups = [{form_key(f) for f in c["forms"]} - set(absent) for c in gold]
    groups = [g for g in groups if g]
    gold_keys = set().union(*groups)
    found = gold_keys & set(pred_of)
    p, r, f1, ng, npred = pairwise(groups, pred_of)
    # the same, restricted to forms the extractor found (clustering alone)
    found_groups = [g & found for g in groups]
    p2, r2, f12, ng2, _ = pairwise([g for g in found_groups if g], pred_of)
    extra = sorted({v.form for c in clusters if c.type in ("person", "organization") for v in c.variants
                    if form_key(v.form) not in gold_keys})
    gold_by_form = {form_key(f): c["canonical"] for c in gold for f in c["forms"]}
    lines = [
        f"**{name}**: {len(docs)} documents, {len(mentions)} mentions, {len(clusters)} clusters "
        f"(extraction {t1 - t0:.1f} s, clustering {t2 - t1:.1f} s; CPU {c1 - c0:.2f} s and {c2 - c1:.2f} s)",
        "",
        "| measure | precision | recall | F1 | gold pairs |",
        "|---|---|---|---|---|",
        f"| pairwise, all gold forms (missed forms count as misses) | {p:.3f} | {r:.3f} | {f1:.3f} | {ng} |",
        f"| pairwise, gold forms that were found (clustering only) | {p2:.3f} | {r2:.3f} | {f12:.3f} | {ng2} |",
        f"| gold forms found by extraction | | {len(found) / max(len(gold_keys), 1):.3f} "
        f"({len(found)}/{len(gold_keys)}) | | |",
        "",
        f"Gold forms that do not occur in the texts (left out of every measure): {len(absent)}"
        + (f" ({', '.join(absent)})" if absent else ""),
        "",
        f"Person/organisation forms found that are not in the gold: {len(extra)}"
        + (f" ({', '.join(extra[:25])}{'...' if len(extra) > 25 else ''})" if extra else ""),
        "",
    ]
    if show_errors:
        missed = sorted(gold_keys - found)
        lines.append(f"Missed gold forms: {', '.join(missed) or 'none'}")
        wrong = []
        for a, b in combinations(sorted(found), 2):
            g = gold_by_form[a] == gold_by_form[b]
            pr = pred_of[a] == pred_of[b]
            if g != pr:
                wrong.append(f"{'split' if g else 'MERGED'}: {a} / {b}")
        lines.append("Pair errors among found forms: " + ("; ".join(wrong[:60]) or "none"))
        lines.append("")
    return lines


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", default="eval", choices=["eval", "train"])
    ap.add_argument("--wd", default="16", choices=["16", "64"])
    ap.add_argument("--sample", type=int, default=400)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--errors", action="store_true", help="list missed forms and pair errors")
    ap.add_argument("--only", choices=["translit", "wikidata", "corpus"], default=None)
    args = ap.parse_args(argv)
    params = DEFAULT_PARAMS
    print("# Name variants benchmark\n")
    print("Command: `" + " ".join(["python", "bench/names.py"] + (argv if argv is not None else sys.argv[1:])) + "`\n")
    print(f"Parameters: {params}\n")
    if args.only in (None, "translit"):
        print("\n".join(bench_translit(args.split, args.seed)))
    if args.only in (None, "wikidata"):
        print("\n".join(bench_wikidata(args.wd, args.sample, args.seed, params)))
    if args.only in (None, "corpus"):
        shared = sorted((SHARED / "seeds").glob("*.txt"))
        print("\n".join(bench_corpus("Shared seeds (5 English articles)", shared,
                                     ROOT / "bench" / "names_gold_shared.json", params, args.errors)))
        demo = [ROOT / "seeds" / d for d in ("en", "fr", "ar")]
        print("\n".join(bench_corpus("Demo corpus (seeds/: en, fr, ar)", demo,
                                     ROOT / "seeds" / "gold" / "names.json", params, args.errors)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
