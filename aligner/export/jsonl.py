"""JSON Lines export of reviewed pairs (see :mod:`aligner.export.formats.jsonl`)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from .formats import PairRecord, write_pairs
from .formats.jsonl import pair_json as _pair_json

__all__ = ["export_jsonl", "pair_json"]


def pair_json(row) -> dict:
    """The JSON object of one ``aligner.store.CandidateRow``."""
    return _pair_json(PairRecord.of(row))


def export_jsonl(rows: Iterable, path: str | os.PathLike, *, project: str | os.PathLike | None = None) -> int:
    """Write ``rows`` (e.g. ``project.confirmed_pairs()``) to ``path``; returns the count.
    ``project``: the project's path, refused as ``path``."""
    return write_pairs(rows, path, "jsonl", project=project)
