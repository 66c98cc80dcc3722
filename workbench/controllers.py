"""What the workbench does, without widgets: review actions, undo/redo, project tasks.

:class:`ReviewController` owns the review queue of one open project. Every
decision goes straight to the store (``Project.decide`` commits before it
returns), so closing the window or a crash loses nothing. Undo and redo never
delete history: they append a decision that restores the earlier status.

Widgets only call these methods and listen to the signals; tests drive the
controller directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from aligner.errors import AlignerError, ChoiceError

from .i18n import N_, tr

STATUSES = ("pending", "confirmed", "rejected", "skipped")
STATUS_LABELS = {
    "pending": N_("pending"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "skipped": N_("skipped"),
}
KIND_LABELS = {"translation": N_("translation"), "variant": N_("other rendering")}


# ----------------------------------------------------------------------------- helpers


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


@dataclass
class Step:
    label: str
    changes: list[Change] = field(default_factory=list)


# ----------------------------------------------------------------------------- review


class ReviewController(QObject):
    """The review session of one project for one reviewer.

    Signals carry the new rows so the thin Qt models only cache them:
    ``queue_reset(items)``, ``queue_row_changed(row, item)``,
    ``current_changed(row)``, ``candidates_reset(rows)``,
    ``candidate_selected(row)``, ``progress_changed(done, total)``,
    ``history_changed(can_undo, can_redo)``, ``decided(candidate_id, status)``,
    ``message(text)``.
    """

    queue_reset = Signal(list)
    queue_row_changed = Signal(int, object)
    current_changed = Signal(int)
    candidates_reset = Signal(list)
    candidate_row_changed = Signal(int, object)
    candidate_selected = Signal(int)
    progress_changed = Signal(int, int)
    history_changed = Signal(bool, bool)
    decided = Signal(int, str)
    message = Signal(str)

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
        self._undo: list[Step] = []
        self._redo: list[Step] = []
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
        return [c for c in self.project.candidates(span_id, include_stale=True)
                if not c.stale or c.decision is not None]

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
            self.message.emit(tr("This quote has no candidate; link it by hand (L) or skip it (S)."))
            return False
        before = (cand.status, self._note_of(cand))
        if before[0] == status:
            self._after_decision(status)
            return True
        change = Change(cand.id, cand.source_span_id, before, (status, before[1]), "decide")
        self._apply(change, forward=True)
        self._push(Step(label, [change]))
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
        self._push(Step(N_("Edit note"), [change]))
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
        self._push(Step(N_("Link by hand"), [change]))
        self._refresh_current(select_candidate_id=cid)
        self.decided.emit(cid, "confirmed")
        return cid

    # ------------------------------------------------------------------ undo / redo

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_label(self) -> str:
        return tr(self._undo[-1].label) if self._undo else ""

    def redo_label(self) -> str:
        return tr(self._redo[-1].label) if self._redo else ""

    def undo(self) -> bool:
        if not self._undo:
            return False
        step = self._undo.pop()
        for change in reversed(step.changes):
            self._apply(change, forward=False)
        self._redo.append(step)
        self._emit_history()
        self._show_change(step.changes[0])
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        step = self._redo.pop()
        for change in step.changes:
            self._apply(change, forward=True)
        self._undo.append(step)
        self._emit_history()
        self._show_change(step.changes[0])
        return True

    def _push(self, step: Step) -> None:
        self._undo.append(step)
        self._redo.clear()
        self._emit_history()

    def _emit_history(self) -> None:
        self.history_changed.emit(self.can_undo, self.can_redo)

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
        out.sort(key=lambda r: (r.quote.lang == "en", r.quote.is_quote, r.doc_id, r.quote.start))
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


# ----------------------------------------------------------------------------- project


@dataclass(frozen=True)
class ExportFormat:
    key: str
    label: str
    pattern: str
    suffix: str


EXPORT_FORMATS = (
    ExportFormat("tmx", N_("Translation memory (TMX)"), "*.tmx", ".tmx"),
    ExportFormat("jsonl", N_("JSON lines (JSONL)"), "*.jsonl", ".jsonl"),
)


def export_confirmed(project, fmt: str, path: str) -> int:
    """Write the confirmed pairs of ``project`` to ``path``; returns how many."""
    rows = list(project.confirmed_pairs())
    if fmt == "tmx":
        from aligner.export.tmx import export_tmx

        export_tmx(rows, path)
    elif fmt == "jsonl":
        from aligner.export.jsonl import export_jsonl

        export_jsonl(rows, path)
    else:
        raise ChoiceError("export format", fmt, [f.key for f in EXPORT_FORMATS])
    return len(rows)


def open_project(path: str, *, create: bool = False, actor: str | None = None):
    """Open (or create) a project file; AlignerError (ProjectError) with a clear message if not."""
    from aligner.store import Project

    return Project.open(path, create=create, actor=actor)


# ----------------------------------------------------------------------------- names


class ConstraintFile:
    """Where the reviewer's name decisions live.

    The project store keeps them when it offers ``name_constraints()`` /
    ``set_name_constraints(data, actor)``; otherwise a JSON file beside the
    project (``<project>.names.json``, written atomically) holds them.
    """

    def __init__(self, project):
        self.project = project

    @property
    def sidecar(self) -> Path:
        p = Path(self.project.path)
        return p.with_name(p.name + ".names.json")

    def load(self):
        from aligner.names.cluster import ReviewConstraints, constraints_from_json

        getter = getattr(self.project, "name_constraints", None)
        if callable(getter):
            data = getter()
            return constraints_from_json(data) if data else ReviewConstraints()
        if not self.sidecar.exists():
            return ReviewConstraints()
        import json

        try:
            data = json.loads(self.sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            from aligner.errors import InputFileError

            raise InputFileError(str(self.sidecar), f"cannot read the name decisions ({e})") from None
        return constraints_from_json(data)

    def save(self, constraints, actor: str) -> None:
        from aligner.names.cluster import constraints_to_json

        data = constraints_to_json(constraints)
        setter = getattr(self.project, "set_name_constraints", None)
        if callable(setter):
            setter(data, actor)
            return
        import json

        from aligner.io.atomic import atomic_write_text

        atomic_write_text(self.sidecar, json.dumps(data, ensure_ascii=False, indent=1) + "\n")


def find_mentions(project, progress=None) -> list:
    """Names in every current document of ``project`` (runs on a worker thread)."""
    from aligner.names.mentions import extract_corpus

    docs = [project.document(d.id) for d in project.documents()]
    return extract_corpus(docs, progress=progress)


class NamesController(QObject):
    """Name clusters of a project and the reviewer's corrections to them.

    Every correction is a constraint (must-link, cannot-link, canonical form)
    saved at once; clusters are recomputed from the mentions and all the
    constraints, so a correction survives re-running the extraction.
    ``clusters_reset(list[NameCluster])``, ``history_changed(can_undo, can_redo)``.
    """

    clusters_reset = Signal(list)
    history_changed = Signal(bool, bool)
    message = Signal(str)

    def __init__(self, project, reviewer: str, parent: QObject | None = None):
        super().__init__(parent)
        self.project = project
        self.reviewer = reviewer or "reviewer"
        self.store = ConstraintFile(project)
        self.mentions: list = []
        self.clusters: list = []
        self.constraints = self.store.load()
        self._undo: list = []
        self._redo: list = []

    # ------------------------------------------------------------------ data

    def set_mentions(self, mentions) -> None:
        self.mentions = list(mentions)
        self.recluster()

    def recluster(self) -> None:
        from aligner.names.cluster import cluster_mentions

        self.clusters = list(cluster_mentions(self.mentions, constraints=self.constraints))
        self.clusters_reset.emit(list(self.clusters))

    def index_of_form(self, form: str) -> int:
        from aligner.names.normalize import form_key

        key = form_key(form)
        for i, c in enumerate(self.clusters):
            if any(form_key(v.form) == key for v in c.variants):
                return i
        return -1

    def mentions_of(self, variant) -> list:
        """Mentions written exactly as ``variant`` (same form and language), in corpus order."""
        from aligner.names.normalize import clean_form

        return [m for m in self.mentions if clean_form(m.form) == variant.form and m.lang == variant.lang]

    # ------------------------------------------------------------------ corrections

    def _change(self, new, label: str) -> None:
        from aligner.names.cluster import cluster_mentions

        # fails with ConstraintConflict (an AlignerError) before anything is saved
        clusters = list(cluster_mentions(self.mentions, constraints=new))
        self.store.save(new, self.reviewer)
        self._undo.append((self.constraints, label))
        self._redo.clear()
        self.constraints = new
        self.clusters = clusters
        self.clusters_reset.emit(list(clusters))
        self.history_changed.emit(True, False)

    def _with(self, **add):
        from dataclasses import replace as dc_replace

        c = self.constraints
        return dc_replace(c, **{k: getattr(c, k) + tuple(v) for k, v in add.items()})

    def merge(self, a: int, b: int) -> None:
        """Clusters ``a`` and ``b`` name the same entity."""
        if a == b:
            return
        forms = list(dict.fromkeys(v.form for i in (a, b) for v in self.clusters[i].variants))
        # every spelling of both is linked to one anchor, so string evidence cannot pull one out again
        self._change(self._with(must_link=[(forms[0], f) for f in forms[1:]]), N_("Merge"))

    def split(self, index: int, forms: Sequence[str]) -> None:
        """Move ``forms`` out of cluster ``index`` into a cluster of their own."""
        c = self.clusters[index]
        moved = list(dict.fromkeys(forms))
        rest = [v.form for v in c.variants if v.form not in moved]
        if not moved or not rest:
            raise AlignerError(tr("Select some, but not all, of the spellings to split them off."))
        must = [(moved[0], f) for f in moved[1:]]
        cannot = [(m, r) for m in moved for r in rest]
        self._change(self._with(must_link=must, cannot_link=cannot), N_("Split"))

    def not_same(self, form_a: str, form_b: str) -> None:
        """``form_a`` and ``form_b`` name different entities."""
        if form_a == form_b:
            return
        self._change(self._with(cannot_link=[(form_a, form_b)]), N_("Not the same"))

    def set_canonical(self, index: int, form: str) -> None:
        c = self.clusters[index]
        self._change(self._with(canonical=[(c.variants[0].form, form)]), N_("Set canonical name"))

    def undo(self) -> bool:
        if not self._undo:
            return False
        previous, label = self._undo.pop()
        self.store.save(previous, self.reviewer)
        self._redo.append((self.constraints, label))
        self.constraints = previous
        self.recluster()
        self.history_changed.emit(bool(self._undo), True)
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        nxt, label = self._redo.pop()
        self.store.save(nxt, self.reviewer)
        self._undo.append((self.constraints, label))
        self.constraints = nxt
        self.recluster()
        self.history_changed.emit(True, bool(self._redo))
        return True
