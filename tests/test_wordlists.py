"""The word lists in aligner/data/: each loads, has no repeated entry, ships with the package,
and each concept (reporting verbs, titles, demonyms, places, outlets, weekdays and months) is one file
that both extractors read."""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from aligner import wordlists

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "aligner" / "data"
CONCEPTS = ("reporting_verbs", "titles", "demonyms", "places", "outlets", "calendar_words", "outlet_words")
NOT_WORD_LISTS = ("calibration_", "guard_")  # model calibration texts (aligner.embed.openvino_build)


def _word_lists() -> list[str]:
    return [n for n in wordlists.names() if not n.startswith(NOT_WORD_LISTS)]


@pytest.mark.parametrize("name", _word_lists())
def test_each_list_loads_without_repeats(name):
    if (DATA / f"{name}.tsv").exists():
        rows = wordlists.rows(name)
        assert rows
        keyed = [tuple(r.values())[:2] if name not in ("titles", "demonyms", "reporting_verbs")
                 else (r["word"], r["lang"], r.get("form", r.get("kind"))) for r in rows]
        assert len(set(keyed)) == len(keyed), [k for k in keyed if keyed.count(k) > 1]
        assert all(v == v.strip() for r in rows for v in r.values())
    else:
        entries = wordlists.words(name)
        assert entries and all(e and e == e.strip() for e in entries)
        assert len(set(entries)) == len(entries), [e for e in entries if entries.count(e) > 1]


@pytest.mark.parametrize("concept", CONCEPTS)
def test_each_concept_is_one_file_read_by_one_loader(concept):
    stems = {p.stem for p in DATA.iterdir()}
    assert concept in stems
    # no per-extractor copy of the concept is left (quotes_places / names_places ...)
    word = {"reporting_verbs": "verbs", "titles": "title", "calendar_words": "months", "outlets": "outlet"}.get(concept, concept)
    copies = [s for s in stems if s != concept and re.search(word, s) and s.startswith(("quotes_", "names_"))]
    assert not copies, copies


def test_both_extractors_take_their_view_of_the_same_rows():
    from aligner.names import lexicon
    from aligner.text import outlets, speakers

    # a word added to titles.tsv as a title reaches both extractors
    assert "négociateur" in speakers.TITLE_WORDS and "negociateur" in lexicon.TITLES_FR
    assert "mediator" in speakers.TITLE_WORDS and "mediator" in lexicon.TITLE_HEADS_EN
    # reporting verbs: speakers read every speech form, names the one-word rows (weak ones too)
    assert "pointed out" in speakers.EN_VERBS and "pointed out" not in lexicon.SPEECH_VERBS_EN
    assert "asked" in lexicon.SPEECH_VERBS_EN and "asked" not in speakers.EN_VERBS
    assert "وقالت" in lexicon.SPEECH_VERBS_AR and "قالت" in speakers.AR_VERBS
    # a verb that is also a noun ("le juge") is no name cue on its own, but a verb in a clause
    assert "juge" in speakers.FR_PRESENT and "juge" not in lexicon.SPEECH_VERBS_FR
    # places: the gazetteer maps spellings for names, its words stop a speaker
    assert lexicon.PLACE_ALIASES[lexicon.alias_key("Alep")] == "Aleppo" and "alep" in speakers.PLACES
    # demonyms: one list
    assert "libyan" in lexicon.DEMONYMS and "libyan" in speakers.DEMONYMS
    # outlets: one table; an ordinary-word spelling is an outlet but not a name
    assert outlets.find_outlet("told Al-Watan").name == "Al-Watan"
    assert lexicon.ORG_ALIASES[lexicon.alias_key("Reuters")] == "Reuters"
    assert lexicon.alias_key("الوطن") not in lexicon.ORG_ALIASES


def test_select_filters_rows_by_their_columns():
    fr_present = wordlists.select("reporting_verbs", "word", lang="fr", form="present")
    assert "déclare" in fr_present and "déclaré" not in fr_present
    with pytest.raises(KeyError, match="reporting_verbs.tsv has no column 'tense'.*columns: word, lang, form"):
        wordlists.select("reporting_verbs", "word", tense="past")


def test_a_row_with_too_many_cells_names_the_file(monkeypatch):
    monkeypatch.setattr(wordlists, "_lines", lambda filename: ["a\tb", "x\ty\tz"])
    wordlists.rows.cache_clear()
    try:
        with pytest.raises(ValueError, match=r"aligner/data/broken\.tsv: line 'x\\ty\\tz' has 3 cells.*2 columns"):
            wordlists.rows("broken")
    finally:
        wordlists.rows.cache_clear()


def test_an_unknown_list_names_the_known_ones():
    with pytest.raises(LookupError, match="known lists: .*reporting_verbs"):
        wordlists.words("no_such_list")


def test_package_data_ships_every_list():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    globs = config["tool"]["setuptools"]["package-data"]["aligner"]
    for path in DATA.iterdir():
        rel = path.relative_to(ROOT / "aligner").as_posix()
        assert any(fnmatch(rel, g) for g in globs), f"{rel} is not in pyproject's package-data"
