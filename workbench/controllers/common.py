"""Words and small rules every controller and widget shares (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..i18n import N_

STATUSES = ("pending", "confirmed", "rejected", "skipped")
STATUS_LABELS = {
    "pending": N_("pending"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "skipped": N_("skipped"),
}
KIND_LABELS = {"translation": N_("translation"), "variant": N_("other rendering")}


def fold(text: str | None) -> str:
    """Case-, accent- and Arabic-diacritic-insensitive form of ``text`` (the store's search folding)."""
    from aligner.store import normalise_search

    return normalise_search(text)


def quote_status(statuses: Sequence[str]) -> str:
    """A source quote's status from its candidates' statuses (the rule of ``Project.queue``).

    ``statuses``: the live candidates plus the stale ones that have a decision.
    """
    if any(s == "confirmed" for s in statuses):
        return "confirmed"
    if statuses and all(s == "rejected" for s in statuses):
        return "rejected"
    if any(s == "skipped" for s in statuses):
        return "skipped"
    return "pending"


def doc_label(path: str) -> str:
    return Path(path).name or path
