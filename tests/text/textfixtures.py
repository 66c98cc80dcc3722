"""Helpers for aligner.text tests (a unique module name: ``conftest`` is ambiguous across test folders)."""

from __future__ import annotations

from pathlib import Path

from aligner.records import Document
from aligner.text.reader import document_from_bytes

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"


def make_doc(text: str, name: str = "doc.txt") -> Document:
    """A Document built from ``text`` exactly as the reader would build it."""
    return document_from_bytes(text.encode("utf-8"), name)
