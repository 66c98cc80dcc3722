"""Read one-sentence-per-line files with clear errors for bad input."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import InputFileError
from .atomic import describe_mode

_BINARY_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def read_file_bytes(path: str | os.PathLike, *, max_bytes: int,
                    folder_problem: str = "is a folder, not a file") -> bytes:
    """The bytes of a user's file, or :class:`InputFileError` naming the file and
    the real problem: missing, a broken symbolic link, a symbolic-link loop, a
    folder, a FIFO or device, empty, larger than ``max_bytes``, unreadable."""
    p = Path(path)
    name = str(path)
    try:
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if os.path.lexists(p):
                raise InputFileError(name, "is a broken symbolic link (its target does not exist)") from None
            raise InputFileError(name, "file not found") from None
        except OSError as e:
            if e.errno == errno.ELOOP:
                raise InputFileError(name, "is a symbolic link loop (it points back to itself)") from None
            raise
        if stat.S_ISDIR(st.st_mode):
            raise InputFileError(name, folder_problem)
        if not stat.S_ISREG(st.st_mode):
            raise InputFileError(name, f"is {describe_mode(st.st_mode)}, not a regular file")
        size = st.st_size
        if size == 0:
            raise InputFileError(name, "file is empty")
        if size > max_bytes:
            raise InputFileError(name, f"file is too large ({size:,} bytes; the limit is {max_bytes:,})")
        with open(p, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:  # grew while we looked
            raise InputFileError(name, f"file is too large (over {max_bytes:,} bytes)")
        return data
    except PermissionError:
        raise InputFileError(name, "cannot be read (permission denied)") from None
    except OSError as e:
        raise InputFileError(name, f"cannot be read ({e.strerror or e})") from None


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (BOM accepted) or UTF-16 with a BOM; else InputFileError naming the
    first bad byte's line."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputFileError(name, "starts with a UTF-16 mark but is not valid UTF-16; "
                                 "save it as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputFileError(
            name,
            f"is not valid UTF-8 (bad byte 0x{data[e.start]:02x} on line {line}); "
            "convert it to UTF-8 first",
        ) from None


def read_lines(path: str | os.PathLike, *, max_bytes: int = 200_000_000) -> list[str]:
    """Return the lines of a UTF-8 (or UTF-16 with BOM) text file, without line endings.

    Raises :class:`InputFileError` naming the file when it is missing,
    a directory, empty, too large, binary or not valid UTF-8.
    A UTF-8 BOM is accepted and dropped.
    """
    name = str(path)
    data = read_file_bytes(path, max_bytes=max_bytes,
                           folder_problem="is a folder, expected a text file with one sentence per line")
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    if not utf16 and (b"\x00" in data[:65536] or _looks_binary(data[:65536])):
        raise InputFileError(name, "looks like a binary file, not text")
    text = decode_text(data, name)
    if utf16 and _looks_binary(text[:65536].encode("utf-8", "replace")):
        raise InputFileError(name, "looks like a binary file, not text")
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputFileError(name, "contains only blank lines")
    return lines


def _looks_binary(chunk: bytes) -> bool:
    if not chunk:
        return False
    bad = sum(1 for b in chunk if b in _BINARY_CONTROL)
    return bad / len(chunk) > 0.01
