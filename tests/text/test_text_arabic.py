"""Arabic diacritics removal and digits (aligner/text/arabic.py)."""

from __future__ import annotations

import unicodedata

import pytest

from aligner.text.arabic import TASHKEEL_RE, strip_diacritics, western_digits


@pytest.mark.parametrize("text, expected", [
    ("إنّ الشّرطة هنا.", "إن الشرطة هنا."),
    ("مَرْحَبًا بِكُمْ", "مرحبا بكم"),
    ("ســـتبدأ", "ستبدأ"),  # tatweel
    ("الرَّحْمٰن", "الرحمن"),  # superscript alef
    ("Le café, naïve", "Le café, naïve"),  # Latin accents are not Arabic marks
])
def test_strip_diacritics(text, expected):
    assert strip_diacritics(text) == expected


def test_hamza_and_madda_of_decomposed_letters_stay():
    for word in ("أحمد", "إيمان", "آمال", "مؤتمر"):
        nfd = unicodedata.normalize("NFD", word)
        assert unicodedata.normalize("NFC", strip_diacritics(nfd)) == word


def test_unmarked_text_is_returned_as_is():
    text = "قال الرئيس إن الإصلاحات ستبدأ"
    assert strip_diacritics(text) is text


def test_names_use_the_same_mark_set():
    assert TASHKEEL_RE.sub("", "بَسْمَة") == "بسمة"


@pytest.mark.parametrize("text, expected", [
    ("٢٥ - يقرر", "25 - يقرر"),
    ("عام ۱۴۰۲", "عام 1402"),  # Persian digits
    ("في 3 أيار/مايو ٢٠١٣", "في 3 أيار/مايو 2013"),
])
def test_western_digits(text, expected):
    assert western_digits(text) == expected


def test_text_without_eastern_digits_is_returned_as_is():
    text = "Resolution 2216 (2015)"
    assert western_digits(text) is text
