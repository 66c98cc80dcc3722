"""Language identification restricted to English, French and Arabic.

Arabic script is recognised by a fast path (no model); Latin text goes to a
lingua detector restricted to the three languages, built lazily once.
Detection is done per paragraph so an English article with a French
paragraph gets both languages; long sentences and quotes may be re-detected
on their own (see :func:`span_language`).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable

from ..settings import SETTINGS, Settings
from .arabic import is_arabic_letter

UNDETERMINED = "und"
LANGS = ("en", "fr", "ar")

_detector = None
_lock = threading.Lock()


def _get_detector():
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = (
                    LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.ARABIC)
                    .with_low_accuracy_mode()
                    .build()
                )
    return _detector


_LINGUA_CODES = {"ENGLISH": "en", "FRENCH": "fr", "ARABIC": "ar"}


_ARABIC_SCRIPT = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]+")
"""Runs of characters in the blocks of :func:`aligner.text.arabic.is_arabic_letter`."""


def script_counts(text: str) -> tuple[int, int]:
    """(Arabic letters, other letters) in ``text`` (as :func:`is_arabic_letter` counts)."""
    letters = sum(map(str.isalpha, text))
    if not letters:
        return 0, 0
    ar = sum(sum(map(str.isalpha, run)) for run in _ARABIC_SCRIPT.findall(text))
    return ar, letters - ar


def _scores(text: str) -> list[tuple[str, float]]:
    det = _get_detector()
    out = []
    for cv in det.compute_language_confidence_values(text):
        code = _LINGUA_CODES.get(cv.language.name)
        if code:
            out.append((code, float(cv.value)))
    return out


SAMPLE_CHARS = 3000
"""Text longer than this is identified from a bounded sample (its start,
middle and end, 1,000 characters each, cut at spaces): lingua's time grows
with the length of what it is given, and a paragraph with no breaks (or a
very long "word") would otherwise take minutes."""


def bounded_sample(text: str, limit: int = SAMPLE_CHARS) -> str:
    """``text`` itself when short; else three slices of ``limit // 3``
    characters (start, middle, end) joined by spaces, each cut at a space
    when there is one nearby."""
    if len(text) <= limit:
        return text
    part = limit // 3
    out = []
    for start in (0, (len(text) - part) // 2, len(text) - part):
        a, b = start, start + part
        if a:
            sp = text.find(" ", a, a + part // 4)
            a = sp + 1 if sp >= 0 else a
        sp = text.rfind(" ", b - part // 4, b)
        b = sp if sp > a else b
        out.append(text[a:b])
    return " ".join(out)


def detect_with_confidence(text: str) -> tuple[str, float]:
    """Return (language, confidence 0..1); ``("und", 0.0)`` for text without letters.

    Long text is judged on :func:`bounded_sample` (time does not grow with length).
    Results are remembered for the last :data:`CACHE_SIZE` texts (keyed by a
    16-byte digest, so memory does not grow with their length): reading a
    document detects each paragraph, and splitting it into sentences asks
    again for the same paragraphs and one-sentence paragraphs' sentences.
    """
    text = bounded_sample(text)
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    with _cache_lock:
        hit = _detected.get(key)
        if hit is not None:
            _detected.move_to_end(key)
            return hit
    result = _detect(text)
    with _cache_lock:
        _detected[key] = result
        while len(_detected) > CACHE_SIZE:
            _detected.popitem(last=False)
    return result


CACHE_SIZE = 65536
"""Texts whose detected language is remembered (about 100 bytes each)."""
_detected: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
_cache_lock = threading.Lock()


def _detect(text: str) -> tuple[str, float]:
    ar, other = script_counts(text)
    if ar + other == 0:
        return UNDETERMINED, 0.0
    if ar >= 0.5 * (ar + other):
        return "ar", ar / (ar + other)
    # Latin (or other) script: lingua on the non-Arabic part
    latin = "".join(" " if is_arabic_letter(c) else c for c in text) if ar else text
    scores = _scores(latin)
    if not scores:
        return UNDETERMINED, 0.0
    best = max(scores, key=lambda kv: kv[1])
    return best


def detect_language(text: str) -> str:
    """Dominant language of ``text``: "en", "fr", "ar", or "und" if no letters."""
    return detect_with_confidence(text)[0]


def document_language(text: str, ranges: Iterable[tuple[int, int]] | None = None) -> str:
    """Language covering most letters of the given ranges (default: whole text)."""
    ranges = list(ranges) if ranges is not None else [(0, len(text))]
    weights: dict[str, int] = {}
    for lang_start, lang_end, lang in paragraph_languages(text, ranges, default=None):
        ar, other = script_counts(text[lang_start:lang_end])
        weights[lang] = weights.get(lang, 0) + ar + other
    weights.pop(UNDETERMINED, None)
    if not weights:
        return detect_language(text) if text.strip() else UNDETERMINED
    return max(weights.items(), key=lambda kv: kv[1])[0]


def paragraph_languages(
    doc_text: str,
    ranges: Iterable[tuple[int, int]],
    *,
    default: str | None = None,
    settings: Settings = SETTINGS,
) -> list[tuple[int, int, str]]:
    """Language of each (start, end) range of ``doc_text``.

    Ranges with fewer than ``settings.langid_min_letters`` letters (headings,
    datelines) inherit ``default`` (usually the document language) or, when
    ``default`` is None, the language of the nearest detected neighbour.
    Returns a list of (start, end, lang) in the order given.
    """
    ranges = list(ranges)
    out: list[tuple[int, int, str | None]] = []
    for start, end in ranges:
        seg = doc_text[start:end]
        ar, other = script_counts(seg)
        if ar + other >= settings.langid_min_letters or (ar and ar >= other):
            out.append((start, end, detect_language(seg)))
        else:
            out.append((start, end, None))
    if default is None:
        # fill short ranges from the previous detected one, else the next one
        known = [lang for _, _, lang in out if lang]
        fallback = known[0] if known else None
        filled = []
        last = None
        for s, e, lang in out:
            if lang:
                last = lang
            filled.append((s, e, lang or last or fallback or _short_guess(doc_text[s:e])))
        return filled
    return [(s, e, lang or default) for s, e, lang in out]


def _short_guess(seg: str) -> str:
    ar, other = script_counts(seg)
    if ar + other == 0:
        return UNDETERMINED
    return detect_language(seg)


def span_language(text: str, context_lang: str, *, settings: Settings = SETTINGS) -> str:
    """Language of a sentence or quote inside a paragraph of ``context_lang``.

    Short spans keep ``context_lang``; a span with at least
    ``settings.langid_span_min_letters`` letters gets its own language when
    the detector is confident (a French sentence quoted in English text).
    """
    ar, other = script_counts(text)
    if ar + other == 0:
        return context_lang
    if ar >= 0.5 * (ar + other) and ar >= 3:
        return "ar"
    if ar + other < settings.langid_span_min_letters:
        return context_lang
    lang, conf = detect_with_confidence(text)
    if lang != context_lang and conf >= settings.langid_min_confidence:
        return lang
    return context_lang
