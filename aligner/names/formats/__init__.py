"""Name-dictionary file formats: JSON, CSV, PO (one catalogue per target language), TBX.

Each format is a class declaring ``name`` and ``extensions`` with
``dumps(clusters, lang) -> bytes`` and ``loads(data, path) -> list[NameCluster]``
(the latter reports every bad entry with its line and imports nothing, see
:class:`aligner.names.dictionary.DictionaryImportError`). Files are written
only through :func:`write_dictionary` (atomic).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ...errors import ChoiceError, InputFileError
from ...io.lines import read_file_bytes
from ...io.output import check_output
from ...records import NameCluster
from .base import DictionaryFormat
from .csv_format import CsvFormat
from .json_format import JsonFormat
from .po_format import PoFormat
from .tbx_format import TbxFormat

FORMATS: dict[str, DictionaryFormat] = {f.name: f for f in (JsonFormat(), CsvFormat(), PoFormat(), TbxFormat())}


def get_format(name: str) -> DictionaryFormat:
    """The format called ``name``; :class:`ChoiceError` lists the valid ones."""
    try:
        return FORMATS[name.lower()]
    except (KeyError, AttributeError):
        raise ChoiceError("dictionary format", name, sorted(FORMATS)) from None


def format_for_path(path: str | os.PathLike) -> DictionaryFormat:
    """The format whose extension ``path`` has; :class:`ChoiceError` otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    for f in FORMATS.values():
        if suffix in f.extensions:
            return f
    raise ChoiceError("dictionary file extension", f".{suffix}" if suffix else "(none)",
                      sorted(f".{e}" for f in FORMATS.values() for e in f.extensions))


def dumps(clusters: Sequence[NameCluster], fmt: str, *, lang: str | None = None) -> bytes:
    return get_format(fmt).dumps(list(clusters), lang=lang)


def write_dictionary(clusters: Sequence[NameCluster], path: str | os.PathLike, fmt: str | None = None, *,
                     lang: str | None = None) -> None:
    """Write ``clusters`` to ``path`` through the checked writer (atomic; never a
    device, FIFO or folder; keeps the mode of a file it replaces)."""
    f = get_format(fmt) if fmt else format_for_path(path)
    check_output(path, allow_stdout=False).write_bytes(f.dumps(list(clusters), lang=lang))


MAX_DICTIONARY_BYTES = 20_000_000
"""Largest dictionary file imported (parsing takes about 30x its size in memory)."""


def read_dictionary(path: str | os.PathLike, fmt: str | None = None, *,
                    max_bytes: int = MAX_DICTIONARY_BYTES) -> list[NameCluster]:
    """Read a reviewed dictionary; all-or-nothing (see DictionaryImportError).

    Refused with :class:`InputFileError` when missing, a folder, empty or
    larger than ``max_bytes``.
    """
    f = get_format(fmt) if fmt else format_for_path(path)
    data = read_file_bytes(path, max_bytes=max_bytes, folder_problem="is a folder, expected a dictionary file")
    if not data.strip():
        raise InputFileError(str(path), "file is empty")
    return f.loads(data, str(path))


__all__ = ["FORMATS", "DictionaryFormat", "get_format", "format_for_path", "dumps", "write_dictionary",
           "read_dictionary"]
