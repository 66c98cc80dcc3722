"""The project file: one SQLite database holding a whole review project.

See ``aligner/store/__init__.py`` for the overview. Every public write method
runs in one ``BEGIN IMMEDIATE`` transaction and commits before it returns
(WAL, ``synchronous=FULL``), so a killed process loses nothing that a call
already returned. Reads run in a (deferred) read transaction so each call
sees one consistent snapshot while another process writes.
"""

from __future__ import annotations

import contextlib
import getpass
import math
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from .. import __version__
from ..errors import ChoiceError, DimensionError, ProjectError
from ..records import Candidate, Decision, Document, Quote
from . import _schema
from ._text import dumps, loads, normalise_search, text_sha1, text_sha256, utc_now

STATUSES = ("pending", "confirmed", "rejected", "skipped")
KINDS = ("translation", "variant")
SOURCE_LANG = "en"
_CHUNK = 900  # ids per IN (...) query, well under SQLite's variable limit
_SQLITE_MAGIC = b"SQLite format 3\x00"


# ----------------------------------------------------------------------------- rows


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


class EmbeddingLookup(tuple):
    """Result of :meth:`Project.get_embeddings`: the 2-tuple ``(vectors, missing)``.

    ``vectors``: (len(texts), dim) float32, C-contiguous; rows of missing texts
    are zero. ``missing``: indexes (into ``texts``) of texts not cached.
    It is also a read-only mapping ``text -> (dim,) float32`` of the texts
    that were found (``keys()``, ``lookup[text]``, ``items()``, ``get()``,
    ``text in lookup``), so ``some_dict.update(lookup)`` works too.
    """

    def __new__(cls, vectors: np.ndarray, missing: list[int], found: dict[str, np.ndarray]):
        obj = super().__new__(cls, (vectors, missing))
        obj._found = found
        return obj

    @property
    def vectors(self) -> np.ndarray:
        return tuple.__getitem__(self, 0)

    @property
    def missing(self) -> list[int]:
        return tuple.__getitem__(self, 1)

    def keys(self):
        return self._found.keys()

    def values(self):
        return self._found.values()

    def items(self):
        return self._found.items()

    def get(self, text: str, default=None):
        return self._found.get(text, default)

    def as_dict(self) -> dict[str, np.ndarray]:
        return dict(self._found)

    def __getitem__(self, key):
        if isinstance(key, str):
            return self._found[key]
        return tuple.__getitem__(self, key)

    def __contains__(self, key) -> bool:
        if isinstance(key, str):
            return key in self._found
        return any(key is x for x in self)


# ----------------------------------------------------------------------------- helpers


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


def _check_choice(what: str, value, choices: Sequence[str]) -> None:
    if value not in choices:
        raise ChoiceError(what, value, choices)


def _chunks(seq: Sequence, n: int = _CHUNK) -> Iterator[Sequence]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def _parts(text: str | None) -> tuple[tuple[int, int], ...]:
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


def _extra(record, columns: set[str]) -> str:
    """JSON of the record's fields that have no column (fields added to records later)."""
    return dumps({f.name: getattr(record, f.name) for f in fields(record) if f.name not in columns})


def _extra_kwargs(text: str | None, cls) -> dict:
    known = {f.name for f in fields(cls)}
    return {k: _frozen(v) for k, v in (loads(text, {}) or {}).items() if k in known}


def _quote_status(n_all: int, n_conf: int, n_rej: int, n_skip: int) -> str:
    """Status of a source quote from its candidates' statuses (see Project.queue)."""
    if n_conf:
        return "confirmed"
    if n_all and n_rej == n_all:
        return "rejected"
    if n_skip:
        return "skipped"
    return "pending"


_SPAN_COLS = ('s.id, s.doc_id, d.path, s.lang, s.text, s.sentence, s.start, s."end", '
              "s.sentence_start, s.sentence_end, s.speaker, s.outlet, s.is_quote, s.parts, "
              "s.speaker_desc, s.extra")
