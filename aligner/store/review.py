"""Review in the project store: append-only decisions, manual links, the queue.

Decisions are never updated or deleted: each one is a new row, and the
latest one is the candidate's status. The review queue has one item per
English source quote, with the status given by
:func:`aligner.review.quote_status`.
"""

from __future__ import annotations

import sqlite3

from ..errors import ProjectError
from ..records import Decision, Quote
from ..review import KINDS, STATUSES, quote_status_of_counts
from ._base import StoreBase, check_choice
from ._text import dumps, normalise_search, utc_now
from .documents import N_SPAN_COLS, SOURCE_LANG, SPAN_COLS, span_row, upsert_span
from .rows import QueueItem


class ReviewStore(StoreBase):
    """Decisions (``decide``, ``set_note``, ``link_manual``), the queue and progress."""

    def decide(self, candidate_id: int, status: str, reviewer: str, note: str | None = None) -> Decision:
        """Append a decision; it becomes the candidate's status. Commits before returning.

        ``note=None`` keeps the candidate's current note; a string (even "") replaces it.
        """
        check_choice("review status", status, STATUSES)
        reviewer = self._reviewer(reviewer)
        with self._write() as c:
            row = c.execute("SELECT c.id, dd.note FROM candidates c LEFT JOIN decisions dd "
                            "ON dd.id = c.last_decision_id WHERE c.id = ?", (candidate_id,)).fetchone()
            if row is None:
                raise ProjectError(f"{self.path}: no candidate with id {candidate_id}")
            if note is None:
                note = row[1] or ""
            return self._append_decision(c, candidate_id, status, reviewer, note, "decide")

    def set_note(self, candidate_id: int, note: str, reviewer: str) -> None:
        """Set the note of a candidate: a new history entry with the same status."""
        reviewer = self._reviewer(reviewer)
        with self._write() as c:
            row = c.execute("SELECT status FROM candidates WHERE id = ?", (candidate_id,)).fetchone()
            if row is None:
                raise ProjectError(f"{self.path}: no candidate with id {candidate_id}")
            self._append_decision(c, candidate_id, row[0], reviewer, note or "", "note")

    def _reviewer(self, reviewer: str) -> str:
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise ProjectError("a decision needs the reviewer's name")
        return reviewer

    def _append_decision(self, c: sqlite3.Connection, candidate_id: int, status: str, reviewer: str,
                         note: str, action: str) -> Decision:
        now = utc_now()
        did = c.execute("INSERT INTO decisions(candidate_id, status, reviewer, time, note) VALUES (?, ?, ?, ?, ?)",
                        (candidate_id, status, reviewer, now, note)).lastrowid
        c.execute("UPDATE candidates SET status = ?, last_decision_id = ? WHERE id = ?",
                  (status, did, candidate_id))
        self._audit(c, action, {"candidate_id": candidate_id, "decision_id": did, "status": status,
                                "note": note}, actor=reviewer, time=now)
        return Decision(candidate_id=candidate_id, status=status, reviewer=reviewer, time=now, note=note)

    def decisions(self, candidate_id: int) -> list[Decision]:
        """Full decision history of a candidate, oldest first."""
        with self._read() as c:
            rows = c.execute("SELECT candidate_id, status, reviewer, time, note FROM decisions "
                             "WHERE candidate_id = ? ORDER BY id", (candidate_id,)).fetchall()
        return [Decision(candidate_id=r[0], status=r[1], reviewer=r[2], time=r[3], note=r[4]) for r in rows]

    def link_manual(self, source_span_id: int, target_doc_id: int, start: int, end: int, kind: str,
                    reviewer: str, note: str = "") -> int:
        """Link a source quote by hand to ``target_doc_id[start:end]``; returns the candidate id.

        In one transaction: finds or creates the target span (a plain span,
        is_quote False, if none exists at those offsets), finds or creates
        the candidate (features {"manual": True}, score 1.0, rank 0) and
        appends a "confirmed" decision.
        """
        check_choice("match kind", kind, KINDS)
        reviewer = self._reviewer(reviewer)
        with self._write() as c:
            if c.execute("SELECT 1 FROM spans WHERE id = ?", (source_span_id,)).fetchone() is None:
                raise ProjectError(f"{self.path}: no span with id {source_span_id}")
            doc = c.execute("SELECT text, lang, path FROM documents WHERE id = ?", (target_doc_id,)).fetchone()
            if doc is None:
                raise ProjectError(f"{self.path}: no document with id {target_doc_id}")
            text, lang, path = doc
            if not (0 <= start < end <= len(text)):
                raise ProjectError(f"{self.path}: {start}..{end} is not a non-empty range of {path} "
                                   f"({len(text)} characters)")
            row = c.execute('SELECT id FROM spans WHERE doc_id = ? AND start = ? AND "end" = ? '
                            "ORDER BY is_quote DESC LIMIT 1", (target_doc_id, start, end)).fetchone()
            if row is not None:
                target = row[0]
            else:
                piece = text[start:end]
                q = Quote(doc=path, lang=lang, text=piece, sentence=piece, start=start, end=end,
                          sentence_start=start, sentence_end=end, is_quote=False)
                target = upsert_span(c, target_doc_id, q)
            if target == source_span_id:
                raise ProjectError(f"{self.path}: cannot link a quote to itself")
            now = utc_now()
            row = c.execute("SELECT id FROM candidates WHERE source_span_id = ? AND target_span_id = ? AND kind = ?",
                            (source_span_id, target, kind)).fetchone()
            if row is not None:
                cid = row[0]
                c.execute("UPDATE candidates SET manual = 1, stale = 0, last_seen = ? WHERE id = ?", (now, cid))
            else:
                cid = c.execute(
                    "INSERT INTO candidates(source_span_id, target_span_id, kind, rank, score, features, "
                    "manual, first_seen, last_seen) VALUES (?, ?, ?, 0, 1.0, ?, 1, ?, ?)",
                    (source_span_id, target, kind, dumps({"manual": True}), now, now)).lastrowid
            self._audit(c, "link manual", {"candidate_id": cid, "source_span_id": source_span_id,
                                           "target_span_id": target, "kind": kind}, actor=reviewer, time=now)
            self._append_decision(c, cid, "confirmed", reviewer, note or "", "decide")
            return cid

    # ------------------------------------------------------------------ queue

    def queue(self, *, status: str | None = None, lang: str | None = None, doc_id: int | None = None,
              speaker: str | None = None, min_score: float | None = None,
              search: str | None = None) -> list[QueueItem]:
        """One item per English source quote of the current documents, in document order.

        A quote's status: "confirmed" if any of its candidates is confirmed,
        "rejected" if all are rejected, "skipped" if any is skipped, else
        "pending" (stale candidates count only if they have a decision).
        Filters: ``status``; ``lang`` keeps quotes with a candidate in that
        target language (and counts only those); ``doc_id`` of the quote;
        ``speaker`` (folded equality); ``min_score`` on the best score;
        ``search`` is a folded substring of the quote text/sentence/speaker or
        of any candidate's target text/sentence/speaker (case, accents and
        Arabic diacritics ignored).
        """
        if status is not None:
            check_choice("review status", status, STATUSES)
        where = ["d.current = 1", "s.is_quote = 1", "s.lang = :source_lang"]
        args: dict = {"source_lang": SOURCE_LANG}
        if lang is not None:
            args["lang"] = lang
        if doc_id is not None:
            where.append("s.doc_id = :doc_id")
            args["doc_id"] = doc_id
        if speaker is not None:
            where.append("s.speaker_norm = :speaker")
            args["speaker"] = normalise_search(speaker)
        needle = normalise_search(search)
        if needle:
            where.append(
                "(instr(s.norm, :needle) > 0 OR EXISTS (SELECT 1 FROM candidates c2 JOIN spans t2 "
                "ON t2.id = c2.target_span_id WHERE c2.source_span_id = s.id "
                "AND (c2.stale = 0 OR c2.last_decision_id IS NOT NULL) AND instr(t2.norm, :needle) > 0))")
            args["needle"] = needle
        # the target's language matters only when filtering by it
        in_lang = "1" if lang is None else "t.lang = :lang"
        target_join = "" if lang is None else "LEFT JOIN spans t ON t.id = c.target_span_id"
        sql = f"""
            SELECT {SPAN_COLS},
                   COUNT(c.id),
                   COALESCE(SUM(c.status = 'confirmed'), 0),
                   COALESCE(SUM(c.status = 'rejected'), 0),
                   COALESCE(SUM(c.status = 'skipped'), 0),
                   COALESCE(SUM(c.stale = 0 AND {in_lang}), 0),
                   MAX(CASE WHEN c.stale = 0 AND {in_lang} THEN c.score END),
                   COALESCE(SUM({in_lang}), 0)
            FROM spans s
            JOIN documents d ON d.id = s.doc_id
            LEFT JOIN candidates c ON c.source_span_id = s.id
                 AND (c.stale = 0 OR c.last_decision_id IS NOT NULL)
            {target_join}
            WHERE {" AND ".join(where)}
            GROUP BY s.id
            ORDER BY s.doc_id, s.start, s.id"""
        with self._read() as c:
            rows = c.execute(sql, args).fetchall()
        out = []
        for r in rows:
            n_all, n_conf, n_rej, n_skip, n_live, best, n_lang = r[N_SPAN_COLS:N_SPAN_COLS + 7]
            st = quote_status_of_counts(n_all, n_conf, n_rej, n_skip)
            if status is not None and st != status:
                continue
            if lang is not None and not n_lang:
                continue
            if min_score is not None and (best is None or best < min_score):
                continue
            out.append(QueueItem(span=span_row(r), best_score=best, n_candidates=n_live, status=st))
        return out

    def progress(self) -> tuple[int, int]:
        """(reviewed, total) English source quotes of current documents;
        reviewed = status confirmed or rejected (skipped and pending are not)."""
        sql = """
            SELECT COUNT(*), COALESCE(SUM(n_conf > 0 OR (n_all > 0 AND n_rej = n_all)), 0) FROM (
                SELECT COUNT(c.id) AS n_all,
                       COALESCE(SUM(c.status = 'confirmed'), 0) AS n_conf,
                       COALESCE(SUM(c.status = 'rejected'), 0) AS n_rej
                FROM spans s
                JOIN documents d ON d.id = s.doc_id
                LEFT JOIN candidates c ON c.source_span_id = s.id
                     AND (c.stale = 0 OR c.last_decision_id IS NOT NULL)
                WHERE d.current = 1 AND s.is_quote = 1 AND s.lang = ?
                GROUP BY s.id)"""
        with self._read() as c:
            total, reviewed = c.execute(sql, (SOURCE_LANG,)).fetchone()
        return int(reviewed), int(total)
