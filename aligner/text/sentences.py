"""Sentence splitting over the body paragraphs of a document.

English and French go through pysbd (quote-aware: it does not split inside
"…" that runs on); Arabic uses a rule splitter on . ! ? and the Arabic
question mark (the Arabic comma is a clause comma; the Arabic semicolon ends
a sentence only when ``Settings.arabic_semicolon_ends_sentence``). Offsets
are exact: ``doc.text[s.start:s.end] == s.text`` for every sentence.
Sentences carry their paragraph's language, or their own when they are long
enough to be detected confidently (a French sentence in an English article).
"""

from __future__ import annotations

import functools
import re

from ..records import Document, Sentence
from ..settings import SETTINGS, Settings
from .arabic import ARABIC_BASIC_LETTERS
from .langid import paragraph_languages, span_language

_OPENERS = "\"“‘«(["
_CLOSERS = "\"”’»)]'"


@functools.lru_cache(maxsize=8)
def _segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=lang if lang in ("en", "fr") else "en", clean=False, char_span=False)


_MAY_BREAK = re.compile(r"[.!?\u3002\uff0e\uff01\uff1f)\r\n\u2026;:\"\u201c\u201d\u00ab\u00bb\u201e\u2039\u203a]"
                       r"|^['\u2018\u2019]|['\u2018\u2019]$")
"""What pysbd may split at or around: sentence marks, list-item parentheses, line
breaks, colons, quotation marks, a leading or trailing single quote."""


def single_sentence(text: str) -> tuple[int, int] | None:
    """(start, end) of ``text`` whitespace-trimmed when it can only be one sentence: nothing
    pysbd splits at (:data:`_MAY_BREAK`) except one final ``.``, ``!`` or ``?``; else None.

    Most news sentences are such paragraphs; pysbd (about 0.5 ms each) is then not
    needed. Checked equal to pysbd on 28,000 WMT, FLORES, Tatoeba and UN lines
    (tests/text/test_sentences.py keeps a sample)."""
    t = text.strip()
    body = t[:-1] if t[-1:] in ".!?" else t
    if not body or _MAY_BREAK.search(body):
        return None
    start = len(text) - len(text.lstrip())
    return start, start + len(t)


def _pysbd_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of each pysbd sentence inside ``text`` (exact, whitespace-trimmed)."""
    one = single_sentence(text)
    if one is not None:
        return [one]
    try:
        segs = _segmenter(lang).segment(text)
    except Exception:  # pysbd chokes on a few odd inputs; fall back to rules
        return _rule_spans(text, arabic=False)
    spans = []
    cursor = 0
    for seg in segs:
        piece = seg.strip()
        if not piece:
            continue
        at = text.find(piece, cursor)
        if at < 0:  # pysbd altered the text: realign on the first word
            head = piece.split()[0]
            at = text.find(head, cursor)
            if at < 0:
                continue
            if spans:
                spans[-1] = (spans[-1][0], _rstrip_pos(text, spans[-1][0], at))
            spans.append((at, _rstrip_pos(text, at, len(text))))
            cursor = at + len(head)
            continue
        if spans and spans[-1][1] > at:
            spans[-1] = (spans[-1][0], _rstrip_pos(text, spans[-1][0], at))
        spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def _rstrip_pos(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


_AR_END = re.compile(r"[.!?؟…]+|؛")
_ABBREV_AR = re.compile(rf"(?:^|\s)[{ARABIC_BASIC_LETTERS}]$")  # a single Arabic letter before "." (د. = Dr.)


_QUOTED = re.compile(r"«[^«»\n]{1,600}»|“[^“”\n]{1,600}”|\"[^\"\n]{1,600}\"")


def _inside_quote(text: str) -> list[tuple[int, int]]:
    """Spans of quotations that open and close within ``text`` (no split inside)."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def _rule_spans(text: str, *, arabic: bool = True, semicolon: bool = False) -> list[tuple[int, int]]:
    """Rule-based split for Arabic (and a fallback for others); never inside a closed quotation."""
    spans = []
    start = 0
    n = len(text)
    protected = _inside_quote(text)
    for m in _AR_END.finditer(text):
        punct = m.group(0)
        if any(a < m.start() and m.end() < b for a, b in protected):
            continue
        if punct == "؛" and not semicolon:
            continue
        end = m.end()
        if punct == "." and m.start() > 0:
            before = text[max(0, m.start() - 3):m.start()]
            if _ABBREV_AR.search(before) or (end < n and text[end].isdigit()) or re.search(r"\b[A-Z]$", before):
                continue
        while end < n and text[end] in _CLOSERS:
            end += 1
        if end < n and not text[end].isspace():
            continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, n))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        e = _rstrip_pos(text, s, e)
        if e > s:
            out.append((s, e))
    # newlines inside a paragraph (hard wraps) are not sentence ends in Arabic either
    return out


