"""Where the time of `aligner align` goes, stage by stage, on 250 news articles.

    .venv/bin/python bench/align_speed.py [FOLDER] [--size issue|double|both]
        [--no-cache] [--cli] [--keep DIR] [--rows DIR]

Without FOLDER the article folders are built here from
``../shared/data/news-quotes`` (:func:`speed_docs`, written by
``bench/news_quotes.py``'s writer): the first 125 FIT-split WMT documents
that hold a quote (sorted by file name), English and French, 250 files:

* ``double``: the whole documents, about 8,000 sentences (about 4,000 on
  each side: the issue's own 123 articles / 246 files);
* ``issue``: the same 250 files, each document cut to its first half of
  lines: about 4,000 sentences in all (the issue's target size).

Each set runs :func:`aligner.pipeline.align_paths` (what ``aligner align``
runs) in this process and prints the wall and CPU seconds (user+sys of the
process, every thread) of each stage: model load, read, extract, embed,
article pairing, quote alignment, word spans, variants.
``--no-cache`` turns the on-disk embedding cache off: a first run on new
articles (the models themselves stay built). ``--cli`` also times the real
command, ``aligner align FOLDER -o out.jsonl``, as a subprocess whose
embedding cache is a fresh, empty folder (the converted and OpenVINO models
are linked in from the user cache, not rebuilt): wall, user+sys seconds.
``--rows DIR`` writes each set's JSONL rows there (to compare versions).
Every figure comes with the load average and the CPU flags.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

N_DOCS = 125
SIZES = ("issue", "double")


def speed_docs(size: str):
    """The documents of a speed set (see the module docstring); deterministic."""
    import news_quotes as nq

    docs = sorted((d for d in nq.load_docs("fit") if d.set.startswith("wmt-")), key=lambda d: d.key)[:N_DOCS]
    if size == "issue":
        docs = [replace(d, lines={lang: lines[: (len(lines) + 1) // 2] for lang, lines in d.lines.items()})
                for d in docs]
    elif size != "double":
        raise SystemExit(f"unknown size {size!r}; valid: {', '.join(SIZES)}")
    return docs


def build_folder(size: str, folder: Path) -> Path:
    """Write the ``size`` set's 250 article files into ``folder`` (emptied first)."""
    import news_quotes as nq

    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    nq.write_articles(speed_docs(size), folder)
    return folder


