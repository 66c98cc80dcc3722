"""Number cross-check of candidate pairs (aligner/rerank.py, applied by aligner/margin.py)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.margin import Candidates
from aligner.rerank import number_mismatch, number_penalties, numbers


def test_numbers_reads_digits_only():
    # the extractor itself is tested in tests/text/test_text_numbers.py
    assert numbers("the 7365th meeting, ten days, 3.5 million") == {"7365", "3500000"}
    assert numbers("no digits, ten days") == frozenset()


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


def test_number_penalties_and_penalised_candidates():
    cands = Candidates(
        ids=np.array([[0, 1, -1]], np.int64),
        cos=np.array([[0.9, 0.8, -np.inf]], np.float32),
        score=np.array([[1.2, 1.1, -np.inf]], np.float32),
        hub=np.array([[0.5, 0.5, 0.0]], np.float32),
    )
    query = ["the 7365th meeting of 2015"]
    keys = ["la 7359e séance de 2015", "la séance"]
    penalty = number_penalties(cands.ids, query, keys)
    # key 0: {7359, 2015} vs {7365, 2015} -> mismatch 2/3; key 1 has no number; no key 2
    np.testing.assert_allclose(penalty[0], [2 / 3, 0.0, 0.0], rtol=1e-6)
    out = cands.penalised(0.3 * penalty)
    np.testing.assert_allclose(out.score[0, :2], [1.2 - 0.3 * 2 / 3, 1.1], rtol=1e-6)
    assert out.score[0, 2] == -np.inf
    np.testing.assert_allclose(out.penalty[0], [0.2, 0.0, 0.0], rtol=1e-6)
    np.testing.assert_allclose(out.confidence(1.0)[0, :2], [0.9 - 0.5 - 0.2, 0.8 - 0.5], rtol=1e-6)
    np.testing.assert_allclose(out.penalised(0.3 * penalty).penalty[0], [0.4, 0.0, 0.0], rtol=1e-6)
    with pytest.raises(ValueError, match="shape"):
        cands.penalised(np.zeros((1, 2), np.float32))
