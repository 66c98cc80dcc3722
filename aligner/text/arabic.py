"""Arabic diacritics (tashkeel), tatweel and digits, shared by the encoder, names,
speakers and the number cross-checks.

Most Arabic is written without short vowels, and the default model's
tokenizer (XLM-R's SentencePiece vocabulary) was trained on such text: a
vowelled or shadda-marked word is cut at every mark ("الشّرطة" becomes
``▁الش ّ ر طة`` instead of ``▁الشرطة``), which blurs its embedding. So the
text an encoder sees has these marks removed; the stored text keeps them.

Arabic-Indic digits (٠١٢…٩, and the Persian ۰۱۲…۹) are the same digits as
0 1 2 … 9, but the tokenizer gives them other pieces, so "٢٥ - يقرر" and
"25. Decides" share no number token. The encoder sees Western digits
(:func:`western_digits`).
"""

from __future__ import annotations

import re

__all__ = [
    "ARABIC_BASIC_LETTERS", "ARABIC_BASIC_LETTER_RE", "ARABIC_BLOCK", "ARABIC_BLOCK_RE", "ARABIC_LETTER_RE",
    "DIGITS_TO_WESTERN", "NOT_AFTER_ARABIC_LETTER", "NOT_BEFORE_ARABIC_LETTER", "TASHKEEL_RE",
    "has_arabic_block", "is_arabic_letter", "strip_diacritics", "western_digits",
]

# The Arabic ranges used across the code, each named once. Four on purpose:
# the letter test of names and numbers (Arabic-script letters of the main
# blocks), the basic letters hamza..ya that the extraction patterns treat as
# word characters, the whole Unicode block (letters, marks, digits,
# punctuation) for "is this token written in Arabic script at all", and
# is_arabic_letter (presentation forms too) for language identification.

ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
"""A letter of the Arabic script (Arabic, Persian and Urdu letters, supplement block)."""

ARABIC_BASIC_LETTERS = r"\u0621-\u064a"
"""Character-class body (for ``re``) of the basic Arabic letters, hamza to ya."""
ARABIC_BASIC_LETTER_RE = re.compile(f"[{ARABIC_BASIC_LETTERS}]")
NOT_AFTER_ARABIC_LETTER = rf"(?<![{ARABIC_BASIC_LETTERS}])"
"""Regex: the match does not start inside an Arabic word (an Arabic word boundary)."""
NOT_BEFORE_ARABIC_LETTER = rf"(?![{ARABIC_BASIC_LETTERS}])"
"""Regex: the match does not end inside an Arabic word."""

ARABIC_BLOCK = r"\u0600-\u06ff"
"""Character-class body (for ``re``) of the whole Arabic Unicode block."""
ARABIC_BLOCK_RE = re.compile(f"[{ARABIC_BLOCK}]")


def is_arabic_letter(ch: str) -> bool:
    """True for a letter of the Arabic script anywhere in Unicode: the Arabic block,
    its supplement and extended-A, and the presentation forms (as in PDFs and old
    web pages). Language identification and the reader count letters with it."""
    o = ord(ch)
    return (0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0x08A0 <= o <= 0x08FF
            or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF) and ch.isalpha()


def has_arabic_block(text: str) -> bool:
    """True when any character of ``text`` is in the Arabic Unicode block (U+0600-U+06FF)."""
    return ARABIC_BLOCK_RE.search(text) is not None


TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
"""Harakat, shadda, sukun, tanween, superscript alef, Quranic and small high marks."""

DIGITS_TO_WESTERN = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
"""``str.translate`` table: Arabic-Indic and Persian digits -> 0-9."""
_EASTERN_DIGIT_RE = re.compile("[\u0660-\u0669\u06f0-\u06f9]")

# Embedding input: the same marks and tatweel, but the combining madda and
# hamza (U+0653-U+0655) stay, since in decomposed text they are part of a letter.
_EMBED_STRIP_RE = re.compile("[\u0610-\u061a\u064b-\u0652\u0656-\u065f\u0670\u06d6-\u06ed\u0640]")


def strip_diacritics(text: str) -> str:
    """``text`` without Arabic vowel marks, shadda, sukun, tanween and tatweel.

    >>> strip_diacritics("قدّم سامي مالاً ســـريعاً")
    'قدم سامي مالا سريعا'

    Text without Arabic marks comes back unchanged (the same object).
    """
    return _EMBED_STRIP_RE.sub("", text) if _EMBED_STRIP_RE.search(text) else text


def western_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits written 0-9.

    >>> western_digits("٢٥ - يقرر في ۱۴")
    '25 - يقرر في 14'

    Text without such digits comes back unchanged (the same object).
    """
    return text.translate(DIGITS_TO_WESTERN) if _EASTERN_DIGIT_RE.search(text) else text
