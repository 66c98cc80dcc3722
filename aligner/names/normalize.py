"""Comparison keys for names written in Latin or Arabic script.

Three levels, from gentle to aggressive:

* :func:`clean_form` -- the display form: NFC, zero-width characters,
  bidi marks and tatweel removed, typographic apostrophes/hyphens unified,
  whitespace collapsed. Variants are reported in this form.
* :func:`latin_key` / :func:`arabic_key` -- one token's spelling key. Latin:
  diacritics stripped (NFKD), case folded, transliteration conventions
  folded (q/k, ou/u, w/u, y/i, e/i, o/u, ch/sh, dj/j, gu+e/i, ph/f,
  doubled letters, -ah/-a, French mute -e). Arabic: tashkeel, tatweel,
  alef/hamza/ya/ta-marbuta forms unified.
* :func:`latin_skeleton` / :func:`arabic_skeleton` -- the consonant skeleton
  in one shared alphabet, so a Latin and an Arabic token can be compared
  (``Halqi`` and ``حلقي`` both give ``hlk``).

:func:`name_units` splits a whole name into comparable :class:`Unit` s:
articles and particles (al-, el-, ال, de, di, bin, ibn...) are dropped,
``Abd al-X`` / ``Abdul X`` / ``Abdel-X`` / ``Abdulx`` become one ``abd`` unit,
``Abu X`` / ``Umm X`` one ``abu`` unit. Everything here is pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ..text.arabic import ARABIC_LETTER_RE
from ..text.arabic import TASHKEEL_RE as _TASHKEEL_RE

# ---------------------------------------------------------------- cleaning

_INVISIBLE_RE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u061c\u00ad]")
_TATWEEL = "\u0640"
_APOSTROPHES = str.maketrans({c: "'" for c in "\u2018\u2019\u02bc\u02bb\u02be\u02bf`\u00b4\u2032"})
_HYPHENS = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_WS_RE = re.compile(r"\s+")
_EDGE_PUNCT = " \t\n\"'«»“”„‚‹›()[]{}<>,.;:!?،؛؟*_/\\|-"

LATIN_LETTER_RE = re.compile("[A-Za-z\u00c0-\u024f]")


def clean_form(text: str) -> str:
    """The display form of a name: NFC, invisible characters and tatweel removed,
    one kind of apostrophe and hyphen, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFC", text or "")
    text = _INVISIBLE_RE.sub("", text).replace(_TATWEEL, "")
    text = text.translate(_APOSTROPHES).translate(_HYPHENS)
    text = _WS_RE.sub(" ", text)
    text = _HYPHEN_SPACES_RE.sub("-", text) if _SPACED_HYPHEN_RE.search(text) else text
    out = _strip_edges(text)
    if _INITIALS_RE.fullmatch(out) and text.rstrip(_EDGE_PUNCT.replace(".", "")).endswith("."):
        out += "."  # U.N. keeps its last dot
    return out


_PAIRS = {")": "(", "]": "[", "}": "{"}
_EDGE_NO_BRACKETS = "".join(c for c in _EDGE_PUNCT if c not in "()[]{}")
_SPACED_HYPHEN_RE = re.compile(r"\w\s+-\s*\w|\w\s*-\s+\w")
_HYPHEN_SPACES_RE = re.compile(r"\s*-\s*")
_INITIALS_RE = re.compile(r"(?:[A-Z]\.\s?)+[A-Z]")
# one word of plain Arabic letters (no marks, tatweel or presentation forms): NFC/NFKC and
# clean_form leave it as it is, so fold_arabic only maps its letters (the common case, and fast)
_PLAIN_ARABIC_WORD_RE = re.compile("[\u0621-\u063a\u0641-\u064a]+")


def _strip_edges(text: str) -> str:
    """Strip punctuation at both ends; a bracket stays when it closes/opens one inside the form."""
    while True:
        out = text.strip(_EDGE_NO_BRACKETS)
        if out and out[-1] in _PAIRS and out.count(_PAIRS[out[-1]]) < out.count(out[-1]):
            out = out[:-1]
        if len(out) > 1 and out[0] in "([{" and out[-1] == {v: k for k, v in _PAIRS.items()}[out[0]] \
                and out[0] not in out[1:-1]:
            out = out[1:-1]  # "(SOHR)"
        if out and out[0] in "([{":
            close = {v: k for k, v in _PAIRS.items()}[out[0]]
            if out.count(close) < out.count(out[0]):
                out = out[1:]
        if out == text:
            return out
        text = out


