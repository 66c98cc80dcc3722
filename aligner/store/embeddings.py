"""The embedding cache of a project: vectors by (model key, sha1 of the text).

The store only gets and puts vectors; encoding what is missing is the
pipeline's job (:class:`aligner.pipeline.EmbeddingSource`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import DimensionError
from ._base import StoreBase, chunks
from ._text import text_sha1


class EmbeddingLookup(tuple):
    """Result of :meth:`Project.get_embeddings`: the 2-tuple ``(vectors, missing)``.

    ``vectors``: (len(texts), dim) float32, C-contiguous; rows of missing texts
    are zero. ``missing``: indexes (into ``texts``) of texts not cached.
    It is also a read-only mapping ``text -> (dim,) float32`` of the texts
    that were found (``keys()``, ``lookup[text]``, ``items()``, ``get()``,
    ``text in lookup``), so ``some_dict.update(lookup)`` works too.
    """

    def __new__(cls, vectors: np.ndarray, missing: list[int], found: dict[str, np.ndarray]):
        obj = super().__new__(cls, (vectors, missing))
        obj._found = found
        return obj

    @property
    def vectors(self) -> np.ndarray:
        return tuple.__getitem__(self, 0)

    @property
    def missing(self) -> list[int]:
        return tuple.__getitem__(self, 1)

    def keys(self):
        return self._found.keys()

    def values(self):
        return self._found.values()

    def items(self):
        return self._found.items()

    def get(self, text: str, default=None):
        return self._found.get(text, default)

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self._found)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._found[key]
        return tuple.__getitem__(self, key)

    def __contains__(self, key) -> bool:
        if isinstance(key, str):
            return key in self._found
        return any(key is x for x in self)


class EmbeddingStore(StoreBase):
    """Cached embeddings: ``get_embeddings`` and ``put_embeddings``."""

    def get_embeddings(self, model: str, texts: Sequence[str], *, dim: int | None = None) -> EmbeddingLookup:
        """Cached embeddings of ``texts`` for ``model``.

        Returns :class:`EmbeddingLookup` ``(vectors, missing)``: vectors
        (len(texts), dim) float32 with zero rows for the ``missing`` indexes.
        When nothing is cached for ``model`` the dim is ``dim`` if given, else 0.
        """
        texts = list(texts)
        keys = [text_sha1(t) for t in texts]
        found: dict[str, bytes] = {}
        with self._read() as c:
            stored_dim = c.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
            uniq = list(dict.fromkeys(keys))
            for chunk in chunks(uniq):
                marks = ",".join("?" * len(chunk))
                for key, vec in c.execute(f"SELECT text_sha1, vec FROM embeddings WHERE model = ? "
                                          f"AND text_sha1 IN ({marks})", [model, *chunk]):
                    found[key] = vec
        d = stored_dim[0] if stored_dim else (int(dim) if dim is not None else 0)
        if dim is not None and stored_dim and stored_dim[0] != dim:
            raise DimensionError(f"embeddings of {model!r} in {self.path} have dim {stored_dim[0]}, not {dim}")
        vectors = np.zeros((len(texts), d), dtype=np.float32)
        missing: list[int] = []
        by_text: dict[str, np.ndarray] = {}
        for i, (t, k) in enumerate(zip(texts, keys)):
            blob = found.get(k)
            if blob is None:
                missing.append(i)
                continue
            vectors[i] = np.frombuffer(blob, dtype="<f4")
            by_text[t] = vectors[i]
        return EmbeddingLookup(vectors, missing, by_text)

    def put_embeddings(self, model: str, texts: Sequence[str], vecs: np.ndarray) -> None:
        """Cache ``vecs`` (len(texts), dim) float32, C-contiguous, for ``model``."""
        texts = list(texts)
        if not isinstance(vecs, np.ndarray) or vecs.dtype != np.float32 or vecs.ndim != 2:
            got = getattr(vecs, "dtype", type(vecs).__name__)
            raise DimensionError(f"embeddings must be a 2-D float32 array, got {got} "
                                 f"with shape {getattr(vecs, 'shape', None)}")
        if not vecs.flags.c_contiguous:
            raise DimensionError("embeddings must be C-contiguous (use np.ascontiguousarray)")
        if vecs.shape[0] != len(texts):
            raise DimensionError(f"{len(texts)} texts but {vecs.shape[0]} embedding rows")
        dim = int(vecs.shape[1])
        if not texts:
            return
        little = vecs.astype("<f4", copy=False)
        rows = [(model, text_sha1(t), dim, little[i].tobytes()) for i, t in enumerate(texts)]
        with self._write() as c:
            stored = c.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
            if stored and stored[0] != dim:
                raise DimensionError(f"embeddings of {model!r} in {self.path} have dim {stored[0]}, "
                                     f"not {dim}: is this the same model?")
            c.executemany("INSERT OR REPLACE INTO embeddings(model, text_sha1, dim, vec) VALUES (?, ?, ?, ?)",
                          rows)
            self._audit(c, "put embeddings", {"model": model, "n": len(rows), "dim": dim})

