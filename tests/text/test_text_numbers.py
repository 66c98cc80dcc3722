"""The one number extractor (aligner/text/numbers.py) used by the number cue and the mining check."""

from __future__ import annotations

import pytest

from aligner.text.numbers import extract_numbers, number_value


@pytest.mark.parametrize("text, expected", [
    # quantities: the value, whatever the separators
    ("around 25,000 dollars", {"25000"}),
    ("environ 25 000 dollars", {"25000"}),
    ("environ 25\u202f000 dollars", {"25000"}),
    ("٢٥٬٠٠٠ دولار", {"25000"}),
    ("211 per 100,000 live births", {"211", "100000"}),
    ("211 pour 100 000 naissances", {"211", "100000"}),
    ("en 2015 100 pays", {"2015", "100"}),  # a 4-digit year is not a thousands group
    ("1 234 567 personnes", {"1234567"}),
    ("1,234,567 people", {"1234567"}),
    ("1,500.5 tonnes", {"1500.5"}),
    ("1 500,5 tonnes", {"1500.5"}),
    ("1.500,5 Tonnen", {"1500.5"}),
    ("0,125 mg", {"0.125"}),
    ("the 7365th meeting", {"7365"}),
    ("la 7365e séance", {"7365"}),
    ("قتل ٣٥ مقاتلا", {"35"}),
    ("في 3 أيار/مايو ٢٠١٣", {"3", "2013"}),
    # decimals and scale words: "3.5 million" is 3,500,000 in every language
    ("3.5 million people", {"3500000"}),
    ("3,5 millions de personnes", {"3500000"}),
    ("٣٫٥ مليون شخص", {"3500000"}),
    ("3 500 000 personnes", {"3500000"}),
    ("1.1 million Syrians", {"1100000"}),
    ("1,1 million de Syriens", {"1100000"}),
    ("a 3.5 per cent rise", {"3.5"}),
    ("une hausse de 3,5 pour cent", {"3.5"}),  # "cent" here is not 100
    # number words
    ("ten days", {"10"}),
    ("dix jours", {"10"}),
    ("عشرة أيام", {"10"}),
    ("three million people", {"3000000"}),
    ("one of them", set()),
    ("no numbers here", set()),
    # UN Arabic writes digit groups left to right in reverse order
    ("بمبلغ 000 819 5 دولار", {"5819000"}),
    ("عددهم 918 483 شخصا", {"483918"}),
    ("في عام 2015 و 2016", {"2015", "2016"}),  # 4-digit numbers are not groups
    ("483 918 people", {"483918"}),  # no Arabic letters: read as written
    # clock times, on a 24-hour clock whatever way they are written
    ("at 10:15 a.m.", {"10:15"}),
    ("at 10.15 a.m.", {"10:15"}),
    ("at 3 p.m.", {"15:00"}),
    ("at 3pm", {"15:00"}),
    ("at 12.23 p.m.", {"12:23"}),
    ("at 12 a.m.", {"0:00"}),
    ("à 15 heures", {"15:00"}),
    ("vers 15 h", {"15:00"}),
    ("à 15h30", {"15:30"}),
    ("le 3 mai 2013 à 10 h 15", {"3", "2013", "10:15"}),
    ("en 24 heures", {"24"}),  # a duration, not a time
    ("الساعة 10:15", {"10:15"}),
    ("الساعة 15:00", {"15:00"}),
    ("الساعة 00:11", {"11:00"}),  # UN Arabic: hour and minutes reversed
    ("at 00:11 UTC", {"0:11"}),  # not reversed outside Arabic text
    ("13 p.m. is not a time", {"13"}),
    ("2 hours", {"2"}),
    ("a score of 2:1", {"2", "1"}),  # minutes need two digits
])
def test_extract_numbers(text, expected):
    assert extract_numbers(text) == frozenset(expected)


def test_words_can_be_left_out():
    assert extract_numbers("ten days and 3 nights", words=False) == {"3"}
    assert extract_numbers("3.5 million", words=False) == {"3500000"}  # scale words still scale


@pytest.mark.parametrize("en, other", [
    ("at 3 p.m.", "à 15 heures"),
    ("at 3 p.m.", "الساعة 15:00"),
    ("at 3 p.m.", "الساعة 00:15"),
    ("3.5 million", "3,5 millions"),
    ("3.5 million", "3 500 000"),
    ("5,819,000 dollars", "000 819 5 دولار"),
    ("25,000", "٢٥٬٠٠٠"),
])
def test_the_same_figure_across_languages(en, other):
    assert extract_numbers(en) == extract_numbers(other)


def test_number_value():
    assert [str(number_value(s)) for s in ("25 000", "1,500", "1.500", "1.500,5", "3,5", "0,125", "7")] == [
        "25000", "1500", "1500", "1500.5", "3.5", "0.125", "7"]
