"""The project file: one SQLite database holding a whole review project.

See ``aligner/store/__init__.py`` for the overview. :class:`Project` itself
only opens the file (checks, schema migrations, backups) and keeps its
metadata and audit trail; the queries live in its parts:

- :mod:`aligner.store.documents`: documents, versions and spans;
- :mod:`aligner.store.embeddings`: the embedding cache (get and put vectors);
- :mod:`aligner.store.candidates`: alignment runs and candidates;
- :mod:`aligner.store.review`: decisions, manual links, the review queue;
- :mod:`aligner.store.articles`: article pairs (which sources an English article draws on);
- :mod:`aligner.store.bitext`: whole-text alignments (article pairs, beads, their review);
- :mod:`aligner.store.names`: the reviewers' name decisions (append-only log);
- :mod:`aligner.store.files`: WAL checkpoints, a complete copy, rolling daily backups;
- :mod:`aligner.store._base`: the connection, transactions and audit they share.

Every public write method runs in one ``BEGIN IMMEDIATE`` transaction and
commits before it returns (WAL, ``synchronous=FULL``), so a killed process
loses nothing that a call already returned. Reads run in a (deferred) read
transaction so each call sees one consistent snapshot while another process
writes.
"""

from __future__ import annotations

import getpass
import os
import sqlite3
from pathlib import Path

from .. import __version__
from ..errors import ProjectError
from ..io.atomic import glob_escape
from ..settings import SETTINGS, Settings
from . import _schema
from ._text import loads, utc_now
from .articles import ArticlePairStore
from .bitext import BitextStore
from .candidates import CandidateStore
from .documents import DocumentStore
from .embeddings import EmbeddingStore
from .files import FileStore
from .names import NameDecisionStore
from .review import ReviewStore

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        return "unknown"


class Project(DocumentStore, EmbeddingStore, CandidateStore, ReviewStore, NameDecisionStore, FileStore, BitextStore,
              ArticlePairStore):
    """One open project file. Use :meth:`open`; close it (or use ``with``).

    Thread-safe (one lock around the connection); several processes may
    open the same file at once (WAL + busy timeout + immediate transactions).
    Every failure of the database surfaces as :class:`ProjectError`.
    """

    @classmethod
    def open(cls, path: str | os.PathLike, create: bool = False, *, actor: str | None = None,
             busy_timeout: float | None = None, check: bool | None = None,
             settings: Settings = SETTINGS) -> Project:
        """Open the project at ``path``; create it only if ``create`` is True.

        Raises :class:`ProjectError` (the file is left untouched) when the
        file is missing and ``create`` is False, is not an aligner project
        (text, random bytes, another SQLite database), is corrupt or
        truncated (``PRAGMA quick_check``, unless ``check=False``), was
        written by a newer version, or stays locked by another program
        longer than ``busy_timeout`` seconds. Older schemas are migrated in
        place after a backup copy ``<file>.v<N>.bak`` is made.
        ``actor`` names who writes in the audit trail (default: OS user).
        ``busy_timeout`` and ``check`` default to ``settings.project_busy_timeout``
        and ``settings.project_check_on_open``.
        """
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
            project.mark_interrupted_runs()
        except BaseException:
            conn.close()
            project._conn = None
            raise
        return project

    @property
    def schema_version(self) -> int:
        with self._read() as c:
            return c.execute("PRAGMA user_version").fetchone()[0]

    def meta(self) -> dict[str, str]:
        """The ``meta`` table: app_version, created, created_by, ..."""
        with self._read() as c:
            return dict(c.execute("SELECT key, value FROM meta"))

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


# ----------------------------------------------------------------------------- opening checks


def _newer_error(path: Path, version: int, ours: int) -> ProjectError:
    return ProjectError(f"{path}: this project was written by a newer version of aligner (schema {version}; "
                        f"this version understands up to {ours}); upgrade aligner to open it")


def _damaged_error(path: Path, problems: list[str]) -> ProjectError:
    """One line: SQLite's own report can run to many lines of page numbers."""
    first = " ".join(str(problems[0]).split()) if problems else "unknown problem"
    if len(first) > 80:
        first = first[:79] + "…"
    more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
    backups = sorted(path.parent.glob(glob_escape(path.name) + ".v*.bak"))
    hint = f"restore the backup {backups[-1].name}" if backups else "restore a backup copy"
    return ProjectError(f"{path}: the project file is damaged (SQLite reports: {first}{more}); "
                        f"it was left untouched; {hint}")


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
        raise _damaged_error(path, [str(e)]) from e
    finally:
        conn.close()
    if app_id != _schema.APPLICATION_ID:
        if app_id == 0 and version == 0 and n_tables == 0 and create:
            return True  # an empty SQLite file (e.g. a creation that never finished)
        raise _not_ours_error(path)
    if version > _schema.schema_version():
        raise _newer_error(path, version, _schema.schema_version())
    if problems != ["ok"]:
        raise _damaged_error(path, problems)
    return False
