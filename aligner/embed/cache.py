"""Where models and embeddings are cached on disk, and the embedding cache.

The cache root is ``platformdirs.user_cache_dir("alignment-workbench")``,
overridable with the environment variable ``ALIGNER_CACHE_DIR``:

    <root>/models/<converted model dirs>
    <root>/embeddings/<model-key>.sqlite3

:class:`EmbeddingCache` stores one float32 vector per (model name, dtype,
sha1 of the text) in a small SQLite file per model key (WAL mode, so several
processes can read and write it at once). Cache failures (read-only disk,
locked database) are never fatal: the vectors are simply computed again.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

APP_NAME = "alignment-workbench"
ENV_CACHE_DIR = "ALIGNER_CACHE_DIR"


def cache_root() -> Path:
    """Root folder of every on-disk cache (not created here)."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME))


def models_dir() -> Path:
    return cache_root() / "models"


def embeddings_dir() -> Path:
    return cache_root() / "embeddings"


def text_key(text: str) -> bytes:
    """sha1 of the UTF-8 text: the per-sentence cache key (20 bytes)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def _safe_name(key: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", key)[:80].strip("._") or "model"
    return f"{slug}-{hashlib.sha1(key.encode()).hexdigest()[:10]}"


class EmbeddingCache:
    """Disk cache of embeddings for one model key (e.g. ``name@dtype``).

    ``get(texts)`` returns ``(vectors, missing)``: vectors is (n, dim) float32
    with the cached rows filled in, missing the indices still to compute.
    ``put(texts, vectors)`` stores rows (n, dim) float32. ``dim`` may be
    left out: the cache remembers the size of what was stored.
    """

    def __init__(self, key: str, dim: int | None = None, folder: str | os.PathLike | None = None):
        self.key = key
        self._dim = int(dim) if dim is not None else None
        folder = Path(folder) if folder is not None else embeddings_dir()
        self.path = folder / f"{_safe_name(key)}.sqlite3"
        self._local = threading.local()
        self._broken = False

    @property
    def dim(self) -> int | None:
        """Vector size: as given, else as recorded by an earlier put() (None if unknown)."""
        if self._dim is None and self.path.exists():
            conn = self._conn()
            if conn is not None:
                try:
                    row = conn.execute("SELECT v FROM meta WHERE k = 'dim'").fetchone()
                except sqlite3.Error:
                    row = None
                if row is not None:
                    self._dim = int(row[0])
        return self._dim

    # -- connection -----------------------------------------------------
    def _conn(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            return conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS emb (h BLOB PRIMARY KEY, dim INTEGER NOT NULL, "
                "v BLOB NOT NULL) WITHOUT ROWID"
            )
            conn.execute("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)")
        except (sqlite3.Error, OSError):
            self._broken = True
            return None
        self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- API --------------------------------------------------------------
    def get(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Look ``texts`` up. Returns ``(vectors (n, dim) float32, missing indices)``."""
        n = len(texts)
        dim = self.dim
        if dim is None:
            raise ValueError("EmbeddingCache.get: the vector size is unknown (nothing stored yet)")
        out = np.zeros((n, dim), dtype=np.float32)
        conn = self._conn()
        if conn is None or n == 0:
            return out, list(range(n))
        keys = [text_key(t) for t in texts]
        found: dict[bytes, bytes] = {}
        try:
            uniq = list(dict.fromkeys(keys))
            for start in range(0, len(uniq), 500):
                chunk = uniq[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT h, v FROM emb WHERE dim = ? AND h IN ({marks})", [dim, *chunk]
                ).fetchall()
                found.update((bytes(h), bytes(v)) for h, v in rows)
        except sqlite3.Error:
            return out, list(range(n))
        missing = []
        for i, k in enumerate(keys):
            blob = found.get(k)
            if blob is None or len(blob) != 4 * dim:
                missing.append(i)
            else:
                out[i] = np.frombuffer(blob, dtype="<f4")
        return out, missing

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        """Store rows of ``vectors`` (len(texts), dim) float32 under their texts."""
        if len(texts) == 0:
            return
        conn = self._conn()
        if conn is None:
            return
        vec = np.ascontiguousarray(vectors, dtype="<f4")
        if vec.ndim != 2 or vec.shape[0] != len(texts):
            raise ValueError(f"put: vectors {vec.shape} do not match {len(texts)} texts")
        dim = vec.shape[1]
        if self.dim is not None and dim != self.dim:
            raise ValueError(f"put: vectors have dim {dim}, this cache holds dim {self.dim}")
        rows = [(text_key(t), dim, vec[i].tobytes()) for i, t in enumerate(texts)]
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR IGNORE INTO meta (k, v) VALUES ('dim', ?)", (str(dim),))
            conn.executemany("INSERT OR REPLACE INTO emb (h, dim, v) VALUES (?, ?, ?)", rows)
            conn.execute("COMMIT")
        except sqlite3.Error:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            return
        self._dim = dim

    def __len__(self) -> int:
        conn = self._conn()
        if conn is None:
            return 0
        return int(conn.execute("SELECT COUNT(*) FROM emb").fetchone()[0])
