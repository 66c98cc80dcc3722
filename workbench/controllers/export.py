"""Export of the confirmed pairs from the app (the formats the core writes)."""

from __future__ import annotations

from dataclasses import dataclass

from aligner.errors import ChoiceError

from ..i18n import N_


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    pattern: str
    suffix: str


EXPORT_FORMATS = (
    ExportFormat("tmx", N_("Translation memory (TMX)"), "*.tmx", ".tmx"),
    ExportFormat("jsonl", N_("JSON lines (JSONL)"), "*.jsonl", ".jsonl"),
)


def export_confirmed(project, fmt: str, path: str) -> int:
    """Write the confirmed pairs of ``project`` to ``path``; returns how many."""
    rows = list(project.confirmed_pairs())
    if fmt == "tmx":
        from aligner.export.tmx import export_tmx

        export_tmx(rows, path)
    elif fmt == "jsonl":
        from aligner.export.jsonl import export_jsonl

        export_jsonl(rows, path)
    else:
        raise ChoiceError("export format", fmt, [f.key for f in EXPORT_FORMATS])
    return len(rows)