def script_of(text: str) -> str:
    """``"Arab"`` when Arabic letters outnumber Latin letters, else ``"Latn"``."""
    ar = len(ARABIC_LETTER_RE.findall(text))
    la = len(LATIN_LETTER_RE.findall(text))
    return "Arab" if ar > la else "Latn"


def form_key(form: str) -> str:
    """Identity of a display form (case-insensitive; used for reviewer constraints
    and dictionary lookups): cleaned, case folded, diacritics kept."""
    return clean_form(form).casefold()


# ------------------------------------------------------------------- Latin

_SPECIAL_LATIN = str.maketrans({"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ı": "i",
                                "ð": "d", "þ": "th", "ħ": "h"})


def fold_latin(text: str) -> str:
    """Case folded, diacritics stripped (NFKD), special letters spelled out."""
    if text.isascii() and text.isalpha():
        return text.lower()  # one plain ASCII word: what the steps below give, faster
    text = clean_form(text).casefold().translate(_SPECIAL_LATIN)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


_LATIN_RULES: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"['\-\s.]", ""),
        (r"tch", "sh"),
        (r"sch", "sh"),
        (r"ch", "sh"),          # French ch = English sh (Hichem / Hisham)
        (r"dj", "j"),           # Djamel / Jamal
        (r"gu(?=[eiy])", "g"),  # Sergueï / Sergei
        (r"ph", "f"),
        (r"ck", "k"),
        (r"q", "k"),
        (r"c(?=[eiy])", "s"),
        (r"c", "k"),
        (r"x", "ks"),
        (r"ou", "u"),
        (r"oo", "u"),
        (r"ee", "i"),
        (r"^y(?=[aeiou])", "Y"),  # keep a consonantal initial y (Yasser)
        (r"w", "u"),              # Wael / Ouael; Wahab / Ouahab
        (r"y", "i"),              # Sergey / Sergei, Ayyoub / Ayoub
        (r"e", "i"),              # Mohamed / Mohamid; e/i in Arabic names
        (r"o", "u"),              # Omar / Umar
        (r"(?<=[aiu])h$", ""),    # Basmah / Basma, -eh
    )
)


@lru_cache(maxsize=65536)
def latin_key(token: str) -> str:
    """Spelling key of ONE Latin token (no particles): ``Qadamani`` -> ``kadamani``."""
    t = fold_latin(token)
    if len(t) > 4 and t.endswith("e") and t[-2] not in "aeiouy":
        t = t[:-1]  # French mute e: Abderrahmane, Mohamede
    for pat, rep in _LATIN_RULES:
        t = pat.sub(rep, t)
    t = t.lower()
    t = re.sub(r"(.)\1+", r"\1", t)  # doubled letters
    return t


_SKEL_DIGRAPHS = (("sh", "s"), ("th", "s"), ("dh", "z"), ("kh", "k"), ("gh", "g"), ("ts", "s"))
_LATIN_CONS = {"p": "b", "v": "f", "j": "g", "q": "k", "c": "k", "x": "k"}
_LATIN_VOWEL = {"a": "A", "e": "I", "i": "I", "y": "I", "o": "U", "u": "U", "w": "U"}


def _shape(items: list[tuple[str, str]]) -> tuple[str, tuple[frozenset, ...]]:
    """Skeleton + vowel slots from a sequence of ("C", consonant) / ("V", class).

    Non-initial ``h`` is dropped (often unwritten in Latin spellings) and a
    consonant repeated after itself is merged (its vowel slots united), so
    that a Latin and an Arabic token reduce to comparable shapes.
    """
    skel: list[str] = []
    slots: list[set] = [set()]
    for kind, x in items:
        if kind == "V":
            slots[-1].add(x)
        elif x == "h" and skel:
            continue
        elif skel and skel[-1] == x:
            continue  # doubled consonant: keep vowels in the current slot
        else:
            skel.append(x)
            slots.append(set())
    return "".join(skel), tuple(frozenset(v) for v in slots)


