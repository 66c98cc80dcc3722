"""TMX export of aligned pairs (see :mod:`aligner.export.formats.tmx` for the layout)."""

from __future__ import annotations

import os
from collections.abc import Iterable

from .formats import write_pairs
from .formats.tmx import tmx_date

__all__ = ["export_candidates_tmx", "export_tmx", "tmx_date"]


def export_tmx(rows: Iterable, path: str | os.PathLike, srclang: str = "en", *,
               project: str | os.PathLike | None = None) -> int:
    """Write reviewed pairs (``project.confirmed_pairs()``) to ``path`` as TMX; returns the count.

    ``project``: the project's path, refused as ``path`` (the checked writer
    refuses devices, FIFOs, folders and any database in any case).
    """
    return write_pairs(rows, path, "tmx", srclang=srclang, project=project)


def export_candidates_tmx(cands: Iterable, path: str | os.PathLike, srclang: str = "en") -> int:
    """Write unreviewed aligner candidates (``aligner align --format tmx``); returns the count."""
    return write_pairs(cands, path, "tmx", srclang=srclang)
