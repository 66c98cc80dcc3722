"""The project as one file: WAL checkpoints, a complete copy, rolling daily backups.

While a project is open, SQLite's write-ahead log (``<file>-wal``) holds the
latest commits. :meth:`FileStore.checkpoint` moves them into the main file
(the app calls it after a batch of decisions and when idle), so a copy of
just the ``.aligner`` file is complete. :meth:`FileStore.save_copy` writes
one self-contained file with SQLite's backup API (safe while other
connections write). :meth:`FileStore.daily_backup` keeps one backup per day
the project is opened, the most recent ``keep`` of them, in
``<file>.backups/``.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

from ..errors import ProjectError
from ._base import StoreBase

BACKUPS_KEPT = 5
"""Daily backups kept per project (the oldest are removed)."""


def backup_dir(path: Path) -> Path:
    """The folder of a project's daily backups: ``<file>.backups`` beside it."""
    return path.with_name(path.name + ".backups")


class FileStore(StoreBase):
    """Whole-file operations of a project."""

    def checkpoint(self) -> tuple[int, int]:
        """Copy every committed page of the WAL into the main file and empty the WAL.

        Returns (pages in the log, pages checkpointed). Does nothing harmful
        when another connection reads or writes: SQLite then checkpoints
        what it can and the rest follows at the next call.
        """
        with self._lock, self._translated():
            busy, log, done = self._connection().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(log), int(done)

    def save_copy(self, dest: str | os.PathLike) -> Path:
        """Write a complete, self-contained copy of the project to ``dest`` (temp file + rename).

        The copy holds every committed decision (SQLite's online backup API
        reads through the WAL) and has no ``-wal`` file of its own.
        """
        dest = Path(dest).expanduser()
        if dest.resolve() == Path(self.path).resolve():
            raise ProjectError(f"{dest}: a copy cannot replace the open project itself")
        if not dest.parent.is_dir():
            raise ProjectError(f"{dest}: cannot save the copy, folder {dest.parent} does not exist")
        self._backup_to(dest)
        with self._write() as c:
            self._audit(c, "save copy", {"to": str(dest)})
        return dest

    def daily_backup(self, keep: int = BACKUPS_KEPT, today: dt.date | None = None) -> Path | None:
        """Back the project up once per day it is opened; keep the newest ``keep`` backups.

        Returns the new backup's path, or None if today's exists already.
        """
        day = (today or dt.date.today()).isoformat()
        folder = backup_dir(Path(self.path))
        dest = folder / f"{Path(self.path).stem}-{day}.aligner"
        if dest.exists():
            return None
        try:
            folder.mkdir(exist_ok=True)
        except OSError as e:
            raise ProjectError(f"{folder}: cannot create the backup folder ({e.strerror or e})") from e
        self._backup_to(dest)
        backups = sorted(folder.glob(f"{Path(self.path).stem}-????-??-??.aligner"))
        for old in backups[:-keep] if keep > 0 else backups:
            old.unlink(missing_ok=True)
        return dest

    def _backup_to(self, dest: Path) -> None:
        tmp = dest.with_name(dest.name + ".tmp")
        with self._lock, self._translated():
            try:
                out = sqlite3.connect(str(tmp))
                try:
                    self._connection().backup(out)
                    out.execute("PRAGMA journal_mode = DELETE")  # one file, no -wal beside the copy
                finally:
                    out.close()
                os.replace(tmp, dest)
            except OSError as e:
                tmp.unlink(missing_ok=True)
                raise ProjectError(f"{dest}: cannot write the copy ({e.strerror or e})") from e
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
