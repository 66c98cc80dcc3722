"""Alignment runs and the aligner's candidates in the project store.

A candidate is identified by (source span, target span, kind). Re-running
the aligner updates candidates and marks the ones it no longer proposes as
stale; nothing is deleted and review decisions are never touched here.
"""

from __future__ import annotations

import math
import os
import socket
import sqlite3
from datetime import datetime, timezone
from collections.abc import Iterable, Sequence

from ..errors import ProjectError
from ..io.atomic import pid_alive
from ..records import Candidate, Decision, Quote
from ..review import KINDS, STATUSES
from ._base import StoreBase, check_choice, chunks
from ._text import dumps, loads, utc_now
from .documents import fetch_spans, span_keymap, upsert_span
from .rows import CandidateRow


class CandidateStore(StoreBase):
    """Runs (``start_run``/``finish_run``) and candidates (``upsert_candidates``, queries)."""

    def start_run(self, model: str, params: dict) -> int:
        """A new run; until :meth:`finish_run` its stats name the process that
        owns it (host, pid), so a run whose process died can be told from one
        still working in another process (see :meth:`mark_interrupted_runs`)."""
        with self._write() as c:
            now = utc_now()
            owner = {"state": "running", "host": socket.gethostname(), "pid": os.getpid()}
            run_id = c.execute("INSERT INTO runs(model, params, stats, started) VALUES (?, ?, ?, ?)",
                               (model, dumps(params or {}), dumps(owner), now)).lastrowid
            self._audit(c, "start run", {"run_id": run_id, "model": model, "params": params or {}}, time=now)
            return run_id

    def finish_run(self, run_id: int, stats: dict) -> None:
        with self._write() as c:
            now = utc_now()
            cur = c.execute("UPDATE runs SET stats = ?, finished = ? WHERE id = ?",
                            (dumps(stats or {}), now, run_id))
            if cur.rowcount == 0:
                raise ProjectError(f"{self.path}: no run with id {run_id}")
            self._audit(c, "finish run", {"run_id": run_id, "stats": stats or {}}, time=now)

    def interrupt_run(self, run_id: int, reason: str) -> None:
        """Mark an unfinished run as interrupted (Ctrl-C, an error, a killed process)."""
        with self._write() as c:
            now = utc_now()
            c.execute("UPDATE runs SET stats = ?, finished = ? WHERE id = ? AND finished IS NULL",
                      (dumps({"state": "interrupted", "reason": reason}), now, run_id))
            self._audit(c, "interrupt run", {"run_id": run_id, "reason": reason}, time=now)

    def mark_interrupted_runs(self) -> list[int]:
        """Mark runs left unfinished by a process that no longer exists
        (``kill -9``, a power cut) as interrupted; returns their ids.

        A run owned by a live process (on this host) or by another host is
        left alone; an unfinished run with no owner recorded (older files)
        counts as interrupted once it is a day old.
        """
        with self._read() as c:
            rows = c.execute("SELECT id, stats, started FROM runs WHERE finished IS NULL").fetchall()
        if not rows:
            return []
        dead = []
        host = socket.gethostname()
        for run_id, stats, started in rows:
            owner = loads(stats, None) or {}
            if isinstance(owner, dict) and "pid" in owner:
                if owner.get("host") == host and not pid_alive(int(owner["pid"])):
                    dead.append(run_id)
            elif _age_s(started) > 86400:
                dead.append(run_id)
        for run_id in dead:
            self.interrupt_run(run_id, "the process stopped before the run finished (killed or crashed); "
                                       "noticed when the project was next opened")
        return dead

    def runs(self) -> list[dict]:
        """Every run, oldest first: {id, model, params, stats, started, finished, state}.

        ``state``: "finished", "interrupted" or "running".
        """
        with self._read() as c:
            rows = c.execute("SELECT id, model, params, stats, started, finished FROM runs ORDER BY id").fetchall()
        out = []
        for r in rows:
            stats = loads(r[3])
            state = (stats.get("state") if isinstance(stats, dict) and stats.get("state") == "interrupted"
                     else "finished" if r[5] else "running")
            out.append({"id": r[0], "model": r[1], "params": loads(r[2], {}), "stats": stats,
                        "started": r[4], "finished": r[5], "state": state})
        return out

    # ------------------------------------------------------------------ candidates

    def upsert_candidates(self, cands: Iterable[Candidate], run_id: int | None = None, *,
                          replace_sources: Iterable[int | Quote] | None = None) -> list[int]:
        """Store the aligner's candidates; returns their ids in input order.

        Identity is (source span, target span, kind); spans are found by
        (document path, start, end, is_quote) among current documents and
        created if missing. An existing candidate gets the new rank, score,
        features and run and is live again. Candidates of the same source
        quotes (those in ``cands`` plus ``replace_sources``) that this call
        does not list are marked stale, never deleted; decisions are never
        touched. Hand-made links are never marked stale.
        """
        cands = list(cands)
        for cand in cands:
            check_choice("match kind", cand.kind, KINDS)
            if not math.isfinite(float(cand.score)):
                raise ProjectError(f"{self.path}: candidate score must be a finite number, got {cand.score!r}")
        with self._write() as c:
            now = utc_now()
            if run_id is not None and c.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise ProjectError(f"{self.path}: no run with id {run_id}")
            keymap, docs = span_keymap(c)
            created = 0

            def span_id(q: Quote) -> int:
                nonlocal created
                key = (q.doc, q.start, q.end, int(bool(q.is_quote)))
                sid = keymap.get(key)
                if sid is None:
                    doc = docs.get(q.doc)
                    if doc is None:
                        raise ProjectError(f"{self.path}: a candidate refers to document {q.doc}, which is "
                                           "not in the project (add the document first)")
                    sid = upsert_span(c, doc, q)
                    keymap[key] = sid
                    created += 1
                return sid

            keys, rows = [], []
            for cand in cands:
                key = (span_id(cand.source), span_id(cand.target), cand.kind)
                keys.append(key)
                rows.append((*key, int(cand.rank), float(cand.score), dumps(cand.features or {}),
                             run_id, now, now))
            scope = {k[0] for k in keys}
            for s in replace_sources or ():
                if isinstance(s, Quote):
                    sid = keymap.get((s.doc, s.start, s.end, int(bool(s.is_quote))))
                    if sid is not None:
                        scope.add(sid)
                else:
                    scope.add(int(s))
            before = self._candidate_keys(c, scope)
            c.executemany(
                "INSERT INTO candidates(source_span_id, target_span_id, kind, rank, score, features, run_id, "
                "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(source_span_id, target_span_id, kind) DO UPDATE SET rank = excluded.rank, "
                "score = excluded.score, features = excluded.features, run_id = excluded.run_id, "
                "stale = 0, last_seen = excluded.last_seen", rows)
            after = self._candidate_keys(c, {k[0] for k in keys})
            listed = set(keys)
            gone = [(cid,) for key, (cid, stale, manual) in before.items()
                    if key not in listed and not stale and not manual]
            c.executemany("UPDATE candidates SET stale = 1 WHERE id = ?", gone)
            n_new = len(listed - before.keys())
            self._audit(c, "upsert candidates", {"run_id": run_id, "n": len(cands), "new": n_new,
                                                 "updated": len(listed) - n_new, "stale": len(gone),
                                                 "spans_created": created}, time=now)
            return [after[k][0] for k in keys]

    @staticmethod
    def _candidate_keys(c: sqlite3.Connection, sources: Iterable[int]) -> dict[tuple, tuple[int, int, int]]:
        out = {}
        for chunk in chunks(sorted(sources)):
            marks = ",".join("?" * len(chunk))
            for cid, s, t, kind, stale, manual in c.execute(
                    f"SELECT id, source_span_id, target_span_id, kind, stale, manual FROM candidates "
                    f"WHERE source_span_id IN ({marks})", list(chunk)):
                out[(s, t, kind)] = (cid, stale, manual)
        return out

    _CAND_SQL = ("SELECT c.id, c.source_span_id, c.target_span_id, c.kind, c.rank, c.score, c.features, "
                 "c.status, c.stale, c.run_id, c.first_seen, c.last_seen, c.manual, "
                 "dd.candidate_id, dd.status, dd.reviewer, dd.time, dd.note, "
                 # first decision of the latest unbroken run of "confirmed" entries
                 "CASE WHEN c.status = 'confirmed' THEN (SELECT MIN(d1.time) FROM decisions d1 "
                 "  WHERE d1.candidate_id = c.id AND d1.id > COALESCE((SELECT MAX(d2.id) FROM decisions d2 "
                 "  WHERE d2.candidate_id = c.id AND d2.status != 'confirmed'), 0)) END "
                 "FROM candidates c LEFT JOIN decisions dd ON dd.id = c.last_decision_id")

    def _candidate_rows(self, c: sqlite3.Connection, where: str, args: Sequence, order: str) -> list[CandidateRow]:
        rows = c.execute(f"{self._CAND_SQL} {where} {order}", list(args)).fetchall()
        spans = fetch_spans(c, [r[1] for r in rows] + [r[2] for r in rows])
        out = []
        for r in rows:
            features = loads(r[6], {}) or {}
            if r[12]:
                features = {**features, "manual": True}
            cand = Candidate(kind=r[3], rank=r[4], score=r[5], source=spans[r[1]].quote,
                             target=spans[r[2]].quote, features=features)
            dec = Decision(candidate_id=r[13], status=r[14], reviewer=r[15], time=r[16],
                           note=r[17]) if r[13] is not None else None
            out.append(CandidateRow(id=r[0], source_span_id=r[1], target_span_id=r[2], candidate=cand,
                                    status=r[7], decision=dec, stale=bool(r[8]), run_id=r[9],
                                    first_seen=r[10], last_seen=r[11], manual=bool(r[12]),
                                    confirmed_at=r[18]))
        return out

    def candidates(self, source_span_id: int | None = None, *, kind: str | None = None,
                   status: str | None = None, include_stale: bool = False) -> list[CandidateRow]:
        """Candidates ordered by source, kind, rank (stale ones last within a kind)."""
        where, args = [], []
        if source_span_id is not None:
            where.append("c.source_span_id = ?")
            args.append(source_span_id)
        if kind is not None:
            check_choice("match kind", kind, KINDS)
            where.append("c.kind = ?")
            args.append(kind)
        if status is not None:
            check_choice("review status", status, STATUSES)
            where.append("c.status = ?")
            args.append(status)
        if not include_stale:
            where.append("c.stale = 0")
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        with self._read() as c:
            return self._candidate_rows(c, clause, args,
                                        "ORDER BY c.source_span_id, c.kind, c.stale, c.rank, c.id")

    def candidate(self, candidate_id: int) -> CandidateRow:
        with self._read() as c:
            rows = self._candidate_rows(c, "WHERE c.id = ?", [candidate_id], "")
        if not rows:
            raise ProjectError(f"{self.path}: no candidate with id {candidate_id}")
        return rows[0]

    def confirmed_pairs(self) -> list[CandidateRow]:
        """Candidates whose latest decision is "confirmed", stale ones included.

        Ordered by source document, source position, kind, rank.
        """
        with self._read() as c:
            rows = self._candidate_rows(c, "WHERE c.status = 'confirmed'", [], "")
        return sorted(rows, key=lambda r: (r.candidate.source.doc, r.candidate.source.start,
                                           r.source_span_id, r.candidate.kind, r.candidate.rank, r.id))


def _age_s(iso: str | None) -> float:
    try:
        t = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - t).total_seconds()
