"""A side's texts on disk: read from the input files when needed, never held.

Mining keeps no text in memory: planning a side writes one row per
embedded line to ``WORK/rows.i64`` (raw little-endian int64, 4 columns:
file number, first byte, byte after the line break, 0-based line number
over the side's files), and :class:`SideTexts` reads a text back from its
file when it is asked for (the number check, the output). Memory per
line: none (32 bytes on disk).

:class:`NumberTable` holds the numbers of every row (what
:func:`aligner.rerank.numbers` finds), made in one streaming pass and
read back block by block: ``WORK/<name>.num-offsets.i64`` (n + 1 int64)
and ``WORK/<name>.num-values.i64`` (64-bit hashes of the number strings;
the number check only compares sets, so equal hashes stand for equal
numbers).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ..io.lines import read_line_span

__all__ = ["NumberTable", "RowTableWriter", "SideTexts", "read_int64"]

ROW_COLUMNS = 4  # file, start byte, stop byte, line number
_I64 = np.dtype("<i8")


def read_int64(path: Path, start: int, count: int) -> np.ndarray:
    """``count`` int64 values from ``path`` from value ``start`` on, read (not mapped)."""
    if count <= 0:
        return np.zeros(0, np.int64)
    return np.fromfile(path, dtype=_I64, count=count, offset=start * 8).astype(np.int64, copy=False)


class RowTableWriter:
    """Appends rows (m, 4) int64 to a row table; :meth:`truncate` drops a file's rows again."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._fh = open(self.path, "wb")
        self.rows = 0

    def append(self, rows: np.ndarray) -> None:
        rows = np.ascontiguousarray(rows, dtype=_I64)
        self._fh.write(rows.tobytes())
        self.rows += len(rows)

    def truncate(self, rows: int) -> None:
        self._fh.flush()
        self._fh.truncate(rows * ROW_COLUMNS * 8)
        self._fh.seek(rows * ROW_COLUMNS * 8)
        self.rows = rows

    def close(self) -> None:
        self._fh.close()


class SideTexts(Sequence[str]):
    """The texts of a side's rows, read from the input files on demand.

    ``files``: (path, codec) of each file number of the row table; ``n``:
    the number of rows. ``texts[i]`` / ``texts[a:b]`` read from the files
    (a slice reads each file's span at once); :meth:`take` reads the rows
    of an index array; :meth:`line_numbers` gives their 0-based line
    numbers over the side's files.
    """

    def __init__(self, table: Path, files: Sequence[tuple[str, str]], n: int,
                 stamps: Sequence[tuple[int, int]] | None = None):
        self.table = Path(table)
        self.files = [(str(p), c) for p, c in files]
        self.n = int(n)
        self.stamps = list(stamps) if stamps is not None else None
        """(size, mtime_ns) of each file when it was read, or None."""
        self._fds: dict[int, int] = {}

    def check_unchanged(self) -> None:
        """:class:`InputFileError` naming a file that changed since the side was
        planned (its rows would not read the planned lines any more)."""
        from ..errors import InputFileError

        for (path, _), stamp in zip(self.files, self.stamps or []):
            try:
                st = os.stat(path)
                now = (st.st_size, st.st_mtime_ns)
            except OSError:
                now = None
            if now != tuple(stamp):
                raise InputFileError(path, "changed while it was being mined; nothing was "
                                     "written; run again")

    def __len__(self) -> int:
        return self.n

    def __getstate__(self):
        return {**self.__dict__, "_fds": {}}

    def __del__(self):
        self.close()

    def close(self) -> None:
        for fd in getattr(self, "_fds", {}).values():
            try:
                os.close(fd)
            except OSError:
                pass
        self._fds = {}

    def rows(self, a: int, b: int) -> np.ndarray:
        """Rows ``[a, b)`` of the table: (b - a, 4) int64."""
        a, b = max(0, a), min(self.n, b)
        return read_int64(self.table, a * ROW_COLUMNS, max(0, b - a) * ROW_COLUMNS).reshape(-1, ROW_COLUMNS)

    def _row_of(self, indexes: np.ndarray) -> np.ndarray:
        idx = np.asarray(indexes, np.int64).ravel()
        if len(idx) and (idx.min() < 0 or idx.max() >= self.n):
            raise IndexError(f"row out of range 0..{self.n - 1}")
        out = np.empty((len(idx), ROW_COLUMNS), np.int64)
        if not len(idx):
            return out
        table = np.memmap(self.table, dtype=_I64, mode="r", shape=(self.n, ROW_COLUMNS))
        order = np.argsort(idx, kind="stable")
        out[order] = table[idx[order]]
        del table
        return out

    def line_numbers(self, indexes: np.ndarray) -> np.ndarray:
        """(m,) int64 line number (0-based, over the side's files) of each row."""
        return self._row_of(indexes)[:, 3]

    def _fd(self, file: int) -> int:
        fd = self._fds.get(file)
        if fd is None:
            fd = self._fds[file] = os.open(self.files[file][0], os.O_RDONLY)
        return fd

    def _text(self, row) -> str:
        file, start, stop = int(row[0]), int(row[1]), int(row[2])
        data = os.pread(self._fd(file), stop - start, start)
        lines = data.decode(self.files[file][1], errors="replace").splitlines()
        return lines[0] if lines else ""

    def take(self, indexes: np.ndarray) -> list[str]:
        """The texts of the rows ``indexes`` (m,) int, in that order (read in file order)."""
        rows = self._row_of(indexes)
        out: list[str] = [""] * len(rows)
        for k in np.lexsort((rows[:, 1], rows[:, 0])).tolist():
            out[k] = self._text(rows[k])
        return out

    def __getitem__(self, key):
        if isinstance(key, slice):
            a, b, step = key.indices(self.n)
            if step != 1:
                return self.take(np.arange(a, b, step))
            return self._span(a, b)
        i = int(key)
        if i < 0:
            i += self.n
        if not 0 <= i < self.n:
            raise IndexError(f"row {key} out of range 0..{self.n - 1}")
        return self._text(self.rows(i, i + 1)[0])

    def _span(self, a: int, b: int) -> list[str]:
        """Rows ``[a, b)``: one read per file they cover, blank lines between them dropped."""
        rows = self.rows(a, b)
        out: list[str] = []
        for file in np.unique(rows[:, 0]).tolist():
            sel = rows[rows[:, 0] == file]
            path, codec = self.files[file]
            lines = read_line_span(path, codec, int(sel[0, 1]), int(sel[-1, 2]))
            first = int(sel[0, 3])
            out.extend(lines[int(r) - first] for r in sel[:, 3])
        return out

    def __iter__(self) -> Iterator[str]:
        for a in range(0, self.n, 4096):
            yield from self[a:a + 4096]


