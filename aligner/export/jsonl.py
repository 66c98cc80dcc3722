"""JSON Lines export of reviewed pairs: one object per line, UTF-8.

Each object is the ``aligner align`` JSON shape of the candidate
(``{"kind", "rank", "score", "source": {...}, "target": {...}}``) plus
``"decision": {"reviewer", "time", "note"}`` (null if never decided).
The file is written atomically.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from ..io.atomic import atomic_write


def pair_json(row) -> dict:
    """The JSON object of one ``aligner.store.CandidateRow``."""
    obj = row.candidate.to_json()
    dec = row.decision
    obj["decision"] = ({"reviewer": dec.reviewer, "time": dec.time, "note": dec.note}
                       if dec is not None else None)
    return obj


def export_jsonl(rows: Iterable, path: str | os.PathLike) -> int:
    """Write ``rows`` (CandidateRow, e.g. ``project.confirmed_pairs()``) to ``path``; returns the count."""
    n = 0
    with atomic_write(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(pair_json(row), ensure_ascii=False) + "\n")
            n += 1
    return n
