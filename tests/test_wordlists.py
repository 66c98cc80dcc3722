"""The word lists in aligner/data/: each loads, has no repeated entry, and ships with the package."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from aligner import wordlists

ROOT = Path(__file__).resolve().parent.parent


def test_there_are_word_lists_for_both_extractors():
    names = wordlists.names()
    assert any(n.startswith("quotes_") for n in names) and any(n.startswith("names_") for n in names)


@pytest.mark.parametrize("name", wordlists.names())
def test_each_list_loads_without_repeats(name):
    if (ROOT / "aligner" / "data" / f"{name}.tsv").exists():
        keys = [line.split("\t")[0] for line in (ROOT / "aligner" / "data" / f"{name}.tsv")
                .read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
        assert len(wordlists.table(name)) == len(keys) > 0
    else:
        entries = wordlists.words(name)
        assert entries and all(e and e == e.strip() for e in entries)
        assert len(set(entries)) == len(entries), [e for e in entries if entries.count(e) > 1]


def test_an_unknown_list_names_the_known_ones():
    with pytest.raises(LookupError, match="known lists: .*quotes_en_verbs"):
        wordlists.words("no_such_list")


def test_package_data_ships_every_list():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["aligner"]
    for path in (ROOT / "aligner" / "data").iterdir():
        rel = path.relative_to(ROOT / "aligner").as_posix()
        assert any(fnmatch(rel, g) for g in globs), f"{rel} is not in pyproject's package-data"
