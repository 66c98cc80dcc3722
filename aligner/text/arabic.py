"""Arabic diacritics (tashkeel) and tatweel, shared by the encoder, names and speakers.

Most Arabic is written without short vowels, and the default model's
tokenizer (XLM-R's SentencePiece vocabulary) was trained on such text: a
vowelled or shadda-marked word is cut at every mark ("الشّرطة" becomes
``▁الش ّ ر طة`` instead of ``▁الشرطة``), which blurs its embedding. So the
text an encoder sees has these marks removed; the stored text keeps them.
"""

from __future__ import annotations

import re

__all__ = ["ARABIC_LETTER_RE", "TASHKEEL_RE", "strip_diacritics"]

ARABIC_LETTER_RE = re.compile("[\u0620-\u064a\u066e-\u06d3\u06fa-\u06ff\u0750-\u077f]")
"""A letter of the Arabic script (Arabic, Persian and Urdu letters, supplement block)."""

TASHKEEL_RE = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
"""Harakat, shadda, sukun, tanween, superscript alef, Quranic and small high marks."""

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
