"""Arabic script <-> Latin script comparison of names.

Two independent kinds of evidence, combined by :func:`cross_unit_score`:

1. Ranked Latin candidates for an Arabic name unit from the offline
   ``arabic-name-romanizer`` package (dictionary of attested spellings + a
   small ONNX model). Loaded lazily on first use; when the package or its
   resources are missing the romanizer simply returns no candidates.
2. A deterministic shape check: the consonant skeletons of both tokens in
   one shared alphabet must be equal and every long vowel written in the
   Arabic (ا / و / ي) must have a matching Latin vowel in the same gap
   (``حسين`` ~ ``Hussein`` but not ``Hassan``).

Also gives the known given-name lists (Latin keys and folded Arabic) used
by mention extraction; they come from the romanizer's index (given names
attested at least ``min_count`` times) plus :data:`lexicon.WESTERN_GIVEN`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .lexicon import DESCRIPTORS_AR, STOP_AR, TITLES_AR, WESTERN_GIVEN
from .normalize import (
    Unit,
    arabic_key,
    arabic_shape,
    fold_arabic,
    latin_key,
    latin_shape,
    latin_units,
)


class Romanizer(Protocol):
    """Anything giving ranked Latin spellings for Arabic-script strings."""

    def candidates(self, texts: Sequence[str], top_k: int) -> list[list[tuple[str, float]]]: ...


class PackageRomanizer:
    """``arabic_name_romanizer.Transliterator``, created on first use."""

    def __init__(self) -> None:
        self._t = None
        self._failed = False
        self._lock = threading.Lock()

    def _get(self):
        with self._lock:
            if self._t is None and not self._failed:
                try:
                    from arabic_name_romanizer import Transliterator

                    self._t = Transliterator()
                except Exception:  # package or its resources missing: no candidates
                    self._failed = True
            return self._t

    @property
    def available(self) -> bool:
        return self._get() is not None

    def candidates(self, texts: Sequence[str], top_k: int) -> list[list[tuple[str, float]]]:
        t = self._get()
        if t is None or not texts:
            return [[] for _ in texts]
        res = t.transliterate_many(list(texts), top_k=max(top_k, 2))
        return [[(c.text, float(c.score)) for c in r][:top_k] for r in res]


_ROMANIZER: Romanizer | None = None


def get_romanizer() -> Romanizer:
    """The process-wide romanizer (the installed package by default)."""
    global _ROMANIZER
    if _ROMANIZER is None:
        _ROMANIZER = PackageRomanizer()
    return _ROMANIZER


def set_romanizer(r: Romanizer | None) -> None:
    """Replace the romanizer (tests, or a user dictionary); None restores the default."""
    global _ROMANIZER
    _ROMANIZER = r
    _unit_candidates_cached.cache_clear()
    candidate_units.cache_clear()
    _PREFETCHED.clear()


TOP_K = 8


@lru_cache(maxsize=65536)
def _unit_candidates_cached(text: str) -> tuple[tuple[str, float], ...]:
    return tuple(get_romanizer().candidates([text], TOP_K)[0])


def prefetch(texts: Iterable[str]) -> None:
    """Romanize many Arabic unit texts in one batch (fills the cache)."""
    todo = sorted({t for t in texts if t})
    if not todo:
        return
    res = get_romanizer().candidates(todo, TOP_K)
    for t, r in zip(todo, res, strict=True):
        _PREFETCHED[t] = tuple(r)


_PREFETCHED: dict[str, tuple[tuple[str, float], ...]] = {}


def unit_candidates(text: str) -> tuple[tuple[str, float], ...]:
    """Ranked (Latin spelling, score) for one Arabic name unit."""
    hit = _PREFETCHED.get(text)
    if hit is not None:
        return hit
    return _unit_candidates_cached(text)


def romanize(text: str, top_k: int = 3) -> list[tuple[str, float]]:
    """Ranked Latin spellings of a whole Arabic name."""
    return get_romanizer().candidates([text], top_k)[0]


@lru_cache(maxsize=65536)
def candidate_units(text: str) -> tuple[Unit, ...]:
    """Latin units of the romanizer's candidates for one Arabic unit, best first."""
    out: list[Unit] = []
    for latin, _score in unit_candidates(text):
        us = latin_units(latin)
        if len(us) == 1:
            out.append(us[0])
    return tuple(out)


# ------------------------------------------------------------------ scoring

def shape_compatible(ar_token: str, lat_token: str) -> bool:
    """Same consonant skeleton, and every Arabic long vowel present in the Latin gap.

    A Latin ``-at`` may stand for a final ة (``Jabhat`` / ``جبهة``).
    """
    a_sk, a_sl = arabic_shape(ar_token)
    l_sk, l_sl = latin_shape(lat_token)
    if not a_sk or not l_sk:
        return False
    if l_sk != a_sk:
        if (l_sk == a_sk + "t" and fold_arabic(ar_token).endswith(("ة", "ه"))):
            l_sl = l_sl[:-1]
        else:
            return False
    if len(a_sl) != len(l_sl):
        return False
    return all(a <= b for a, b in zip(a_sl, l_sl, strict=True))


