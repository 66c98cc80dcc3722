"""News outlets and the language they publish in.

The aligner uses an outlet as evidence of the language a quote was first
given in ("told Asharq Al-Awsat" -> probably Arabic). The outlets are read from
``aligner/data/outlets.tsv`` (one row per outlet: the display name, its language,
empty when none of en/fr/ar or unknown, and the spellings seen in text, any
script); the name extraction reads the same rows (:mod:`aligner.names.lexicon`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import wordlists


@dataclass(frozen=True)
class Outlet:
    name: str
    lang: str | None
    aliases: tuple[str, ...] = ()
    """Every spelling met in text, any script (the name among them)."""
    ordinary_words: tuple[str, ...] = ()
    """One-word spellings that are also an ordinary word (الوطن "the homeland"): an outlet after
    "told"/"صحيفة", but not a name on their own."""


OUTLETS: tuple[Outlet, ...] = tuple(
    Outlet(r["outlet"], r["lang"] or None, tuple(a for a in r["spellings"].split("|") if a),
           tuple(a for a in r["also_a_word"].split("|") if a))
    for r in wordlists.rows("outlets"))

# words that make an unknown proper name look like a news outlet
MEDIA_WORDS = frozenset(wordlists.words("outlet_words"))

_ARTICLE = re.compile(r"^(?:the|le|la|les|l['’])\s*", re.I)


def _fold(text: str) -> str:
    """Case-, accent-, diacritic- and punctuation-insensitive key (tokens joined by one space)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if unicodedata.category(c) != "Mn" and c != "\u0640")
    t = t.casefold().replace("أ", "ا").replace("إ", "ا").replace("آ", "ا")
    t = re.sub(r"[\-‐‑–—'’`\".,«»“”()]+", " ", t)
    return " ".join(t.split())


def _build_index() -> list[tuple[str, Outlet]]:
    idx = []
    for o in OUTLETS:
        for a in (o.name, *o.aliases):
            key = _fold(a)
            if key:
                idx.append((key, o))
    idx.sort(key=lambda kv: -len(kv[0]))  # longest alias first
    return idx


_INDEX = _build_index()


def find_outlet(name: str | None) -> Outlet | None:
    """The known outlet named by ``name`` (as written, any script), or None.

    Matches whole tokens, longest alias first: "Le Journal du Dimanche",
    "told AFP", "وكالة فرانس برس" all resolve.
    """
    if not name:
        return None
    key = f" {_fold(name)} "
    for alias, outlet in _INDEX:
        if f" {alias} " in key:
            return outlet
    return None


def outlet_language(outlet: str | None) -> str | None:
    """Language ("en", "fr", "ar") the named outlet publishes in, or None if unknown."""
    o = find_outlet(outlet)
    return o.lang if o else None


def is_known_outlet(name: str) -> bool:
    """True when ``name`` *is* an outlet name (not merely contains one)."""
    o = find_outlet(name)
    if o is None:
        return False
    key = _fold(_ARTICLE.sub("", name.strip()))
    key = re.sub(r"^(?:ال)?(?:وكالة|صحيفة|جريدة|قناة|موقع|اذاعة|مجلة)\s+", "", key)
    return any(_fold(_ARTICLE.sub("", a)) == key for a in (o.name, *o.aliases)) or _fold(o.name) == key


def looks_like_outlet(name: str) -> bool:
    """Known outlet, or a proper name containing a media word ("Iran TV", "Sham Network")."""
    if find_outlet(name) is not None:
        return True
    words = {w.casefold() for w in re.findall(r"\w+", name)}
    return bool(words & MEDIA_WORDS)
