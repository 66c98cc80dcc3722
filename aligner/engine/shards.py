"""Inputs, shards and the work folder of the batch engines.

A *side* (the lines to embed: one file or many) is cut into shards of
``shard_lines`` input lines. Each shard's vectors are one ``.npy`` file
(float32, (rows, dim), rows L2-normalised) in the work folder::

    WORK/manifest.json                  what the shards are of (files, sizes, model)
    WORK/shards/<file tag>-<line>.npy   one shard, written atomically (temp + rename)

A shard is named by its file (a hash of the file's absolute path) and its
first line, so it does not depend on the other inputs. A shard file that
exists with the right shape is finished: ``--resume`` never computes it
again; a file that changed since (size or time) has its shards made anew. Lines are numbered over the files in the order
given (folders and globs expand to sorted paths), 0-based.

Rows of a shard: with ``skip_blank`` (``aligner mine``) the non-blank lines
of its range, as read; without it (``aligner embed``) every line, stripped
(blank lines embed as the empty text, so row i = line i).
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from ..errors import EngineError, InputFileError
from ..io.atomic import atomic_write, atomic_write_text
from ..io.lines import read_line_span, scan_lines
from .texts import RowTableWriter, SideTexts

__all__ = ["Shard", "ShardStore", "ShardedVectors", "SideFile", "expand_inputs", "plan_side",
           "read_shard", "shard_texts"]

MANIFEST_VERSION = 1


def expand_inputs(specs: Sequence[str | os.PathLike]) -> list[Path]:
    """Files named by ``specs``: files as given, folders as their files
    (recursive, sorted, hidden ones skipped), globs (``*``, ``?``, ``[…]``,
    ``**``) as their sorted matches. Duplicates are kept once, first place.
    A spec naming nothing raises :class:`InputFileError` naming it.
    """
    out: list[Path] = []
    for spec in specs:
        p = Path(spec)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file()
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not found:
                raise InputFileError(str(spec), "folder holds no files")
        elif p.exists():
            found = [p]
        elif glob.has_magic(str(spec)):
            found = sorted(Path(f) for f in glob.glob(str(spec), recursive=True) if Path(f).is_file())
            if not found:  # a literal name with brackets is a pattern too
                raise InputFileError(str(spec), "file not found")
        else:
            raise InputFileError(str(spec), "file not found")
        out.extend(found)
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


@dataclass(frozen=True)
class SideFile:
    """One input file of a side: where it is, what it was when planned, its line count."""

    path: str
    size: int
    mtime_ns: int
    lines: int


@dataclass(frozen=True)
class Shard:
    """Lines ``[start, stop)`` of ``path``: one unit of embedding work.

    ``index`` is the shard's place in the side; ``rows`` the number of
    vectors it gives (see the module docstring); ``byte_start``/``byte_stop``
    where its lines are in the file and ``codec`` how they decode (a worker
    reads only its shard's bytes).
    """

    index: int
    path: str
    start: int
    stop: int
    rows: int
    skip_blank: bool
    byte_start: int = 0
    byte_stop: int = 0
    codec: str = "utf-8"

    @property
    def name(self) -> str:
        """File name of the shard's vectors: ``<file tag>-<first line>.npy``."""
        return f"{file_tag(self.path)}-{self.start:010d}.npy"


def file_tag(path: str) -> str:
    """16 hex digits naming an input file by its absolute path."""
    import hashlib

    return hashlib.sha1(str(Path(path).resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def shard_texts(lines: Sequence[str], start: int, stop: int, skip_blank: bool) -> list[str]:
    """The texts embedded for lines ``[start, stop)`` of a file (see the module docstring)."""
    part = lines[start:stop]
    if skip_blank:
        return [t for t in part if t.strip()]
    return [t.strip() for t in part]


def read_shard(shard: Shard, max_bytes: int) -> list[str]:
    """The texts of ``shard``, read from its bytes of the file only.

    :class:`InputFileError` names the file when the lines no longer decode,
    or are not the planned lines any more (the file changed since).
    """
    lines = read_line_span(shard.path, shard.codec, shard.byte_start, shard.byte_stop)
    texts = shard_texts(lines, 0, len(lines), shard.skip_blank)
    if len(lines) != shard.stop - shard.start or len(texts) != shard.rows:
        for _ in scan_lines(shard.path, max_bytes=max_bytes):  # the file's own problem, if any
            pass
        raise InputFileError(shard.path, f"changed while it was being read (lines "
                             f"{shard.start + 1}-{shard.stop}); run again")
    return texts


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


@dataclass
class _ShardCut:
    """A shard being cut from a file's chunks."""

    start: int = 0
    byte_start: int = 0
    lines: int = 0
    rows: int = 0


def plan_side(files: Sequence[Path], *, shard_lines: int, skip_blank: bool, max_bytes: int,
              rows_table: Path | None = None
              ) -> tuple[list[SideFile], list[Shard], list[tuple[str, str]], SideTexts | None]:
    """Read every file once, a chunk at a time, and cut the side into shards.

    Returns (files, shards, failures, texts): the readable files, their
    shards (numbered from 0 over all files, in order), the (file, problem)
    of each file that cannot be read (its lines are left out, the rest is
    planned), and with ``rows_table`` (a file to write) the side's texts as
    a :class:`SideTexts`: one row per embedded line, with its 0-based line
    number over all files. Memory does not grow with the files.
    """
    if shard_lines < 1:
        raise EngineError(f"shard size must be at least 1 line, got {shard_lines}")
    side: list[SideFile] = []
    shards: list[Shard] = []
    failures: list[tuple[str, str]] = []
    table = RowTableWriter(rows_table) if rows_table is not None else None
    codecs: list[tuple[str, str]] = []
    stamps: list[tuple[int, int]] = []
    offset = 0
    try:
        for path in files:
            mark = table.rows if table is not None else 0
            cut_shards: list[Shard] = []
            n_lines = 0
            try:
                size, mtime = _stat(path)
                cur = _ShardCut()
                codec = "utf-8"
                for chunk in scan_lines(path, max_bytes=max_bytes, chunk_bytes=8 << 20):
                    codec = chunk.codec
                    m = len(chunk.starts)
                    keep = ~chunk.blank if skip_blank else np.ones(m, bool)
                    if table is not None and keep.any():
                        sel = np.flatnonzero(keep)
                        table.append(np.stack([np.full(len(sel), len(codecs), np.int64),
                                               chunk.starts[sel], chunk.stops[sel],
                                               offset + chunk.first + sel], axis=1))
                    k = 0
                    while k < m:
                        if cur.lines == 0:
                            cur = _ShardCut(chunk.first + k, int(chunk.starts[k]))
                        take = min(m - k, shard_lines - cur.lines)
                        cur.lines += take
                        cur.rows += int(keep[k:k + take].sum())
                        k += take
                        if cur.lines == shard_lines:
                            cut_shards.append(Shard(0, str(path), cur.start, cur.start + cur.lines,
                                                    cur.rows, skip_blank, cur.byte_start,
                                                    int(chunk.stops[k - 1]), codec))
                            cur = _ShardCut()
                    n_lines = chunk.first + m
                    last_stop = int(chunk.stops[-1]) if m else 0
                if cur.lines:
                    cut_shards.append(Shard(0, str(path), cur.start, cur.start + cur.lines, cur.rows,
                                            skip_blank, cur.byte_start, last_stop, codec))
            except InputFileError as e:
                failures.append((str(path), e.problem))
                if table is not None:
                    table.truncate(mark)
                continue
            except OSError as e:
                failures.append((str(path), f"cannot be read ({e.strerror or e})"))
                if table is not None:
                    table.truncate(mark)
                continue
            side.append(SideFile(str(path), size, mtime, n_lines))
            codecs.append((str(path), codec))
            stamps.append((size, mtime))
            shards.extend(replace(s, index=len(shards) + i) for i, s in enumerate(cut_shards))
            offset += n_lines
    finally:
        if table is not None:
            table.close()
    texts = SideTexts(rows_table, codecs, table.rows, stamps) if table is not None else None
    return side, shards, failures, texts


class ShardStore:
    """The shards of one side in a work folder (see the module docstring).

    ``key`` identifies what made the vectors (model and its settings);
    :meth:`open` refuses a folder holding shards of other inputs or of
    another model, and one holding shards at all unless ``resume``.
    """

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)
        self.shard_dir = self.folder / "shards"

    @property
    def manifest_path(self) -> Path:
        return self.folder / "manifest.json"

    def path(self, shard: Shard) -> Path:
        return self.shard_dir / shard.name

    def open(self, *, key: str, files: Sequence[SideFile], shard_lines: int,
             resume: bool) -> list[str]:
        """Check the folder against this run and write its manifest.

        Returns the files whose old shards were dropped because the file
        changed since they were made (their shards will be made again).
        """
        manifest = {"version": MANIFEST_VERSION, "key": key, "shard_lines": shard_lines,
                    "files": {f.path: asdict(f) for f in files}}
        if self.folder.exists() and not self.folder.is_dir():
            raise EngineError(f"{self.folder}: is a file; give a folder for the work files")
        old = None
        if self.manifest_path.exists():
            try:
                old = json.loads(self.manifest_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise EngineError(f"{self.manifest_path}: unreadable ({e}); "
                                  "use a new --work-dir") from None
        has_shards = self.shard_dir.is_dir() and any(self.shard_dir.glob("*.npy"))
        if (old is not None or has_shards) and not resume:
            raise EngineError(f"{self.folder}: holds the work of an earlier run; add --resume to "
                              "continue it, or choose an empty --work-dir")
        changed: list[str] = []
        if old is not None and resume:
            problem = _manifest_difference(old, manifest)
            if problem:
                raise EngineError(f"{self.folder}: cannot resume: {problem}; "
                                  "use a new --work-dir for these inputs")
            for path, f in manifest["files"].items():
                before = old.get("files", {}).get(path)
                if before is not None and (before["size"], before["mtime_ns"]) != (f["size"], f["mtime_ns"]):
                    changed.append(path)
                    for stale in self.shard_dir.glob(f"{file_tag(path)}-*.npy"):
                        stale.unlink()
            manifest["files"] = {**old.get("files", {}), **manifest["files"]}
        self.shard_dir.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.manifest_path, json.dumps(manifest, indent=1, ensure_ascii=False))
        return changed

    def status(self, shard: Shard, dim: int | None) -> str:
        """``done``, ``missing`` or ``damaged`` (wrong shape or not a .npy file)."""
        p = self.path(shard)
        if not p.exists():
            return "missing"
        try:
            arr = np.load(p, mmap_mode="r", allow_pickle=False)
        except (OSError, ValueError):
            return "damaged"
        ok = (arr.dtype == np.float32 and arr.ndim == 2 and arr.shape[0] == shard.rows
              and (dim is None or arr.shape[1] == dim))
        return "done" if ok else "damaged"

    def write(self, shard: Shard, vectors: np.ndarray) -> None:
        """Write a shard's vectors atomically (a killed run leaves no half shard)."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != shard.rows:
            raise EngineError(f"shard {shard.index} ({shard.path} lines {shard.start}-{shard.stop}): "
                              f"encoder gave shape {vectors.shape}, expected ({shard.rows}, dim)")
        self.shard_dir.mkdir(parents=True, exist_ok=True)
        with atomic_write(self.path(shard), "wb", encoding=None) as fh:
            np.save(fh, vectors, allow_pickle=False)

    def vectors(self, shards: Sequence[Shard]) -> "ShardedVectors":
        return ShardedVectors([self.path(s) for s in shards])


def _manifest_difference(old: dict, new: dict) -> str:
    if old.get("version") != new["version"]:
        return "it was made by another version of the tool"
    if old.get("key") != new["key"]:
        return f"its vectors are of another model or setting ({old.get('key')})"
    if old.get("shard_lines") != new["shard_lines"]:
        return f"its shards have {old.get('shard_lines')} lines, not {new['shard_lines']}"
    return ""


def npy_shape(path: Path) -> tuple[tuple[int, ...], np.dtype]:
    """(shape, dtype) of a ``.npy`` file, from its header only."""
    with open(path, "rb") as fh:
        version = np.lib.format.read_magic(fh)
        read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                else np.lib.format.read_array_header_2_0)
        shape, _fortran, dtype = read(fh)
    return shape, dtype


class ShardedVectors:
    """Read-only view of a side's shards as one (n, dim) float32 matrix.

    Row slices (``v[a:b]``) read only the shards they cover and return an
    in-memory copy (the files are mapped only while they are read, so the
    pages read do not stay in this process's resident memory);
    ``len(v)`` and ``v.shape`` need no read.
    """

    def __init__(self, paths: Sequence[Path]):
        self.paths = list(paths)
        shapes = [npy_shape(p)[0] for p in self.paths]
        dims = {sh[1] for sh in shapes if len(sh) == 2}
        if len(dims) > 1:
            raise EngineError(f"shards of different dimensions {sorted(dims)} in {self.paths[0].parent}")
        self.dim = dims.pop() if dims else 0
        sizes = [sh[0] for sh in shapes]
        self._starts = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)

    def __len__(self) -> int:
        return int(self._starts[-1])

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self), self.dim)

    def __getitem__(self, key) -> np.ndarray:
        if not isinstance(key, slice):
            raise TypeError("ShardedVectors supports row slices only")
        a, b, step = key.indices(len(self))
        if step != 1:
            raise TypeError("ShardedVectors supports contiguous row slices only")
        out = np.empty((max(0, b - a), self.dim), np.float32)
        if b <= a:
            return out
        first = int(np.searchsorted(self._starts, a, side="right") - 1)
        pos = 0
        for i in range(first, len(self.paths)):
            s0, s1 = int(self._starts[i]), int(self._starts[i + 1])
            if s0 >= b:
                break
            lo, hi = max(a, s0), min(b, s1)
            if hi > lo:
                arr = np.load(self.paths[i], mmap_mode="r", allow_pickle=False)
                out[pos:pos + hi - lo] = arr[lo - s0:hi - s0]
                del arr
                pos += hi - lo
        return out

    def load(self) -> np.ndarray:
        """All rows in memory: (n, dim) float32, C-contiguous."""
        return self[0:len(self)]
