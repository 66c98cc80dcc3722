"""Translator's cues beyond embeddings: numbers, names, length, outlet, speaker.

Each cue returns a value in [-1, 1] (0 = no evidence either way). They are
pure functions of strings and records; the aligner combines them with the
embedding scores in a calibrated logistic model (see :mod:`aligner.align`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

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


def latin_key(word: str) -> str:
    """A loose transliteration key for a Latin-script name token.

    Strips accents, maps common transliteration variants (ou->u, q->k,
    dh->z, doubled letters, ei/ey/y->i, ph->f) and drops vowels after the
    first letter, so Kodmani ~ Qadamani, Sergueï ~ Sergey, Halqi ~ Halki.
    """
    s = unicodedata.normalize("NFKD", word.lower())
    s = "".join(c for c in s if not unicodedata.combining(c) and c.isalpha())
    for a, b in (("ou", "u"), ("dh", "z"), ("th", "t"), ("kh", "k"), ("gh", "g"), ("sh", "s"),
                 ("ch", "s"), ("ph", "f"), ("q", "k"), ("c", "k"), ("j", "g"), ("y", "i"),
                 ("w", "u"), ("e", "a"), ("o", "u")):
        s = s.replace(a, b)
    s = re.sub(r"(.)\1+", r"\1", s)
    if not s:
        return ""
    return s[0] + re.sub(r"[aiu]", "", s[1:])


def capitalised_names(text: str) -> frozenset[str]:
    """Keys of capitalised, non-sentence-initial Latin words (likely names)."""
    keys = set()
    for m in re.finditer(r"[A-ZÀ-ÖØ-Þ][\w'’\-]+", text):
        before = text[: m.start()]
        if _SENT_START.search(before):
            continue
        for part in re.split(r"[-'’]", m.group(0)):
            if part.lower() in _PARTICLES or len(part) < 3:
                continue
            k = latin_key(part)
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


def _is_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if c < "\u0250")
    return latin / len(letters) > 0.7


# --- length ratio ------------------------------------------------------------

# typical characters in the target per character of English
LENGTH_RATIO = {"en": 1.0, "fr": 1.15, "ar": 0.85}


def length_cue(src: str, tgt: str, tgt_lang: str, src_lang: str = "en") -> float:
    """0 for the expected length ratio, down to -1 for a 3x mismatch."""
    ls, lt = max(len(src.strip()), 1), max(len(tgt.strip()), 1)
    expected = LENGTH_RATIO.get(tgt_lang, 1.0) / LENGTH_RATIO.get(src_lang, 1.0)
    dev = abs(math.log((lt / ls) / expected))
    return -min(1.0, dev / math.log(3.0))


# --- outlet language ------------------------------------------------------------

def outlet_cue(outlet_lang: str | None, tgt_lang: str) -> float:
    """+1 when the outlet the speaker talked to publishes in the target's language."""
    if not outlet_lang or tgt_lang == "en":
        return 0.0
    return 1.0 if outlet_lang == tgt_lang else -0.5


# --- speaker ----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def speaker_similarity(a: str | None, b: str | None) -> float | None:
    """Similarity in [0, 1] of two speaker names across spellings and scripts.

    None when either is unknown. Uses the name-variant matcher of
    :mod:`aligner.names` when available (it knows Arabic script), else a
    token-level comparison of :func:`latin_key` keys.
    """
    if not a or not b:
        return None
    try:
        from .names import name_similarity  # type: ignore[attr-defined]
    except ImportError:
        name_similarity = None
    if name_similarity is not None:
        return float(name_similarity(a, b))
    if _is_latin(a) != _is_latin(b):
        return None  # cross-script names need the transliterating matcher
    ka = [latin_key(t) for t in _name_tokens(a)]
    kb = [latin_key(t) for t in _name_tokens(b)]
    ka, kb = [k for k in ka if k], [k for k in kb if k]
    if not ka or not kb:
        return None
    from rapidfuzz.distance import Indel

    def sim(x: str, y: str) -> float:
        if x.startswith("abdl") and y.startswith("abdl"):  # Abd al-X: X is the name
            x, y = x[4:], y[4:]
        return Indel.normalized_similarity(x, y)

    # the family name (last token) must agree; given names help
    last = sim(ka[-1], kb[-1])
    if len(ka) == 1 or len(kb) == 1:
        return last
    return 0.7 * last + 0.3 * sim(ka[0], kb[0])


def _name_tokens(name: str) -> list[str]:
    """Name tokens without particles; Abdul/Abdel/Abd al- glued to what follows."""
    s = name.lower()
    s = re.sub(r"\babd(?:[ue]l|[-\s]+al|[-\s]+el|[-\s]+ul)?[-\s]*(?=\w)", "abdal", s)
    return [t for t in re.split(r"[\s\-]+", s) if t and t not in _PARTICLES]


def speaker_cue(a: str | None, b: str | None) -> float:
    """+1 same person, -1 clearly different people, 0 unknown."""
    s = speaker_similarity(a, b)
    if s is None:
        return 0.0
    if s >= 0.85:
        return 1.0
    if s < 0.6:
        return -1.0
    return (s - 0.725) / 0.125
