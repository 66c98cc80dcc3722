"""Fit the logistic weights of the quote aligner (aligner/align.py).

Training rows are (source, candidate target) pairs with their features:

* UN dev set (../shared/data/un-devset), documents of the FIRST half of the
  .ids file only: English lines against French and Arabic lines where half of
  the true translations were removed (BUCC-style), so the model also learns
  what "no original here" looks like. Speakers/outlets are absent there.
* Our own demo corpus (seeds/, gold in seeds/gold/alignments.jsonl): real
  quotes with speakers and outlets, English-English variants too.
* The FIT documents of bench/news_quotes.py (../shared/data/news-quotes, split by
  a hash of the document id; the held-out documents are never read here): real
  news quotes against their French/Arabic articles, all of them aligned at once,
  so paired-article evidence and wrong-article look-alikes are both in the rows.
  The article-pairing weights (``pair_*``) are fitted on the same documents.

Each of the three sources weighs the same in total. Tatoeba, the Text+Berg test
files and the held-out news documents are never used here. The fitted weights
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

from aligner.align import FEATURES, align, target_text  # noqa: E402
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
                         int(c.source.start == c.target.start), f"un:{lang}:{c.source.start}"))
    return rows


def demo_rows(embedder: EmbeddingSource, settings: Settings, top_k: int = 10):
    gold = [json.loads(x) for x in (ROOT / "seeds/gold/alignments.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
    paths = sorted(p for sub in ("en", "fr", "ar") for p in (ROOT / "seeds" / sub).iterdir())
    docs = {p.relative_to(ROOT).as_posix(): read_document(p) for p in paths}
    prepared = [prepare_document(replace(d, path=k)) for k, d in docs.items()]
    cands, _, _ = align_spans(prepared, embedder, top_k=top_k, min_score=0.0, settings=settings)

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
        rows.append((c.kind, [c.features[f] for f in FEATURES], int(label),
                     f"demo:{c.kind}:{c.source.doc}:{c.source.start}:{c.source.end}"))
    return rows


def news_pair_rows(embedder: EmbeddingSource, settings: Settings, folder: Path):
    """Article-pair rows of the FIT news documents: ([PAIR_FEATURES values], label).

    The documents are written into ``folder``; returns (pair rows, prepared docs, index).
    """
    sys.path.insert(0, str(ROOT / "bench"))
    import news_quotes as nq
    from aligner.pairing import PAIR_FEATURES, pair_features
    from aligner.pipeline import article_sides, spans_to_embed
    from aligner.text.reader import read_paths

    index = nq.write_articles(nq.load_docs("fit"), folder)
    read, _ = read_paths([str(folder)])
    prepared = [prepare_document(d) for d in read]
    sources, targets, en_sents = spans_to_embed(prepared, settings)
    tv = embedder.embed([target_text(t) for t in targets])
    ev = embedder.embed([t.text for t in en_sents])
    feats = pair_features(*article_sides(prepared, targets, tv, en_sents, ev, sources), settings=settings)
    rows = [([f[k] for k in PAIR_FEATURES], int(index[e][0] is index[t][0])) for (e, t), f in feats.items()]
    return rows, prepared, index


def news_rows(embedder: EmbeddingSource, settings: Settings, prepared, index, top_k: int = 10):
    """Candidate rows of the FIT news documents (all aligned at once, ``top_k`` per quote)."""
    import news_quotes as nq

    cands, _, _ = align_spans(prepared, embedder, top_k=top_k, min_score=0.0, settings=settings)
    return [(c.kind, [c.features[f] for f in FEATURES],
             int(nq.is_right(index, c.source.doc, c.source.start, c.target.doc, c.target.sentence_start,
                             c.target.sentence_end)),
             f"news:{c.source.doc}:{c.source.start}:{c.source.end}:{c.target.lang}")
            for c in cands if c.kind == "translation"]


def fit_pairs(pair_rows, l2: float) -> dict[str, float]:
    """Logistic weights of the article pairing (aligner/pairing.py), as Settings fields."""
    from aligner.pairing import PAIR_FEATURES

    Xp = np.array([[1.0, *r[0]] for r in pair_rows])
    yp = np.array([r[1] for r in pair_rows], dtype=float)
    wp = fit_logistic(Xp, yp, np.ones(len(yp)), l2=l2 / 10)
    pred = Xp @ wp > 0
    print(f"article pairs: {len(yp)} rows, {int(yp.sum())} true; in-sample "
          f"P={(pred & (yp == 1)).sum() / max(pred.sum(), 1):.3f} R={(pred & (yp == 1)).sum() / max(yp.sum(), 1):.3f}")
    return {n: round(float(v), 3) for n, v in zip(["pair_bias", *[f"pair_w_{f}" for f in PAIR_FEATURES]], wp)}


def fit_rank1(X: np.ndarray, y: np.ndarray, w: np.ndarray, groups: np.ndarray, origin: np.ndarray,
              l2: float = 1.0) -> dict[str, float]:
    """Second stage: calibrate the rows a user is shown first.

    The first stage (``w``) is fitted on every candidate row; it ranks. Here,
    per source quote (and target language), only the best-scoring row is kept,
    and its final logit ``scale * z + position * position_cue + doc_pair * doc_pair_score
    + bias`` (z: the first stage's logit) is fitted on those rows, each source of rows (UN, demo,
    news) weighing the same. Returns the ``align_calib_*`` Settings fields.
    """
    z = X @ w
    best: dict[str, int] = {}
    for n, g in enumerate(groups.tolist()):
        if g not in best or z[n] > z[best[g]]:
            best[g] = n
    idx = np.array(sorted(best.values()))
    pos = X[idx, 1 + FEATURES.index("position")]
    dp = X[idx, 1 + FEATURES.index("doc_pair")]
    X2 = np.column_stack([np.ones(len(idx)), z[idx], pos, dp])
    w_row = np.ones(len(idx))
    present = [o for o in ("un", "demo", "news") if (origin[idx] == o).any()]
    for o in present:
        w_row[origin[idx] == o] = len(idx) / len(present) / (origin[idx] == o).sum()
    c = fit_logistic(X2, y[idx], w_row, l2=l2)
    p = 1 / (1 + np.exp(-np.clip(X2 @ c, -50, 50)))
    p0 = 1 / (1 + np.exp(-np.clip(z[idx], -50, 50)))
    print(f"rank-1 rows: {len(idx)} ({', '.join(f'{o} {int((origin[idx] == o).sum())}' for o in present)}), "
          f"right {int(y[idx].sum())}; weighted log loss first stage "
          f"{_logloss(p0, y[idx], w_row):.4f} -> calibrated {_logloss(p, y[idx], w_row):.4f}")
    return {"align_calib_bias": round(float(c[0]), 3), "align_calib_scale": round(float(c[1]), 3),
            "align_calib_position": round(float(c[2]), 3), "align_calib_doc_pair": round(float(c[3]), 3)}


def _logloss(p: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return float(-(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / w.sum())


def fit_logistic(X: np.ndarray, y: np.ndarray, w_row: np.ndarray, l2: float = 1.0, iters: int = 100,
                 offset: np.ndarray | None = None):
    """Newton's method for weighted L2-regularised logistic regression.
    X: (n, d) float64 with a leading column of ones; y: (n,) in {0,1};
    offset: (n,) fixed logit part (or None). The bias is not penalised."""
    offset = np.zeros(len(y)) if offset is None else offset
    # fit on standardised columns so the penalty treats every cue alike
    mu = np.r_[0.0, X[:, 1:].mean(axis=0)]
    sd = np.r_[1.0, X[:, 1:].std(axis=0)]
    sd[sd < 1e-9] = 1.0
    X = (X - mu) / sd
    X[:, 0] = 1.0
    w = np.zeros(X.shape[1])
    reg = np.full(X.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-np.clip(X @ w + offset, -50, 50)))
        g = X.T @ (w_row * (p - y)) + reg * w
        h = (X * (w_row * p * (1 - p))[:, None]).T @ X + np.diag(reg)
        step = np.linalg.solve(h, g)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    raw = w / sd
    raw[0] = w[0] - np.sum(w[1:] * mu[1:] / sd[1:])
    return raw


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--un-lines", type=int, default=1500)
    ap.add_argument("--l2", type=float, default=30.0, help="ridge penalty on the weights")
    ap.add_argument("--un-only", action="store_true",
                    help="fit translations on the UN rows alone (to measure the demo corpus held out)")
    ap.add_argument("--top-k", type=int, default=10,
                    help="candidates per quote taken as rows from the demo corpus and the news documents")
    ap.add_argument("--rows-cache", default=None, help="JSON file to keep the feature rows in")
    ap.add_argument("--no-news", action="store_true",
                    help="leave out the FIT documents of bench/news_quotes.py")
    args = ap.parse_args()

    pair_w = None
    if args.rows_cache and Path(args.rows_cache).exists():
        cached = json.loads(Path(args.rows_cache).read_text())
        rows, origin, pair_rows = [tuple(r) for r in cached["rows"]], cached["origin"], cached["pair_rows"]
    else:
        import tempfile

        from aligner.embed import get_encoder

        # spans inside sentences do not change the rows; ALIGNER_* variables apply (settings.py)
        settings = Settings.from_env(Settings(align_word_spans=False))
        embedder = EmbeddingSource(get_encoder())
        pair_rows, prepared, index = [], [], {}
        tmp = tempfile.TemporaryDirectory(prefix="news-fit-")
        if not args.no_news:
            # article pairing first: its weights decide the doc_pair feature of every candidate
            pair_rows, prepared, index = news_pair_rows(embedder, settings, Path(tmp.name))
            pair_w = fit_pairs(pair_rows, args.l2)
            settings = replace(settings, **pair_w)
        rows = un_rows(embedder, settings, args.un_lines) if UN.is_dir() else []
        origin = ["un"] * len(rows)
        demo = demo_rows(embedder, settings, args.top_k)
        rows += demo
        origin += ["demo"] * len(demo)
        if not args.no_news:
            news = news_rows(embedder, settings, prepared, index, args.top_k)
            rows += news
            origin += ["news"] * len(news)
        tmp.cleanup()
        if args.rows_cache:
            Path(args.rows_cache).write_text(json.dumps({"rows": rows, "origin": origin,
                                                         "pair_rows": pair_rows}))
    origin = np.array(origin)
    n_un = int((origin == "un").sum())
    kinds = np.array([r[0] for r in rows])
    X = np.array([[1.0, *r[1]] for r in rows])
    y = np.array([r[2] for r in rows], dtype=float)
    # each source of rows (UN, demo, news) weighs the same in total
    w_row = np.ones(len(rows))
    present = [o for o in ("un", "demo", "news") if (origin == o).any()]
    for o in present:
        w_row[origin == o] = len(rows) / len(present) / (origin == o).sum()
    n_demo = int((origin == "demo").sum())
    trans = kinds == "translation"
    if args.un_only:
        trans = trans & (origin == "un")
    if pair_rows:
        pair_w = pair_w or fit_pairs(pair_rows, args.l2)
        for n, v in pair_w.items():
            print(f"    {n}: float = {v:.3f}")
    w = fit_logistic(X[trans], y[trans], w_row[trans], l2=args.l2)
    # variants (our own data only): own bias, cosine and margin weights; the
    # cue weights are shared with translations (same-language cosines run higher)
    var = kinds == "variant"
    Xv, yv = X[var], y[var]
    cue_cols = list(range(3, X.shape[1]))
    off = Xv[:, cue_cols] @ w[cue_cols]
    wv = fit_logistic(Xv[:, :3], yv, np.ones(len(yv)), l2=args.l2 / 10, offset=off)
    print(f"rows: UN {n_un}, demo {n_demo}, news {int((origin == 'news').sum())} (positives {int(y.sum())}; variant rows {int(var.sum())}, "
          f"positives {int(yv.sum())})")
    names = ["align_bias", *[f"align_w_{f}" for f in FEATURES]]
    for n, v in zip(names, w):
        print(f"    {n}: float = {v:.3f}")
    for n, v in zip(["align_variant_bias", "align_variant_w_cos", "align_variant_w_margin"], wv):
        print(f"    {n}: float = {v:.3f}")
    calib = fit_rank1(X[trans], y[trans], w, np.array([r[3] for r in rows])[trans], origin[trans])
    for n, v in calib.items():
        print(f"    {n}: float = {v:.3f}")
    for label, mask, ww, cols in (("translation", trans, w, slice(None)), ("variant", var, None, None)):
        if ww is None:
            logit = Xv[:, :3] @ wv + off
            yy = yv
        else:
            logit = X[mask] @ ww
            yy = y[mask]
        pred = logit > 0
        tp = int((pred & (yy == 1)).sum()); fp = int((pred & (yy == 0)).sum()); fn = int((~pred & (yy == 1)).sum())
        print(f"  in-sample {label}: P={tp / max(tp + fp, 1):.3f} R={tp / max(tp + fn, 1):.3f} (rows, score>=0.5)")


if __name__ == "__main__":
    main()
