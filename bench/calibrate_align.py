"""Fit the logistic weights of the quote aligner (aligner/align.py).

Training rows are (source, candidate target) pairs with their features:

* UN dev set (../shared/data/un-devset), documents of the FIRST half of the
  .ids file only: English lines against French and Arabic lines where half of
  the true translations were removed (BUCC-style), so the model also learns
  what "no original here" looks like. Speakers/outlets are absent there.
* Our own demo corpus (seeds/, gold in seeds/gold/alignments.jsonl): real
  quotes with speakers and outlets, English-English variants too.

Tatoeba and the Text+Berg test files are never used here. The fitted weights
are printed as Settings fields; paste them into aligner/settings.py.

    .venv/bin/python bench/calibrate_align.py [--un-lines 1500]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.align import FEATURES, align  # noqa: E402
from aligner.pipeline import EmbeddingSource, align_spans, prepare_document  # noqa: E402
from aligner.records import Quote  # noqa: E402
from aligner.settings import Settings  # noqa: E402
from aligner.text.reader import read_document  # noqa: E402

UN = ROOT.parent / "shared" / "data" / "un-devset"


def sentence_quote(doc: str, lang: str, text: str, idx: int) -> Quote:
    return Quote(doc=doc, lang=lang, text=text, sentence=text, start=idx, end=idx + 1,
                 sentence_start=idx, sentence_end=idx + 1, is_quote=True)


def un_rows(embedder: EmbeddingSource, settings: Settings, n_lines: int, seed: int = 7):
    ids = (UN / "UNv1.0.devset.ids").read_text(encoding="utf-8").splitlines()
    docs = sorted(set(ids), key=ids.index)
    tune_docs = set(docs[: len(docs) // 2])
    idx = [i for i, d in enumerate(ids) if d in tune_docs][:n_lines]
    en = (UN / "UNv1.0.devset.en").read_text(encoding="utf-8").splitlines()
    rng = random.Random(seed)
    rows = []
    for lang in ("fr", "ar"):
        other = (UN / f"UNv1.0.devset.{lang}").read_text(encoding="utf-8").splitlines()
        keep = [i for i in idx if rng.random() < 0.5]
        src = [sentence_quote(f"un-en-{i}", "en", en[i], i) for i in idx]
        tgt = [sentence_quote(f"un-{lang}-{i}", lang, other[i], i) for i in keep]
        sv = embedder.embed([q.text for q in src])
        tv = embedder.embed([q.text for q in tgt])
        cands = align(src, sv, tgt, tv, kind="translation", top_k=5, min_score=0.0, settings=settings)
        for c in cands:
            rows.append(("translation", [c.features[f] for f in FEATURES],
                         int(c.source.start == c.target.start)))
    return rows


def demo_rows(embedder: EmbeddingSource, settings: Settings):
    gold = [json.loads(x) for x in (ROOT / "seeds/gold/alignments.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    paths = sorted(p for sub in ("en", "fr", "ar") for p in (ROOT / "seeds" / sub).iterdir())
    docs = {p.relative_to(ROOT).as_posix(): read_document(p) for p in paths}
    prepared = [prepare_document(replace(d, path=k)) for k, d in docs.items()]
    cands, _ = align_spans(prepared, embedder, top_k=10, min_score=0.0, settings=settings)

    def span(side):
        text = docs[side["doc"]].text
        needle = side.get("quote") or side.get("sentence")
        i = text.find(needle)
        return side["doc"], (i, i + len(needle))

    pairs = []
    for g in gold:
        if g["kind"] in ("translation", "variant"):
            s, t = span(g["source"]), span(g["target"])
            pairs.append((g["kind"], s, t))
            if g["kind"] == "variant":
                pairs.append((g["kind"], t, s))

    def ov(a, b):
        return a[0] < b[1] and b[0] < a[1]

    rows = []
    for c in cands:
        label = any(k == c.kind and s[0] == c.source.doc and ov(s[1], (c.source.start, c.source.end))
                    and t[0] == c.target.doc and ov(t[1], (c.target.sentence_start, c.target.sentence_end))
                    for k, s, t in pairs)
        rows.append((c.kind, [c.features[f] for f in FEATURES], int(label)))
    return rows


def fit_logistic(X: np.ndarray, y: np.ndarray, w_row: np.ndarray, l2: float = 1e-2, iters: int = 50):
    """Newton's method for weighted L2-regularised logistic regression.
    X: (n, d) float64 with a leading column of ones; y: (n,) in {0,1}."""
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w, -50, 50)))
        g = X.T @ (w_row * (p - y)) + reg * w
        h = (X * (w_row * p * (1 - p))[:, None]).T @ X + np.diag(reg)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--un-lines", type=int, default=1500)
    args = ap.parse_args()
    from aligner.embed import get_encoder

    settings = Settings()
    embedder = EmbeddingSource(get_encoder())
    rows = un_rows(embedder, settings, args.un_lines) if UN.is_dir() else []
    n_un = len(rows)
    rows += demo_rows(embedder, settings)
    kinds = np.array([r[0] for r in rows])
    X = np.array([[1.0, *r[1]] for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    # the demo corpus is small: weight its rows so both sources count equally
    w_row = np.ones(len(rows))
    n_demo = len(rows) - n_un
    if n_un and n_demo:
        w_row[n_un:] = n_un / n_demo
    trans = kinds == "translation"
    w = fit_logistic(X[trans], y[trans], w_row[trans])
    # variants: same feature weights, own bias (same-language cosines run higher)
    var = kinds == "variant"
    Xv = X[var]
    off = Xv[:, 1:] @ w[1:]
    bias = 0.0
    for _ in range(100):
        p = 1 / (1 + np.exp(-np.clip(bias + off, -50, 50)))
        g = np.sum(p - y[var])
        h = np.sum(p * (1 - p)) + 1e-9
        bias -= g / h
    print(f"rows: UN {n_un}, demo {n_demo} (positives {int(y.sum())})")
    names = ["align_bias", *[f"align_w_{f}" for f in FEATURES]]
    for n, v in zip(names, w):
        print(f"    {n}: float = {v:.3f}")
    print(f"    align_variant_bias: float = {bias:.3f}")


if __name__ == "__main__":
    main()
