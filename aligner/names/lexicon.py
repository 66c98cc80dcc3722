"""Small word lists used to find and compare names (English, French, Arabic).

Deliberately small and explicit: titles, speech verbs, organisation heads
(with the concept they stand for, so ``Jaish`` = ``Army`` = ``جيش``), a
gazetteer of places that appear in Syria news, well-known organisation
aliases (ISIS / Daesh / داعش), news outlets, and stop words that never
start a name. Arabic entries are given in folded form (see
:func:`aligner.names.normalize.fold_arabic`) where they are compared folded.
"""

from __future__ import annotations

import re

from .. import wordlists
from ..text.arabic import has_arabic_block
from ..text.outlets import OUTLETS as TEXT_OUTLETS
from .normalize import fold_arabic, fold_latin


def _fold(word: str) -> str:
    """``word`` folded as Arabic if it has Arabic script, else as Latin."""
    return fold_arabic(word, soft=True) if has_arabic_block(word) else fold_latin(word)


def _concepts(table: dict[str, str]) -> dict[str, str]:
    """{concept: "word word ..."} -> {folded word: concept}."""
    return {_fold(w): concept for concept, words in table.items() for w in words.split()}


# ------------------------------------------------------------------ titles
# Lower-cased; multi-word titles are matched word by word from the right.
# words that, before a capitalised name, make it a title rather than a name
# (titles and honorifics of aligner/data/titles.tsv, folded like the tokens they are compared with)
TITLE_HEADS_EN = frozenset(fold_latin(w) for w in wordlists.select("titles", "word", lang="en",
                                                                   kind=("title", "honorific")))
TITLES_FR = frozenset(fold_latin(w) for w in wordlists.select("titles", "word", lang="fr",
                                                              kind=("title", "honorific")))
TITLES_AR = frozenset(fold_arabic(w, soft=True) for w in wordlists.select("titles", "word", lang="ar",
                                                                          kind=("title", "honorific")))
# stripped from the front of a person's name (its tokens are capitalised: "Gen.", "Me", "M." are safe here)
HONORIFICS = frozenset(fold_latin(w) for w in wordlists.select("titles", "word", lang=("en", "fr"),
                                                               kind=("honorific", "capitalised")))

# one-word reporting verbs of aligner/data/reporting_verbs.tsv, but not those that are also a common
# noun ("juge", "states": seen alone, next to a name) (Arabic: also with the conjunction و)
_NOT_NOUNS = ("", "sense")
SPEECH_VERBS_EN = frozenset(w for w in wordlists.select("reporting_verbs", "word", lang="en", ambiguity=_NOT_NOUNS)
                            if " " not in w)
SPEECH_VERBS_FR = frozenset(w for w in wordlists.select("reporting_verbs", "word", lang="fr", ambiguity=_NOT_NOUNS)
                            if " " not in w)
SPEECH_VERBS_AR = frozenset(fold_arabic(p + w, soft=True) for p in ("", "و")
                            for w in wordlists.select("reporting_verbs", "word", lang="ar", ambiguity=_NOT_NOUNS))

# ------------------------------------------------------- organisation heads
# surface word (folded) -> concept
ORG_HEADS: dict[str, str] = _concepts(wordlists.table("names_org_heads"))

# heads that START an Arabic-style organisation name (Jabhat X, Jaish X, Harakat X, Ahrar X)
ORG_PREFIXES_LATIN = frozenset(
    wordlists.words("names_org_prefixes_latin"))
ORG_PREFIXES_AR = frozenset(fold_arabic(w, soft=True) for w in
                            wordlists.words("names_org_prefixes_ar"))
# English/French words inside organisation names that carry meaning across languages
ORG_CONCEPTS: dict[str, str] = _concepts(wordlists.table("names_org_concepts"))

ORG_STOP = frozenset(fold_latin(w) for w in
                     wordlists.words("names_org_stop")) | frozenset(
    {"ل", "و", "في", "من"})

def alias_key(text: str) -> str:
    """Key of a known organisation / place spelling: folded, no spaces, dots, hyphens or apostrophes."""
    f = _fold(text)
    return re.sub(r"['\s.\-]", "", f)


# Well-known organisations and aliases: alias key -> canonical English name
ORG_ALIASES: dict[str, str] = {}
for canonical, aliases in wordlists.table("names_org_aliases").items():
    for a in aliases.split("|"):
        ORG_ALIASES[alias_key(a)] = canonical
# news outlets (aligner/data/outlets.tsv, read by aligner.text.outlets), but not the spellings that are
# also an ordinary word (الوطن) nor one-letter ones
for _o in TEXT_OUTLETS:
    for _a in (_o.name, *_o.aliases):
        if _a not in _o.ordinary_words and len(_a) >= 2:
            ORG_ALIASES.setdefault(alias_key(_a), _o.name)

# ---------------------------------------------------------------- gazetteer
# canonical English -> spellings (English, French, Arabic)
PLACES: dict[str, str] = wordlists.table("places")
PLACE_ALIASES: dict[str, str] = {}
for canonical, spellings in PLACES.items():
    for s in spellings.split("|"):
        PLACE_ALIASES[alias_key(s)] = canonical
# lower-case nouns that, right after a capitalised name, make it a place
PLACE_NOUNS = frozenset(wordlists.words("names_place_nouns"))
PLACE_NOUNS_FR = frozenset(wordlists.words("names_place_nouns_fr"))

# ------------------------------------------------------------- stop words
MONTHS = frozenset(fold_latin(w) for w in wordlists.words("calendar_words"))  # and weekdays
DEMONYMS = frozenset(fold_latin(w) for w in wordlists.select("demonyms", "word"))
# capitalised words that never begin or form a person's name on their own
STOP_CAPS = frozenset(fold_latin(w) for w in wordlists.words("names_stop_caps"))
STOP_AR = frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_stop_ar"))
# Arabic gentilics / descriptors that follow a title (وزير الخارجية الروسي ...)
DESCRIPTORS_AR = frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_descriptors_ar"))

# words that do not occur inside a person's name (but do in titles and organisations)
NON_NAME_WORDS = frozenset(fold_latin(w) for w in wordlists.words("names_non_name_words"))
ACRONYM_STOP = frozenset(wordlists.words("names_acronym_stop"))

# Common given names that the romanizer's index (mostly Arabic/Persian names) may miss.
WESTERN_GIVEN = frozenset(fold_latin(w) for w in wordlists.words("names_western_given"))