def _hash(number: str) -> int:
    return int.from_bytes(hashlib.blake2b(number.encode("utf-8"), digest_size=8).digest(),
                          "little", signed=True)


class NumberTable:
    """The numbers of each row of a side's texts, on disk (see the module docstring)."""

    def __init__(self, offsets: Path, values: Path, n: int):
        self.offsets_path, self.values_path, self.n = Path(offsets), Path(values), int(n)

    @classmethod
    def build(cls, texts: Sequence[str], folder: Path, name: str, block: int = 8192) -> "NumberTable":
        """Extract the numbers of ``texts`` (any sequence; slices are read a block at a time)."""
        from ..rerank import numbers

        folder = Path(folder)
        offsets, values = folder / f"{name}.num-offsets.i64", folder / f"{name}.num-values.i64"
        total = 0
        with open(offsets, "wb") as fo, open(values, "wb") as fv:
            fo.write(np.zeros(1, _I64).tobytes())
            for a in range(0, len(texts), block):
                counts, vals = [], []
                for t in texts[a:a + block]:
                    found = [_hash(x) for x in numbers(t)]
                    counts.append(len(found))
                    vals.extend(found)
                fo.write((total + np.cumsum(np.asarray(counts, np.int64))).astype(_I64).tobytes())
                fv.write(np.asarray(vals, _I64).tobytes())
                total += len(vals)
        return cls(offsets, values, len(texts))

    def sets(self, a: int, b: int) -> list[frozenset[int]]:
        """The number sets of rows ``[a, b)``."""
        off = read_int64(self.offsets_path, a, b - a + 1)
        vals = read_int64(self.values_path, int(off[0]), int(off[-1] - off[0]))
        rel = (off - off[0]).tolist()
        return [frozenset(vals[rel[k]:rel[k + 1]].tolist()) for k in range(b - a)]

    def lookup(self, rows: np.ndarray) -> dict[int, frozenset[int]]:
        """{row: number set} for the distinct rows of ``rows`` (any shape; -1 skipped)."""
        keys = np.unique(np.asarray(rows, np.int64))
        keys = keys[keys >= 0]
        if not len(keys):
            return {}
        off = np.memmap(self.offsets_path, dtype=_I64, mode="r", shape=(self.n + 1,))
        lo, hi = np.asarray(off[keys]), np.asarray(off[keys + 1])
        del off
        has = hi > lo
        out = {int(k): frozenset() for k in keys[~has].tolist()}
        if has.any():
            vals = np.memmap(self.values_path, dtype=_I64, mode="r")
            for k, s, e in zip(keys[has].tolist(), lo[has].tolist(), hi[has].tolist()):
                out[k] = frozenset(vals[s:e].tolist())
            del vals
        return out
