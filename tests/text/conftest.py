"""Fixtures for aligner.text tests: small invented articles and the shared seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.records import Document
from aligner.text.reader import document_from_bytes

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def make_doc(text: str, name: str = "doc.txt") -> Document:
    """A Document built from ``text`` exactly as the reader would build it."""
    return document_from_bytes(text.encode("utf-8"), name)


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.glob("*.txt")):
        pytest.skip("shared seeds not available (../shared/seeds)")
    return SEEDS
