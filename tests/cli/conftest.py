"""Fixtures for the CLI tests."""

from __future__ import annotations

import os
import shutil
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
