"""Quote alignment on real news: `aligner align` over ../shared/data/news-quotes.

For every document of the chosen split (documents with at least one English
line holding a double quotation mark), the English lines, the French lines
and, for FLORES, the Arabic lines are written as three article files, one
paragraph per line, into a temporary folder. ``aligner align`` is then run
ONCE on all of them (a real subprocess: the CLI a user runs, JSONL output,
``--min-score 0`` so that the scores of rows under the threshold can be
calibrated too; rows at or over the default threshold are exactly what a
default run reports, since the threshold only cuts the ranked list).

Scoring, per target language L (fr; ar for FLORES only):

* a *quoted line* is an English line matching ``["“”]`` (the data README's
  definition); its rank-1 row for L is the best-scoring first row of target
  language L over the source quotes extracted from that line;
* the row is right when its target lies in the same line of the counterpart
  article, or in that line and the line before (a two-sentence window);
* recall@1 = quoted lines whose rank-1 row is right and scores >= the
  default threshold (what the user is shown); "any score" drops the
  threshold; "not extracted" = quoted lines without any source quote;
* precision = right rows among every source quote's first L row scoring >=
  the threshold;
* ECE: expected calibration error of those first rows (all scores, 10 equal
  bins), with the reliability table (``--reliability``).

Split (fixed, see bench/README.md): a document is HELD-OUT when
``int(sha256("<set>/<doc id>").hexdigest()[:8], 16) % 2 == 1``, else FIT.
Only FIT documents may be looked at (``--errors``) or fitted on; the
held-out split is for reporting.

    .venv/bin/python bench/news_quotes.py [--split fit|heldout|both] [--errors N]
        [--reliability] [--keep DIR] [--rows FILE]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = Path(os.environ.get("ALIGNER_NEWS_QUOTES", ROOT.parent / "shared" / "data" / "news-quotes"))
SETS = {  # folder -> {our language code: file}
    "flores-devtest": {"en": "eng.txt", "fr": "fra.txt", "ar": "arb.txt"},
    "wmt-newstest2012-enfr": {"en": "eng.txt", "fr": "fra.txt"},
    "wmt-newstest2013-enfr": {"en": "eng.txt", "fr": "fra.txt"},
    "wmt-newstest2014-enfr": {"en": "eng.txt", "fr": "fra.txt"},
}
QUOTE_LINE = re.compile(r"[\"“”]")
TARGET_LANGS = ("fr", "ar")
DOUBLE_MARK = re.compile(r"[\"“”]")
EXCLUDED_FILE = ROOT / "bench" / "news_quotes_no_quotation.tsv"


def possessive_marks_only(line: str) -> bool:
    """True when every double mark of ``line`` stands for an apostrophe, not a quotation.

    The WMT English writes some possessives and elisions with a double mark
    (``Jobs" death``, ``the birds" intelligence``, ``Students" Day``). A mark
    counts as such a use when all of these hold:

    * it is ``"`` or ``”`` and directly follows a letter;
    * it is directly followed by a letter (``don"t``), or by one space and a
      letter while the word before it ends in ``s`` (a plural possessive);
    * an even number of double marks precedes it in the line, so it cannot
      close a quotation opened earlier in the line.

    A line with no other double mark holds no quotation: it is left out of the
    second recall figure ("recall@1, quotation lines") and listed in
    bench/news_quotes_no_quotation.tsv.
    """
    marks = [m.start() for m in DOUBLE_MARK.finditer(line)]
    if not marks:
        return False
    for n, i in enumerate(marks):
        ch, prev = line[i], line[i - 1] if i else ""
        nxt = line[i + 1:i + 3]
        if ch == "“" or not prev.isalpha() or n % 2:
            return False
        elided = nxt[:1].isalpha()
        possessive = nxt[:1] == " " and nxt[1:2].isalpha() and prev.lower() == "s"
        if not (elided or possessive):
            return False
    return True


def split_of(set_name: str, doc_id: str) -> str:
    """"heldout" or "fit": a stable hash of the document id (never of its lines)."""
    h = int(hashlib.sha256(f"{set_name}/{doc_id}".encode("utf-8")).hexdigest()[:8], 16)
    return "heldout" if h % 2 == 1 else "fit"


@dataclass(frozen=True)
class NewsDoc:
    set: str
    id: str
    lines: dict[str, list[str]]  # lang -> lines

    @property
    def key(self) -> str:
        safe = re.sub(r"[^A-Za-z0-9]+", "_", self.id).strip("_")[:80]
        digest = hashlib.sha256(self.id.encode()).hexdigest()[:6]
        return f"{self.set}__{safe}_{digest}"


def load_docs(split: str) -> list[NewsDoc]:
    """Documents of ``split`` ("fit", "heldout") that hold an English quote line."""
    out = []
    for set_name, files in SETS.items():
        folder = DATA / set_name
        ids = [ln.split("\t")[0] for ln in (folder / "docs.tsv").read_text(encoding="utf-8").splitlines()]
        texts = {lang: (folder / f).read_text(encoding="utf-8").split("\n")[: len(ids)]
                 for lang, f in files.items()}
        order: dict[str, list[int]] = {}
        for i, d in enumerate(ids):
            order.setdefault(d, []).append(i)
        for doc_id, rows in order.items():
            if split_of(set_name, doc_id) != split:
                continue
            if not any(QUOTE_LINE.search(texts["en"][i]) for i in rows):
                continue
            out.append(NewsDoc(set_name, doc_id, {lang: [t[i] for i in rows] for lang, t in texts.items()}))
    return out


def write_articles(docs: list[NewsDoc], folder: Path) -> dict[str, tuple[NewsDoc, str, list[int]]]:
    """One file per document and language; returns path -> (doc, lang, line start offsets)."""
    index = {}
    for d in docs:
        for lang, lines in d.lines.items():
            path = folder / f"{d.key}.{lang}.txt"
            text = "\n".join(ln.strip() for ln in lines) + "\n"
            path.write_text(text, encoding="utf-8")
            starts, pos = [], 0
            for ln in text.split("\n")[: len(lines)]:
                starts.append(pos)
                pos += len(ln) + 1
            index[str(path)] = (d, lang, starts)
    return index


def run_align(folder: Path, out: Path) -> tuple[float, str]:
    """Run the CLI once on every file of ``folder``; returns (wall seconds, stderr tail)."""
    cmd = [sys.executable, "-c", "from aligner.cli import entry; entry()", "align", str(folder), "--format", "jsonl",
           "--min-score", "0", "-o", str(out)]
    env = dict(os.environ, PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0,):
        sys.exit(f"aligner align failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return wall, proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""


def line_of(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)


def is_right(index: dict, src_doc: str, src_start: int, tgt_doc: str, tgt_start: int, tgt_end: int) -> bool:
    """The target lies in the source line's counterpart line (or it and the line before)."""
    if tgt_doc not in index or src_doc not in index:
        return False
    sd, _, s_starts = index[src_doc]
    td, _, t_starts = index[tgt_doc]
    if td is not sd:
        return False
    i = line_of(s_starts, src_start)
    a, b = line_of(t_starts, tgt_start), line_of(t_starts, max(tgt_start, tgt_end - 1))
    return a <= i <= b and b - a <= 1


def score(rows: list[dict], index: dict, threshold: float, n_bins: int = 10, errors: int = 0):
    """Metrics per target language; see the module docstring."""
    # per source quote and target language: its first row (lowest rank)
    first: dict[tuple, dict] = {}
    for r in rows:
        if r["kind"] != "translation":
            continue
        s, t = r["source"], r["target"]
        key = (s["doc"], s["start"], s["end"], t["lang"])
        if key not in first or r["rank"] < first[key]["rank"]:
            first[key] = r
    quotes_by_line: dict[tuple, list] = defaultdict(list)  # (en path, line) -> first rows
    extracted_lines = set()
    for r in rows:
        s = r["source"]
        d, _, starts = index[s["doc"]]
        extracted_lines.add((s["doc"], line_of(starts, s["start"])))

    def right(r: dict) -> bool:
        s, t = r["source"], r["target"]
        return is_right(index, s["doc"], s["start"], t["doc"], t["start"], t["end"])

    for (doc, _, _, lang), r in first.items():
        d, _, starts = index[doc]
        quotes_by_line[(doc, line_of(starts, r["source"]["start"]), lang)].append(r)

    results = {}
    docs_by_path = {p: v for p, v in index.items() if v[1] == "en"}
    for lang in TARGET_LANGS:
        quoted = [(p, i) for p, (d, _, starts) in docs_by_path.items() if lang in d.lines
                  for i, ln in enumerate(d.lines["en"]) if QUOTE_LINE.search(ln)]
        if not quoted:
            continue
        hit = hit_any = not_extracted = 0
        hit_quotation = n_quotation = 0
        misses = []
        for p, i in quoted:
            is_quotation = not possessive_marks_only(docs_by_path[p][0].lines["en"][i])
            n_quotation += is_quotation
            if (p, i) not in extracted_lines:
                not_extracted += 1
                misses.append(("not extracted", p, i, None))
                continue
            cands = quotes_by_line.get((p, i, lang), [])
            if not cands:
                misses.append(("no row", p, i, None))
                continue
            best = max(cands, key=lambda r: r["score"])
            ok = right(best)
            hit_any += ok
            if ok and best["score"] >= threshold:
                hit += 1
                hit_quotation += is_quotation
            else:
                misses.append(("low score" if ok else "wrong target", p, i, best))
        firsts = [r for (doc, _, _, lg), r in first.items() if lg == lang]
        shown = [r for r in firsts if r["score"] >= threshold]
        tp = sum(right(r) for r in shown)
        bins = [[0, 0.0, 0] for _ in range(n_bins)]  # n, sum score, n right
        for r in firsts:
            b = min(n_bins - 1, int(r["score"] * n_bins))
            bins[b][0] += 1
            bins[b][1] += r["score"]
            bins[b][2] += right(r)
        ece = sum(abs(b[1] - b[2]) for b in bins) / max(1, len(firsts))
        results[lang] = {
            "quoted lines": len(quoted),
            "not extracted": not_extracted,
            "recall@1": hit / len(quoted),
            "recall@1 any score": hit_any / len(quoted),
            "quotation lines": n_quotation,
            "recall@1 quotation lines": hit_quotation / max(1, n_quotation),
            "rows shown": len(shown),
            "precision": tp / len(shown) if shown else float("nan"),
            "ECE": ece,
            "bins": bins,
            "misses": misses,
        }
    return results


def show_misses(results: dict, index: dict, n: int) -> None:
    for lang, res in results.items():
        print(f"\n## misses en-{lang} (first {n} of {len(res['misses'])})")
        for why, p, i, r in res["misses"][:n]:
            d = index[p][0]
            print(f"- [{why}] {d.set}/{d.id} line {i}: {d.lines['en'][i][:200]}")
            print(f"    gold: {d.lines[lang][i][:200]}")
            if r is not None:
                print(f"    got ({r['score']:.3f}, {Path(r['target']['doc']).name}): {r['target']['text'][:200]}")
                print(f"    source quote: {r['source']['text'][:120]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["fit", "heldout", "both"], default="both")
    ap.add_argument("--errors", type=int, default=0, help="list this many misses (FIT split only)")
    ap.add_argument("--reliability", action="store_true", help="print the reliability tables")
    ap.add_argument("--keep", type=Path, default=None, help="write the articles and output here, keep them")
    ap.add_argument("--rows", type=Path, default=None, help="reuse this JSONL output instead of running align")
    ap.add_argument("--sweep", action="store_true",
                    help="recall@1 and precision at thresholds 0.30-0.90 (FIT split only: choosing the default)")
    ap.add_argument("--list-excluded", action="store_true",
                    help=f"write the quoted lines that hold no quotation (both splits) to {EXCLUDED_FILE.name} and stop")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"evaluation data not found: {DATA} (expected ../shared/data beside the repo)")
    if args.list_excluded:
        n = write_excluded(EXCLUDED_FILE)
        print(f"{n} quoted lines hold no quotation (possessive / apostrophe double marks): {EXCLUDED_FILE}")
        return
    from aligner.settings import Settings

    threshold = Settings.from_env().align_threshold
    splits = ["fit", "heldout"] if args.split == "both" else [args.split]
    if (args.errors or args.sweep) and "heldout" in splits:
        sys.exit("--errors and --sweep are for the FIT split only: never tune on held-out documents "
                 "(use --split fit)")
    load = os.getloadavg()
    flags = _cpu_flags()
    print(f"| split | pair | docs | files | quoted lines | not extracted | recall@1 (≥{threshold}) | "
          f"recall@1 any score | rows shown | precision | ECE | align wall s | quotation lines | "
          f"recall@1 quotation lines |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    all_results = {}
    for split in splits:
        docs = load_docs(split)
        base = args.keep / split if args.keep else Path(tempfile.mkdtemp(prefix=f"news-{split}-"))
        arts = base / "articles"
        if arts.exists() and args.rows is None:
            shutil.rmtree(arts)
        arts.mkdir(parents=True, exist_ok=True)
        index = write_articles(docs, arts)
        out = base / "align.jsonl"
        wall = float("nan")
        if args.rows is None:
            wall, _ = run_align(arts, out)
        else:
            out = args.rows
        rows = [json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines() if ln.strip()]
        res = score(rows, index, threshold)
        all_results[split] = res
        for lang, r in res.items():
            print(f"| {split} | en-{lang} | {len(docs)} | {len(index)} | {r['quoted lines']} | "
                  f"{r['not extracted']} | {r['recall@1']:.3f} | {r['recall@1 any score']:.3f} | "
                  f"{r['rows shown']} | {r['precision']:.3f} | {r['ECE']:.3f} | {wall:.1f} | "
                  f"{r['quotation lines']} | {r['recall@1 quotation lines']:.3f} |")
        if args.errors:
            show_misses(res, index, args.errors)
        if args.sweep:
            print("\n| threshold | pair | recall@1 | precision | rows shown |\n|---|---|---|---|---|")
            for k in range(30, 91, 5):
                for lang, r in score(rows, index, k / 100).items():
                    print(f"| {k / 100:.2f} | en-{lang} | {r['recall@1']:.3f} | {r['precision']:.3f} | "
                          f"{r['rows shown']} |")
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    if args.reliability:
        for split, res in all_results.items():
            for lang, r in res.items():
                print(f"\nreliability, {split} en-{lang} (first row per quote, all scores)\n")
                print("| score bin | rows | mean score | share right |")
                print("|---|---|---|---|")
                for k, (n, s, ok) in enumerate(r["bins"]):
                    if n:
                        print(f"| {k / 10:.1f}–{(k + 1) / 10:.1f} | {n} | {s / n:.3f} | {ok / n:.3f} |")
    print(f"\nthreshold {threshold}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
          f"CPU flags: {flags}; command: .venv/bin/python bench/news_quotes.py {' '.join(sys.argv[1:])}")


def write_excluded(path: Path) -> int:
    """List every quoted English line that :func:`possessive_marks_only` leaves out, both splits.

    Columns: split, set, document id, line (0-based within the document), text.
    The rule is fixed in code, not fitted: the list is there for anyone to check it.
    """
    out = ["split\tset\tdoc\tline\ttext"]
    for split in ("fit", "heldout"):
        for d in load_docs(split):
            for i, ln in enumerate(d.lines["en"]):
                if QUOTE_LINE.search(ln) and possessive_marks_only(ln):
                    out.append(f"{split}\t{d.set}\t{d.id}\t{i}\t{ln.strip()}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return len(out) - 1


def _cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    have = [f for f in ("avx512_bf16", "amx_bf16", "avx512_vnni") if re.search(rf"\b{f}\b", text)]
    return " ".join(have) or "none of avx512_bf16/amx/avx512_vnni"


if __name__ == "__main__":
    main()
