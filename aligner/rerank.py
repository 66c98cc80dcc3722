"""Text cross-checks applied to embedding candidates before the best is picked.

Embeddings blur numbers: "the 7365th meeting" and "la 7359e séance" are
near neighbours. A translation keeps its figures, so when both sentences
contain numbers and the sets disagree, the pair's score is lowered::

    score' = score - weight * (1 - |N(x) & N(y)| / |N(x) | N(y)|)

N(.) is the set of numbers written with digits (Western or Arabic-Indic;
thousands and decimal separators ignored, "100 000" read as one number, a
time "10:15" read like "10.15"). Arabic text written left-to-right digit
groups in reverse order ("000 819 5" for 5,819,000, as UN Arabic does), so in
a sentence with Arabic letters space-separated groups are read back to front.
Sentences without digits are never penalised (a figure may be spelt out in
words in the other language).
The weight (``settings.mine_number_weight``) is tuned on the UN dev set.
Texts in, arrays out; no IO.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from .margin import Candidates
from .text.arabic import ARABIC_LETTER_RE

__all__ = ["apply_number_check", "number_mismatch", "numbers"]

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# "100 000" (French thousands with spaces: groups of exactly 3 digits), else
# digit groups joined by , . ' thin/no-break spaces or the Arabic separators
_NUMBER = re.compile(r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)"
                     r"|\d+(?:[.,'\u00a0\u202f\u2009\u066b\u066c]\d+)*")


# "000 819 5": groups of three digits, then the leading group last
_REVERSED_GROUPS = re.compile(r"(?<![\d.,])\d{3}(?:[ \u00a0\u202f\u2009]\d{3})*[ \u00a0\u202f\u2009]\d{1,3}(?!\d)")
_TIME = re.compile(r"(?<=\d):(?=\d\d(?!\d))")


def numbers(text: str) -> frozenset[str]:
    """The numbers written with digits in ``text``, separators removed.

    >>> sorted(numbers("On 3 May 2013, 1,500.5 tonnes at 10:15"))
    ['1015', '15005', '2013', '3']
    >>> sorted(numbers("مبلغ 000 819 5 دولار"))
    ['5819000']
    """
    t = _TIME.sub(".", text.translate(_DIGITS))
    out = set()
    if ARABIC_LETTER_RE.search(t):
        def reversed_groups(m: re.Match) -> str:
            out.add("".join(reversed(re.split(r"\D", m.group(0)))).lstrip("0") or "0")
            return " "
        t = _REVERSED_GROUPS.sub(reversed_groups, t)
    for m in _NUMBER.findall(t):
        digits = re.sub(r"\D", "", m).lstrip("0") or "0"
        out.add(digits)
    return frozenset(out)


def number_mismatch(a: frozenset[str], b: frozenset[str]) -> float:
    """0 when either side has no number, else 1 - Jaccard(a, b)."""
    if not a or not b:
        return 0.0
    return 1.0 - len(a & b) / len(a | b)


def apply_number_check(cands: Candidates, query_texts: Sequence[str], key_texts: Sequence[str],
                       weight: float) -> Candidates:
    """``cands`` with ``weight * number_mismatch`` subtracted from each score.

    cands.ids (n_q, c) index ``key_texts``; rows index ``query_texts``.
    Returns a new :class:`Candidates` (ids and cos unchanged).
    """
    if weight == 0 or cands.ids.size == 0:
        return cands
    q_nums = [numbers(t) for t in query_texts]
    k_nums = [numbers(t) for t in key_texts]
    penalty = np.zeros(cands.ids.shape, np.float32)
    for i, row in enumerate(cands.ids.tolist()):
        a = q_nums[i]
        if not a:
            continue
        for c, j in enumerate(row):
            if j >= 0:
                penalty[i, c] = number_mismatch(a, k_nums[j])
    penalty *= np.float32(weight)
    total = penalty if cands.penalty is None else cands.penalty + penalty
    return replace(cands, score=np.ascontiguousarray(cands.score - penalty, dtype=np.float32),
                   penalty=np.ascontiguousarray(total, dtype=np.float32))
