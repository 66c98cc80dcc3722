"""Fixtures for aligner.text tests: the shared seed articles (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textfixtures import SEEDS


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("shared seeds not available (../shared/seeds)")
    return SEEDS
