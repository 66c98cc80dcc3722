"""The review vocabulary: one status rule and one set of confidence bands."""

from __future__ import annotations

import pytest

from aligner.review import HIGH_SCORE, MEDIUM_SCORE, confidence_band, quote_status


@pytest.mark.parametrize("statuses, expected", [
    ([], "pending"),
    (["pending", "pending"], "pending"),
    (["rejected", "confirmed"], "confirmed"),
    (["rejected", "rejected"], "rejected"),
    (["rejected", "pending"], "pending"),
    (["rejected", "skipped"], "skipped"),
    (["skipped", "confirmed"], "confirmed"),
])
def test_quote_status(statuses, expected):
    assert quote_status(statuses) == expected


def test_confidence_bands():
    assert MEDIUM_SCORE < HIGH_SCORE
    assert [confidence_band(s) for s in (None, 0.1, MEDIUM_SCORE, 0.79, HIGH_SCORE, 1.0)] == [
        "none", "low", "medium", "medium", "high", "high"]
