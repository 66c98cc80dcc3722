"""Export of the confirmed pairs from the app, through the core's one registry of pair formats
(:mod:`aligner.export.formats`): the app only adds a translated label per format."""

from __future__ import annotations

from dataclasses import dataclass

from aligner.export.formats import FORMATS, get_format, write_pairs

from ..i18n import N_

LABELS = {
    "tmx": N_("Translation memory (TMX)"),
    "jsonl": N_("JSON lines (JSONL)"),
    "tsv": N_("Tab-separated values (TSV)"),
}
"""A label for the file dialog, per format name of the registry (others show their name)."""


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    pattern: str
    suffix: str


def _formats() -> tuple[ExportFormat, ...]:
    order = sorted(FORMATS, key=lambda k: (k != "tmx", k))  # TMX first: what a CAT tool imports
    return tuple(ExportFormat(k, LABELS.get(k, k.upper()),
                              " ".join(f"*.{e}" for e in FORMATS[k].extensions), f".{FORMATS[k].extensions[0]}")
                 for k in order)


EXPORT_FORMATS = _formats()


def export_confirmed(project, fmt: str, path: str) -> int:
    """Write the confirmed pairs of ``project`` to ``path`` in format ``fmt``; returns how many.

    The core's checked writer refuses to overwrite the project itself or an input.
    """
    get_format(fmt)  # ChoiceError listing the formats
    return write_pairs(project.confirmed_pairs(), path, fmt, project=project.path)
