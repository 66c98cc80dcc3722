"""The review vocabulary shared by the store, the CLI and the workbench.

One definition each of: the review statuses, the match kinds, the rule that
gives an English source quote its status from its candidates' statuses, and
the confidence bands of a match score (the CLI colours and the workbench
colours read the same bands).
"""

from __future__ import annotations

from collections.abc import Iterable

STATUSES = ("pending", "confirmed", "rejected", "skipped")
"""A candidate's review status (its latest decision; "pending" if none)."""

KINDS = ("translation", "variant")
"""translation: an English quote and its French/Arabic original; variant: two English renderings."""

HIGH_SCORE = 0.8
"""Scores at least this are high-confidence matches."""
MEDIUM_SCORE = 0.5
"""Scores at least this (and below HIGH_SCORE) are medium-confidence matches; below, low."""


def quote_status_of_counts(n_all: int, n_confirmed: int, n_rejected: int, n_skipped: int) -> str:
    """A source quote's status from how many of its candidates have each status.

    "confirmed" if any candidate is confirmed, "rejected" if all are
    rejected, "skipped" if any is skipped, else "pending". The candidates
    counted are the live ones plus the stale ones that have a decision.
    """
    if n_confirmed:
        return "confirmed"
    if n_all and n_rejected == n_all:
        return "rejected"
    if n_skipped:
        return "skipped"
    return "pending"


def quote_status(statuses: Iterable[str]) -> str:
    """A source quote's status from its candidates' statuses (see :func:`quote_status_of_counts`)."""
    statuses = list(statuses)
    return quote_status_of_counts(len(statuses), statuses.count("confirmed"),
                                  statuses.count("rejected"), statuses.count("skipped"))


def confidence_band(score: float | None) -> str:
    """"high" (>= HIGH_SCORE), "medium" (>= MEDIUM_SCORE), "low", or "none" without a score."""
    if score is None:
        return "none"
    if score >= HIGH_SCORE:
        return "high"
    if score >= MEDIUM_SCORE:
        return "medium"
    return "low"
