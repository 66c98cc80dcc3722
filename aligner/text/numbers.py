"""The numbers a sentence states, read the same way in English, French and Arabic.

One extractor for every part of the core that compares figures: the
quote aligner's number cue (:func:`aligner.cues.number_agreement`) and the
mining cross-check (:mod:`aligner.rerank`). It returns a set of canonical
strings, so two sentences state the same figures when their sets are equal:

- a quantity is its value: "25,000", "25 000", "25.000" and "٢٥٬٠٠٠" are all
  ``"25000"``; "3.5", "3,5" and "٣٫٥" are ``"3.5"``; a scale word multiplies
  the number before it, so "3.5 million", "3,5 millions", "3.5 مليون" and
  "3 500 000" are all ``"3500000"`` (and "three million" too);
- a clock time is ``"H:MM"`` on a 24-hour clock whatever way it is written:
  "3 p.m.", "3.00 pm", "15:00", "à 15 heures", "15 h", "15h00" are ``"15:00"``;
- number words in en/fr/ar ("ten", "dix", "عشرة") count when ``words=True``.

How separators are read: spaces (also no-break and thin spaces), the
apostrophe and the Arabic thousands separator (U+066C) group thousands; the
Arabic decimal separator (U+066B) is a decimal point. With both "," and "."
the last one is the decimal point; a separator repeated ("1,234,567") groups;
a single "," or "." followed by exactly three digits groups thousands
("1,500" and "1.500" are 1500), otherwise it is a decimal point ("3.5",
"0,125").

UN Arabic, typed left to right, writes digit groups in reverse order
("000 819 5" for 5,819,000) and hour and minutes reversed ("الساعة 00:15"
is 15:00). In a sentence with Arabic letters, space-separated groups are
read back to front and "00:HH" is the hour HH.

Pure functions of strings; no IO.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .arabic import ARABIC_LETTER_RE, DIGITS_TO_WESTERN

__all__ = ["NUMBER_WORDS", "SCALE_WORDS", "extract_numbers", "number_value"]

_SPACE = " \u00a0\u202f\u2009"

SCALE_WORDS = {
    "thousand": 1000, "thousands": 1000, "mille": 1000, "ألف": 1000, "الف": 1000, "آلاف": 1000,
    "million": 10**6, "millions": 10**6, "مليون": 10**6, "ملايين": 10**6,
    "billion": 10**9, "billions": 10**9, "milliard": 10**9, "milliards": 10**9,
    "مليار": 10**9, "مليارات": 10**9,
}
"""Words that multiply the number before them ("3.5 million")."""

NUMBER_WORDS = {
    # English
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    # French
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "quinze": 15,
    "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "cent": 100,
    # Arabic (common forms, without diacritics)
    "واحد": 1, "اثنان": 2, "اثنين": 2, "ثلاثة": 3, "ثلاث": 3, "أربعة": 4, "اربعة": 4,
    "خمسة": 5, "خمس": 5, "ستة": 6, "سبعة": 7, "ثمانية": 8, "تسعة": 9, "عشرة": 10,
    "عشر": 10, "عشرين": 20, "عشرون": 20, "ثلاثين": 30, "مئة": 100, "مائة": 100,
}
"""Spelt-out numbers (scale words are in SCALE_WORDS)."""

_AMBIGUOUS_WORDS = {"un", "une", "one", "six"}
"""Words too often not a quantity ("one of them", "un homme") on their own."""

_SCALE = "|".join(sorted(map(re.escape, SCALE_WORDS), key=len, reverse=True))
_SCALE_AFTER = rf"(?:\s+({_SCALE})(?!\w))?"

# a number: "100 000" (groups of exactly three digits after spaces, then an
# optional decimal part), else digit groups joined by , . ' or the Arabic
# separators; then an optional scale word
_NUMBER = re.compile(
    rf"(?<!\d)(\d{{1,3}}(?:[{_SPACE}]\d{{3}})+(?:[.,\u066b]\d+)?(?!\d)"
    rf"|\d+(?:[.,'\u066b\u066c]\d+)*){_SCALE_AFTER}")
# "000 819 5": groups of three digits, then the leading group last (UN Arabic)
_REVERSED_GROUPS = re.compile(rf"(?<![\d.,])\d{{3}}(?:[{_SPACE}]\d{{3}})*[{_SPACE}]\d{{1,3}}(?!\d)")

# clock times: "3 p.m.", "10.15 a.m." (12-hour); "15:00" (24-hour); "10 h 15",
# "15h30" (French, with minutes); "à 15 heures", "vers 15 h" (French, hour only:
# without "à"/"vers"/"dès" "24 heures" is a duration)
_TIME_12H = re.compile(r"(?<![\d.,:])(\d{1,2})(?:[.:](\d{2}))?\s?([ap])\.?\s?m(?:\.|\b)", re.I)
_TIME_24H = re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{2})(?![\d:])")
_TIME_FR_MINUTES = re.compile(r"(?<![\d.,:])(\d{1,2})\s?h\s?(\d{2})(?![\w\d])", re.I)
_TIME_FR_HOUR = re.compile(r"(?<!\w)(?:à|vers|dès)\s+(\d{1,2})\s?(?:h|heures?)(?![\w\d])", re.I)
# UN Arabic also reverses hour and minutes: "الساعة 00:11" is 11:00
_TIME_AR_REVERSED = re.compile(r"(?<![\d.,:])00:([01]\d|2[0-3])(?![\d:])")

_WORD = re.compile(r"[^\W\d_]+")
_PERCENT_CENT = re.compile(r"\b(?:pour|per)\s+cent\b", re.I)  # "pour cent", "per cent": not 100


def _clock(hour: int, minute: int, half: str = "") -> str | None:
    """Canonical "H:MM" on a 24-hour clock, or None if not a valid time."""
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    if hour > 24 or minute > 59:
        return None
    return f"{hour}:{minute:02d}"


def _take_times(text: str, out: set[str], arabic: bool) -> str:
    """Add the clock times of ``text`` to ``out``; return the text without them."""
    def take(m: re.Match, hour: int, minute: int, half: str = "") -> str:
        clock = _clock(hour, minute, half)
        if clock is None:
            return m.group(0)
        out.add(clock)
        return " "

    if arabic:
        text = _TIME_AR_REVERSED.sub(lambda m: take(m, int(m.group(1)), 0), text)
    text = _TIME_12H.sub(lambda m: take(m, int(m.group(1)), int(m.group(2) or 0), m.group(3)), text)
    text = _TIME_24H.sub(lambda m: take(m, int(m.group(1)), int(m.group(2))), text)
    text = _TIME_FR_MINUTES.sub(lambda m: take(m, int(m.group(1)), int(m.group(2))), text)
    return _TIME_FR_HOUR.sub(lambda m: take(m, int(m.group(1)), 0), text)


def _canonical(value: Decimal) -> str:
    """"3500000", "3.5", "0.125": no exponent, no trailing zeros."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def number_value(raw: str) -> Decimal | None:
    """The value of one written number (Western digits and separators), or None.

    >>> [str(number_value(s)) for s in ("25 000", "1,500", "1.500,5", "3,5", "0,125", "٣٫٥".translate(DIGITS_TO_WESTERN))]
    ['25000', '1500', '1500.5', '3.5', '0.125', '3.5']
    """
    s = raw.replace("'", " ").replace("\u066c", " ").replace("\u066b", "\x00")
    for ch in _SPACE[1:]:
        s = s.replace(ch, " ")
    s = s.replace(" ", "")  # spaces always group thousands
    marks = [c for c in s if c in ".,\x00"]
    if not marks:
        integer, fraction = s, ""
    else:
        if "\x00" in marks:
            point = "\x00"
        elif len(set(marks)) == 2:
            point = marks[-1]
        elif len(marks) > 1:
            point = None  # "1,234,567": the mark repeats, so it groups
        else:
            head, _, tail = s.partition(marks[0])
            point = None if (len(tail) == 3 and head != "0" and len(head) <= 3) else marks[0]
        if point is None:
            integer, fraction = re.sub(r"\D", "", s), ""
        else:
            head, _, fraction = s.rpartition(point)
            integer = re.sub(r"\D", "", head)
            fraction = re.sub(r"\D", "", fraction)
    try:
        return Decimal(f"{integer or '0'}.{fraction}" if fraction else integer)
    except InvalidOperation:
        return None


