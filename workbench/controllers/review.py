"""The review session of one project: queue, candidates, decisions, undo/redo.

:class:`ReviewController` owns the review queue of one open project. Every
decision goes straight to the store (``Project.decide`` commits before it
returns), so closing the window or a crash loses nothing. Undo and redo (a
:class:`QUndoStack`) never delete history: they append a decision that
restores the earlier status.

Widgets only call these methods and listen to the signals; tests drive the
controller directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from aligner.errors import AlignerError, ChoiceError

from ..i18n import N_, tr
from .common import UndoSteps, fold, quote_status


@dataclass(frozen=True)
class QueueFilter:
    """What the reviewer asked to see; ``None`` = any."""

    status: str | None = None
    lang: str | None = None
    doc_id: int | None = None
    speaker: str | None = None
    min_score: float | None = None
    search: str | None = None

    def kwargs(self) -> dict:
        d = dataclasses.asdict(self)
        if d["search"] is not None and not d["search"].strip():
            d["search"] = None
        return d


@dataclass(frozen=True)
class Change:
    """One reversible write: a candidate's (status, note) before and after."""

    candidate_id: int
    span_id: int
    before: tuple[str, str]
    after: tuple[str, str]
    action: str  # "decide" | "note" | "link"


class ChangeCommand(QUndoCommand):
    """A decision on the undo stack. It is pushed after the write succeeded,
    so its first ``redo`` (called by ``QUndoStack.push``) writes nothing."""

    def __init__(self, controller: "ReviewController", change: Change, label: str):
        super().__init__(tr(label))
        self.controller = controller
        self.change = change
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.controller._run_step(self.change, forward=True)

    def undo(self) -> None:
        self.controller._run_step(self.change, forward=False)


# ----------------------------------------------------------------------------- review


