"""Number cross-check of candidate pairs (aligner/rerank.py)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.margin import Candidates
from aligner.rerank import apply_number_check, number_mismatch, numbers


@pytest.mark.parametrize("text, expected", [
    ("Provisional agenda for the 7365th meeting", {"7365"}),
    ("Ordre du jour provisoire de la 7365e séance", {"7365"}),
    ("211 per 100,000 live births", {"211", "100000"}),
    ("211 pour 100 000 naissances", {"211", "100000"}),
    ("en 2015 100 pays", {"2015", "100"}),  # a 4-digit year is not a thousands group
    ("1 234 567 personnes", {"1234567"}),
    ("le 3 mai 2013 à 10 h 15", {"3", "2013", "10:15"}),
    ("في 3 أيار/مايو ٢٠١٣", {"3", "2013"}),  # Arabic-Indic digits
    ("no digits at all", set()),
    ("3.5 million, 3,5 millions", {"35"}),
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
    ("à 15h30", {"15:30"}),
    ("الساعة 10:15", {"10:15"}),
    ("الساعة 15:00", {"15:00"}),
    ("الساعة 00:11", {"11:00"}),  # UN Arabic: hour and minutes reversed
    ("at 00:11 UTC", {"0:11"}),  # not reversed outside Arabic text
    ("13 p.m. is not a time", {"13"}),
    ("2 hours", {"2"}),
    ("a score of 2:1", {"2", "1"}),  # minutes need two digits
])
def test_numbers(text, expected):
    assert numbers(text) == frozenset(expected)


def test_arabic_and_english_figures_agree():
    en = "The Committee approved 5,819,000 dollars on 18 February 2015 at 10.15 a.m."
    ar = "وافقت اللجنة على 000 819 5 دولار في 18 شباط/فبراير 2015، الساعة 10:15"
    assert number_mismatch(numbers(en), numbers(ar)) == 0.0
    assert number_mismatch(numbers(en), numbers(ar.replace("10:15", "10:00"))) > 0


def test_meeting_times_agree_across_languages():
    en = "To be held on Tuesday, 17 February 2015, at 3 p.m."
    fr = "Qui se tiendra le mardi 17 février 2015, à 15 heures"
    ar = "المقرر عقدها يوم الثلاثاء 17 شباط/فبراير 2015، الساعة 15:00"
    ar_11 = "المقرر عقدها يوم الأربعاء 17 شباط/فبراير 2015، الساعة 00:11"
    assert number_mismatch(numbers(en), numbers(fr)) == 0.0
    assert number_mismatch(numbers(en), numbers(ar)) == 0.0
    assert number_mismatch(numbers(en), numbers(ar_11)) > 0
    assert number_mismatch(numbers(en.replace("3 p.m.", "11 a.m.")), numbers(ar_11)) == 0.0


def test_number_mismatch():
    a, b = frozenset({"2015", "18"}), frozenset({"2015", "19"})
    assert number_mismatch(a, b) == pytest.approx(1 - 1 / 3)
    assert number_mismatch(a, a) == 0.0
    assert number_mismatch(a, frozenset()) == 0.0  # a spelt-out figure is never penalised
    assert number_mismatch(frozenset(), frozenset()) == 0.0


def test_apply_number_check_penalises_only_disagreeing_pairs():
    cands = Candidates(
        ids=np.array([[0, 1, -1]], np.int64),
        cos=np.array([[0.9, 0.8, -np.inf]], np.float32),
        score=np.array([[1.2, 1.1, -np.inf]], np.float32),
        hub=np.array([[0.5, 0.5, 0.0]], np.float32),
    )
    query = ["the 7365th meeting of 2015"]
    keys = ["la 7359e séance de 2015", "la séance"]
    out = apply_number_check(cands, query, keys, weight=0.3)
    # key 0: {7359, 2015} vs {7365, 2015} -> mismatch 2/3; key 1 has no number
    np.testing.assert_allclose(out.score[0, :2], [1.2 - 0.3 * 2 / 3, 1.1], rtol=1e-6)
    assert out.score[0, 2] == -np.inf
    np.testing.assert_allclose(out.penalty[0], [0.2, 0.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(out.confidence(1.0)[0, :2], [0.9 - 0.5 - 0.2, 0.8 - 0.5], rtol=1e-6)
    assert apply_number_check(cands, query, keys, weight=0.0) is cands
