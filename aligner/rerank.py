"""Number cross-check of embedding candidates before the best is picked.

Embeddings blur numbers: "the 7365th meeting" and "la 7359e séance" are
near neighbours. A translation keeps its figures, so when both sentences
contain numbers and the sets disagree, the pair's score is lowered::

    score' = score - weight * (1 - |N(x) & N(y)| / |N(x) | N(y)|)

N(.) is the set of numbers written with digits, as read by
:func:`aligner.text.numbers.extract_numbers` (values, clock times on a
24-hour clock, UN Arabic's reversed digit groups and times). Spelt-out
number words are not read here, and sentences without digits are never
penalised (a figure may be spelt out in words in the other language).
The weight (``settings.mine_number_weight``) is tuned on the UN dev set;
:mod:`aligner.margin` applies the penalties to its candidates.
Texts in, arrays out; no IO.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .text.numbers import extract_numbers

__all__ = ["number_mismatch", "number_penalties", "number_set_penalties", "numbers"]


def numbers(text: str) -> frozenset[str]:
    """The numbers written with digits in ``text`` (canonical strings, see :mod:`aligner.text.numbers`).

    >>> sorted(numbers("On 3 May 2013, 1,500.5 tonnes at 3.15 p.m."))
    ['1500.5', '15:15', '2013', '3']
    >>> sorted(numbers("مبلغ 000 819 5 دولار"))
    ['5819000']
    """
    return extract_numbers(text, words=False)


def number_mismatch(a: frozenset[str], b: frozenset[str]) -> float:
    """0 when either side has no number, else 1 - Jaccard(a, b)."""
    if not a or not b:
        return 0.0
    return 1.0 - len(a & b) / len(a | b)


def number_penalties(ids: np.ndarray, query_texts: Sequence[str], key_texts: Sequence[str], *,
                     key_numbers: dict[int, frozenset[str]] | None = None) -> np.ndarray:
    """(n_q, c) float32 :func:`number_mismatch` of each query and candidate key.

    ids: (n_q, c) int64 rows of ``key_texts`` (-1: no candidate, penalty 0);
    row i belongs to ``query_texts[i]``. ``key_numbers``: a dict the numbers
    of the keys read so far are kept in (pass the same one for every block
    of queries against the same keys, so each key is read once).
    """
    if ids.size == 0:
        return np.zeros(ids.shape, np.float32)
    k_nums: dict[int, frozenset[str]] = {} if key_numbers is None else key_numbers

    def key(j: int) -> frozenset[str]:
        b = k_nums.get(j)
        if b is None:
            b = k_nums[j] = numbers(key_texts[j])
        return b

    return number_set_penalties(ids, [numbers(t) for t in query_texts], key)


def number_set_penalties(ids: np.ndarray, query_numbers: Sequence[frozenset],
                         key_numbers: Callable[[int], frozenset] | Mapping[int, frozenset]
                         ) -> np.ndarray:
    """:func:`number_penalties` from number sets already read: ``query_numbers[i]``
    the set of query i, ``key_numbers`` the set of a key row (a function or a
    mapping). Sets of anything comparable (strings, or hashes of them)."""
    penalty = np.zeros(ids.shape, np.float32)
    if ids.size == 0:
        return penalty
    key = key_numbers if callable(key_numbers) else key_numbers.__getitem__
    for i, row in enumerate(ids.tolist()):
        a = query_numbers[i]
        if not a:
            continue
        for c, j in enumerate(row):
            if j >= 0:
                penalty[i, c] = number_mismatch(a, key(j))
    return penalty
