"""Small pure helpers of the store: search folding, hashes, times, JSON."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import datetime, timezone

_TATWEEL = "\u0640"
# typographic quotes and apostrophes a reviewer types as ASCII
_QUOTES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u02bc": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
})


def normalise_search(text: str | None) -> str:
    """Fold ``text`` for substring search: case, accents and Arabic diacritics ignored.

    NFKD + dropping combining marks removes Latin accents, Arabic tashkeel
    (fatha, damma, kasra, shadda, sukun, tanwin, superscript alef) and the
    hamza carried by alef (أ إ آ -> ا); tatweel is dropped, typographic
    quotes become ASCII, whitespace runs become one space.
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch != _TATWEEL)
    return " ".join(kept.casefold().translate(_QUOTES).split())


def text_sha1(text: str) -> str:
    """Hex sha1 of the UTF-8 text: the embedding cache key."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def utc_now() -> str:
    """Current time, UTC, ISO 8601 with milliseconds and a ``Z``: 2024-05-01T12:00:00.123Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _json_default(obj):
    # numpy scalars / arrays and other oddities produced by the aligner's features
    item = getattr(obj, "item", None)
    if callable(item) and getattr(obj, "ndim", 1) == 0:
        return item()
    tolist = getattr(obj, "tolist", None)
    if callable(tolist):
        return tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def dumps(obj) -> str:
    """Compact JSON, UTF-8 kept readable, numpy values converted."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def loads(text: str | None, default=None):
    if text is None or text == "":
        return default
    return json.loads(text)