@lru_cache(maxsize=65536)
def latin_shape(token: str) -> tuple[str, tuple[frozenset, ...]]:
    """(consonant skeleton, vowel classes per gap) of ONE Latin token."""
    t = latin_key(token)
    for a, b in _SKEL_DIGRAPHS:
        t = t.replace(a, b.upper())
    items = []
    for ch in t:
        if ch in _LATIN_VOWEL:
            items.append(("V", _LATIN_VOWEL[ch]))
        elif ch.isalpha():
            items.append(("C", _LATIN_CONS.get(ch.lower(), ch.lower())))
    return _shape(items)


def latin_skeleton(token: str) -> str:
    """Consonant skeleton of ONE Latin token in the shared alphabet (``Halqi`` -> ``hlk``)."""
    return latin_shape(token)[0]


# ------------------------------------------------------------------ Arabic

_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي",
    "ک": "ك", "ی": "ي", "ہ": "ه", "ھ": "ه", "ڤ": "ف", "پ": "ب", "چ": "ج", "گ": "ك",
})


_ARABIC_FOLD_SOFT = {k: v for k, v in _ARABIC_FOLD.items() if k != ord("ى")}


def fold_arabic(text: str, *, soft: bool = False) -> str:
    """Tashkeel, tatweel and invisible marks removed; alef, hamza, ya and
    ta-marbuta forms unified; Persian letters mapped to Arabic ones.
    ``soft``: keep alef maqsura (ى) apart from ya (for word lists: على is not علي)."""
    if not _PLAIN_ARABIC_WORD_RE.fullmatch(text):
        text = unicodedata.normalize("NFKC", clean_form(text))
        text = _TASHKEEL_RE.sub("", text)
    return text.translate(_ARABIC_FOLD_SOFT if soft else _ARABIC_FOLD).replace("ء", "")


@lru_cache(maxsize=65536)
def arabic_key(token: str) -> str:
    """Spelling key of ONE Arabic token, article removed: ``الحلقي`` -> ``حلقي``."""
    t = fold_arabic(token).replace(" ", "")
    if t.startswith("ال") and len(t) > 3:
        t = t[2:]
    return t


_AR_SKEL = {
    "ب": "b", "ت": "t", "ث": "s", "ج": "g", "ح": "h", "خ": "k", "د": "d", "ذ": "z", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "غ": "g", "ف": "f",
    "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h",
}
_AR_VOWEL = {"ي": "I", "و": "U", "ا": "A"}


@lru_cache(maxsize=65536)
def arabic_shape(token: str) -> tuple[str, tuple[frozenset, ...]]:
    """(consonant skeleton, long vowels per gap) of ONE Arabic token.

    Initial و / ي are consonants (w / y) and, like Latin w / y, leave no
    consonant; a final ة / ه (-a, -ah) is dropped.
    """
    t = arabic_key(token)
    if t.endswith("ه") and len(t) > 2:
        t = t[:-1]
    items = []
    for i, c in enumerate(t):
        if c in _AR_SKEL:
            items.append(("C", _AR_SKEL[c]))
        elif c in _AR_VOWEL:
            if i == 0 and c in "يو":
                items.append(("V", "U" if c == "و" else "I"))
            else:
                items.append(("V", _AR_VOWEL[c]))
    return _shape(items)


def arabic_skeleton(token: str) -> str:
    """Consonant skeleton of ONE Arabic token in the shared alphabet (``حلقي`` -> ``hlk``)."""
    return arabic_shape(token)[0]


# ------------------------------------------------------------------- units

LATIN_PARTICLES = frozenset({
    "al", "el", "ul", "il", "ol", "de", "di", "da", "du", "del", "della", "der", "den", "van", "von",
    "le", "la", "bin", "ben", "ibn", "bint", "b", "d", "l",
})
# assimilated Arabic article, a particle only when hyphenated to the next word (as-Sham, ad-Din)
LATIN_SUN_ARTICLES = frozenset({"ad", "ar", "as", "ash", "at", "az", "an", "ed", "er", "es", "esh", "et", "ez",
                                "en", "ud", "ur", "us", "un", "ath", "adh"})
ABD_TOKENS = frozenset({"abd", "abdul", "abdel", "abdal", "abdol", "abdu", "abdou", "abdoul", "abdil", "abdi",
                        "abed", "abdur", "abder", "abdar", "abdus", "abdes", "abdas", "abdun", "abden"})