@lru_cache(maxsize=65536)
def extract_numbers(text: str, *, words: bool = True) -> frozenset[str]:
    """The numbers ``text`` states, as canonical strings (see the module doc).

    ``words``: also read spelt-out numbers ("ten", "dix", "عشرة").

    >>> sorted(extract_numbers("On 3 May 2013, 3.5 million tonnes at 3 p.m."))
    ['15:00', '2013', '3', '3500000']
    >>> sorted(extract_numbers("مبلغ 000 819 5 دولار في الساعة 00:15"))
    ['15:00', '5819000']
    """
    t = text.translate(DIGITS_TO_WESTERN)
    out: set[str] = set()
    arabic = bool(ARABIC_LETTER_RE.search(t))
    t = _take_times(t, out, arabic)
    if arabic:
        def reversed_groups(m: re.Match) -> str:
            out.add(str(int("".join(reversed(re.split(r"\D", m.group(0)))))))
            return " "
        t = _REVERSED_GROUPS.sub(reversed_groups, t)

    def number(m: re.Match) -> str:
        value = number_value(m.group(1))
        if value is None:
            return m.group(0)
        if m.group(2):
            value *= SCALE_WORDS[m.group(2).lower()]
        out.add(_canonical(value))
        return " "

    t = _NUMBER.sub(number, t)
    if words:
        _spelt_out(_PERCENT_CENT.sub(" ", t.lower()), out)
    return frozenset(out)


def _spelt_out(text: str, out: set[str]) -> None:
    """Add the spelt-out numbers of ``text`` (lower case, digits already taken) to ``out``."""
    tokens = _WORD.findall(text)
    i = 0
    while i < len(tokens):
        w = tokens[i]
        if w in NUMBER_WORDS:
            value = NUMBER_WORDS[w]
            scale = SCALE_WORDS.get(tokens[i + 1]) if i + 1 < len(tokens) else None
            if scale:
                out.add(str(value * scale))
                i += 2
                continue
            if w not in _AMBIGUOUS_WORDS:
                out.add(str(value))
        elif w in SCALE_WORDS:
            out.add(str(SCALE_WORDS[w]))
        i += 1
