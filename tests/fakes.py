"""Test doubles shared by the whole test suite.

``FakeEncoder`` satisfies :class:`aligner.embed.Encoder` without any model:
it hashes words and character trigrams into a fixed-size signed vector, so
identical texts get identical vectors and texts sharing words or spellings
are close (cosine well above unrelated texts). It is deterministic across
processes and machines (crc32, not Python's salted ``hash``).
"""

from __future__ import annotations

import unicodedata
import zlib
from collections.abc import Sequence

import numpy as np


class FakeEncoder:
    """Deterministic lexical encoder: (n, dim) float32, L2-normalised rows.

    ``calls`` counts encode() calls and ``seen`` the texts embedded, so tests
    can check caching or batching behaviour.
    """

    def __init__(self, dim: int = 64, *, name: str | None = None, ngram: int = 3):
        if dim < 2:
            raise ValueError("dim must be >= 2")
        self._dim = int(dim)
        self.ngram = int(ngram)
        self.name = name or f"fake-ngram{ngram}-{dim}"
        self.calls = 0
        self.seen: list[str] = []

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[tuple[str, float]]:
        t = unicodedata.normalize("NFKC", text).casefold()
        words = [w for w in "".join(c if c.isalnum() else " " for c in t).split() if w]
        feats: list[tuple[str, float]] = [("w:" + w, 2.0) for w in words]
        for w in words:
            padded = f"<{w}>"
            feats.extend(("g:" + padded[i:i + self.ngram], 1.0)
                         for i in range(max(1, len(padded) - self.ngram + 1)))
        return feats or [("empty:", 1.0)]

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float64)
        for feat, weight in self._features(text):
            h = zlib.crc32(feat.encode("utf-8"))
            sign = 1.0 if (h >> 31) & 1 else -1.0
            v[h % self._dim] += sign * weight
        norm = np.linalg.norm(v)
        if norm == 0.0:  # features cancelled out: fall back to a fixed direction
            v[zlib.crc32(text.encode("utf-8")) % self._dim] = 1.0
            norm = 1.0
        return v / norm

    def encode(self, texts: Sequence[str], *, progress=None) -> np.ndarray:
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of strings, not a single string")
        texts = list(texts)
        self.calls += 1
        self.seen.extend(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self._vector(t)
        if progress is not None:
            progress(len(texts), len(texts))
        return np.ascontiguousarray(out)


class GatedEncoder(FakeEncoder):
    """A FakeEncoder as slow as the caller wants: ``encode`` waits until ``gate`` is set, calling
    ``progress(0, n)`` every 10 ms meanwhile (the pipeline's progress raises ``Cancelled`` once the
    user cancelled, as with the real model). For the app's background-job tests, which then run the
    real alignment service (``workbench.services.CoreAlignmentService``) end to end.
    """

    def __init__(self, gate, dim: int = 64):
        super().__init__(dim)
        self.gate = gate

    def encode(self, texts: Sequence[str], *, progress=None) -> np.ndarray:
        texts = list(texts)
        while not self.gate.is_set():
            if progress is not None:
                progress(0, len(texts))
            self.gate.wait(0.01)
        return super().encode(texts, progress=progress)
