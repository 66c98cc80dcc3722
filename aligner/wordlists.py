"""The word lists of the extractors, read from the data files in ``aligner/data/``.

Reporting verbs, titles, demonyms, places, outlets, stop words, organisation
heads... live in plain UTF-8 files so a linguist can extend them without
touching code. Each concept is written once, in one file named after it
(``reporting_verbs.tsv``, ``titles.tsv``, ``demonyms.tsv``, ``places.tsv``,
``outlets.tsv``); the quote attribution (:mod:`aligner.text.speakers`) and the
name extraction (:mod:`aligner.names`) each take the rows they need from it
by its columns (:func:`select`). Lists that only one extractor reads are still
named after it (``quotes_*``, ``names_*``).

File formats (blank lines and lines starting with ``#`` are ignored):

* ``NAME.txt``: one entry per line;
* ``NAME.tsv``: a header line naming the columns, then one row per line,
  cells separated by a TAB (a missing trailing cell reads as empty).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

__all__ = ["names", "rows", "select", "table", "words"]


def _lines(filename: str) -> list[str]:
    ref = resources.files("aligner") / "data" / filename
    try:
        text = ref.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LookupError(f"aligner/data/{filename}: no such word list "
                          f"(known lists: {', '.join(names())})") from None
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def words(name: str) -> tuple[str, ...]:
    """The entries of ``aligner/data/NAME.txt``, in file order (surrounding spaces removed)."""
    return tuple(line.strip() for line in _lines(f"{name}.txt"))


@lru_cache(maxsize=None)
def rows(name: str) -> tuple[Mapping[str, str], ...]:
    """The rows of ``aligner/data/NAME.tsv``, in file order, each a read-only {column: cell} mapping.

    Raises ValueError naming the file when a row has more cells than the header has columns.
    """
    lines = _lines(f"{name}.tsv")
    if not lines:
        raise ValueError(f"aligner/data/{name}.tsv: no header line (the column names, TAB between them)")
    header = tuple(c.strip() for c in lines[0].split("\t"))
    out = []
    for line in lines[1:]:
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) > len(header):
            raise ValueError(f"aligner/data/{name}.tsv: line {line!r} has {len(cells)} cells; "
                             f"the header names {len(header)} columns ({', '.join(header)})")
        cells += [""] * (len(header) - len(cells))
        out.append(MappingProxyType(dict(zip(header, cells))))
    return tuple(out)


def select(name: str, column: str, **where: str | Collection[str]) -> tuple[str, ...]:
    """Cells of ``column`` in the rows of ``NAME.tsv`` that match every ``where`` filter, in file order, once each.

    ``select("titles", "word", lang="en", kind=("title", "honorific"))``: a filter is one value or a
    collection of accepted values. Raises KeyError naming the file and its columns for an unknown column.
    """
    table_rows = rows(name)
    known = tuple(table_rows[0]) if table_rows else ()
    for col in (column, *where):
        if table_rows and col not in known:
            raise KeyError(f"aligner/data/{name}.tsv has no column {col!r} (columns: {', '.join(known)})")
    accept = {k: {v} if isinstance(v, str) else set(v) for k, v in where.items()}
    return tuple(dict.fromkeys(r[column] for r in table_rows
                               if r[column] and all(r[k] in ok for k, ok in accept.items())))


def table(name: str) -> dict[str, str]:
    """The first two columns of ``aligner/data/NAME.tsv`` as a dict (a new one on each call), in file order."""
    out = {}
    for r in rows(name):
        key, value = list(r.values())[:2]
        out[key] = value
    return out


def names() -> list[str]:
    """Names of every word list shipped with the package."""
    folder = resources.files("aligner") / "data"
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith((".txt", ".tsv")))
