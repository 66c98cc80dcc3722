#!/usr/bin/env python3
"""Check the gold annotations of the demo corpus against the articles.

Standard library only.  Run from anywhere:

    python seeds/gold/check_gold.py            # exit 0 when every check passes
    python seeds/gold/check_gold.py --lines    # also print file:line of every gold item

Each article is decoded with the encoding listed in encodings.json (paths
relative to the repository root); a file missing from the manifest is tried
as utf-8, utf-16 (BOM), cp1256, cp1252.  Substrings are looked up in the
decoded text exactly as Python decodes it (no newline or Unicode normalisation).

Checks
  alignments.jsonl  kinds translation / variant / none; every source quote and
                    target sentence (translation) or quote (variant) occurs
                    exactly once in its document; every English quote is
                    classified once (translation or none, never both); the
                    variant relation names only classified quotes, no pair twice.
  distractors.jsonl every target occurs exactly once and is never a gold target
                    of the same source.
  non_speech.jsonl  every marked span occurs `count` times.
  names.json        every variant occurs in the corpus; no variant is in two
                    clusters; types are person / organization / place.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

GOLD = Path(__file__).resolve().parent
SEEDS = GOLD.parent
ROOT = SEEDS.parent
QUOTE_MARKS = set("\"“”«»")
TYPES = {"person", "organization", "place"}


class Corpus:
    def __init__(self) -> None:
        self.manifest: dict[str, str] = json.loads((GOLD / "encodings.json").read_text(encoding="utf-8"))
        self._cache: dict[str, str] = {}

    def text(self, doc: str) -> str:
        if doc not in self._cache:
            data = (ROOT / doc).read_bytes()
            enc = self.manifest.get(doc)
            if enc:
                self._cache[doc] = data.decode(enc)
            else:
                self._cache[doc] = _guess_decode(data)
        return self._cache[doc]

    def articles(self) -> list[str]:
        docs = []
        for lang in ("en", "fr", "ar"):
            for p in sorted((SEEDS / lang).iterdir()):
                if p.is_file():
                    docs.append(p.relative_to(ROOT).as_posix())
        return docs


def _guess_decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for enc in ("utf-8-sig", "cp1256", "cp1252"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def main(argv: list[str]) -> int:
    show_lines = "--lines" in argv
    corpus = Corpus()
    errors: list[str] = []

    def err(msg: str) -> None:
        errors.append(msg)

    def once(doc: str, s: str, what: str, lineno: int) -> bool:
        if not (ROOT / doc).is_file():
            err(f"line {lineno}: {what}: no such file {doc}")
            return False
        if not s:
            err(f"line {lineno}: {what}: empty substring")
            return False
        n = corpus.text(doc).count(s)
        if n != 1:
            err(f"line {lineno}: {what}: found {n} times in {doc} (want exactly 1): {s[:70]!r}")
            return False
        return True

    # ---- alignments.jsonl
    classified: dict[tuple[str, str], str] = {}
    variant_quotes: set[tuple[str, str]] = set()
    pairs: set[frozenset] = set()
    gold_targets: dict[tuple[str, str], set[tuple[str, str]]] = {}
    counts = Counter()
    report: list[str] = []
    ids = Counter()
    for lineno, raw in enumerate((GOLD / "alignments.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        rec = json.loads(raw)
        kind = rec.get("kind")
        counts[kind] += 1
        ids[rec.get("id")] += 1
        src = rec.get("source") or {}
        sdoc, squote = src.get("doc", ""), src.get("quote", "")
        if kind not in ("translation", "variant", "none"):
            err(f"line {lineno}: unknown kind {kind!r}")
            continue
        if not sdoc.startswith("seeds/en/"):
            err(f"line {lineno}: source must be an English article, got {sdoc}")
        if any(ch in QUOTE_MARKS for ch in squote):
            err(f"line {lineno}: source quote should hold the quoted words only, without quote marks")
        if not once(sdoc, squote, "source quote", lineno):
            continue
        for part in src.get("parts", []):
            once(sdoc, part, "source quote part", lineno)
        if src.get("parts") and squote not in src["parts"]:
            err(f"line {lineno}: a split quote's `quote` must be one of its `parts`")
        skey = (sdoc, squote)
        if show_lines:
            report.append(f"{rec.get('id', '?'):>8} {kind:<11} {sdoc}:{line_of(corpus.text(sdoc), squote)}")
        if kind == "variant":
            tgt = rec.get("target") or {}
            tdoc, tquote = tgt.get("doc", ""), tgt.get("quote", "")
            if not tdoc.startswith("seeds/en/"):
                err(f"line {lineno}: a variant's target must be an English article, got {tdoc}")
            if once(tdoc, tquote, "variant target quote", lineno):
                pair = frozenset([skey, (tdoc, tquote)])
                if len(pair) != 2:
                    err(f"line {lineno}: a quote cannot be its own variant")
                if pair in pairs:
                    err(f"line {lineno}: variant pair listed twice")
                pairs.add(pair)
                variant_quotes.update(pair)
                if show_lines:
                    report.append(f"{'':>8} {'':<11}   ~ {tdoc}:{line_of(corpus.text(tdoc), tquote)}")
            continue
        prev = classified.get(skey)
        if kind == "none":
            if rec.get("target"):
                err(f"line {lineno}: kind none takes no target")
            if prev is not None:
                err(f"line {lineno}: quote already classified as {prev}")
            classified[skey] = "none"
            continue
        # translation
        tgt = rec.get("target") or {}
        tdoc, tsent = tgt.get("doc", ""), tgt.get("sentence", "")
        if not (tdoc.startswith("seeds/fr/") or tdoc.startswith("seeds/ar/")):
            err(f"line {lineno}: a translation's target must be a French or Arabic article, got {tdoc}")
        if prev == "none":
            err(f"line {lineno}: quote is also listed with kind none")
        classified[skey] = "translation"
        if once(tdoc, tsent, "target sentence", lineno):
            gold_targets.setdefault(skey, set()).add((tdoc, tsent))
            if show_lines:
                report.append(f"{'':>8} {'':<11}   -> {tdoc}:{line_of(corpus.text(tdoc), tsent)}")

    for q in sorted(variant_quotes - set(classified)):
        err(f"variant quote not classified as translation or none: {q[0]}: {q[1][:60]!r}")
    dup_ids = [i for i, n in ids.items() if i is not None and n > 1 and not str(i).count("~")]
    for i in dup_ids:
        err(f"id {i!r} used by {ids[i]} lines")

    # quotes within one document must not overlap (one gold item per quoted span)
    by_doc: dict[str, list[tuple[int, int, str]]] = {}
    for sdoc, squote in classified:
        t = corpus.text(sdoc)
        i = t.index(squote)
        by_doc.setdefault(sdoc, []).append((i, i + len(squote), squote))
    for sdoc, spans in by_doc.items():
        spans.sort()
        for (a0, a1, qa), (b0, b1, qb) in zip(spans, spans[1:]):
            if b0 < a1:
                err(f"{sdoc}: gold quotes overlap: {qa[:40]!r} / {qb[:40]!r}")

    # ---- distractors.jsonl
    n_dis = Counter()
    for lineno, raw in enumerate((GOLD / "distractors.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        rec = json.loads(raw)
        n_dis[rec.get("kind")] += 1
        if rec.get("kind") not in ("trap", "distractor"):
            err(f"distractors line {lineno}: unknown kind {rec.get('kind')!r}")
        src = rec.get("source")
        if src:
            if not once(src["doc"], src["quote"], "distractor source", lineno):
                continue
            if (src["doc"], src["quote"]) not in classified:
                err(f"distractors line {lineno}: source is not a gold quote")
        tgt = rec["target"]
        if once(tgt["doc"], tgt["sentence"], "distractor target", lineno) and src:
            gt = gold_targets.get((src["doc"], src["quote"]), set())
            for gdoc, gs in gt:
                if gdoc == tgt["doc"] and (gs in tgt["sentence"] or tgt["sentence"] in gs):
                    err(f"distractors line {lineno}: target overlaps a gold target of the same quote")

    # ---- non_speech.jsonl
    n_ns = 0
    for lineno, raw in enumerate((GOLD / "non_speech.jsonl").read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        rec = json.loads(raw)
        n_ns += 1
        n = corpus.text(rec["doc"]).count(rec["marked"])
        if n != rec.get("count"):
            err(f"non_speech line {lineno}: {rec['marked']!r} found {n} times, expected {rec.get('count')}")
        if rec["text"] not in rec["marked"]:
            err(f"non_speech line {lineno}: text is not inside marked")

    # ---- names.json
    names = json.loads((GOLD / "names.json").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    all_text = "\n".join(corpus.text(d) for d in corpus.articles())
    n_var = 0
    for cl in names["clusters"]:
        if cl.get("type") not in TYPES:
            err(f"names: {cl.get('canonical')}: bad type {cl.get('type')!r}")
        if not cl.get("variants"):
            err(f"names: {cl.get('canonical')}: no variants")
        for v in cl.get("variants", []):
            n_var += 1
            if v in seen:
                err(f"names: {v!r} is in two clusters ({seen[v]} and {cl['canonical']})")
            seen[v] = cl["canonical"]
            if v not in all_text:
                err(f"names: {v!r} ({cl['canonical']}) does not occur in the corpus")
    canon = Counter(c["canonical"] for c in names["clusters"])
    for c, n in canon.items():
        if n > 1:
            err(f"names: canonical {c!r} used by {n} clusters")

    # ---- encodings: every article listed and decodable strictly
    for d in corpus.articles():
        if d not in corpus.manifest:
            err(f"{d}: missing from encodings.json")
    for d in corpus.manifest:
        if not (ROOT / d).is_file():
            err(f"encodings.json lists a missing file {d}")

    if show_lines:
        print("\n".join(report))
    n_src = len(classified)
    n_trans_q = sum(1 for v in classified.values() if v == "translation")
    print(
        f"{n_src} English quotes: {n_trans_q} with an original ({counts['translation']} translation lines), "
        f"{n_src - n_trans_q} without (kind none); {counts['variant']} variant pairs; "
        f"{sum(n_dis.values())} traps/distractors ({n_dis['trap']} traps); {n_ns} non-speech marks; "
        f"{len(names['clusters'])} name clusters, {n_var} variants"
    )
    if errors:
        print(f"{len(errors)} problem(s):", file=sys.stderr)
        for e in errors:
            print("  " + e, file=sys.stderr)
        return 1
    print("gold ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
