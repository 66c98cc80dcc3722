"""Sentence embeddings behind a small protocol; models load lazily."""

from .protocol import Encoder, ProgressFn

__all__ = ["Encoder", "ProgressFn", "get_encoder"]


def get_encoder(model: str | None = None, **kwargs) -> Encoder:
    """Return the encoder for ``model`` (name or path); nothing loads until used."""
    from .st_encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(model, **kwargs)
