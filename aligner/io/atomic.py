"""Atomic output: write to a temporary file beside the target, then rename.

The temporary file is ``.NAME.<pid>.<random>.tmp`` in the target's folder.
It is removed on any error (and on Ctrl-C); one left behind by a process
that was killed (``kill -9``, power cut) is removed by the next write to the
same target once that process is gone (see :func:`clean_stale_temps`).

The rename never replaces something that is not a regular file (a device
such as ``/dev/full``, a FIFO, a folder): that is refused with
:class:`~aligner.errors.OutputFileError`. A replaced file keeps its
permission bits; a new file gets the usual ``0666 & ~umask``.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..errors import OutputFileError

STALE_AFTER_S = 24 * 3600
"""A temp file whose writer cannot be identified is stale after this long."""

_umask_lock = threading.Lock()


def current_umask() -> int:
    with _umask_lock:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def pid_alive(pid: int) -> bool:
    """True when a process ``pid`` exists on this machine (ours or another user's)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return True
    return True


def clean_stale_temps(path: str | os.PathLike, *, now: float | None = None) -> list[Path]:
    """Remove ``.NAME.*.tmp`` files beside ``path`` left by writers that died.

    A temp file named with a process id is stale when that process no longer
    exists; an older-style name (no pid) when it is older than a day.
    Returns the files removed. Never raises.
    """
    path = Path(path)
    removed: list[Path] = []
    try:
        entries = list(path.parent.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    now = time.time() if now is None else now
    me = os.getpid()
    rx = re.compile(re.escape(f".{path.name}.") + r"(?:(\d+)\.)?[^/]*\.tmp$")
    for tmp in entries:
        m = rx.match(tmp.name)
        if not m:
            continue
        try:
            st = tmp.lstat()
            if not stat.S_ISREG(st.st_mode):
                continue
            pid = int(m.group(1)) if m.group(1) else None
            if pid is not None:
                stale = pid != me and not pid_alive(pid)
            else:
                stale = now - st.st_mtime > STALE_AFTER_S
            if stale:
                tmp.unlink()
                removed.append(tmp)
        except (OSError, ValueError):
            continue
    return removed


def glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


def _target_mode(path: Path) -> int:
    """Permission bits the written file should get."""
    try:
        st = os.stat(path)
    except OSError:
        return 0o666 & ~current_umask()
    return stat.S_IMODE(st.st_mode)


def check_replaceable(path: str | os.PathLike) -> None:
    """Refuse a target that exists and is not a regular file (device, FIFO, socket, folder)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as e:
        raise OutputFileError(str(path), f"cannot be checked ({e.strerror or e})") from None
    if stat.S_ISREG(st.st_mode):
        return
    raise OutputFileError(str(path), f"is {describe_mode(st.st_mode)}, not a regular file; "
                          "give a file name (or -o - for the terminal)")


def describe_mode(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8",
                 newline: str | None = None) -> Iterator[IO]:
    """Open a temp file next to ``path``; on success fsync and rename over it.

    On any exception (Ctrl-C included) the temp file is removed and ``path``
    is untouched. Refuses a ``path`` that is not a regular file.
    """
    path = Path(path)
    check_replaceable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    clean_stale_temps(path)
    file_mode = _target_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        if "b" in mode:
            f = os.fdopen(fd, mode)
        else:
            f = os.fdopen(fd, mode, encoding=encoding, newline=newline)
        with f:
            yield f
            f.flush()
            with contextlib.suppress(OSError):
                os.fchmod(f.fileno(), file_mode)
            os.fsync(f.fileno())
        check_replaceable(path)  # it may have changed while we wrote
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_write(path, "wb", encoding=None) as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    with atomic_write(path, "w") as f:
        f.write(text)
