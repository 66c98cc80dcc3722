"""Text+Berg bench scoring helpers (bench/textberg.py): strict/lax counts, halves, and the confidence AUC."""

import importlib.util
import math
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def tb():
    sys.path.insert(0, str(_BENCH))  # textberg imports its sibling _common
    spec = importlib.util.spec_from_file_location("textberg_bench", _BENCH / "textberg.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.modules.pop(spec.name, None)
        sys.path.remove(str(_BENCH))


def test_auc_ranks_correct_beads_against_wrong_ones(tb):
    assert tb.auc([(0.9, True), (0.8, True), (0.1, False)]) == 1.0
    assert tb.auc([(0.1, True), (0.9, False)]) == 0.0
    assert tb.auc([(0.5, True), (0.5, False)]) == 0.5  # a tie counts half
    assert tb.auc([(0.9, True), (0.3, True), (0.5, False)]) == 0.5
    assert math.isnan(tb.auc([(0.9, True)]))


def test_strict_and_lax_counts_leave_null_beads_out(tb):
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ())]
    hyp = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]
    c = tb.counts(hyp, gold)
    assert c == {"strict_tp": 1, "lax_p": 2, "lax_r": 2, "hyp": 3, "gold": 2}