class Clock:
    """Wall and process CPU seconds between marks."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, float, float]] = []
        self._w, self._c = time.perf_counter(), time.process_time()

    def mark(self, stage: str) -> None:
        w, c = time.perf_counter(), time.process_time()
        self.rows.append((stage, w - self._w, c - self._c))
        self._w, self._c = w, c


def cpu_line() -> str:
    text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    flags = [f for f in ("avx512_bf16", "amx_bf16", "avx512_vnni") if f" {f}" in text]
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"load average {load}; CPU flags {' '.join(flags) or 'none of avx512_bf16/amx/avx512_vnni'}; " \
           f"{os.cpu_count()} cores"


STAGE_NAMES = {"pair": "article pairing", "quotes": "quote alignment", "words": "word spans",
               "variants": "variants"}


def run_pipeline(folder: Path, no_cache: bool, rows_out: Path | None) -> None:
    """One in-process run of :func:`aligner.pipeline.align_paths`, timed per stage."""
    from aligner.embed import get_encoder
    from aligner.pipeline import ALIGN_STEPS, align_paths, single_sentences  # noqa: F401
    from aligner.settings import Settings

    settings = Settings.from_env()
    print(f"\n{cpu_line()} (start)")
    clock = Clock()
    enc = get_encoder(cache=not no_cache, settings=settings)
    enc.prepare()
    enc.load()
    clock.mark("model load")
    state = {"stage": None}

    def progress(stage: str, done: int, total: int) -> None:
        # a stage ends when the next one reports; the align stage reports its steps
        name = stage
        if stage == "align":
            name = ALIGN_STEPS[done] if done < len(ALIGN_STEPS) else None
        if name != state["stage"]:
            if state["stage"] is not None:
                clock.mark(state["stage"])
            state["stage"] = name

    t0 = time.perf_counter()
    c0 = time.process_time()
    result = align_paths([str(folder)], enc, settings=settings, progress=progress)
    if state["stage"] is not None:
        clock.mark(state["stage"])
    total_w, total_c = time.perf_counter() - t0, time.process_time() - c0
    n_sent = sum(1 for c in _sentences(result, settings))
    s = result.stats
    print(f"{len(result.documents)} articles, {n_sent} sentences, {s['source_quotes']} English quotes, "
          f"{s['targets']} French/Arabic targets, {s['article_pairs']} article pairs, "
          f"{len(result.candidates)} rows; backend {enc.backend} "
          f"({enc.dtype}); embedding cache {'off' if no_cache else 'on'}")
    print("| stage | wall s | CPU s (user+sys) |\n|---|---|---|")
    for stage, w, c in clock.rows:
        print(f"| {STAGE_NAMES.get(stage, stage)} | {w:.1f} | {c:.1f} |")
    print(f"| **total after model load** | **{total_w:.1f}** | **{total_c:.1f}** |")
    print(f"{cpu_line()} (end)")
    if rows_out is not None:
        from aligner.export.formats import write_pairs
        from aligner.io.output import check_output

        cands = sorted(result.candidates, key=lambda c: (c.source.doc, c.source.start, c.kind, c.rank))
        write_pairs(cands, check_output(rows_out, inputs=[folder]), "jsonl")
        print(f"rows written to {rows_out}")


def _sentences(result, settings):
    from aligner.pipeline import prepare_document, single_sentences

    for d in result.documents:
        yield from single_sentences(prepare_document(d, settings))


def run_cli(folder: Path, out: Path) -> None:
    """``aligner align FOLDER -o out`` in a subprocess with an empty embedding cache."""
    from aligner.embed.cache import cache_root

    home = Path(tempfile.mkdtemp(prefix="align-speed-cache-"))
    try:
        root = cache_root()
        for name in ("models", "openvino-cache"):  # built once per machine: reused, never rebuilt
            if (root / name).exists():
                (home / name).symlink_to(root / name)
        env = dict(os.environ, ALIGNER_CACHE_DIR=str(home), PYTHONPATH=str(ROOT), HF_HUB_OFFLINE="1",
                   TRANSFORMERS_OFFLINE="1")
        cmd = [sys.executable, "-m", "aligner", "align", str(folder), "-f", "jsonl", "-o", str(out)]
        print(f"\n{cpu_line()} (start)")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            sys.exit(f"aligner align failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"real CLI, first run (empty embedding cache): `aligner align {folder.name} -f jsonl "
              f"-o out.jsonl`: wall {wall:.1f} s, CPU {cpu:.1f} s (user+sys); "
              f"{proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ''}")
        print(f"{cpu_line()} (end)")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, nargs="?", help="articles to align (default: build the speed sets)")
    ap.add_argument("--size", choices=[*SIZES, "both"], default="both", help="which speed set(s) to build")
    ap.add_argument("--no-cache", action="store_true", help="embedding cache off (a first run)")
    ap.add_argument("--cli", action="store_true", help="also time the real CLI with an empty embedding cache")
    ap.add_argument("--keep", type=Path, default=None, help="build the article folders here and keep them")
    ap.add_argument("--rows", type=Path, default=None, help="write each set's JSONL rows into this folder")
    ap.add_argument("--no-pipeline", action="store_true", help="only the real CLI run (with --cli)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="align-speed-"))
    try:
        if args.folder is not None:
            sets = [(args.folder.name, args.folder)]
        else:
            sizes = SIZES if args.size == "both" else (args.size,)
            sets = [(size, build_folder(size, base / size)) for size in sizes]
        if args.rows:
            args.rows.mkdir(parents=True, exist_ok=True)
        for name, folder in sets:
            print(f"\n## {name}: {folder}")
            if not args.no_pipeline:
                run_pipeline(folder, args.no_cache, args.rows / f"{name}.jsonl" if args.rows else None)
            if args.cli:
                run_cli(folder, base / f"{name}.cli.jsonl")
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
