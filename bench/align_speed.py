"""Where the time of `aligner align` goes, stage by stage, on a folder of articles.

    .venv/bin/python bench/align_speed.py FOLDER [--no-cache]

Runs the same functions as the CLI (read, extract, embed, article pairing,
quote alignment, word spans, variants) in one process and prints the wall
time of each stage, the load average and the CPU flags. ``--no-cache`` turns
the on-disk embedding cache off (a first run on new articles); otherwise
embeddings already in the cache are read from it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path)
    ap.add_argument("--no-cache", action="store_true")
    args = ap.parse_args()
    from aligner import pipeline
    from aligner.align import align, query_text, target_text
    from aligner.embed import get_encoder
    from aligner.settings import Settings
    from aligner.text.reader import read_paths

    settings = Settings.from_env()
    times: dict[str, float] = {}
    t = time.perf_counter()
    enc = get_encoder(cache=not args.no_cache)
    enc.dim
    times["model load"] = time.perf_counter() - t
    t0 = time.perf_counter()
    t = t0
    docs, errors = read_paths([str(args.folder)])
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    prepared = [pipeline.prepare_document(d) for d in docs]
    times["extract"] = time.perf_counter() - t
    sources, targets, en_sents = pipeline.spans_to_embed(prepared, settings)
    texts = ([query_text(q, settings.align_short_quote_words) for q in sources]
             + [target_text(x) for x in targets] + [x.text for x in en_sents])
    t = time.perf_counter()
    vecs = pipeline.EmbeddingSource(enc).embed(texts)
    times["embed"] = time.perf_counter() - t
    sv = vecs[:len(sources)]
    tv = vecs[len(sources):len(sources) + len(targets)]
    ev = vecs[len(sources) + len(targets):]
    t = time.perf_counter()
    pairs = pipeline.article_pairs(prepared, targets, tv, en_sents, ev, sources, settings)
    times["article pairing"] = time.perf_counter() - t
    t = time.perf_counter()
    outl = [pipeline.outlet_language(q.outlet) for q in sources]
    cands = align(sources, sv, targets, tv, kind="translation", outlet_langs=outl,
                  doc_pairs={(p.source_doc, p.target_doc): p.score for p in pairs}, settings=settings)
    times["quote alignment"] = time.perf_counter() - t
    t = time.perf_counter()
    cands = pipeline.word_spans(cands, enc.token_vectors, settings)
    times["word spans"] = time.perf_counter() - t
    t = time.perf_counter()
    align(sources, sv, sources, sv, kind="variant", settings=settings)
    times["variants"] = time.perf_counter() - t
    total = time.perf_counter() - t0
    n_sent = sum(1 for d in prepared for _ in pipeline.single_sentences(d))
    print(f"{len(docs)} articles, {n_sent} sentences, {len(sources)} English quotes, {len(texts)} texts "
          f"embedded ({'cache off' if args.no_cache else 'cache on'}), {len(pairs)} article pairs")
    print("| stage | seconds |\n|---|---|")
    for k, v in times.items():
        print(f"| {k} | {v:.1f} |")
    print(f"| **total after model load** | **{total:.1f}** |")
    flags = [f for f in ("avx512_bf16", "amx_bf16", "avx512_vnni") if f in Path("/proc/cpuinfo").read_text()]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; CPU flags {' '.join(flags)}; "
          f"cores {os.cpu_count()}")


if __name__ == "__main__":
    main()
