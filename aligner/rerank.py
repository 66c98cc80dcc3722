"""Text cross-checks applied to embedding candidates before the best is picked.

Embeddings blur numbers: "the 7365th meeting" and "la 7359e séance" are
near neighbours. A translation keeps its figures, so when both sentences
contain numbers and the sets disagree, the pair's score is lowered::

    score' = score - weight * (1 - |N(x) & N(y)| / |N(x) | N(y)|)

N(.) is the set of numbers written with digits (Western or Arabic-Indic;
thousands and decimal separators ignored, "100 000" read as one number) and
of clock times, read on a 24-hour clock whatever way they are written:
"3 p.m.", "3.00 pm", "15:00", "15 heures", "15 h" and "15h00" are all the
time 15:00. Arabic text written left-to-right digit groups in reverse order
("000 819 5" for 5,819,000, as UN Arabic does), so in a sentence with Arabic
letters space-separated groups are read back to front, and "00:11" after
"الساعة" (at ... o'clock) is 11:00.
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
from .text.arabic import ARABIC_LETTER_RE, DIGITS_TO_WESTERN

__all__ = ["apply_number_check", "number_mismatch", "numbers"]

# "100 000" (French thousands with spaces: groups of exactly 3 digits), else
# digit groups joined by , . ' thin/no-break spaces or the Arabic separators
_NUMBER = re.compile(r"(?<!\d)\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)"
                     r"|\d+(?:[.,'\u00a0\u202f\u2009\u066b\u066c]\d+)*")


# "000 819 5": groups of three digits, then the leading group last
_REVERSED_GROUPS = re.compile(r"(?<![\d.,])\d{3}(?:[ \u00a0\u202f\u2009]\d{3})*[ \u00a0\u202f\u2009]\d{1,3}(?!\d)")
# clock times: "3 p.m.", "10.15 a.m." (12-hour); "15:00" (24-hour); "15 heures",
# "10 h 15", "15h30" (French)
_TIME_12H = re.compile(r"(?<![\d.,:])(\d{1,2})(?:[.:](\d{2}))?\s?([ap])\.?\s?m(?:\.|\b)", re.I)
_TIME_24H = re.compile(r"(?<![\d.,:])(\d{1,2}):(\d{2})(?![\d:])")
_TIME_FR = re.compile(r"(?<![\d.,:])(\d{1,2})\s?(?:h|heures?)(?:\s?(\d{2}))?(?![\w\d])", re.I)
# UN Arabic also reverses hour and minutes: "الساعة 00:11" is 11:00
_TIME_AR_REVERSED = re.compile(r"(?<![\d.,:])00:([01]\d|2[0-3])(?![\d:])")


def _clock(hour: int, minute: int, half: str = "") -> str | None:
    """Canonical "H:MM" on a 24-hour clock, or None if not a valid time."""
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "p" else 0)
    if hour > 24 or minute > 59:
        return None
    return f"{hour}:{minute:02d}"


def _take_times(text: str, out: set[str], arabic: bool) -> str:
    """Add the clock times of ``text`` to ``out``; return the text without them."""
    def take(m: re.Match, hour: int, minute: int, half: str = "") -> str:
        clock = _clock(hour, minute, half)
        if clock is None:
            return m.group(0)
        out.add(clock)
        return " "

    if arabic:
        text = _TIME_AR_REVERSED.sub(lambda m: take(m, int(m.group(1)), 0), text)
    text = _TIME_12H.sub(lambda m: take(m, int(m.group(1)), int(m.group(2) or 0), m.group(3)), text)
    text = _TIME_24H.sub(lambda m: take(m, int(m.group(1)), int(m.group(2))), text)
    return _TIME_FR.sub(lambda m: take(m, int(m.group(1)), int(m.group(2) or 0)), text)


def numbers(text: str) -> frozenset[str]:
    """The numbers written with digits in ``text``, separators removed.

    >>> sorted(numbers("On 3 May 2013, 1,500.5 tonnes at 3.15 p.m."))
    ['15005', '15:15', '2013', '3']
    >>> sorted(numbers("مبلغ 000 819 5 دولار"))
    ['5819000']
    """
    t = text.translate(DIGITS_TO_WESTERN)
    out: set[str] = set()
    arabic = bool(ARABIC_LETTER_RE.search(t))
    t = _take_times(t, out, arabic)
    if arabic:
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
                       weight: float, *, query_numbers: Sequence[frozenset[str]] | None = None,
                       key_numbers: Sequence[frozenset[str]] | None = None) -> Candidates:
    """``cands`` with ``weight * number_mismatch`` subtracted from each score.

    cands.ids (n_q, c) index ``key_texts``; rows index ``query_texts``.
    ``query_numbers``/``key_numbers``: the :func:`numbers` of those texts,
    when the caller already has them (a side scored block by block reads
    each text's numbers once). Returns a new :class:`Candidates` (ids and
    cos unchanged).
    """
    if weight == 0 or cands.ids.size == 0:
        return cands
    q_nums = query_numbers if query_numbers is not None else [numbers(t) for t in query_texts]
    k_nums = key_numbers if key_numbers is not None else [numbers(t) for t in key_texts]
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
