"""The connection every part of the project store shares: transactions, errors, audit.

:class:`StoreBase` owns the SQLite connection and the lock around it. Each
part of :class:`aligner.store.Project` (documents, embeddings, candidates,
review) is a subclass that only adds queries; they all write through
:meth:`StoreBase._write` and read through :meth:`StoreBase._read`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import ChoiceError, ProjectError
from ._text import dumps, utc_now

CHUNK = 900
"""Ids per ``IN (...)`` query, well under SQLite's variable limit."""


def chunks(seq: Sequence, n: int = CHUNK) -> Iterator[Sequence]:
    """``seq`` in slices of at most ``n`` items."""
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


def check_choice(what: str, value, choices: Sequence[str]) -> None:
    """Raise :class:`ChoiceError` (listing ``choices``) unless ``value`` is one of them."""
    if value not in choices:
        raise ChoiceError(what, value, choices)


class StoreBase:
    """An open SQLite connection with one lock, transactions and the audit trail.

    Thread-safe (one lock around the connection). Every failure of the
    database surfaces as :class:`ProjectError` naming the file.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection, *, actor: str, busy_timeout: float):
        self.path = path
        self.actor = actor
        self.busy_timeout = busy_timeout
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None

    @property
    def closed(self) -> bool:
        return self._conn is None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {str(self.path)!r}{' closed' if self.closed else ''}>"

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

