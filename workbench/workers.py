"""Long work off the UI thread: a job runs on a QThreadPool, reports through signals.

    job = Job(lambda progress, cancel: service.align(path, files, progress=progress, cancel=cancel))
    job.signals.progress.connect(dialog.on_progress)   # (done, total, message)
    job.signals.finished.connect(on_done)               # result object
    job.signals.failed.connect(show_error)              # (AlignerError, or a message for the user)
    job.signals.cancelled.connect(...)
    runner.start(job)
    job.cancel()                                        # cooperative: checked in progress()

The job function receives ``progress(done, total, message="")`` and a
:class:`CancelToken` (a ``threading.Event`` that is also callable -> bool).
``progress`` raises :class:`Cancelled` once cancel was asked, so any loop that
reports progress stops there.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from aligner.errors import AlignerError

from .i18n import tr

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the user cancelled it."""


class CancelToken(threading.Event):
    """A cancel flag usable as ``cancel()`` -> bool or ``cancel.is_set()``."""

    def __call__(self) -> bool:
        return self.is_set()

    def check(self) -> None:
        if self.is_set():
            raise Cancelled()


class JobProgressFn(Protocol):
    """``progress(done, total, message="")`` handed to a job function."""

    def __call__(self, done: int, total: int, message: str = "", /) -> None: ...


JobFn = Callable[[JobProgressFn, CancelToken], Any]


class JobSignals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the AlignerError, or a message for an unexpected error
    cancelled = Signal()
    done = Signal()  # after any of finished/failed/cancelled


class Job(QRunnable):
    """One background task. Create it on the UI thread; signals arrive there."""

    def __init__(self, fn: JobFn, name: str = ""):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name
        self.signals = JobSignals()
        self.token = CancelToken()
        self._last: tuple[int, int, str] | None = None

    def cancel(self) -> None:
        self.token.set()

    @property
    def is_cancelled(self) -> bool:
        return self.token.is_set()

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report progress; raises :class:`Cancelled` if cancel was asked."""
        self.token.check()
        total = int(total or 0)
        done = int(done or 0)
        # emit only when something visible changes (per-mille steps or a new message)
        key = (done * 1000 // total if total > 0 else done, total, message)
        if key != self._last:
            self._last = key
            self.signals.progress.emit(done, total, message)

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.progress, self.token)
            if self.token.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        except Exception as e:  # never let a worker take the app down
            if isinstance(e, Cancelled) or self.token.is_set():
                self.signals.cancelled.emit()  # the core's own "cancelled" errors included
            elif isinstance(e, AlignerError):
                self.signals.failed.emit(e)
            else:
                log.error("job %s failed:\n%s", self.name, traceback.format_exc())
                self.signals.failed.emit(tr("Unexpected error: {error}").format(error=f"{type(e).__name__}: {e}"))
        finally:
            self.signals.done.emit()


class JobRunner(QObject):
    """Starts jobs on a private pool and keeps them alive until they end."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2):
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._jobs: set[Job] = set()

    def start(self, job: Job) -> Job:
        self._jobs.add(job)
        job.signals.done.connect(lambda j=job: self._jobs.discard(j))
        self.pool.start(job)
        return job

    @property
    def active(self) -> list[Job]:
        return list(self._jobs)

    def cancel_all(self) -> None:
        for job in list(self._jobs):
            job.cancel()

    def wait(self, msecs: int = -1) -> bool:
        return self.pool.waitForDone(msecs)