def _merge_fragments(text: str, spans: list[tuple[int, int]],
                     hard: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Glue pieces that cannot stand alone onto the previous sentence:
    punctuation-only pieces (a stray closing quote) and pieces that start
    in lower case (``“…?” he asked.``). Pieces starting at a ``hard`` offset
    (a forced cut of an over-long sentence) are never glued."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        piece = text[s:e]
        first = next((c for c in piece if c.isalnum()), "")
        if out and s not in hard and (not first or (first.isalpha() and first.islower() and not piece.lstrip(_OPENERS)[:1].isdigit()
                                   and _starts_lower(piece))):
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def _starts_lower(piece: str) -> bool:
    t = piece.lstrip(_OPENERS + _CLOSERS + " ")
    return bool(t) and t[0].isalpha() and t[0].islower() and not t[0] in "ʼ"


WINDOW_CHARS = 3000
"""Paragraphs longer than this are split in windows of about this size: pysbd's
abbreviation pass (and the quotation scan of the rule splitter) cost time
quadratic in the length of the text they get, so a paragraph with no breaks
would take minutes. Every sentence but a window's last is kept; the next
window starts where that last sentence began, so sentences are the same as
with one pass, and a "sentence" longer than a window is cut at a space."""


def split_paragraph(text: str, lang: str, *, settings: Settings = SETTINGS,
                    window: int = WINDOW_CHARS) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets relative to ``text`` (one paragraph).

    Time is linear in ``len(text)``: long paragraphs go through bounded
    windows (see :data:`WINDOW_CHARS`); offsets stay exact.
    """
    if len(text) <= window:
        return _merge_fragments(text, _split_once(text, lang, settings))
    spans: list[tuple[int, int]] = []
    forced: set[int] = set()
    pos, n = 0, len(text)
    while pos < n:
        end = min(n, pos + window)
        if end < n:
            end = _cut_point(text, pos, end)
        piece = _split_once(text[pos:end], lang, settings)
        if end >= n or not piece:
            spans += [(pos + a, pos + b) for a, b in piece]
            if end >= n:
                break
            pos = end
            continue
        keep = piece[:-1]
        if not keep:  # one run-on sentence fills the window: cut it here
            keep = piece
            nxt = end
            forced.add(end)
        else:
            nxt = pos + piece[-1][0]
        spans += [(pos + a, pos + b) for a, b in keep]
        pos = nxt
    # the piece after a forced cut (it may start after spaces) stays a piece of its own
    import bisect

    starts = [a for a, _ in spans]
    hard = set()
    for f in forced:
        i = bisect.bisect_left(starts, f)
        if i < len(starts) and not text[f:starts[i]].strip():
            hard.add(starts[i])
    return _merge_fragments(text, spans, frozenset(hard))


def _cut_point(text: str, start: int, end: int) -> int:
    """A window end at or before ``end``: after the last whitespace in the
    window's second half, else ``end`` itself (a very long "word")."""
    cut = max(text.rfind(" ", start + (end - start) // 2, end), text.rfind("\n", start + (end - start) // 2, end))
    return cut + 1 if cut > start else end


def _split_once(text: str, lang: str, settings: Settings) -> list[tuple[int, int]]:
    if lang == "ar":
        return _rule_spans(text, arabic=True, semicolon=settings.arabic_semicolon_ends_sentence)
    return _pysbd_spans(text, lang)


def split_sentences(doc: Document, *, settings: Settings = SETTINGS) -> list[Sentence]:
    """Sentences of the body paragraphs of ``doc``, in order, with exact offsets."""
    ranges = list(doc.body)
    langs = paragraph_languages(doc.text, ranges, default=doc.lang, settings=settings)
    out: list[Sentence] = []
    for (pstart, pend, plang) in langs:
        para = doc.text[pstart:pend]
        for s, e in split_paragraph(para, plang, settings=settings):
            start, end = pstart + s, pstart + e
            stext = doc.text[start:end]
            out.append(Sentence(doc=doc.path, index=len(out), start=start, end=end, text=stext,
                                lang=span_language(stext, plang, settings=settings)))
    return out


def paragraph_of(doc: Document, pos: int) -> int:
    """Index of the body paragraph containing ``pos`` (or -1)."""
    import bisect

    starts = [s for s, _ in doc.body]
    i = bisect.bisect_right(starts, pos) - 1
    if i >= 0 and doc.body[i][0] <= pos < doc.body[i][1]:
        return i
    return -1