ABU_TOKENS = frozenset({"abu", "abou", "abo", "aboo", "umm", "um", "oum", "om", "abi", "abou-"})
ARABIC_PARTICLES = frozenset({"بن", "ابن", "بنت", "ال", "دي", "دو"})
ARABIC_ABD = "عبد"
ARABIC_ABU = frozenset({"ابو", "ابي", "ام"})
_DIN = frozenset({"din", "deen", "dine", "dinn"})
_ALLAH_RESTS = frozenset({"ullah", "allah", "ellah", "illah", "oullah", "ulah", "alah", "elah", "ulla", "alla"})


@dataclass(frozen=True)
class Unit:
    """One comparable piece of a name.

    ``kind``: "name" (a given or family name), "abd" (``Abd al-X``, key of X),
    "abu" (``Abu X`` / ``Umm X``, key of X), "initial" (``J.``).
    ``key``/``skel``: see :func:`latin_key`, :func:`latin_skeleton` (Latin) or
    :func:`arabic_key`, :func:`arabic_skeleton` (Arabic).
    """

    text: str
    key: str
    skel: str
    kind: str = "name"
    script: str = "Latn"


def _abd_rest(tok: str) -> str | None:
    """``abdulrahman`` -> ``rahman``; ``abderrahmane`` -> ``rrahmane``; None if not an Abd- compound."""
    if not tok.startswith("abd") or len(tok) <= 5 or tok in ABD_TOKENS:
        return None
    rest = tok[3:]
    if rest in _ALLAH_RESTS:
        return "allah"
    m = re.match(r"^(oul|ul|el|al|ol|il)(?=[a-z]{3})", rest)
    if m:
        return rest[m.end():]
    m = re.match(r"^(ou|u|e|a|o|i)(?=([bcdfghjklmnpqrstvwxz])\2)", rest)
    if m:
        return rest[m.end():]
    return rest


def _latin_tokens(form: str) -> list[str]:
    """Tokens of a folded Latin form; hyphens split, apostrophes dropped inside words."""
    f = fold_latin(form)
    f = re.sub(r"(?<=\w)'(?=\w)", "", f)
    return [t for t in re.split(r"[\s\-.,'()]+", f) if t]


@lru_cache(maxsize=65536)
def latin_units(form: str) -> tuple[Unit, ...]:
    """Comparable units of a Latin-script name (particles dropped)."""
    raw = clean_form(form)
    hyph_after = set()
    toks: list[str] = []
    for chunk in re.split(r"\s+", fold_latin(raw)):
        parts = [p for p in re.split(r"-", chunk) if p]
        for j, p in enumerate(parts):
            p = re.sub(r"^(?:l|d|qu)'(?=\w{2})", "", p)  # French elision: l'homme, d'Alep
            p = re.sub(r"'", "", p).strip(".,()")
            if not p:
                continue
            if j < len(parts) - 1:
                hyph_after.add(len(toks))
            toks.append(p)
    units: list[Unit] = []
    i = 0
    n = len(toks)
    while i < n:
        t = toks[i]
        if t in ABD_TOKENS and i + 1 < n:
            j = i + 1
            while j < n - 1 and (toks[j] in LATIN_PARTICLES or toks[j] in LATIN_SUN_ARTICLES):
                j += 1
            rest = toks[j]
            k = "allah" if rest in {"allah", "ullah", "lah", "lla"} else latin_key(rest)
            units.append(Unit(" ".join(toks[i:j + 1]), k, latin_skeleton(rest), "abd"))
            i = j + 1
            continue
        rest = _abd_rest(t)
        if rest is not None:
            units.append(Unit(t, "allah" if rest == "allah" else latin_key(rest), latin_skeleton(rest), "abd"))
            i += 1
            continue
        if t in ABU_TOKENS and i + 1 < n:
            j = i + 1
            while j < n - 1 and toks[j] in LATIN_PARTICLES:
                j += 1
            units.append(Unit(" ".join(toks[i:j + 1]), latin_key(toks[j]), latin_skeleton(toks[j]), "abu"))
            i = j + 1
            continue
        if i < n - 1 and (t in LATIN_PARTICLES or (t in LATIN_SUN_ARTICLES and i in hyph_after)):
            i += 1
            continue
        if t in {"al", "el"} and i == n - 1:
            i += 1
            continue
        if t in _DIN and units and units[-1].kind == "name" and i > 0 and toks[i - 1] in (
                LATIN_PARTICLES | LATIN_SUN_ARTICLES):
            prev = units.pop()  # "Nour al-Din" = "Noureddine"
            units.append(Unit(prev.text + " " + t, latin_key(prev.text + "din"), latin_skeleton(prev.text + "din")))
            i += 1
            continue
        if len(t) == 1:
            units.append(Unit(t, t, t, "initial"))
        else:
            # glued article: Al-Assad written "Alassad" is left alone (too ambiguous)
            units.append(Unit(t, latin_key(t), latin_skeleton(t), "name"))
        i += 1
    return tuple(units)


