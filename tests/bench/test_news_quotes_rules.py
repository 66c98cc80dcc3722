"""The news benchmark's rule for lines whose double marks are apostrophes (bench/news_quotes.py)."""

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[2] / "bench" / "news_quotes.py"


@pytest.fixture(scope="module")
def nq():
    spec = importlib.util.spec_from_file_location("news_quotes_bench", _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
        yield mod
    finally:
        sys.modules.pop(spec.name, None)


@pytest.mark.parametrize("line", [
    'It was only following Jobs" death that a complete VHS copy was discovered.',
    'tested the extent of the birds" intelligence on four rooks.',
    'to celebrate the international Students" Day and commemorate',
    'He said he don"t know.',
])
def test_possessive_and_elided_marks_hold_no_quotation(nq, line):
    assert nq.possessive_marks_only(line)


@pytest.mark.parametrize("line", [
    'Pelosi calls Kavanaugh "hysterical" in a statement.',
    '"It makes me happy," she said.',
    'It was "the birds" that did it.',  # closes a quote opened earlier in the line
    'some trained in the French system" qualifies Alexis Blouet.',  # closes a quote from the paragraph before
    'No quote marks at all.',
    '“Jobs” is a film.',
])
def test_real_quotations_are_kept(nq, line):
    assert not nq.possessive_marks_only(line)
