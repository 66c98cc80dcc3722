"""End-to-end quality guards on real article sets (numbers: bench/names.py)."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import pytest

from aligner.names import cluster_mentions, extract_corpus
from aligner.names.normalize import form_key

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"


def _pairwise(gold, clusters):
    pred = {form_key(v.form): i for i, c in enumerate(clusters) for v in c.variants}
    gold_of = {form_key(f): i for i, c in enumerate(gold) for f in (c.get("forms") or c.get("variants"))}
    tp = fp = fn = 0
    for a, b in combinations(sorted(gold_of), 2):
        g = gold_of[a] == gold_of[b]
        p = a in pred and b in pred and pred[a] == pred[b]
        tp += g and p
        fp += p and not g
        fn += g and not p
    return tp / max(tp + fp, 1), tp / max(tp + fn, 1)


@pytest.mark.shared
def test_shared_seed_articles():
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds not found")
    from aligner.text.reader import read_paths

    docs, _ = read_paths(sorted(str(p) for p in SEEDS.glob("*.txt")))
    gold = json.loads((ROOT / "bench" / "names_gold_shared.json").read_text(encoding="utf-8"))
    clusters = cluster_mentions(extract_corpus(docs))
    p, r = _pairwise(gold["clusters"], clusters)
    assert p >= 0.95 and r >= 0.90, (p, r)
    where = {form_key(v.form): i for i, c in enumerate(clusters) for v in c.variants}
    for a, b in gold["must_not_merge"]:
        assert where[form_key(a)] != where[form_key(b)], (a, b)


def test_demo_corpus_en_fr_ar():
    gold_path = ROOT / "seeds" / "gold" / "names.json"
    if not gold_path.exists():
        pytest.skip("demo corpus gold not present")
    from aligner.text.reader import read_paths

    docs, _ = read_paths([str(ROOT / "seeds" / d) for d in ("en", "fr", "ar")])
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["clusters"]
    clusters = cluster_mentions(extract_corpus(docs))
    p, r = _pairwise(gold, clusters)
    assert p >= 0.95 and r >= 0.85, (p, r)