def cross_unit_score(ar: Unit, la: Unit, latin_sim) -> float:
    """Similarity in [0, 1] of an Arabic unit and a Latin unit.

    ``latin_sim(u, v)`` scores two Latin units (see cluster.unit_sim). The
    best romanizer candidate counts in full for the top 3, a little less
    below; a shape match counts 0.9 (0.8 for a one-consonant skeleton).
    """
    if ar.kind != la.kind and "initial" not in (ar.kind, la.kind):
        return 0.0
    if la.kind == "initial":
        return 0.0
    best = 0.0
    text = ar.text.split(" ", 1)[1] if ar.kind in {"abd", "abu"} and " " in ar.text else ar.text
    cands = candidate_units(text)
    for rank, cu in enumerate(cands):
        cu = Unit(cu.text, cu.key, cu.skel, la.kind, "Latn")
        s = latin_sim(cu, la) * (1.0 if rank < 3 else 0.95)
        best = max(best, s)
    lat_text = la.key
    if shape_compatible(text, lat_text):
        sk = arabic_shape(text)[0]
        best = max(best, 0.9 if len(sk) >= 2 else 0.8)
    return best


# --------------------------------------------------------- given-name lists

def _index_path() -> Path | None:
    try:
        import arabic_name_romanizer
    except Exception:
        return None
    p = Path(arabic_name_romanizer.__file__).parent / "resources" / "names.sqlite3"
    return p if p.exists() else None


@lru_cache(maxsize=4)
def _given_rows(min_count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    p = _index_path()
    if p is None:
        return (), ()
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            lat = conn.execute(
                "SELECT latin FROM units WHERE role='given' GROUP BY latin HAVING SUM(count) >= ?", (min_count,)
            ).fetchall()
            ar = conn.execute(
                "SELECT arabic_key FROM units WHERE role='given' GROUP BY arabic_key HAVING SUM(count) >= ?",
                (min_count,),
            ).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return (), ()
    return tuple(r[0] for r in lat), tuple(r[0] for r in ar)


# Arabic words frequent in news that are also attested as given names
_AR_GIVEN_STOP = frozenset(fold_arabic(w) for w in """
رئيس امل نصر سلام فتح جمال عادل كريم حسن رضا صالح امين منير سعيد فجر بدر نور هدى وفاء قائد
شهيد عامر ماجد حر عز شام عيد مجد ناصر زين بشرى سالم نبيل امير جود وطن دين شريف ربيع اكبر
مقتل ضياء
""".split()) - frozenset(fold_arabic(w) for w in "حسن جمال ناصر سالم سعيد صالح نبيل كريم عادل ماجد".split())


@lru_cache(maxsize=4)
def latin_given_keys(min_count: int = 3) -> frozenset[str]:
    """Latin spelling keys (:func:`latin_key`) of known given names."""
    lat, _ = _given_rows(min_count)
    keys = {latin_key(w) for w in lat if w and " " not in w}
    keys |= {latin_key(p) for w in WESTERN_GIVEN for p in w.split("-")}
    return frozenset(k for k in keys if len(k) >= 2)


@lru_cache(maxsize=4)
def arabic_given_names(min_count: int = 5) -> frozenset[str]:
    """Folded Arabic (:func:`arabic_key` without article) of known given names."""
    _, ar = _given_rows(min_count)
    names = {arabic_key(w) for w in ar if w and " " not in w}
    names |= {arabic_key(w) for w in """
        سيرغي سيرجي ستيفان ستافان جون فلاديمير دميتري ميخائيل جان فرانسوا لوران إيمانويل بشار وليد
        باسمة بسمة رامي وائل حسن علي محمد أحمد سالم غسان ديمتري بان أنطونيو بوريس إيغور""".split()}
    names -= {arabic_key(w) for w in STOP_AR | TITLES_AR | DESCRIPTORS_AR | _AR_GIVEN_STOP}
    return frozenset(n for n in names if len(n) >= 2)


@lru_cache(maxsize=2)
def arabic_name_units() -> frozenset[str]:
    """Folded Arabic keys attested as any part of a name in the romanizer's index."""
    p = _index_path()
    if p is None:
        return frozenset()
    try:
        conn = sqlite3.connect(f"file:{p}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT DISTINCT arabic_key FROM units").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return frozenset()
    out = set()
    for (k,) in rows:
        if k and " " not in k:
            f = fold_arabic(k)
            out.add(f)
            out.add(arabic_key(f))
    return frozenset(out - {fold_arabic(w) for w in STOP_AR})
