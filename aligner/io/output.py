"""One checked writer for every file the tool writes on the user's behalf.

Check the destination *before* any work, write it at the end::

    from aligner.io.output import check_output

    out = check_output(args.output, inputs=args.paths, project=args.project)
    ...                                  # long work; nothing written yet
    out.write_text(text)                 # or out.write_bytes(data)
    with out.open("wb") as f: ...        # or a stream (atomic; stdout for "-")

:func:`check_output` raises :class:`~aligner.errors.OutputFileError` (one
clear line, exit 2 in the CLI) when the output

* is one of the inputs or the project (same resolved path, or the same
  file by device and inode number: hard links, symlinks, ``./a`` vs ``a``),
  or is a file inside an input folder that the reader would take, or is
  any SQLite database (another project);
* exists and is not a regular file (a device such as ``/dev/full``, a FIFO,
  a socket, a folder); ``"-"`` means stdout and is fine where allowed;
* lies in a folder that cannot be written (read-only, permission denied),
  or under something that is not a folder.

Writing (:meth:`Output.open`) is atomic (temp file + rename, see
:mod:`aligner.io.atomic`), keeps the permission bits of a file it replaces,
removes its temp file on any error or Ctrl-C, and turns ``OSError``
(disk full, stdout closed) into :class:`OutputFileError`.
Callers decide *whether* to write: when every input failed, don't call it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ..errors import OutputFileError
from .atomic import atomic_write, describe_mode

STDOUT = "-"


def _stat(path: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _resolve(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except (OSError, RuntimeError):  # symlink loop
        return path.expanduser().absolute()


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when ``a`` and ``b`` are the same file: same resolved path, or the
    same (device, inode) when both exist."""
    pa, pb = Path(a), Path(b)
    if _resolve(pa) == _resolve(pb):
        return True
    sa, sb = _stat(pa.expanduser()), _stat(pb.expanduser())
    return bool(sa and sb and (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino))


def _inside(child: Path, folder: Path) -> bool:
    try:
        _resolve(child).relative_to(_resolve(folder))
        return True
    except ValueError:
        return False


@dataclass(frozen=True)
class Output:
    """A checked destination. ``path`` None means stdout."""

    path: Path | None
    label: str

    @property
    def is_stdout(self) -> bool:
        return self.path is None

    @contextlib.contextmanager
    def open(self, mode: str = "w", *, encoding: str | None = "utf-8",
             newline: str | None = None) -> Iterator[IO]:
        """A writable stream: a temp file renamed over ``path`` on success
        (binary when ``"b" in mode``), or stdout. OSError -> OutputFileError."""
        binary = "b" in mode
        if self.path is None:
            stream = sys.stdout.buffer if binary and hasattr(sys.stdout, "buffer") else sys.stdout
            try:
                yield stream
                stream.flush()
            except OSError as e:
                raise stdout_error(e) from None
            return
        try:
            with atomic_write(self.path, "wb" if binary else "w",
                              encoding=None if binary else encoding, newline=newline) as f:
                yield f
        except OutputFileError:
            raise
        except OSError as e:
            raise OutputFileError(self.label, f"cannot write it ({_reason(e)}); nothing was written") from None

    def write_text(self, text: str, *, newline: str | None = None) -> None:
        with self.open("w", newline=newline) as f:
            f.write(text)

    def write_bytes(self, data: bytes) -> None:
        with self.open("wb") as f:
            f.write(data)


class StdoutClosed(OutputFileError):
    """stdout went away (``| head``): the CLI exits quietly."""


def stdout_error(e: OSError) -> OutputFileError:
    if isinstance(e, BrokenPipeError) or e.errno == errno.EPIPE:
        return StdoutClosed("stdout", "the reader closed the pipe")
    return OutputFileError("stdout", f"cannot write the output ({_reason(e)})")


def _reason(e: OSError) -> str:
    return (e.strerror or str(e)).lower() if e.strerror else str(e)


def check_output(
    path: str | os.PathLike | None,
    *,
    inputs: Iterable[str | os.PathLike] = (),
    project: str | os.PathLike | None = None,
    option: str = "--output",
    allow_stdout: bool = True,
    input_suffixes: Iterable[str] | None = (".txt", ".html", ".htm", ".md"),
) -> Output:
    """Check an output destination before any work; see the module doc.

    ``path`` None or ``"-"``: stdout (refused when ``allow_stdout`` is False).
    ``inputs``: files or folders read by the command; an output inside an
    input folder is refused when it exists and has one of ``input_suffixes``
    (the reader would take it), or always when ``input_suffixes`` is None.
    ``project``: the project file, which is never an output.
    """
    if path is None or str(path) == STDOUT:
        if not allow_stdout:
            raise OutputFileError(STDOUT, f"{option} needs a file name here (this output cannot go to the terminal)")
        return Output(None, "stdout")
    p = Path(path)
    label = str(path)
    if not label.strip():
        raise OutputFileError(repr(label), f"{option} is empty; give a file name")
    target = p.expanduser()
    st = _stat(target)
    if st is not None and not stat.S_ISREG(st.st_mode):
        hint = "; use -o - for the terminal" if allow_stdout and not stat.S_ISDIR(st.st_mode) else ""
        raise OutputFileError(label, f"is {describe_mode(st.st_mode)}, not a regular file; give a file name{hint}")
    if project is not None and same_file(target, project):
        raise OutputFileError(label, "is the project file itself; writing it would destroy the project. "
                              "Choose another output file")
    if st is not None and _is_database(target):
        raise OutputFileError(label, "is a database (an aligner project?); writing it would destroy it. "
                              "Choose another output file")
    suffixes = None if input_suffixes is None else {s.lower() for s in input_suffixes}
    for inp in inputs:
        ip = Path(inp).expanduser()
        if same_file(target, ip):
            raise OutputFileError(label, f"is also an input ({inp}); writing it would destroy it. "
                                  "Choose another output file")
        ist = _stat(ip)
        if (ist is not None and stat.S_ISDIR(ist.st_mode) and st is not None and _inside(target, ip)
                and (suffixes is None or target.suffix.lower() in suffixes)):
            raise OutputFileError(label, f"is one of the articles read from the folder {inp}; "
                                  "writing it would destroy it. Choose another output file")
    if st is not None and _is_database(target):
        raise OutputFileError(label, "is a database (an aligner project?); writing it would destroy it. "
                              "Choose another output file")
    _check_folder(target, label)
    return Output(target, label)


def _is_database(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == b"SQLite format 3\x00"
    except OSError:
        return False


def _check_folder(target: Path, label: str) -> None:
    """The nearest existing ancestor must be a folder we can write into."""
    parent = target.parent if str(target.parent) else Path(".")
    probe = parent
    while _stat(probe) is None and probe != probe.parent:
        probe = probe.parent
    pst = _stat(probe)
    if pst is None:
        return
    if not stat.S_ISDIR(pst.st_mode):
        raise OutputFileError(label, f"cannot write it: {probe} is not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        why = "read-only" if _read_only_fs(probe) else "not writable (permission denied)"
        raise OutputFileError(label, f"cannot write it: the folder {probe} is {why}; nothing was written")


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False
