"""Documents and their spans (quotes and sentences) in the project store.

A document is stored once per version: the same path with new content is a
new version, older versions keep their spans, candidates and decisions.
Spans are keyed by ``(doc_id, start, end, is_quote)``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import fields

from ..errors import ProjectError
from ..records import Document, Quote
from ._base import StoreBase, chunks
from ._text import dumps, loads, normalise_search, text_sha256, utc_now
from .rows import DocumentRow, SpanRow

SOURCE_LANG = "en"
"""Language of the source quotes the review queue is made of."""

def parts_of(text: str | None) -> tuple[tuple[int, int], ...]:
    return tuple(tuple(int(x) for x in p) for p in (loads(text, []) or []))


_QUOTE_COLUMNS = {"doc", "lang", "text", "sentence", "start", "end", "sentence_start", "sentence_end",
                  "speaker", "outlet", "is_quote", "parts", "speaker_desc"}
_DOC_COLUMNS = {"path", "text", "lang", "encoding", "sha256", "body", "title"}


def _frozen(value):
    """JSON lists back to tuples, so records stay hashable."""
    if isinstance(value, list):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return {k: _frozen(v) for k, v in value.items()}
    return value


def _extra(record, columns: set[str], **more) -> str:
    """JSON of the record's fields that have no column (fields added to records later),
    plus ``more`` (bookkeeping that is not a record field, ignored when read back)."""
    return dumps({**{f.name: getattr(record, f.name) for f in fields(record) if f.name not in columns}, **more})


def resolved_path(path: str) -> str:
    """The absolute path with symbolic links resolved (the path itself if that fails)."""
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return str(path)


def extra_kwargs(text: str | None, cls) -> dict:
    known = {f.name for f in fields(cls)}
    return {k: _frozen(v) for k, v in (loads(text, {}) or {}).items() if k in known}


SPAN_COLS = ('s.id, s.doc_id, d.path, s.lang, s.text, s.sentence, s.start, s."end", '
              "s.sentence_start, s.sentence_end, s.speaker, s.outlet, s.is_quote, s.parts, "
              "s.speaker_desc, s.extra")
N_SPAN_COLS = 16


def span_row(r: Sequence) -> SpanRow:
    q = Quote(doc=r[2], lang=r[3], text=r[4], sentence=r[5], start=r[6], end=r[7],
              sentence_start=r[8], sentence_end=r[9], speaker=r[10], outlet=r[11],
              is_quote=bool(r[12]), parts=parts_of(r[13]), speaker_desc=r[14],
              **extra_kwargs(r[15], Quote))
    return SpanRow(id=r[0], doc_id=r[1], quote=q)


def span_values(doc_id: int, q: Quote) -> tuple:
    """The column values of one span row, in :data:`SPAN_UPSERT` order."""
    norm = "\n".join(x for x in (normalise_search(q.text), normalise_search(q.sentence),
                                 normalise_search(q.speaker), normalise_search(q.speaker_desc)) if x)
    return (doc_id, q.lang, q.text, q.sentence, q.start, q.end, q.sentence_start, q.sentence_end,
            q.speaker, q.outlet, int(bool(q.is_quote)), dumps([list(p) for p in q.parts]),
            q.speaker_desc, _extra(q, _QUOTE_COLUMNS), norm, normalise_search(q.speaker))


SPAN_UPSERT = (
    'INSERT INTO spans(doc_id, lang, text, sentence, start, "end", sentence_start, sentence_end, speaker, '
    "outlet, is_quote, parts, speaker_desc, extra, norm, speaker_norm) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    'ON CONFLICT(doc_id, start, "end", is_quote) DO UPDATE SET lang = excluded.lang, text = excluded.text, '
    "sentence = excluded.sentence, sentence_start = excluded.sentence_start, "
    "sentence_end = excluded.sentence_end, speaker = excluded.speaker, outlet = excluded.outlet, "
    "parts = excluded.parts, speaker_desc = excluded.speaker_desc, extra = excluded.extra, "
    "norm = excluded.norm, speaker_norm = excluded.speaker_norm")



def upsert_span(c: sqlite3.Connection, doc_id: int, q: Quote) -> int:
    """Insert or update one span; returns its id (no RETURNING: works on SQLite < 3.35)."""
    c.execute(SPAN_UPSERT, span_values(doc_id, q))
    return c.execute('SELECT id FROM spans WHERE doc_id = ? AND start = ? AND "end" = ? AND is_quote = ?',
                     (doc_id, q.start, q.end, int(bool(q.is_quote)))).fetchone()[0]


def fetch_spans(c: sqlite3.Connection, ids: Iterable[int]) -> dict[int, SpanRow]:
    """Spans by id (inside the caller's transaction ``c``)."""
    ids = list(set(ids))
    out: dict[int, SpanRow] = {}
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        for r in c.execute(f"SELECT {SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id "
                           f"WHERE s.id IN ({marks})", list(chunk)):
            out[r[0]] = span_row(r)
    return out


def span_keymap(c: sqlite3.Connection) -> tuple[dict[tuple, int], dict[str, int]]:
    """``({(path, start, end, is_quote): span_id}, {path: doc_id})`` of the current documents."""
    docs = dict(c.execute("SELECT path, id FROM documents WHERE current = 1"))
    keymap = {(path, s, e, q): sid for sid, path, s, e, q in c.execute(
        'SELECT s.id, d.path, s.start, s."end", s.is_quote FROM spans s '
        "JOIN documents d ON d.id = s.doc_id WHERE d.current = 1")}
    return keymap, docs


class DocumentStore(StoreBase):
    """Documents (versions, full text) and spans of a project."""

    def add_document(self, doc: Document) -> tuple[int, bool]:
        """Store ``doc``; returns ``(doc_id, is_new)``.

        Same path and sha256 as a stored version: not new (that version
        becomes current again if it had been superseded). Same path, other
        content: a new version row; older versions keep their spans,
        candidates and decisions but are no longer current.
        An empty ``doc.sha256`` is computed from the text.

        Identity is the file, not the spelling of its path: a document given
        once as ``in/a.txt`` and once as ``/home/me/in/a.txt`` (or through a
        symbolic link) with the same content is the same stored document.
        The resolved path is kept with each version for this.
        """
        sha = doc.sha256 or text_sha256(doc.text)
        resolved = resolved_path(doc.path)
        with self._write() as c:
            row = c.execute("SELECT id, current FROM documents WHERE path = ? AND sha256 = ?",
                            (doc.path, sha)).fetchone()
            if row is None:
                for doc_id, path, extra in c.execute(
                        "SELECT id, path, extra FROM documents WHERE sha256 = ? AND current = 1", (sha,)):
                    stored = (loads(extra, {}) or {}).get("resolved_path") or resolved_path(path)
                    if stored == resolved:
                        return doc_id, False
            if row is not None:
                doc_id, current = row
                if not current:
                    c.execute("UPDATE documents SET current = 0, superseded_by = ? "
                              "WHERE path = ? AND current = 1", (doc_id, doc.path))
                    c.execute("UPDATE documents SET current = 1, superseded_by = NULL WHERE id = ?",
                              (doc_id,))
                    self._audit(c, "restore document version", {"doc_id": doc_id, "path": doc.path})
                return doc_id, False
            version = c.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM documents WHERE path = ?",
                                (doc.path,)).fetchone()[0]
            c.execute("UPDATE documents SET current = 0 WHERE path = ? AND current = 1", (doc.path,))
            now = utc_now()
            cur = c.execute(
                "INSERT INTO documents(path, lang, encoding, sha256, text, title, body, added, version, current, "
                "extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
                (doc.path, doc.lang, doc.encoding, sha, doc.text, doc.title or "",
                 dumps([list(b) for b in doc.body]), now, version,
                 _extra(doc, _DOC_COLUMNS, resolved_path=resolved)))
            doc_id = cur.lastrowid
            c.execute("UPDATE documents SET superseded_by = ? WHERE path = ? AND id != ? "
                      "AND superseded_by IS NULL", (doc_id, doc.path, doc_id))
            self._audit(c, "add document", {"doc_id": doc_id, "path": doc.path, "lang": doc.lang,
                                            "sha256": sha, "version": version}, time=now)
            return doc_id, True

    def documents(self, current_only: bool = True) -> list[DocumentRow]:
        """Stored documents in the order they were added (current versions only by default)."""
        sql = ("SELECT d.id, d.path, d.lang, d.sha256, d.encoding, d.added, "
               "(SELECT COUNT(*) FROM spans s WHERE s.doc_id = d.id AND s.is_quote = 1), "
               "d.version, d.current, d.title FROM documents d")
        if current_only:
            sql += " WHERE d.current = 1"
        with self._read() as c:
            rows = c.execute(sql + " ORDER BY d.id").fetchall()
        return [DocumentRow(id=r[0], path=r[1], lang=r[2], sha256=r[3], encoding=r[4], added=r[5],
                            n_quotes=r[6], version=r[7], superseded=not r[8], title=r[9]) for r in rows]

    def document(self, doc_id: int) -> Document:
        """The full document (text, body ranges...) of ``doc_id``."""
        with self._read() as c:
            r = c.execute("SELECT path, text, lang, encoding, sha256, body, title, extra FROM documents "
                          "WHERE id = ?", (doc_id,)).fetchone()
        if r is None:
            raise ProjectError(f"{self.path}: no document with id {doc_id}")
        return Document(path=r[0], text=r[1], lang=r[2], encoding=r[3], sha256=r[4],
                        body=parts_of(r[5]), title=r[6] or "", **extra_kwargs(r[7], Document))

    # ------------------------------------------------------------------ spans

    def set_spans(self, doc_id: int, spans: Iterable[Quote]) -> list[int]:
        """Store quotes and sentences of ``doc_id``; returns their ids in order.

        Idempotent by (doc_id, start, end, is_quote): an existing span gets
        the new text/speaker/outlet/parts. Spans not listed are kept.
        """
        return [sid for sid, _ in self.upsert_spans(doc_id, spans)]

    def upsert_spans(self, doc_id: int, spans: Iterable[Quote]) -> list[tuple[int, bool]]:
        """Like :meth:`set_spans` but returns ``(span_id, is_new)`` per span."""
        spans = list(spans)
        with self._write() as c:
            doc = c.execute("SELECT text, path FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if doc is None:
                raise ProjectError(f"{self.path}: no document with id {doc_id}")
            text_len = len(doc[0])
            before = {(s, e, q): sid for sid, s, e, q in c.execute(
                'SELECT id, start, "end", is_quote FROM spans WHERE doc_id = ?', (doc_id,))}
            rows = []
            for q in spans:
                if not (0 <= q.start <= q.end <= text_len):
                    raise ProjectError(f"{self.path}: span {q.start}..{q.end} does not fit document "
                                       f"{doc[1]} ({text_len} characters)")
                rows.append(span_values(doc_id, q))
            c.executemany(SPAN_UPSERT, rows)
            after = {(s, e, q): sid for sid, s, e, q in c.execute(
                'SELECT id, start, "end", is_quote FROM spans WHERE doc_id = ?', (doc_id,))}
            out = []
            for q in spans:
                key = (q.start, q.end, int(bool(q.is_quote)))
                out.append((after[key], key not in before))
            n_new = len({sid for sid, new in out if new})
            self._audit(c, "set spans", {"doc_id": doc_id, "n": len(spans), "new": n_new})
            return out

    def spans(self, doc_id: int | None = None, *, lang: str | None = None,
              is_quote: bool | None = None, current_only: bool = True) -> list[SpanRow]:
        """Spans of ``doc_id`` (or of every current document), in document order."""
        where, args = [], []
        if doc_id is not None:
            where.append("s.doc_id = ?")
            args.append(doc_id)
        elif current_only:
            where.append("d.current = 1")
        if lang is not None:
            where.append("s.lang = ?")
            args.append(lang)
        if is_quote is not None:
            where.append("s.is_quote = ?")
            args.append(int(bool(is_quote)))
        sql = f"SELECT {SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.doc_id, s.start, s.is_quote DESC, s.\"end\", s.id"
        with self._read() as c:
            return [span_row(r) for r in c.execute(sql, args)]

    def span(self, span_id: int) -> SpanRow:
        with self._read() as c:
            r = c.execute(f"SELECT {SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id "
                          "WHERE s.id = ?", (span_id,)).fetchone()
        if r is None:
            raise ProjectError(f"{self.path}: no span with id {span_id}")
        return span_row(r)

    def speakers(self) -> list[str]:
        """Distinct speakers of the English source quotes of current documents."""
        with self._read() as c:
            rows = c.execute("SELECT DISTINCT s.speaker FROM spans s JOIN documents d ON d.id = s.doc_id "
                             "WHERE d.current = 1 AND s.is_quote = 1 AND s.lang = ? "
                             "AND s.speaker IS NOT NULL AND s.speaker != ''", (SOURCE_LANG,)).fetchall()
        return sorted((r[0] for r in rows), key=lambda s: (normalise_search(s), s))

