"""Fixtures for the CLI tests."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def world_dir():
    """A folder every user may enter and write (pytest's tmp_path is private to
    its owner), for tests that drop to an unprivileged user."""
    d = Path(tempfile.mkdtemp(prefix="aligner-test-"))
    os.chmod(d, 0o777)
    try:
        yield d
    finally:
        for root, dirs, _ in os.walk(d):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
        shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def as_nobody():
    """:func:`main_as_nobody`."""
    return main_as_nobody


def main_as_nobody(argv: list[str]) -> tuple[int, str]:
    """``aligner.cli.main(argv)`` in a forked child that first drops to the
    unprivileged user "nobody" (root reads and writes everything, so root
    cannot see permission problems); returns (exit code, stderr). Import what
    the command needs before calling (nobody may not read the interpreter's files)."""
    import faiss

    from aligner.cli import main

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 3
        try:
            os.close(r)
            # OpenMP's thread pool (faiss) does not survive fork(): a forked child that
            # enters a parallel region waits forever on the parent's workers. One thread
            # runs the region inline.
            faiss.omp_set_num_threads(1)
            os.setgid(65534)
            os.setuid(65534)
            sys.stderr = os.fdopen(w, "w")
            code = main(argv)
            sys.stderr.flush()
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as f:
        err = f.read()
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), err
