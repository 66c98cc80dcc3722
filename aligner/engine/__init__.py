"""Batch engines for ``aligner embed`` and ``aligner mine``: local, or on Ray.

* :mod:`.shards`: inputs (files, folders, globs), shards and the work folder
  (``--work-dir``, ``--resume``);
* :mod:`.embedding`: embedding a side into shards, one encoder per worker;
* :mod:`.mining`: mining from vectors on disk in bounded memory, with the
  scoring functions of :mod:`aligner.mine` / :mod:`aligner.margin`;
* :mod:`.local` / :mod:`.ray_engine`: where the work runs. Ray is optional
  (``pip install 'alignment-workbench[ray]'``) and imported only for
  ``--engine ray``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ChoiceError

__all__ = ["ENGINES", "EncoderSpec", "open_engine"]

ENGINES = ("local", "ray")


@dataclass(frozen=True)
class EncoderSpec:
    """A picklable encoder factory: ``EncoderSpec(model)()`` is
    ``aligner.embed.get_encoder(model, ...)``, made where it is called (in
    each Ray actor, so every worker loads its own model once)."""

    model: str | None = None
    dtype: str | None = None
    batch_size: int | None = None
    cache: bool = True
    settings: object = None
    """The caller's :class:`aligner.settings.Settings` (resolved once, at the CLI)."""
    backend: str | None = None
    """Encoder backend (``aligner embed --backend``); None: the encoder's default."""

    def __call__(self):
        from ..embed import get_encoder

        kwargs = {} if self.settings is None else {"settings": self.settings}
        if self.backend:
            kwargs["backend"] = self.backend
        return get_encoder(self.model, dtype=self.dtype, batch_size=self.batch_size,
                           cache=self.cache, **kwargs)


def open_engine(name: str, *, address: str | None = None, workers: int | None = None,
                object_store_mb: int = 256):
    """The engine called ``name`` (a context manager; Ray's is shut down on exit
    if it started the cluster). ``address``/``workers`` apply to Ray only."""
    if name not in ENGINES:
        raise ChoiceError("engine", name, list(ENGINES))
    if name == "local":
        if address:
            raise ChoiceError("engine", name, ["ray (--ray-address needs --engine ray)"])
        from .local import LocalEngine

        return LocalEngine()
    from .ray_engine import RayEngine

    return RayEngine(address, workers=workers, object_store_mb=object_store_mb)
