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

__all__ = ["ARABIC_LETTER_RE", "DIGITS_TO_WESTERN", "TASHKEEL_RE", "strip_diacritics", "western_digits"]

ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
"""A letter of the Arabic script (Arabic, Persian and Urdu letters, supplement block)."""

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