class ReviewController(UndoSteps, QObject):
    """The review session of one project for one reviewer.

    Signals carry the new rows so the thin Qt models only cache them:
    ``queue_reset(items)``, ``queue_row_changed(row, item)``,
    ``current_changed(row)``, ``candidates_reset(rows)``,
    ``candidate_selected(row)``, ``progress_changed(done, total)``,
    ``decided(candidate_id, status)``, ``message(text)``, ``no_candidate(status)``. Undo/redo state:
    ``undo_stack`` (a QUndoStack: labels, canUndoChanged, cleanChanged...).
    """

    queue_reset = Signal(list)
    queue_row_changed = Signal(int, object)
    current_changed = Signal(int)
    candidates_reset = Signal(list)
    candidate_row_changed = Signal(int, object)
    candidate_selected = Signal(int)
    progress_changed = Signal(int, int)
    decided = Signal(int, str)
    message = Signal(str)
    no_candidate = Signal(str)  # a decision ("confirmed", "rejected") asked on a quote without candidates

    def __init__(self, project, reviewer: str, *, advance: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.reviewer = reviewer or "reviewer"
        self.advance = advance
        self.filter = QueueFilter()
        self.items: list = []
        self.row = -1
        self.candidates: list = []
        self.cand_row = -1
        self.undo_stack = QUndoStack(self)
        self._step_error: BaseException | None = None
        self._docs: dict[int, Any] = {}
        self._span_docs: dict[int, int] = {}

    # ------------------------------------------------------------------ queue

    def reload(self, keep_current: bool = True) -> None:
        """Re-read the queue with the current filter (keeps the current quote if still there)."""
        span_id = self.current_span_id if keep_current else None
        self.items = list(self.project.queue(**self.filter.kwargs()))
        self.queue_reset.emit(list(self.items))
        row = self.row_of_span(span_id) if span_id is not None else -1
        if row < 0 and self.items:
            row = 0
        self.row = -2  # force a refresh
        self.select_row(row)
        self._emit_progress()

    def set_filter(self, **changes) -> None:
        self.filter = dataclasses.replace(self.filter, **changes)
        self.reload()

    def clear_filter(self) -> None:
        self.filter = QueueFilter()
        self.reload()

    def row_of_span(self, span_id: int | None) -> int:
        for i, item in enumerate(self.items):
            if item.span.id == span_id:
                return i
        return -1

    @property
    def current_item(self):
        return self.items[self.row] if 0 <= self.row < len(self.items) else None

    @property
    def current_span_id(self) -> int | None:
        item = self.current_item
        return item.span.id if item is not None else None

    @property
    def current_candidate(self):
        if 0 <= self.cand_row < len(self.candidates):
            return self.candidates[self.cand_row]
        return None

    def select_row(self, row: int) -> None:
        if not self.items:
            row = -1
        else:
            row = max(0, min(row, len(self.items) - 1))
        if row == self.row:
            return
        self.row = row
        self._load_candidates()
        self.current_changed.emit(row)
        first = self._first_open_candidate()
        self.cand_row = -2
        self.select_candidate(first)

    def select_span(self, span_id: int) -> bool:
        row = self.row_of_span(span_id)
        if row >= 0:
            self.select_row(row)
            return True
        return False

    def next(self) -> bool:
        if self.row + 1 < len(self.items):
            self.select_row(self.row + 1)
            return True
        return False

    def previous(self) -> bool:
        if self.row > 0:
            self.select_row(self.row - 1)
            return True
        return False

    def next_pending(self) -> bool:
        """Go to the next quote still pending after the current one (wrapping once)."""
        n = len(self.items)
        for k in range(1, n + 1):
            i = (self.row + k) % n
            if self.items[i].status == "pending" and i != self.row:
                self.select_row(i)
                return True
        self.message.emit(tr("Every quote in this list has been reviewed."))
        return False

    # ------------------------------------------------------------------ candidates

    def _fetch_candidates(self, span_id: int) -> list:
        """Live candidates of a quote, plus outdated ones that carry a decision."""
        rows = [c for c in self.project.candidates(span_id, include_stale=True)
                if not c.stale or c.decision is not None]
        # best first (translations and other renderings together), outdated ones last
        return sorted(rows, key=lambda c: (c.stale, -c.candidate.score, c.id))

    def _load_candidates(self) -> None:
        sid = self.current_span_id
        self.candidates = self._fetch_candidates(sid) if sid is not None else []
        self.candidates_reset.emit(list(self.candidates))

    def _first_open_candidate(self) -> int:
        if not self.candidates:
            return -1
        for status in ("confirmed", "pending", "skipped"):
            for i, c in enumerate(self.candidates):
                if c.status == status:
                    return i
        return 0

    def select_candidate(self, row: int) -> None:
        if not self.candidates:
            row = -1
        else:
            row = max(0, min(row, len(self.candidates) - 1))
        if row == self.cand_row:
            return
        self.cand_row = row
        self.candidate_selected.emit(row)

    def pick(self, number: int) -> bool:
        """Select candidate ``number`` (1-based, as shown); False if there is none."""
        if 1 <= number <= len(self.candidates):
            self.select_candidate(number - 1)
            return True
        return False

    # ------------------------------------------------------------------ documents

    def document(self, doc_id: int):
        if doc_id not in self._docs:
            self._docs[doc_id] = self.project.document(doc_id)
        return self._docs[doc_id]

    def doc_id_of_span(self, span_id: int) -> int:
        if span_id not in self._span_docs:
            self._span_docs[span_id] = self.project.span(span_id).doc_id
        return self._span_docs[span_id]

    # ------------------------------------------------------------------ decisions

    def confirm(self) -> bool:
        return self._decide_current("confirmed", N_("Confirm"))

    def reject(self) -> bool:
        return self._decide_current("rejected", N_("Reject"))

    def skip(self) -> bool:
        if not self.candidates:  # nothing to record: just move on
            if self.advance:
                self.next_pending()
            return False
        return self._decide_current("skipped", N_("Skip"))

    def _note_of(self, row) -> str:
        return row.decision.note if row.decision is not None and row.decision.note else ""

    def _decide_current(self, status: str, label: str) -> bool:
        cand = self.current_candidate
        if cand is None:
            if self.current_item is not None:
                self.no_candidate.emit(status)
            else:
                self.message.emit(tr("Select a quote first."))
            return False
        before = (cand.status, self._note_of(cand))
        if before[0] == status:
            self._after_decision(status)
            return True
        change = Change(cand.id, cand.source_span_id, before, (status, before[1]), "decide")
        self._apply(change, forward=True)
        self.undo_stack.push(ChangeCommand(self, change, label))
        self._after_decision(status)
        return True

    def _after_decision(self, status: str) -> None:
        if not self.advance:
            return
        if status in ("confirmed", "skipped"):
            self.next_pending()
        elif status == "rejected":
            for i, c in enumerate(self.candidates):
                if c.status == "pending" and i != self.cand_row:
                    self.select_candidate(i)
                    return
            if self.current_item is not None and self.current_item.status != "pending":
                self.next_pending()

    def set_note(self, note: str) -> bool:
        cand = self.current_candidate
        if cand is None:
            self.message.emit(tr("Select a candidate to attach a note to."))
            return False
        before = (cand.status, self._note_of(cand))
        if before[1] == note:
            return False
        change = Change(cand.id, cand.source_span_id, before, (cand.status, note), "note")
        self._apply(change, forward=True)
        self.undo_stack.push(ChangeCommand(self, change, N_("Edit note")))
        return True

    def link_manual(self, target_doc_id: int, start: int, end: int, *, kind: str = "translation",
                    note: str = "") -> int:
        """Link the current quote to ``[start, end)`` of a target document by hand."""
        span_id = self.current_span_id
        if span_id is None:
            raise AlignerError(tr("Select a quote first."))
        if kind not in ("translation", "variant"):
            raise ChoiceError("kind", kind, ["translation", "variant"])
        cid = self.project.link_manual(span_id, target_doc_id, start, end, kind, self.reviewer, note)
        change = Change(cid, span_id, ("pending", note), ("confirmed", note), "link")
        self.undo_stack.push(ChangeCommand(self, change, N_("Link by hand")))
        self._refresh_current(select_candidate_id=cid)
        self.decided.emit(cid, "confirmed")
        return cid

    # ------------------------------------------------------------------ undo / redo

    @property
    def can_undo(self) -> bool:
        return self.undo_stack.canUndo()

    @property
    def can_redo(self) -> bool:
        return self.undo_stack.canRedo()

    def undo_label(self) -> str:
        return self.undo_stack.undoText()

    def redo_label(self) -> str:
        return self.undo_stack.redoText()

    def _run_step(self, change: Change, *, forward: bool) -> None:
        """Called by a command from inside QUndoStack; an error is raised again by undo()/redo()."""
        try:
            self._apply(change, forward=forward)
            self._show_change(change)
        except Exception as e:  # an exception must not cross the C++ stack
            self._step_error = e


    def _apply(self, change: Change, *, forward: bool) -> None:
        status, note = change.after if forward else change.before
        if change.action == "note":
            self.project.set_note(change.candidate_id, note, self.reviewer)
        elif change.action == "link" and not forward:
            # a hand-made link has no earlier status: withdrawing it rejects it
            self.project.decide(change.candidate_id, "rejected", self.reviewer, note)
            status = "rejected"
        else:
            self.project.decide(change.candidate_id, status, self.reviewer, note)
        self._refresh_current(span_id=change.span_id)
        self.decided.emit(change.candidate_id, status)

    def _show_change(self, change: Change) -> None:
        if self.current_span_id != change.span_id:
            self.select_span(change.span_id)
        for i, c in enumerate(self.candidates):
            if c.id == change.candidate_id:
                self.select_candidate(i)
                break

    def _refresh_current(self, span_id: int | None = None, select_candidate_id: int | None = None) -> None:
        """Re-read the candidates of ``span_id`` (default: current) and its queue status."""
        span_id = self.current_span_id if span_id is None else span_id
        if span_id is None:
            return
        rows = self._fetch_candidates(span_id)
        row = self.row_of_span(span_id)
        if row >= 0:
            item = self.items[row]
            lang = self.filter.lang
            live = [c for c in rows if not c.stale and (lang is None or c.candidate.target.lang == lang)]
            self.items[row] = dataclasses.replace(
                item, status=quote_status([c.status for c in rows]), n_candidates=len(live),
                best_score=max((c.candidate.score for c in live), default=None))
            self.queue_row_changed.emit(row, self.items[row])
        if span_id == self.current_span_id:
            old_ids = [c.id for c in self.candidates]
            self.candidates = rows
            if [c.id for c in rows] != old_ids:
                self.candidates_reset.emit(list(rows))
                keep = self.cand_row
                self.cand_row = -2
                target = keep
                if select_candidate_id is not None:
                    target = next((i for i, c in enumerate(rows) if c.id == select_candidate_id), keep)
                self.select_candidate(target)
            else:
                for i, c in enumerate(rows):
                    self.candidate_row_changed.emit(i, c)
                if select_candidate_id is not None:
                    self.select_candidate(next(
                        (i for i, c in enumerate(rows) if c.id == select_candidate_id), self.cand_row))
        self._emit_progress()

    def _emit_progress(self) -> None:
        done, total = self.project.progress()
        self.progress_changed.emit(int(done), int(total))

    # ------------------------------------------------------------------ manual linking

    def search_targets(self, query: str, *, lang: str | None = None, limit: int = 200) -> list:
        """Sentences and quotes of other documents whose text contains ``query`` (folded).

        Returns SpanRows, non-English targets first; an empty query lists the
        sentences of the documents in the target languages.
        """
        source = self.current_item.span if self.current_item is not None else None
        needle = fold(query.strip())
        out = []
        for row in self.project.spans(lang=lang):
            q = row.quote
            if source is not None and row.doc_id == source.doc_id:
                continue
            if lang is None and q.lang == "en" and not needle:
                continue
            hay = q.sentence if not q.is_quote else q.text
            if needle and needle not in fold(hay):
                continue
            out.append(row)
        # originals first (French, Arabic), quotes before plain sentences, then in document order
        out.sort(key=lambda r: (r.quote.lang == "en", not r.quote.is_quote, r.doc_id, r.quote.start))
        return out[:limit]

    # ------------------------------------------------------------------ test hook

    def auto_confirm(self, n: int, ack: Callable[[int], None]) -> int:
        """Confirm the first candidate of up to ``n`` pending quotes; ``ack(id)`` after each commit."""
        done = 0
        for item in list(self.items):
            if done >= n:
                break
            if item.status != "pending" or item.n_candidates == 0:
                continue
            self.select_span(item.span.id)
            self.select_candidate(0)
            cand = self.current_candidate
            if cand is not None and self.confirm():
                ack(cand.id)
                done += 1
        return done