def _arabic_tokens(form: str) -> list[str]:
    """Tokens of an Arabic name: tashkeel/tatweel removed, letters NOT folded."""
    f = _TASHKEEL_RE.sub("", unicodedata.normalize("NFKC", clean_form(form)))
    f = re.sub(r"[^\w\s]", " ", f)
    toks: list[str] = []
    for t in f.split():
        if fold_arabic(t).startswith("عبدال") and len(t) >= 7:  # عبدالرحمن -> عبد الرحمن
            toks.extend([t[:3], t[3:]])
        else:
            toks.append(t)
    return toks


@lru_cache(maxsize=65536)
def arabic_units(form: str) -> tuple[Unit, ...]:
    """Comparable units of an Arabic-script name (article and particles dropped)."""
    toks = _arabic_tokens(form)
    folded = [fold_arabic(t) for t in toks]
    units: list[Unit] = []
    i, n = 0, len(toks)
    while i < n:
        t, f = toks[i], folded[i]
        if f == ARABIC_ABD and i + 1 < n:
            rest = toks[i + 1]
            units.append(Unit(f"{t} {rest}", "allah" if folded[i + 1] == "الله" else arabic_key(rest),
                              arabic_skeleton(rest), "abd", "Arab"))
            i += 2
            continue
        if f in ARABIC_ABU and i + 1 < n:
            rest = toks[i + 1]
            units.append(Unit(f"{t} {rest}", arabic_key(rest), arabic_skeleton(rest), "abu", "Arab"))
            i += 2
            continue
        if f in ARABIC_PARTICLES and i < n - 1:
            i += 1
            continue
        if f in ("الله", "الدين") and units and units[-1].kind == "name":
            prev = units.pop()  # سيف الدين, علاء الدين: one unit
            units.append(Unit(f"{prev.text} {t}", prev.key + arabic_key(t), arabic_skeleton(prev.key + t[2:]),
                              "name", "Arab"))
            i += 1
            continue
        units.append(Unit(t, arabic_key(t), arabic_skeleton(t), "name", "Arab"))
        i += 1
    return tuple(units)


@lru_cache(maxsize=65536)
def name_units(form: str) -> tuple[Unit, ...]:
    """Units of a name in either script (see :class:`Unit`); a form mixing scripts
    ("Wael الحلقي") is split into runs, each read in its own script."""
    has_ar = bool(ARABIC_LETTER_RE.search(form))
    has_la = bool(LATIN_LETTER_RE.search(form))
    if has_ar and has_la:
        units: list[Unit] = []
        run: list[str] = []
        run_script = None
        for tok in clean_form(form).split():
            sc = script_of(tok)
            if run and sc != run_script:
                units += arabic_units(" ".join(run)) if run_script == "Arab" else latin_units(" ".join(run))
                run = []
            run.append(tok)
            run_script = sc
        if run:
            units += arabic_units(" ".join(run)) if run_script == "Arab" else latin_units(" ".join(run))
        return tuple(units)
    return arabic_units(form) if has_ar else latin_units(form)


def name_key(form: str) -> str:
    """One string key for a whole name: its unit keys joined by spaces."""
    return " ".join((u.kind + ":" if u.kind in {"abd", "abu"} else "") + u.key for u in name_units(form))


def initials(form: str, stop: frozenset = frozenset()) -> str:
    """Upper-case initials of the capitalised words of ``form`` (``SOHR``)."""
    out = []
    for w in re.split(r"[\s\-]+", clean_form(form)):
        if not w or w.casefold() in stop:
            continue
        if w[0].isupper():
            out.append(w[0])
    return "".join(out).upper()
