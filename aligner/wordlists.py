"""The word lists of the extractors, read from the data files in ``aligner/data/``.

Reporting verbs, titles, demonyms, places, stop words, organisation heads...
live in plain UTF-8 files so a linguist can extend them without touching code:
``NAME.txt`` holds one entry per line, ``NAME.tsv`` one ``key<TAB>value`` pair
per line; blank lines and lines starting with ``#`` are ignored. Files named
``quotes_*`` are read by the quote and speaker extraction
(:mod:`aligner.text.speakers`), ``names_*`` by the name-variant extraction
(:mod:`aligner.names.lexicon`, :mod:`aligner.names.mentions`).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

__all__ = ["names", "table", "words"]


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
def _table(name: str) -> tuple[tuple[str, str], ...]:
    out = []
    for line in _lines(f"{name}.tsv"):
        key, sep, value = line.partition("\t")
        if not sep:
            raise ValueError(f"aligner/data/{name}.tsv: line {line!r} has no tab between key and value")
        out.append((key.strip(), value.strip()))
    return tuple(out)


def table(name: str) -> dict[str, str]:
    """``aligner/data/NAME.tsv`` as a dict (a new one on each call), in file order."""
    return dict(_table(name))


def names() -> list[str]:
    """Names of every word list shipped with the package."""
    folder = resources.files("aligner") / "data"
    return sorted(p.name.rsplit(".", 1)[0] for p in folder.iterdir() if p.name.endswith((".txt", ".tsv")))
