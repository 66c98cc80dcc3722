"""Quote alignment quality: recall@1 and precision at the default threshold.

Corpora:
* ``demo``   our own seeds/ (en, fr, ar) against seeds/gold/alignments.jsonl
             (translations and English-English variants);
* ``shared`` the five English seed articles in ../shared/seeds against
             bench/gold_shared_variants.jsonl (English-English variants only).

recall@1: among gold source quotes that have a gold match of a kind, the share
whose rank-1 candidate of that kind (any score) overlaps a gold target.
precision: among rank-1 candidates scoring >= the default threshold, the share
that overlap a gold (or "acceptable") target. Quotes the extractor missed
count as misses. Run:

    .venv/bin/python bench/eval_align.py [--corpus demo|shared|both] [--backend torch|int8|...] [--dump FILE]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aligner.pipeline import EmbeddingSource, align_spans, prepare_document  # noqa: E402
from aligner.settings import Settings  # noqa: E402
from aligner.text.reader import read_document  # noqa: E402


def load_gold(path: Path, base: Path):
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for it in items:
        for side in ("source", "target"):
            if side in it:
                it[side]["path"] = str(base / it[side]["doc"])
    return items


def span_of(doc_text: str, needle: str) -> tuple[int, int]:
    i = doc_text.find(needle)
    if i < 0:
        raise SystemExit(f"gold substring not found: {needle[:60]!r}")
    return i, i + len(needle)


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def evaluate(doc_paths: list[Path], gold: list[dict], encoder, settings: Settings, label: str,
             kinds=("translation", "variant"), dump=None, errors: list | None = None) -> list[dict]:
    docs = {str(p): read_document(p) for p in doc_paths}
    prepared = [prepare_document(d) for d in docs.values()]
    cands, _pairs, stats = align_spans(prepared, EmbeddingSource(encoder), top_k=5, min_score=0.0,
                               settings=settings)
    if dump:
        with open(dump, "a", encoding="utf-8") as f:
            for c in cands:
                f.write(json.dumps({**c.to_json(), "features": c.features}, ensure_ascii=False) + "\n")

    def gspan(side: dict) -> tuple[str, tuple[int, int]]:
        text = docs[side["path"]].text
        needle = side.get("quote") or side.get("sentence")
        return side["path"], span_of(text, needle)

    # gold: source span -> kind -> list of target spans
    gold_map: dict[tuple, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    sources_with_none = []
    for g in gold:
        src = gspan(g["source"])
        if g["kind"] == "none":
            sources_with_none.append(src)
            continue
        tgt = gspan(g["target"])
        kind = "variant" if g["kind"] in ("variant", "acceptable") else g["kind"]
        gold_map[src][kind].append((tgt, g["kind"] != "acceptable"))
        if kind == "variant":  # symmetric
            gold_map[tgt][kind].append((src, g["kind"] != "acceptable"))

    def find_source(src):
        path, span = src
        for c in cands:
            if c.source.doc == path and overlaps((c.source.start, c.source.end), span):
                return c.source
        return None

    best = {}
    for c in cands:
        if c.rank == 1:
            best[(c.source.doc, c.source.start, c.source.end, c.kind)] = c

    rows = []
    for kind in kinds:
        hits = total = missed_extraction = 0
        tp = fp = 0
        for src, by_kind in gold_map.items():
            if kind not in by_kind or not any(req for _, req in by_kind[kind]):
                continue
            total += 1
            q = find_source(src)
            if q is None:
                missed_extraction += 1
                continue
            c = best.get((q.doc, q.start, q.end, kind))
            if c and any(c.target.doc == t[0] and overlaps((c.target.sentence_start, c.target.sentence_end), t[1])
                         for t, _ in by_kind[kind]):
                hits += 1
            elif errors is not None:
                errors.append((kind, "miss", q.text, c))
        # precision over every rank-1 candidate above threshold
        for (doc, s, e, k), c in best.items():
            if k != kind or c.score < settings.threshold_for(kind):
                continue
            targets = []
            for src, by_kind in gold_map.items():
                if src[0] == doc and overlaps((s, e), src[1]):
                    targets += [t for t, _ in by_kind.get(kind, [])]
            ok = any(c.target.doc == t[0] and overlaps((c.target.sentence_start, c.target.sentence_end), t[1])
                     for t in targets)
            tp += ok
            fp += not ok
            if not ok and errors is not None:
                errors.append((kind, "wrong row shown", c.source.text, c))
        rows.append({
            "corpus": label, "kind": kind, "gold sources": total,
            "not extracted": missed_extraction,
            "recall@1": hits / total if total else float("nan"),
            "reported": tp + fp,
            "precision@thr": tp / (tp + fp) if tp + fp else float("nan"),
            "recall@thr": tp / total if total else float("nan"),
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", choices=["demo", "shared", "both"], default="both")
    ap.add_argument("--model", default=None)
    ap.add_argument("--dump", default=None, help="append every candidate with its features to this JSONL")
    ap.add_argument("--backend", default=None,
                    help="encoder backend: auto | torch | openvino | int8 (default: ALIGNER_BACKEND, else auto)")
    ap.add_argument("--dtype", default=None, help="auto | bf16 | fp32 (default: ALIGNER_DTYPE, else auto)")
    ap.add_argument("--errors", action="store_true", help="list the misses and the wrong rows shown")
    args = ap.parse_args()

    from aligner.embed import get_encoder

    settings = Settings.from_env()
    enc = get_encoder(args.model, settings=settings, backend=args.backend, dtype=args.dtype)
    rows = []
    errors: list | None = [] if args.errors else None
    if args.corpus in ("demo", "both"):
        paths = sorted(p for sub in ("en", "fr", "ar") for p in (ROOT / "seeds" / sub).iterdir())
        gold = load_gold(ROOT / "seeds/gold/alignments.jsonl", ROOT)
        rows += evaluate(paths, gold, enc, settings, "demo (seeds/)", dump=args.dump, errors=errors)
    shared = ROOT.parent / "shared" / "seeds"
    if args.corpus in ("shared", "both"):
        if not shared.is_dir():
            print("../shared/seeds not found; skipping the shared seeds", file=sys.stderr)
        else:
            paths = sorted(shared.glob("*.txt"))
            gold = load_gold(ROOT / "bench/gold_shared_variants.jsonl", shared)
            rows += evaluate(paths, gold, enc, settings, "shared seeds (en-en)", kinds=("variant",),
                             dump=args.dump, errors=errors)

    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for r in rows:
        print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in r.values()) + " |")
    extra = "".join(f" --{k} {v}" for k, v in (("backend", args.backend), ("dtype", args.dtype)) if v)
    for kind, why, text, c in errors or []:
        print(f"- [{kind}: {why}] {text[:100]!r}")
        if c is not None:
            print(f"    rank 1 ({c.score:.3f}, {Path(c.target.doc).name}): {c.target.sentence[:140]!r}")
            print(f"    features: {c.features}")
    print(f"\nthresholds: translation {settings.align_threshold}, variant {settings.align_variant_threshold}; "
          f"model {enc.name}; engine {enc.backend_choice().label} ({enc.backend_reason}); "
          f"command: python bench/eval_align.py --corpus {args.corpus}{extra}")


if __name__ == "__main__":
    main()
