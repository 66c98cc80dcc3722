"""Read one-sentence-per-line files with clear errors for bad input."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputFileError

_BINARY_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def read_file_bytes(path: str | os.PathLike, *, max_bytes: int,
                    folder_problem: str = "is a folder, not a file") -> bytes:
    """The bytes of a user's file, or :class:`InputFileError` naming the file when
    it is missing, a folder, empty, larger than ``max_bytes`` or unreadable."""
    p = Path(path)
    name = str(path)
    try:
        if not p.exists():
            raise InputFileError(name, "file not found")
        if p.is_dir():
            raise InputFileError(name, folder_problem)
        size = p.stat().st_size
        if size == 0:
            raise InputFileError(name, "file is empty")
        if size > max_bytes:
            raise InputFileError(name, f"file is too large ({size:,} bytes; the limit is {max_bytes:,})")
        return p.read_bytes()
    except PermissionError:
        raise InputFileError(name, "cannot be read (permission denied)") from None
    except OSError as e:
        raise InputFileError(name, f"cannot be read ({e.strerror or e})") from None


def read_lines(path: str | os.PathLike, *, max_bytes: int = 200_000_000) -> list[str]:
    """Return the lines of a UTF-8 text file, without line endings.

    Raises :class:`InputFileError` naming the file when it is missing,
    a directory, empty, too large, binary or not valid UTF-8.
    A UTF-8 BOM is accepted and dropped.
    """
    name = str(path)
    data = read_file_bytes(path, max_bytes=max_bytes,
                           folder_problem="is a folder, expected a text file with one sentence per line")
    if b"\x00" in data[:65536] or _looks_binary(data[:65536]):
        raise InputFileError(name, "looks like a binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputFileError(
            name,
            f"is not valid UTF-8 (bad byte 0x{data[e.start]:02x} on line {line}); "
            "convert it to UTF-8 first",
        ) from None
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputFileError(name, "contains only blank lines")
    return lines


def _looks_binary(chunk: bytes) -> bool:
    if not chunk:
        return False
    bad = sum(1 for b in chunk if b in _BINARY_CONTROL)
    return bad / len(chunk) > 0.01
