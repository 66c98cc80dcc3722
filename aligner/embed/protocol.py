"""The encoder protocol every part of the core depends on.

Tests inject a fake encoder; the real one wraps sentence-transformers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from ..progress import ProgressFn

__all__ = ["Encoder", "ProgressFn"]


@runtime_checkable
class Encoder(Protocol):
    name: str
    """Stable model identifier (used as the embedding-cache key)."""

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str], *, progress: ProgressFn | None = None) -> np.ndarray:
        """Embed ``texts``.

        Returns a C-contiguous float32 array of shape (len(texts), dim) whose
        rows are L2-normalised (so inner product == cosine). An empty input
        gives shape (0, dim).
        """
        ...