_N_SPAN_COLS = 16


def _span_row(r: Sequence) -> SpanRow:
    q = Quote(doc=r[2], lang=r[3], text=r[4], sentence=r[5], start=r[6], end=r[7],
              sentence_start=r[8], sentence_end=r[9], speaker=r[10], outlet=r[11],
              is_quote=bool(r[12]), parts=_parts(r[13]), speaker_desc=r[14],
              **_extra_kwargs(r[15], Quote))
    return SpanRow(id=r[0], doc_id=r[1], quote=q)


# ----------------------------------------------------------------------------- project


class Project:
    """One open project file. Use :meth:`open`; close it (or use ``with``).

    Thread-safe (one lock around the connection); several processes may
    open the same file at once (WAL + busy timeout + immediate transactions).
    Every failure of the database surfaces as :class:`ProjectError`.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, *, actor: str, busy_timeout: float):
        self.path = path
        self.actor = actor
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ open / close

    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False, *, actor: str | None = None,
             busy_timeout: float | None = None, check: bool | None = None) -> Project:
        """Open the project at ``path``; create it only if ``create`` is True.

        Raises :class:`ProjectError` (the file is left untouched) when the
        file is missing and ``create`` is False, is not an aligner project
        (text, random bytes, another SQLite database), is corrupt or
        truncated (``PRAGMA quick_check``, unless ``check=False``), was
        written by a newer version, or stays locked by another program
        longer than ``busy_timeout`` seconds. Older schemas are migrated in
        place after a backup copy ``<file>.v<N>.bak`` is made.
        ``actor`` names who writes in the audit trail (default: OS user).
        """
        from ..settings import Settings

        settings = Settings.from_env()
        timeout = float(settings.project_busy_timeout if busy_timeout is None else busy_timeout)
        check = settings.project_check_on_open if check is None else check
        path = Path(path).expanduser()
        if path.exists():
            if not path.is_file():
                raise ProjectError(f"{path}: is a folder, not a project file")
            allow_empty_db = _precheck(path, timeout, check, create)
        else:
            if not create:
                raise ProjectError(f"{path}: no such project file (nothing was created)")
            if not path.parent.is_dir():
                raise ProjectError(f"{path}: cannot create the project, folder {path.parent} does not exist")
            allow_empty_db = True
        try:
            conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as e:
            raise ProjectError(f"{path}: cannot open the project ({e})") from e
        project = cls(path, conn, actor=actor or _default_actor(), busy_timeout=timeout)
        try:
            with project._translated():
                conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
            project._migrate(allow_empty_db)
        except BaseException:
            conn.close()
            project._conn = None
            raise
        return project

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Project {str(self.path)!r}{' closed' if self.closed else ''}>"

    @property
    def schema_version(self) -> int:
        with self._read() as c:
            return c.execute("PRAGMA user_version").fetchone()[0]

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: app_version, created, created_by, ..."""
        with self._read() as c:
            return dict(c.execute("SELECT key, value FROM meta"))

    def name_constraints(self) -> dict | None:
        """The reviewers' name-cluster decisions (JSON data of
        :func:`aligner.names.constraints_to_json`), or None if there are none."""
        raw = self.meta().get("names_constraints")
        return loads(raw, None) if raw else None

    def set_name_constraints(self, data: dict, actor: str | None = None) -> None:
        """Replace the stored name decisions (kept when clustering re-runs); audited."""
        text = dumps(data)
        with self._write() as c:
            c.execute("INSERT INTO meta(key, value) VALUES ('names_constraints', ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (text,))
            self._audit(c, "names.constraints", {"size": len(text)}, actor)

    # ------------------------------------------------------------------ transactions

    def _error(self, e: sqlite3.Error) -> ProjectError:
        msg = str(e)
        low = msg.lower()
        if "locked" in low or "busy" in low:
            return ProjectError(
                f"{self.path}: the project is locked by another program (waited {self.busy_timeout:g} s); "
                "close the other program or try again")
        if "malformed" in low or "not a database" in low or "corrupt" in low:
            return ProjectError(f"{self.path}: the project file is damaged ({msg}); restore a backup")
        if "readonly" in low or "read-only" in low:
            return ProjectError(f"{self.path}: the project file or its folder is read-only ({msg})")
        if "disk is full" in low or "disk i/o" in low:
            return ProjectError(f"{self.path}: cannot write the project ({msg})")
        return ProjectError(f"{self.path}: database error: {msg}")

    @contextlib.contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as e:
            raise self._error(e) from e

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ProjectError(f"{self.path}: the project is closed")
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        """``begin`` ... COMMIT on the project's connection, rolled back on any error."""
        with self._lock:
            conn = self._connection()
            with self._translated():
                conn.execute(begin)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as e:
                with contextlib.suppress(sqlite3.Error):
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                if isinstance(e, sqlite3.Error):
                    raise self._error(e) from e
                raise

    def _write(self):
        """One write transaction (BEGIN IMMEDIATE: takes the write lock up front)."""
        return self._transaction("BEGIN IMMEDIATE")

    def _read(self):
        """One read transaction: every query inside sees the same snapshot."""
        return self._transaction("BEGIN")

    def _audit(self, c: sqlite3.Connection, action: str, details: dict, actor: str | None = None,
               time: str | None = None) -> None:
        c.execute("INSERT INTO audit(time, actor, action, details) VALUES (?, ?, ?, ?)",
                  (time or utc_now(), actor or self.actor, action, dumps(details)))

    def _migrate(self, allow_empty_db: bool) -> None:
        target = _schema.schema_version()
        backed_up = False
        while True:
            with self._read() as c:
                version = c.execute("PRAGMA user_version").fetchone()[0]
            if version > target:
                raise _newer_error(self.path, version, target)
            if version == target:
                return  # up to date: opening takes no write lock
            if version >= 1 and not backed_up:
                self._backup(version)
                backed_up = True
            with self._write() as c:
                version = c.execute("PRAGMA user_version").fetchone()[0]
                if version > target:
                    raise _newer_error(self.path, version, target)
                if version == target:
                    return
                if version == 0:
                    n_tables = c.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
                    app_id = c.execute("PRAGMA application_id").fetchone()[0]
                    if n_tables or app_id not in (0, _schema.APPLICATION_ID) or not allow_empty_db:
                        raise _not_ours_error(self.path)
                try:
                    _schema.MIGRATIONS[version](c)
                except sqlite3.Error as e:
                    raise ProjectError(f"{self.path}: upgrading the project from schema {version} to "
                                       f"{version + 1} failed ({e}); the file was left unchanged") from e
                c.execute(f"PRAGMA user_version = {version + 1}")
                now = utc_now()
                if version == 0:
                    c.executemany("INSERT INTO meta(key, value) VALUES (?, ?)", [
                        ("app", "alignment-workbench"), ("app_version", __version__),
                        ("created", now), ("created_by", self.actor)])
                    self._audit(c, "create project", {"schema": version + 1, "app_version": __version__},
                                time=now)
                else:
                    c.execute("INSERT INTO meta(key, value) VALUES ('migrated', ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (now,))
                    c.execute("INSERT INTO meta(key, value) VALUES ('app_version', ?) "
                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (__version__,))
                    self._audit(c, "migrate", {"from": version, "to": version + 1,
                                               "app_version": __version__}, time=now)

    def _backup(self, version: int) -> None:
        dest = self.path.with_name(f"{self.path.name}.v{version}.bak")
        if dest.exists():
            return
        with self._lock, self._translated():
            tmp = dest.with_name(dest.name + ".tmp")
            out = sqlite3.connect(str(tmp))
            try:
                self._connection().backup(out)
            finally:
                out.close()
            os.replace(tmp, dest)

    # ------------------------------------------------------------------ documents

    def add_document(self, doc: Document) -> tuple[int, bool]:
        """Store ``doc``; returns ``(doc_id, is_new)``.

        Same path and sha256 as a stored version: not new (that version
        becomes current again if it had been superseded). Same path, other
        content: a new version row; older versions keep their spans,
        candidates and decisions but are no longer current.
        An empty ``doc.sha256`` is computed from the text.
        """
        sha = doc.sha256 or text_sha256(doc.text)
        with self._write() as c:
            row = c.execute("SELECT id, current FROM documents WHERE path = ? AND sha256 = ?",
                            (doc.path, sha)).fetchone()
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
                 dumps([list(b) for b in doc.body]), now, version, _extra(doc, _DOC_COLUMNS)))
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
                        body=_parts(r[5]), title=r[6] or "", **_extra_kwargs(r[7], Document))

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
                rows.append(self._span_values(doc_id, q))
            c.executemany(_SPAN_UPSERT, rows)
            after = {(s, e, q): sid for sid, s, e, q in c.execute(
                'SELECT id, start, "end", is_quote FROM spans WHERE doc_id = ?', (doc_id,))}
            out = []
            for q in spans:
                key = (q.start, q.end, int(bool(q.is_quote)))
                out.append((after[key], key not in before))
            n_new = len({sid for sid, new in out if new})
            self._audit(c, "set spans", {"doc_id": doc_id, "n": len(spans), "new": n_new})
            return out

    @staticmethod
    def _span_values(doc_id: int, q: Quote) -> tuple:
        norm = "\n".join(x for x in (normalise_search(q.text), normalise_search(q.sentence),
                                     normalise_search(q.speaker), normalise_search(q.speaker_desc)) if x)
        return (doc_id, q.lang, q.text, q.sentence, q.start, q.end, q.sentence_start, q.sentence_end,
                q.speaker, q.outlet, int(bool(q.is_quote)), dumps([list(p) for p in q.parts]),
                q.speaker_desc, _extra(q, _QUOTE_COLUMNS), norm, normalise_search(q.speaker))

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
        sql = f"SELECT {_SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.doc_id, s.start, s.is_quote DESC, s.\"end\", s.id"
        with self._read() as c:
            return [_span_row(r) for r in c.execute(sql, args)]

    def span(self, span_id: int) -> SpanRow:
        with self._read() as c:
            r = c.execute(f"SELECT {_SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id "
                          "WHERE s.id = ?", (span_id,)).fetchone()
        if r is None:
            raise ProjectError(f"{self.path}: no span with id {span_id}")
        return _span_row(r)

    def speakers(self) -> list[str]:
        """Distinct speakers of the English source quotes of current documents."""
        with self._read() as c:
            rows = c.execute("SELECT DISTINCT s.speaker FROM spans s JOIN documents d ON d.id = s.doc_id "
                             "WHERE d.current = 1 AND s.is_quote = 1 AND s.lang = ? "
                             "AND s.speaker IS NOT NULL AND s.speaker != ''", (SOURCE_LANG,)).fetchall()
        return sorted((r[0] for r in rows), key=lambda s: (normalise_search(s), s))

    def _fetch_spans(self, c: sqlite3.Connection, ids: Iterable[int]) -> dict[int, SpanRow]:
        ids = list(set(ids))
        out: dict[int, SpanRow] = {}
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            for r in c.execute(f"SELECT {_SPAN_COLS} FROM spans s JOIN documents d ON d.id = s.doc_id "
                               f"WHERE s.id IN ({marks})", list(chunk)):
                out[r[0]] = _span_row(r)
        return out

    # ------------------------------------------------------------------ embeddings

    def get_embeddings(self, model: str, texts: Sequence[str], *, dim: int | None = None) -> EmbeddingLookup:
        """Cached embeddings of ``texts`` for ``model``.

        Returns :class:`EmbeddingLookup` ``(vectors, missing)``: vectors
        (len(texts), dim) float32 with zero rows for the ``missing`` indexes.
        When nothing is cached for ``model`` the dim is ``dim`` if given, else 0.
        """
        texts = list(texts)
        keys = [text_sha1(t) for t in texts]
        found: dict[str, bytes] = {}
        with self._read() as c:
            stored_dim = c.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
            uniq = list(dict.fromkeys(keys))
            for chunk in _chunks(uniq):
                marks = ",".join("?" * len(chunk))
                for key, vec in c.execute(f"SELECT text_sha1, vec FROM embeddings WHERE model = ? "
                                          f"AND text_sha1 IN ({marks})", [model, *chunk]):
                    found[key] = vec
        d = stored_dim[0] if stored_dim else (int(dim) if dim is not None else 0)
        if dim is not None and stored_dim and stored_dim[0] != dim:
            raise DimensionError(f"embeddings of {model!r} in {self.path} have dim {stored_dim[0]}, not {dim}")
        vectors = np.zeros((len(texts), d), dtype=np.float32)
        missing: list[int] = []
        by_text: dict[str, np.ndarray] = {}
        for i, (t, k) in enumerate(zip(texts, keys)):
            blob = found.get(k)
            if blob is None:
                missing.append(i)
                continue
            vectors[i] = np.frombuffer(blob, dtype="<f4")
            by_text[t] = vectors[i]
        return EmbeddingLookup(vectors, missing, by_text)

    def put_embeddings(self, model: str, texts: Sequence[str], vecs: np.ndarray) -> None:
        """Cache ``vecs`` (len(texts), dim) float32, C-contiguous, for ``model``."""
        texts = list(texts)
        if not isinstance(vecs, np.ndarray) or vecs.dtype != np.float32 or vecs.ndim != 2:
            got = getattr(vecs, "dtype", type(vecs).__name__)
            raise DimensionError(f"embeddings must be a 2-D float32 array, got {got} "
                                 f"with shape {getattr(vecs, 'shape', None)}")
        if not vecs.flags.c_contiguous:
            raise DimensionError("embeddings must be C-contiguous (use np.ascontiguousarray)")
        if vecs.shape[0] != len(texts):
            raise DimensionError(f"{len(texts)} texts but {vecs.shape[0]} embedding rows")
        dim = int(vecs.shape[1])
        if not texts:
            return
        little = vecs.astype("<f4", copy=False)
        rows = [(model, text_sha1(t), dim, little[i].tobytes()) for i, t in enumerate(texts)]
        with self._write() as c:
            stored = c.execute("SELECT dim FROM embeddings WHERE model = ? LIMIT 1", (model,)).fetchone()
            if stored and stored[0] != dim:
                raise DimensionError(f"embeddings of {model!r} in {self.path} have dim {stored[0]}, "
                                     f"not {dim}: is this the same model?")
            c.executemany("INSERT OR REPLACE INTO embeddings(model, text_sha1, dim, vec) VALUES (?, ?, ?, ?)",
                          rows)
            self._audit(c, "put embeddings", {"model": model, "n": len(rows), "dim": dim})

    def embeddings_for(self, encoder, texts: Sequence[str], *,
                       progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """(len(texts), encoder.dim) float32: cached rows, the rest encoded now and cached.

        Rows are keyed by ``encoder.embedding_key`` where the encoder has one
        (model id plus the text normalisations it applies), else ``encoder.name``.
        """
        texts = list(texts)
        key = getattr(encoder, "embedding_key", encoder.name)
        lookup = self.get_embeddings(key, texts, dim=encoder.dim)
        vectors, missing = lookup
        if missing:
            todo = list(dict.fromkeys(texts[i] for i in missing))
            new = np.ascontiguousarray(encoder.encode(todo, progress=progress), dtype=np.float32)
            if new.shape != (len(todo), encoder.dim):
                raise DimensionError(f"encoder {encoder.name} returned shape {new.shape}, "
                                     f"expected {(len(todo), encoder.dim)}")
            self.put_embeddings(key, todo, new)
            row = {t: new[j] for j, t in enumerate(todo)}
            for i in missing:
                vectors[i] = row[texts[i]]
        elif progress is not None:
            progress(len(texts), len(texts))
        return np.ascontiguousarray(vectors)

    # ------------------------------------------------------------------ runs

    def start_run(self, model: str, params: dict) -> int:
        with self._write() as c:
            now = utc_now()
            run_id = c.execute("INSERT INTO runs(model, params, started) VALUES (?, ?, ?)",
                               (model, dumps(params or {}), now)).lastrowid
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

    def runs(self) -> list[dict]:
        """Every run, oldest first: {id, model, params, stats, started, finished}."""
        with self._read() as c:
            rows = c.execute("SELECT id, model, params, stats, started, finished FROM runs ORDER BY id").fetchall()
        return [{"id": r[0], "model": r[1], "params": loads(r[2], {}), "stats": loads(r[3]),
                 "started": r[4], "finished": r[5]} for r in rows]

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
            _check_choice("match kind", cand.kind, KINDS)
            if not math.isfinite(float(cand.score)):
                raise ProjectError(f"{self.path}: candidate score must be a finite number, got {cand.score!r}")
        with self._write() as c:
            now = utc_now()
            if run_id is not None and c.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone() is None:
                raise ProjectError(f"{self.path}: no run with id {run_id}")
            keymap, docs = self._span_keymap(c)
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
                    sid = _upsert_span(c, doc, q)
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

    def _span_keymap(self, c: sqlite3.Connection) -> tuple[dict[tuple, int], dict[str, int]]:
        docs = dict(c.execute("SELECT path, id FROM documents WHERE current = 1"))
        keymap = {(path, s, e, q): sid for sid, path, s, e, q in c.execute(
            'SELECT s.id, d.path, s.start, s."end", s.is_quote FROM spans s '
            "JOIN documents d ON d.id = s.doc_id WHERE d.current = 1")}
        return keymap, docs

    @staticmethod
    def _candidate_keys(c: sqlite3.Connection, sources: Iterable[int]) -> dict[tuple, tuple[int, int, int]]:
        out = {}
        for chunk in _chunks(sorted(sources)):
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
        spans = self._fetch_spans(c, [r[1] for r in rows] + [r[2] for r in rows])
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
            _check_choice("match kind", kind, KINDS)
            where.append("c.kind = ?")
            args.append(kind)
        if status is not None:
            _check_choice("review status", status, STATUSES)
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

    # ------------------------------------------------------------------ decisions

    def decide(self, candidate_id: int, status: str, reviewer: str, note: str | None = None) -> Decision:
        """Append a decision; it becomes the candidate's status. Commits before returning.

        ``note=None`` keeps the candidate's current note; a string (even "") replaces it.
        """
        _check_choice("review status", status, STATUSES)
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
        _check_choice("match kind", kind, KINDS)
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
                target = _upsert_span(c, target_doc_id, q)
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
            _check_choice("review status", status, STATUSES)
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
            SELECT {_SPAN_COLS},
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
            n_all, n_conf, n_rej, n_skip, n_live, best, n_lang = r[_N_SPAN_COLS:_N_SPAN_COLS + 7]
            st = _quote_status(n_all, n_conf, n_rej, n_skip)
            if status is not None and st != status:
                continue
            if lang is not None and not n_lang:
                continue
            if min_score is not None and (best is None or best < min_score):
                continue
            out.append(QueueItem(span=_span_row(r), best_score=best, n_candidates=n_live, status=st))
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

    # ------------------------------------------------------------------ audit

    def audit_log(self, limit: int | None = None) -> list[dict]:
        """Audit entries, newest first: {id, time, actor, action, details}."""
        sql = "SELECT id, time, actor, action, details FROM audit ORDER BY id DESC"
        args: list = []
        if limit is not None:
            sql += " LIMIT ?"
            args.append(int(limit))
        with self._read() as c:
            rows = c.execute(sql, args).fetchall()
        return [{"id": r[0], "time": r[1], "actor": r[2], "action": r[3], "details": loads(r[4], {})}
                for r in rows]

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check`` result ("ok" when healthy) plus foreign-key check."""
        with self._read() as c:
            res = [r[0] for r in c.execute("PRAGMA integrity_check")]
            fk = c.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            res.append(f"{len(fk)} foreign-key violations")
        return "\n".join(res)


_SPAN_UPSERT = (
    'INSERT INTO spans(doc_id, lang, text, sentence, start, "end", sentence_start, sentence_end, speaker, '
    "outlet, is_quote, parts, speaker_desc, extra, norm, speaker_norm) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    'ON CONFLICT(doc_id, start, "end", is_quote) DO UPDATE SET lang = excluded.lang, text = excluded.text, '
    "sentence = excluded.sentence, sentence_start = excluded.sentence_start, "
    "sentence_end = excluded.sentence_end, speaker = excluded.speaker, outlet = excluded.outlet, "
    "parts = excluded.parts, speaker_desc = excluded.speaker_desc, extra = excluded.extra, "
    "norm = excluded.norm, speaker_norm = excluded.speaker_norm")


def _upsert_span(c: sqlite3.Connection, doc_id: int, q: Quote) -> int:
    """Insert or update one span; returns its id (no RETURNING: works on SQLite < 3.35)."""
    c.execute(_SPAN_UPSERT, Project._span_values(doc_id, q))
    return c.execute('SELECT id FROM spans WHERE doc_id = ? AND start = ? AND "end" = ? AND is_quote = ?',
                     (doc_id, q.start, q.end, int(bool(q.is_quote)))).fetchone()[0]


# ----------------------------------------------------------------------------- opening checks


def _newer_error(path: Path, version: int, ours: int) -> ProjectError:
    return ProjectError(f"{path}: this project was written by a newer version of aligner (schema {version}; "
                        f"this version understands up to {ours}); upgrade aligner to open it")


def _not_ours_error(path: Path) -> ProjectError:
    return ProjectError(f"{path}: is a SQLite database but not an aligner project")


def _precheck(path: Path, timeout: float, check: bool, create: bool) -> bool:
    """Validate an existing file without writing to it; returns True if it is an empty SQLite db.

    Reads the header, then opens the database read-only (``immutable`` when
    no WAL file exists, so not even -wal/-shm files are created).
    """
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as e:
        raise ProjectError(f"{path}: cannot read the project file ({e.strerror or e})") from e
    if not header:
        raise ProjectError(f"{path}: the file is empty; it is not an aligner project")
    if not header.startswith(_SQLITE_MAGIC):
        raise ProjectError(f"{path}: is not an aligner project (not a SQLite database)")
    if len(header) < 100:
        raise ProjectError(f"{path}: the project file is damaged (truncated header); restore a backup")
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
    except sqlite3.Error as e:
        raise ProjectError(f"{path}: cannot open the project ({e})") from e
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        n_tables = conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]
        problems = [r[0] for r in conn.execute("PRAGMA quick_check(5)")] if check else ["ok"]
    except sqlite3.Error as e:
        low = str(e).lower()
        if "locked" in low or "busy" in low:
            raise ProjectError(f"{path}: the project is locked by another program (waited {timeout:g} s); "
                               "close the other program or try again") from e
        raise ProjectError(f"{path}: the project file is damaged ({e}); restore a backup") from e
    finally:
        conn.close()
    if app_id != _schema.APPLICATION_ID:
        if app_id == 0 and version == 0 and n_tables == 0 and create:
            return True  # an empty SQLite file (e.g. a creation that never finished)
        raise _not_ours_error(path)
    if version > _schema.schema_version():
        raise _newer_error(path, version, _schema.schema_version())
    if problems != ["ok"]:
        raise ProjectError(f"{path}: the project file is damaged ({'; '.join(problems)}); restore a backup")
    return False
