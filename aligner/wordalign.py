"""Word alignment inside a matched sentence pair (SimAlign-style mutual argmax).

A short quote ("powerless") is matched through the sentence that holds it;
a translator then wants the words of the target sentence that render it
(« impuissante »). Following SimAlign (Jalili Sabet et al. 2020, "ArgMax"),
the contextual token vectors of both sentences, from the same model that
embeds the sentences, are compared by cosine; a source and a target token
are aligned when each is the other's most similar token. The target span is
the run of target words from the first to the last word aligned to a token
of the quote.

Arrays in, offsets out; no IO. Token vectors come from an encoder that has
``token_vectors(texts)`` (:class:`aligner.embed.st_encoder.SentenceTransformerEncoder`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

__all__ = ["mutual_argmax", "quote_span_in_target", "words_of"]

_WORD = re.compile(r"[\w\u0600-\u06FF][\w\u0600-\u06FF\-]*(?:['’][\w\u0600-\u06FF\-]+)*")


def words_of(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` (letters, digits, inner ' ’ -)."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def mutual_argmax(src: np.ndarray, tgt: np.ndarray) -> np.ndarray:
    """Token pairs that are each other's most similar: (m, 2) int64 rows (src, tgt).

    src: (n, dim), tgt: (m, dim) float32, rows L2-normalised.
    """
    if len(src) == 0 or len(tgt) == 0:
        return np.zeros((0, 2), np.int64)
    # einsum, not BLAS: the matrices are tiny (tokens x tokens) and BLAS threads cost more
    # than the product here (9 ms instead of 0.8 ms on a loaded 2-core machine)
    sims = np.einsum("ik,jk->ij", src, tgt)
    fwd = sims.argmax(axis=1)
    bwd = sims.argmax(axis=0)
    i = np.flatnonzero(bwd[fwd] == np.arange(len(src)))
    return np.stack([i, fwd[i]], axis=1).astype(np.int64)


def _word_index(words: list[tuple[int, int]], spans: np.ndarray) -> np.ndarray:
    """Word index of each token span ((n, 2) char offsets), -1 outside every word."""
    out = np.full(len(spans), -1, np.int64)
    for t, (a, b) in enumerate(spans.tolist()):
        for w, (ws, we) in enumerate(words):
            if a < we and ws < b:
                out[t] = w
                break
    return out


def quote_span_in_target(
    src_text: str, src_vecs: np.ndarray, src_spans: np.ndarray, quote: tuple[int, int],
    tgt_text: str, tgt_vecs: np.ndarray, tgt_spans: np.ndarray,
) -> tuple[int, int] | None:
    """The words of ``tgt_text`` that render ``src_text[quote[0]:quote[1]]``.

    src_vecs: (n_src_tokens, dim), tgt_vecs: (n_tgt_tokens, dim) float32,
    L2-normalised contextual token vectors; src_spans / tgt_spans: (n, 2)
    int64 character offsets of those tokens in their texts. Tokens are
    aligned by :func:`mutual_argmax` over the whole sentences (so the
    context decides); when no token of the quote has a mutual partner, each
    quote token's best target token is used instead. Returns (start, end)
    offsets into ``tgt_text`` spanning whole words, or None.
    """
    src_spans = np.asarray(src_spans, np.int64).reshape(-1, 2)
    tgt_spans = np.asarray(tgt_spans, np.int64).reshape(-1, 2)
    if len(src_spans) == 0 or len(tgt_spans) == 0:
        return None
    in_quote = (src_spans[:, 0] < quote[1]) & (src_spans[:, 1] > quote[0])
    if not in_quote.any():
        return None
    pairs = mutual_argmax(src_vecs, tgt_vecs)
    # target tokens that another word of the source sentence claims are not the quote's
    claimed = np.zeros(len(tgt_spans), bool)
    if len(pairs):
        claimed[pairs[~in_quote[pairs[:, 0]], 1]] = True
    hit = pairs[in_quote[pairs[:, 0]], 1] if len(pairs) else np.zeros(0, np.int64)
    if len(hit) == 0:
        if claimed.all():
            return None
        sims = np.einsum("ik,jk->ij", src_vecs[in_quote], tgt_vecs)
        sims[:, claimed] = -np.inf
        hit = sims.argmax(axis=1)
    words = words_of(tgt_text)
    widx = _word_index(words, tgt_spans[hit])
    widx = widx[widx >= 0]
    if len(widx) == 0:
        return None
    # at most as many target words as the quote has words, plus two (articles, particles)
    n_src_words = max(1, len(words_of(src_text[quote[0]:quote[1]])))
    lo, hi = int(widx.min()), int(widx.max())
    if hi - lo + 1 > n_src_words + 2:
        counts = np.bincount(widx - lo)
        best = int(counts.argmax()) + lo
        lo = hi = best
    while lo < hi and _is_particle(tgt_text, words[lo]):
        lo += 1
    while hi > lo and _is_particle(tgt_text, words[hi]):
        hi -= 1
    return words[lo][0], words[hi][1]


def _is_particle(text: str, word: tuple[int, int]) -> bool:
    """An elided or two-letter word at the edge of a span (d', l', la, de) is not the rendering."""
    return len(text[word[0]:word[1]].strip("'’")) <= 2


def project_quotes(pairs: Sequence[tuple[str, tuple[int, int], str]], token_vectors
                   ) -> list[tuple[int, int] | None]:
    """For (source sentence, quote offsets in it, target sentence) triples, the target spans.

    ``token_vectors(texts) -> [(vecs (n, dim) float32, spans (n, 2) int64)]``.
    """
    if not pairs:
        return []
    texts = list(dict.fromkeys([p[0] for p in pairs] + [p[2] for p in pairs]))
    tv = dict(zip(texts, token_vectors(texts)))
    out = []
    for src, q, tgt in pairs:
        (sv, ss), (tvv, ts) = tv[src], tv[tgt]
        out.append(quote_span_in_target(src, sv, ss, q, tgt, tvv, ts))
    return out
