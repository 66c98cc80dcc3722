"""Aligned-pair file formats: JSONL, TSV, TMX — one registry, like
:mod:`aligner.names.formats`.

Each format is a class declaring ``name``, ``extensions`` and ``readable``
with ``dumps(pairs, srclang) -> bytes`` and ``loads(data, path) ->
list[PairRecord]``. Pairs are :class:`PairRecord`; :func:`write_pairs`
also takes candidates (``aligner align``) or stored rows
(``project.confirmed_pairs()``). Files are written only through the checked
writer (:mod:`aligner.io.output`): atomic, never over an input, the
project, a device or a FIFO.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ...errors import ChoiceError
from ...io.lines import read_file_bytes
from ...io.output import Output, check_output
from .base import PairFormat, PairRecord, records, xml_safe
from .jsonl import JsonlFormat
from .tmx import TmxFormat
from .tsv import TsvFormat

FORMATS: dict[str, PairFormat] = {f.name: f for f in (JsonlFormat(), TsvFormat(), TmxFormat())}

MAX_READ_BYTES = 500_000_000


def get_format(name: str) -> PairFormat:
    """The format called ``name``; :class:`ChoiceError` lists the valid ones."""
    try:
        return FORMATS[name.lower()]
    except (KeyError, AttributeError):
        raise ChoiceError("pair format", name, sorted(FORMATS)) from None


def format_for_path(path: str | os.PathLike) -> PairFormat:
    """The format whose extension ``path`` has; :class:`ChoiceError` otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    for f in FORMATS.values():
        if suffix in f.extensions:
            return f
    raise ChoiceError("pair file extension", f".{suffix}" if suffix else "(none)",
                      sorted(f".{e}" for f in FORMATS.values() for e in f.extensions))


def dumps(pairs: Iterable, fmt: str, *, srclang: str = "en") -> bytes:
    return get_format(fmt).dumps(records(pairs), srclang=srclang)


def write_pairs(pairs: Iterable, out: Output | str | os.PathLike, fmt: str | None = None, *,
                srclang: str = "en", project: str | os.PathLike | None = None) -> int:
    """Write ``pairs`` (records, candidates or stored rows) to ``out``; returns the count.

    ``out``: an :class:`Output` from :func:`check_output` (the CLI checks
    before any work), or a path, checked here against ``project``.
    The whole file is built first, so a failure leaves the target untouched.
    """
    if not isinstance(out, Output):
        out = check_output(out, project=project, allow_stdout=False)
    f = get_format(fmt) if fmt else format_for_path(out.label)
    recs = records(pairs)
    out.write_bytes(f.dumps(recs, srclang=srclang))
    return len(recs)


def read_pairs(path: str | os.PathLike, fmt: str | None = None) -> list[PairRecord]:
    """Read a pair file back (every format here is readable)."""
    f = get_format(fmt) if fmt else format_for_path(path)
    return f.loads(read_file_bytes(path, max_bytes=MAX_READ_BYTES), str(path))


__all__ = ["FORMATS", "PairFormat", "PairRecord", "dumps", "format_for_path", "get_format", "read_pairs",
           "records", "write_pairs", "xml_safe"]
