"""The typed rows the project store returns (frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass

from ..records import Candidate, Decision, Quote


@dataclass(frozen=True)
class DocumentRow:
    """A stored document version (without its text; see ``Project.document``)."""

    id: int
    path: str
    lang: str
    sha256: str
    encoding: str
    added: str
    n_quotes: int
    version: int = 1
    superseded: bool = False
    title: str = ""


@dataclass(frozen=True)
class SpanRow:
    """A stored quote or sentence; ``quote.doc`` is its document's path."""

    id: int
    doc_id: int
    quote: Quote


@dataclass(frozen=True)
class CandidateRow:
    """A stored candidate with its review state.

    ``status`` is the status of the latest decision ("pending" if none);
    ``decision`` is that latest decision. ``stale`` is True when the last
    re-run of the aligner did not propose it any more.
    """

    id: int
    source_span_id: int
    target_span_id: int
    candidate: Candidate
    status: str
    decision: Decision | None
    stale: bool
    run_id: int | None = None
    first_seen: str = ""
    last_seen: str = ""
    manual: bool = False
    confirmed_at: str | None = None
    """When confirmed: time of the decision that confirmed it (later notes
    don't move it); None unless the status is "confirmed"."""


@dataclass(frozen=True)
class QueueItem:
    """One English source quote in the review queue.

    ``best_score``/``n_candidates`` count the live (not stale) candidates,
    restricted to the target language when the queue is filtered by one;
    ``best_score`` is None when there are none.
    """

    span: SpanRow
    best_score: float | None
    n_candidates: int
    status: str
