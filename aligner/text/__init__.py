"""Reading articles and extracting sentences, quotes, speakers and outlets.

Pure functions: :func:`read_document` / :func:`read_paths` do the file IO;
everything else takes a :class:`~aligner.records.Document` and returns records.
"""

from __future__ import annotations

__all__ = [
    "read_document", "read_paths", "detect_language", "paragraph_languages",
    "split_sentences", "extract_quotes", "sentence_spans", "outlet_language",
]


def __getattr__(name: str):  # lazy: keep `import aligner.text` cheap
    if name in ("read_document", "read_paths"):
        from . import reader
        return getattr(reader, name)
    if name in ("detect_language", "paragraph_languages"):
        from . import langid
        return getattr(langid, name)
    if name == "split_sentences":
        from .sentences import split_sentences
        return split_sentences
    if name in ("extract_quotes", "sentence_spans"):
        from . import quotes
        return getattr(quotes, name)
    if name == "outlet_language":
        from .outlets import outlet_language
        return outlet_language
    raise AttributeError(name)
