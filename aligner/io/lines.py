"""Read one-sentence-per-line files with clear errors for bad input."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputFileError
from .atomic import describe_mode

_BINARY_CONTROL = set(range(0, 9)) | {11, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}


def check_user_file(path: str | os.PathLike, *, max_bytes: int,
                    folder_problem: str = "is a folder, not a file") -> int:
    """The size of a user's regular file, or :class:`InputFileError` naming the
    file and the real problem: missing, a broken symbolic link, a symbolic-link
    loop, a folder, a FIFO or device, empty, larger than ``max_bytes``."""
    p = Path(path)
    name = str(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        if os.path.lexists(p):
            raise InputFileError(name, "is a broken symbolic link (its target does not exist)") from None
        raise InputFileError(name, "file not found") from None
    except PermissionError:
        raise InputFileError(name, "cannot be read (permission denied)") from None
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise InputFileError(name, "is a symbolic link loop (it points back to itself)") from None
        raise InputFileError(name, f"cannot be read ({e.strerror or e})") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputFileError(name, folder_problem)
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(name, f"is {describe_mode(st.st_mode)}, not a regular file")
    if st.st_size == 0:
        raise InputFileError(name, "file is empty")
    if st.st_size > max_bytes:
        raise InputFileError(name, f"file is too large ({st.st_size:,} bytes; the limit is {max_bytes:,})")
    return st.st_size


def read_file_bytes(path: str | os.PathLike, *, max_bytes: int,
                    folder_problem: str = "is a folder, not a file") -> bytes:
    """The bytes of a user's file, or :class:`InputFileError` naming the file and
    the real problem (see :func:`check_user_file`), or unreadable."""
    p = Path(path)
    name = str(path)
    check_user_file(path, max_bytes=max_bytes, folder_problem=folder_problem)
    try:
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


# ---------------------------------------------------------------- streaming

_UTF16 = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_NEWLINE = {"utf-8": b"\n", "utf-16-le": b"\n\x00", "utf-16-be": b"\x00\n"}


@dataclass(frozen=True)
class LineChunk:
    """Consecutive lines of a file, as :func:`scan_lines` finds them.

    codec: how the file decodes (``utf-8``, ``utf-16-le``, ``utf-16-be``);
    first: the 0-based number of the chunk's first line in the file;
    starts/stops: (m,) int64 byte offsets of each line in the file (stop:
    the next line's start, line break included); blank: (m,) bool, the line
    holds only white space.
    """

    codec: str
    first: int
    starts: np.ndarray
    stops: np.ndarray
    blank: np.ndarray


def _last_newline(data: bytes, codec: str) -> int:
    """Offset just past the last line feed of ``data`` at a code-unit boundary, or -1."""
    nl = _NEWLINE[codec]
    end = len(data)
    while True:
        i = data.rfind(nl, 0, end)
        if i < 0:
            return -1
        if len(nl) == 1 or i % 2 == 0:
            return i + len(nl)
        end = i + 1  # an odd offset in UTF-16: part of two code units; look further back


def scan_lines(path: str | os.PathLike, *, max_bytes: int = 200_000_000,
               chunk_bytes: int = 8 << 20) -> Iterator[LineChunk]:
    """The lines of a text file as :func:`read_lines` reads them, as byte
    offsets, a chunk of about ``chunk_bytes`` at a time (memory does not
    grow with the file).

    The same checks and the same messages as :func:`read_lines`
    (:class:`InputFileError` naming the file), raised when the chunk that
    shows the problem is read: a caller that must not keep half a file
    drops what it got from the earlier chunks. Line ``k`` of
    :func:`read_lines` is ``read_line_span(path, codec, starts[k], stops[k])[0]``.
    """
    name = str(path)
    check_user_file(path, max_bytes=max_bytes,
                    folder_problem="is a folder, expected a text file with one sentence per line")
    try:
        with open(path, "rb") as f:
            head = f.read(262_146)
            codec = _UTF16.get(head[:2], "utf-8")
            skip = 2 if codec != "utf-8" else (3 if head[:3] == b"\xef\xbb\xbf" else 0)
            if codec == "utf-8":
                if b"\x00" in head[:65536] or _looks_binary(head[:65536]):
                    raise InputFileError(name, "looks like a binary file, not text")
            else:
                import codecs

                try:
                    start = codecs.getincrementaldecoder(codec)().decode(head[2:], final=False)
                except UnicodeDecodeError:
                    raise InputFileError(name, "starts with a UTF-16 mark but is not valid UTF-16; "
                                         "save it as UTF-8") from None
                if _looks_binary(start[:65536].encode("utf-8", "replace")):
                    raise InputFileError(name, "looks like a binary file, not text")
            f.seek(skip)
            pos, line, newlines, carry, total, text_seen = skip, 0, 0, b"", skip, False
            while True:
                block = f.read(max(16, chunk_bytes))
                total += len(block)
                if total > max_bytes:  # grew while we read
                    raise InputFileError(name, f"file is too large (over {max_bytes:,} bytes)")
                data = carry + block
                cut = len(data) if not block else _last_newline(data, codec)
                if cut < 0:
                    carry = data
                    continue
                part, carry = data[:cut], data[cut:]
                if part:
                    try:
                        text = part.decode(codec)
                    except UnicodeDecodeError as e:
                        if codec != "utf-8":
                            raise InputFileError(name, "starts with a UTF-16 mark but is not valid "
                                                 "UTF-16; save it as UTF-8") from None
                        at = newlines + part[:e.start].count(b"\n") + 1
                        raise InputFileError(name, f"is not valid UTF-8 (bad byte 0x{part[e.start]:02x} "
                                             f"on line {at}); convert it to UTF-8 first") from None
                    lines = text.splitlines(keepends=True)
                    sizes = np.fromiter((len(t.encode(codec)) for t in lines), np.int64, len(lines))
                    stops = pos + np.cumsum(sizes)
                    blank = np.fromiter((not t.strip() for t in lines), bool, len(lines))
                    text_seen = text_seen or not blank.all()
                    yield LineChunk(codec, line, stops - sizes, stops, blank)
                    pos, line = pos + len(part), line + len(lines)
                    newlines += part.count(b"\n")
                if not block:
                    break
    except PermissionError:
        raise InputFileError(name, "cannot be read (permission denied)") from None
    except OSError as e:
        raise InputFileError(name, f"cannot be read ({e.strerror or e})") from None
    if not text_seen:
        raise InputFileError(name, "contains only blank lines")


def read_line_span(path: str | os.PathLike, codec: str, start: int, stop: int) -> list[str]:
    """The lines in bytes ``[start, stop)`` of a file (offsets from :func:`scan_lines`),
    without line breaks. :class:`InputFileError` if they do not decode."""
    name = str(path)
    try:
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(max(0, stop - start))
    except PermissionError:
        raise InputFileError(name, "cannot be read (permission denied)") from None
    except OSError as e:
        raise InputFileError(name, f"cannot be read ({e.strerror or e})") from None
    try:
        return data.decode(codec).splitlines()
    except UnicodeDecodeError as e:
        if codec != "utf-8":
            raise InputFileError(name, "is not valid UTF-16 any more; save it as UTF-8") from None
        raise InputFileError(name, f"is not valid UTF-8 (bad byte 0x{data[e.start]:02x} at byte "
                             f"{start + e.start:,}); convert it to UTF-8 first") from None
