"""Translator's cues beyond embeddings: numbers, names, length, outlet, speaker.

Each cue returns a value in [-1, 1] (0 = no evidence either way). They are
pure functions of strings and records; the aligner combines them with the
embedding scores in a calibrated logistic model (see :mod:`aligner.align`).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from .names.normalize import latin_skeleton
from .text.numbers import extract_numbers

# --- numbers ---------------------------------------------------------------

ONE_SIDED_NUMBERS = -0.3
"""Number cue when only one text states numbers (weak evidence against)."""


def number_agreement(a: str, b: str) -> float:
    """+1 when both texts state the same numbers, -1 when disjoint, 0 if neither has any.

    Numbers are read by :func:`aligner.text.numbers.extract_numbers`, digits
    and number words, so "3 p.m." agrees with "15 heures" and "3.5 million"
    with "3,5 millions".
    """
    na, nb = extract_numbers(a), extract_numbers(b)
    if not na and not nb:
        return 0.0
    if not na or not nb:
        return ONE_SIDED_NUMBERS
    jac = len(na & nb) / len(na | nb)
    return 2.0 * jac - 1.0


# --- names / capitalised entities -------------------------------------------

_PARTICLES = {"al", "el", "ad", "ash", "as", "an", "ar", "at", "az", "de", "di", "du", "la", "le",
              "bin", "ibn", "abu", "abou", "der", "van", "von", "the", "of"}
_SENT_START = re.compile(r"(?:^|[.!?؟]\s+|[\"“«]\s*)$")


def _starts_sentence(text: str, pos: int) -> bool:
    """``_SENT_START.search(text[:pos])`` without scanning ``text[:pos]`` (that made
    :func:`capitalised_names` quadratic in the length of an article): nothing before
    ``pos`` (or a lone line break), sentence punctuation and whitespace, or an opening
    quotation mark and optional whitespace."""
    end = pos
    while end > 0 and text[end - 1].isspace():  # re's \s is str.isspace
        end -= 1
    if end == 0:
        return pos == 0 or text[:pos] == "\n"
    last = text[end - 1]
    return (end < pos and last in ".!?؟") or last in "\"“«"


@lru_cache(maxsize=65536)  # a text meets many candidates: computed once
def capitalised_names(text: str) -> frozenset[str]:
    """Consonant skeletons (:func:`aligner.names.normalize.latin_skeleton`) of the
    capitalised, non-sentence-initial Latin words of ``text`` (likely names), so
    Kodmani ~ Qadamani and Sergueï ~ Sergey give the same key."""
    keys = set()
    for m in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w'’\-]+", text):
        if _starts_sentence(text, m.start()):
            continue
        for part in re.split(r"[-'’]", m.group(0)):
            if part.lower() in _PARTICLES or len(part) < 3:
                continue
            k = latin_skeleton(part)
            if len(k) >= 2:
                keys.add(k)
    return frozenset(keys)


def entity_agreement(a: str, b: str) -> float:
    """Overlap of capitalised names between two Latin-script texts, in [-1, 1].

    0 when either side has none or a side is not in Latin script (names in
    Arabic script are compared through the speaker cue instead).
    """
    if not _is_latin(a) or not _is_latin(b):
        return 0.0
    ea, eb = capitalised_names(a), capitalised_names(b)
    if not ea or not eb:
        return 0.0
    jac = len(ea & eb) / min(len(ea), len(eb))
    return max(-1.0, min(1.0, 2.0 * jac - 1.0))


LATIN_SHARE = 0.7
"""A text is in Latin script when more than this share of its letters are Latin."""


@lru_cache(maxsize=65536)
def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c < "\u0250")
    return latin / len(letters) > LATIN_SHARE


# --- length ratio ------------------------------------------------------------

LENGTH_RATIO = {"en": 1.0, "fr": 1.15, "ar": 0.85}
"""Typical characters in each language per character of English."""
LENGTH_MISMATCH_MAX = 3.0
"""A length ratio this far (either way) from the expected one gives the cue -1."""


def length_cue(src: str, tgt: str, tgt_lang: str, src_lang: str = "en") -> float:
    """0 for the expected length ratio, down to -1 for a LENGTH_MISMATCH_MAX-fold mismatch."""
    ls, lt = max(len(src.strip()), 1), max(len(tgt.strip()), 1)
    expected = LENGTH_RATIO.get(tgt_lang, 1.0) / LENGTH_RATIO.get(src_lang, 1.0)
    dev = abs(math.log((lt / ls) / expected))
    return -min(1.0, dev / math.log(LENGTH_MISMATCH_MAX))


# --- outlet language ------------------------------------------------------------

OUTLET_OTHER_LANGUAGE = -0.5
"""Outlet cue when the outlet publishes in another language than the target's."""


def outlet_cue(outlet_lang: str | None, tgt_lang: str) -> float:
    """+1 when the outlet the speaker talked to publishes in the target's language."""
    if not outlet_lang or tgt_lang == "en":
        return 0.0
    return 1.0 if outlet_lang == tgt_lang else OUTLET_OTHER_LANGUAGE


# --- speaker ----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def speaker_similarity(a: str | None, b: str | None) -> float | None:
    """Similarity in [0, 1] of two speaker names across spellings and scripts
    (:func:`aligner.names.name_similarity`); None when either is unknown."""
    if not a or not b:
        return None
    from .names import name_similarity

    return float(name_similarity(a, b))


SAME_SPEAKER = 0.85
"""Speaker similarity from which two names are the same person (cue +1)."""
OTHER_SPEAKER = 0.6
"""Speaker similarity below which two names are different people (cue -1)."""


def speaker_cue(a: str | None, b: str | None) -> float:
    """+1 same person, -1 clearly different people, 0 unknown."""
    s = speaker_similarity(a, b)
    if s is None:
        return 0.0
    if s >= SAME_SPEAKER:
        return 1.0
    if s < OTHER_SPEAKER:
        return -1.0
    middle, half = (SAME_SPEAKER + OTHER_SPEAKER) / 2, (SAME_SPEAKER - OTHER_SPEAKER) / 2
    return (s - middle) / half
