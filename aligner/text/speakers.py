"""Who said it, and to which outlet: reporting verbs in English, French and Arabic.

Heuristics, no model. A reporting verb ("said", "a déclaré", "قال") is found
next to the quote (after the closing mark: ``“…,” he said``, ``said X``;
before the opening mark: ``X told Asharq Al-Awsat: “…”``, ``وقال X: «…»``);
its subject is cut out of the text and reduced to a name:

* titles, nationalities, places and possessives are stripped
  ("the Syrian regime’s Prime Minister, Wael al Halqi" -> "Wael al Halqi");
* organisations ("the Syrian Observatory for Human Rights") are kept as the
  speaker, as written;
* unnamed sources ("a member of the main opposition council") give no
  speaker but a description;
* pronouns and definite descriptions ("he", "il", "the source", "the
  minister", an Arabic verb without subject) are resolved later by
  :func:`resolve` against the speakers met before in the same document,
  only where exactly one candidate fits.

The outlet ("told AFP", "a déclaré au Journal du Dimanche", "لـ«الشرق
الأوسط»") is returned as written; :func:`outlet_language` maps it to the
language it publishes in (table in :mod:`aligner.text.outlets`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .. import wordlists
from .arabic import (
    ARABIC_BASIC_LETTER_RE,
    ARABIC_BASIC_LETTERS,
    ARABIC_BLOCK_RE,
    NOT_AFTER_ARABIC_LETTER,
    NOT_BEFORE_ARABIC_LETTER,
    has_arabic_block,
    strip_diacritics,
)
from .outlets import find_outlet, is_known_outlet, looks_like_outlet, outlet_language  # noqa: F401 (re-export)

MASK = "\ue000"  # stands for the words of another quote in a masked text


def common_words(text: str) -> frozenset[str]:
    """Lower-case words of ``text``.

    The attribution functions take them as ``common``: a capitalised word
    that opens a sentence and that the document also writes in lower case
    ("Opposition forces said") is not a name.
    """
    return frozenset(w.casefold() for w in re.findall(r"(?<![\w’'-])[a-zà-ÿ][\w’'-]*", text))

_ADJ_SUFFIX = re.compile(r"-(?:based|led|backed|held|linked|controlled|affiliated|run|born|made|owned)$", re.I)
_INTRO = re.compile(
    r"^(?:on|in|for|at|moreover|meanwhile|however|also|politically|furthermore|besides|thus|then|still|yet|but|"
    r"and|after|before|while|when|despite|although|since|as|if|by|with|during|from|according|speaking|selon|"
    r"pour|dans|par|en|au|après|avant|lors|mais|et|ainsi|alors|cependant|toutefois|d['’]autre|pourtant|"
    r"[0-9]+)\b", re.I)

# --------------------------------------------------------------------------- lexicons

# aligner/data/reporting_verbs.tsv, but not the verbs that also mean something that is not speech
# ("asked Iran to help"); the clause around the verb tells a noun ("le juge") from the verb
_SPEECH = ("", "noun")
EN_VERBS = wordlists.select("reporting_verbs", "word", lang="en", ambiguity=_SPEECH)
EN_PARTICIPLES = set(wordlists.select("reporting_verbs", "word", lang="en", form="gerund", ambiguity=_SPEECH))

FR_VERB_STEMS = wordlists.select("reporting_verbs", "word", lang="fr", form="participle", ambiguity=_SPEECH)
FR_PRESENT = wordlists.select("reporting_verbs", "word", lang="fr", form="present", ambiguity=_SPEECH)
FR_ACCORDING = wordlists.select("reporting_verbs", "word", lang="fr", form="according", ambiguity=_SPEECH)

AR_VERBS = wordlists.select("reporting_verbs", "word", lang="ar", ambiguity=_SPEECH)
AR_ACCORDING = set(wordlists.select("reporting_verbs", "word", lang="ar", form="according", ambiguity=_SPEECH))

# every kind of title word (title, honorific, modifier, body, abbreviation) is stripped from a speaker's name
TITLE_WORDS = frozenset(wordlists.select("titles", "word", lang=("en", "fr")))

ORG_WORDS = frozenset(wordlists.words("quotes_org_words"))

LOWER_ORG_HEADS = frozenset(wordlists.words("quotes_lower_org_heads"))

HUMAN_HEADS = frozenset(wordlists.words("quotes_human_heads"))

DEMONYMS = frozenset(wordlists.select("demonyms", "word", kind=("nationality", "region")))

# every word of a Latin spelling of a place ("Saudi Arabia" -> saudi, arabia): a place is not a speaker
PLACES = frozenset(w for spellings in wordlists.select("places", "spellings") for s in spellings.split("|")
                   if not has_arabic_block(s) for w in s.casefold().split())

WEEKDAYS_MONTHS = frozenset(wordlists.words("calendar_words"))

STOPWORDS = frozenset(wordlists.words("quotes_stopwords"))

CONNECTORS = frozenset(wordlists.words("quotes_connectors"))
PREPOSITIONS = frozenset(wordlists.words("quotes_prepositions"))
EN_PRONOUNS = {"he": "m", "she": "f", "they": "p", "it": "o"}
FR_PRONOUNS = {"il": "m", "elle": "f", "ils": "p", "elles": "p"}

AR_TITLE_WORDS = frozenset(wordlists.select("titles", "word", lang="ar"))
AR_GENERIC = frozenset(wordlists.words("quotes_ar_generic"))
AR_STOP = frozenset(wordlists.words("quotes_ar_stop"))
AR_DEF_HEADS = wordlists.table("quotes_ar_def_heads")


def _alts(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


# lower case only: "Said Jalili" is a name, "Says" opens a headline
_EN_VERB_RE = re.compile(r"(?<![\w’'-])(?:" + _alts(EN_VERBS) + r"|According\s+to)(?![\w’'-])")
_FR_VERB_RE = re.compile(
    r"(?<![\w’'-])(?:(?:a|ont|avait|avaient|aurait|a-t-(?:il|elle)|ont-(?:ils|elles))\s+(?:\w+\s+)?(?:"
    + _alts(FR_VERB_STEMS) + r")e?s?|(?:" + _alts(FR_PRESENT) + r")(?:-t-(?:il|elle)|-(?:il|elle|ils|elles))?"
    r"|" + "|".join(f"[{w[0].upper()}{w[0]}]" + re.escape(w[1:]).replace("'", "['’]") for w in FR_ACCORDING)
    + r")(?![\w’'-])",
)
_AR_VERB_RE = re.compile(NOT_AFTER_ARABIC_LETTER + r"(?:[وف])?(?:" + _alts(AR_VERBS) + r")(?:\s*ا?لـ?)?"
                         + NOT_BEFORE_ARABIC_LETTER)

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class Attribution:
    """A reporting clause: who (as written), how described, to which outlet.

    ``kind``: "person", "org", "unnamed" (a description only), "pron"
    (he/she/il/elle/Arabic implicit subject) or "def" (the source, the
    minister) — those two are resolved by :func:`resolve` into one of the
    first three or "unresolved"; "none" is a clause whose subject is not a
    speaker (a place, "Reuters reported") but may still name an outlet.
    ``verb_pos`` is the document offset of the reporting verb.
    """

    verb_pos: int
    speaker: str | None = None
    desc: str | None = None
    kind: str = "unnamed"
    head: str | None = None
    outlet: str | None = None
    gender: str | None = None

    @property
    def needs_resolution(self) -> bool:
        return self.kind in ("pron", "def")


# --------------------------------------------------------------------------- tokens and names

_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[^\W_](?:[\w’'\-]*\w)?|" + MASK + "+")


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _is_cap(tok: str) -> bool:
    if not tok or tok[0] == MASK:
        return False
    if tok[0].isupper():
        return True
    return bool(re.match(r"(?:al|el|as|ad|an|ash|at|az|ar|ul|ad-d)[-‑][A-Z]", tok))


def _norm(tok: str) -> str:
    return tok.casefold().strip(".")


def _possessive(tok: str) -> bool:
    return tok.endswith(("’s", "'s", "s’", "s'"))


@dataclass
class _Run:
    tokens: list[tuple[str, int, int]]
    prev: str  # token before the run ("" at start)
    nxt: str  # token after the run


def _runs(text: str) -> list[_Run]:
    """Maximal runs of capitalised tokens (connectors such as al/de/of allowed inside)."""
    toks = _tokens(text)
    runs: list[_Run] = []
    i = 0
    while i < len(toks):
        if not _is_cap(toks[i][0]):
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            t = toks[j][0]
            between = text[toks[j - 1][2]:toks[j][1]]
            if any(c in between for c in ",;:()“”\"«».!?") and not (between.strip() == "." and len(toks[j - 1][0]) <= 3):
                break
            if _is_cap(t):
                j += 1
                continue
            if _norm(t) in CONNECTORS and j + 1 < len(toks) and _is_cap(toks[j + 1][0]) \
                    and not any(c in text[toks[j][2]:toks[j + 1][1]] for c in ",;:()“”\"«»"):
                j += 2
                continue
            break
        prev = toks[i - 1][0] if i > 0 else ""
        if i > 0 and any(c in text[toks[i - 1][2]:toks[i][1]] for c in ",;:()“”\"«».!?"):
            prev = ","
        nxt = toks[j][0] if j < len(toks) else ""
        runs.append(_Run(toks[i:j], prev, nxt))
        i = j
    return runs


@dataclass(frozen=True)
class _Name:
    text: str
    kind: str  # person | org
    start: int
    end: int
    titled: bool


def _classify_run(text: str, run: _Run, common: frozenset[str]) -> _Name | None:
    toks = list(run.tokens)
    words = [_norm(t[0]) for t in toks]
    if all(w in STOPWORDS or w in WEEKDAYS_MONTHS or w in DEMONYMS or w in PLACES or _ADJ_SUFFIX.search(w)
           for w in words):
        return None
    if len(toks) == 1 and run.prev in ("", ",") and words[0] in common:
        return None  # "Opposition forces said": a capitalised common word opening the sentence
    # an outlet is not a speaker
    full = text[toks[0][1]:toks[-1][2]]
    if is_known_outlet(full):
        return None
    if _possessive(toks[-1][0]):
        return None  # "Ali Khamenei's top adviser": the run is a possessor
    has_org = any(w in ORG_WORDS for w in words) or _norm(run.nxt) in LOWER_ORG_HEADS
    acronym = len(toks) == 1 and re.fullmatch(r"[A-Z]{2,6}", toks[0][0]) is not None
    # strip leading function words, titles, nationalities, places, possessives
    k = 0
    stripped_title = False
    while k < len(toks):
        w = words[k]
        tok = toks[k][0]
        if len(toks) - k >= 2 and w in ("de", "le", "la", "du", "al", "el") and k == 0 and not stripped_title \
                and _is_cap(tok) and _norm(run.prev) not in PREPOSITIONS:
            break  # "De Mistura", "Le Drian"
        if w in STOPWORDS or w in TITLE_WORDS or w in DEMONYMS or w in PLACES or _possessive(tok) \
                or w in CONNECTORS or w in ORG_WORDS or w in WEEKDAYS_MONTHS or _ADJ_SUFFIX.search(w):
            stripped_title = stripped_title or w in TITLE_WORDS or _possessive(tok)
            k += 1
            continue
        break
    rest = toks[k:]
    rest_words = words[k:]
    after_prep = _norm(run.prev) in PREPOSITIONS or (_norm(run.prev) == "the" and not stripped_title)
    if rest and after_prep and k == 0:
        if _norm(run.prev) == "the" or len(rest) < 3:
            rest = []
        else:
            rest, rest_words = rest[1:], rest_words[1:]
    while rest and (rest_words[-1] in CONNECTORS or rest_words[-1] in WEEKDAYS_MONTHS):
        rest, rest_words = rest[:-1], rest_words[:-1]
    if rest and not any(w in ORG_WORDS for w in rest_words) and _norm(run.nxt) not in LOWER_ORG_HEADS \
            and not (len(rest) == 1 and re.fullmatch(r"[A-Z]{2,6}", rest[0][0])) \
            and len(rest) <= 6 and not all(w in CONNECTORS for w in rest_words):
        s, e = rest[0][1], rest[-1][2]
        return _Name(text[s:e], "person", s, e, stripped_title)
    acronym = acronym or (len(rest) == 1 and re.fullmatch(r"[A-Z]{2,6}", rest[0][0]) is not None)
    if has_org or acronym:
        k0 = 0
        while k0 < len(toks) and (words[k0] in STOPWORDS and words[k0] not in ("al", "el")):
            k0 += 1
        if k0 < len(toks):
            s, e = toks[k0][1], toks[-1][2]
            return _Name(text[s:e], "org", s, e, False)
    return None


def _pick_name(text: str, common: frozenset[str], prefer_last: bool = True) -> _Name | None:
    names = [n for n in (_classify_run(text, r, common) for r in _runs(text)) if n]
    persons = [n for n in names if n.kind == "person"]
    pool = persons or [n for n in names if n.kind == "org"]
    if not pool:
        return None
    return pool[-1] if prefer_last else pool[0]


def _clean_desc(desc: str) -> str | None:
    desc = desc.replace(MASK, " ")
    desc = re.sub(r"\s+", " ", desc).strip(" ,;:–—-")
    desc = re.sub(r"^(?:also|and|but|while|then)\s+", "", desc, flags=re.I)
    desc = re.sub(r"\s+(?:also|has|have|had|was|were|is|further|then|later|a|ont|avait)$", "", desc, flags=re.I)
    desc = re.sub(r"^(?:of|de|du|des)\s+", "", desc, flags=re.I)
    desc = desc.strip(" ,;:")
    if not desc or all(w.casefold() in STOPWORDS for w in re.findall(r"[^\W\d_]+", desc)):
        return None
    return desc


def _head_noun(desc: str) -> str | None:
    """Head noun of a description: "The opposition military source in Aleppo" -> "source"."""
    core = re.split(r"\s+(?:in|of|from|at|for|with|to|on|de|du|des|à|au|en|dans|chez|pour)\s+", desc, maxsplit=1)[0]
    words = re.findall(r"[^\W\d_][\w’'\-]*", core)
    for w in reversed(words):
        if w.casefold() in HUMAN_HEADS:
            return w.casefold()
    return words[-1].casefold() if words else None


def _np_attribution(np_text: str, np_start: int, verb_pos: int, lang: str,
                    common: frozenset[str]) -> Attribution | None:
    """Turn a subject noun phrase into an Attribution (unresolved)."""
    raw = np_text.replace(MASK, " ")
    stripped = raw.strip(" ,;:")
    if not stripped:
        return None
    low = stripped.casefold()
    # pronouns
    pron_map = FR_PRONOUNS if lang == "fr" else EN_PRONOUNS
    first = re.findall(r"[^\W\d_]+", low)
    if first and len(first) == 1 and first[0] in pron_map:
        if pron_map[first[0]] in ("o", "p"):
            return Attribution(verb_pos, None, None, "unnamed", None)
        return Attribution(verb_pos, None, None, "pron", None, gender=pron_map[first[0]])
    if first and first[0] in ("he", "she", "il", "elle") and len(first) <= 2 and first[-1] in ("also", "then", "later", "further"):
        return Attribution(verb_pos, None, None, "pron", None)
    name = _pick_name(raw, common)
    if name is not None and name.kind == "org":
        lead = raw[: name.start]
        if any(w.casefold() in HUMAN_HEADS for w in re.findall(r"[^\W\d_]+", lead)):
            name = None  # "military sources from Jaish al-Fatah Army": unnamed sources
    if name is not None:
        desc = _clean_desc(raw[: name.start] + " " + raw[name.end:])
        return Attribution(verb_pos, name.text, desc, name.kind)
    desc = _clean_desc(raw)
    if desc is None:
        return None
    head = _head_noun(desc)
    if head is None or head not in HUMAN_HEADS:
        return Attribution(verb_pos, None, desc, "none")
    if re.match(r"^(?:the|this|that|these|le|la|les|l['’]|ce|cette)\s*", desc, re.I) and not re.search(
            r"[’']s\b", desc) and len(desc.split()) <= 8:
        return Attribution(verb_pos, None, desc, "def", head)
    return Attribution(verb_pos, None, desc, "unnamed", head)


# --------------------------------------------------------------------------- outlets


_EN_OUTLET_RES = (
    re.compile(r"\btold\s+(?:the\s+)?[“\"«]?\s*(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|des|of|the|la|le)){0,5})"),
    re.compile(r"\b(?:in|during)\s+(?:(?:comments|remarks|an\s+interview|a\s+statement|an\s+interview\s+published|statements)\s+)(?:to|with|on|by)\s+(?:the\s+)?[“\"]?(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|of|the)){0,5})"),
    re.compile(r"\b(?:speaking|talking)\s+(?:to|with)\s+(?:the\s+)?[“\"]?(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|of)){0,5})"),
    re.compile(r"\b(?:quoted|cited)\s+by\s+(?:the\s+)?[“\"]?(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|of)){0,5})"),
    re.compile(r"\b(?:according\s+to|on)\s+(?:the\s+)?[“\"]?(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|of)){0,5})"),
    re.compile(r"(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|al|du|de|of)){0,5})\s+(?:quoted|reported|cited)\b"),
)
_FR_OUTLET_RES = (
    re.compile(r"\b(?:à|au|aux)\s+(?:l['’]\s*|la\s+)?[«“\"]?\s*(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|du|de|des|la|le)){0,5})"),
    re.compile(r"\b(?:interrogée?s?|cité(?:e|s|es)?|citée?)\s+par\s+(?:l['’]\s*|le\s+|la\s+)?[«“\"]?\s*(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|du|de|des|la|le)){0,5})"),
    re.compile(r"\b(?:selon|sur|dans)\s+(?:l['’]\s*|le\s+|la\s+)?[«“\"]?\s*(?P<o>[A-Z][\w’'\-.&]*(?:\s+(?:[A-Z0-9][\w’'\-.&]*|du|de|des|la|le)){0,5})"),
)
_AR_OUTLET_RES = (
    re.compile(NOT_AFTER_ARABIC_LETTER + r"لـ?\s*[\"“«]\s*(?P<o>[^\"”»:،.\n]{2,40}?)\s*[\"”»]"),
    re.compile(NOT_AFTER_ARABIC_LETTER + r"ل(?P<o>(?:وكالة|صحيفة|جريدة|قناة|موقع|إذاعة|مجلة|تلفزيون)\s+[\"“«]?[^\s:،.\"”»]+(?:\s+[^\s:،.\"”»]+){0,3})"),
    re.compile(NOT_AFTER_ARABIC_LETTER + rf"ل(?P<o>[{ARABIC_BASIC_LETTERS}]+(?:\s+[{ARABIC_BASIC_LETTERS}]+){{0,2}})"),
    re.compile(r"(?:نقلت|نقل|بحسب|حسب|وفق|أفادت|ذكرت)\s+(?P<o>(?:وكالة|صحيفة|جريدة|قناة|موقع)\s+[^\s:،.]+(?:\s+[^\s:،.]+){0,3})"),
    re.compile(r"في\s+(?:تصريح|تصريحات|حديث|مقابلة|لقاء)\s+(?:لـ?|مع)\s*[\"“«]?(?P<o>[^\"”»:،.\n]{2,40}?)[\"”»:،.]"),
)


def _trim_outlet(cand: str) -> str | None:
    cand = cand.strip(" \"“”«»'’.,:")
    if not cand:
        return None
    o = find_outlet(cand)
    words = cand.split()
    if o is not None:
        # the shortest run of words naming it (drop "Meanwhile,", "that", "on Monday")
        for i in range(len(words)):
            for j in range(i + 1, len(words) + 1):
                head = " ".join(words[i:j])
                if find_outlet(head) is o:
                    return head.strip(" \"“”«»,.:;'’")
        return cand
    # unknown outlet: a proper name with a media word ("Iran TV", "Sham Network")
    for n in range(len(words), 0, -1):
        head = " ".join(words[:n])
        if looks_like_outlet(head) and (head[:1].isupper() or not head[:1].isalpha() or ARABIC_BLOCK_RE.match(head)):
            return head.strip(" \"“”«»")
    return None


def find_outlet_in(text: str, lang: str) -> str | None:
    """The outlet a reporting clause names, as written ("Asharq Al-Awsat", "AFP",
    "Journal du Dimanche", "الشرق الأوسط", "وكالة فرانس برس"), or None."""
    text = text.replace(MASK, " ")
    res = list(_EN_OUTLET_RES) + list(_FR_OUTLET_RES) + list(_AR_OUTLET_RES)
    if lang == "fr":
        res = list(_FR_OUTLET_RES) + list(_EN_OUTLET_RES) + list(_AR_OUTLET_RES)
    elif lang == "ar":
        res = list(_AR_OUTLET_RES) + list(_EN_OUTLET_RES)
    best: tuple[int, str] | None = None
    for rx in res:
        for m in rx.finditer(text):
            o = _trim_outlet(m.group("o"))
            if o and (best is None or m.start() < best[0]):
                # strictly: prefer the earliest mention in the clause
                best = (m.start(), o)
    return best[1] if best else None


# --------------------------------------------------------------------------- reporting clauses


def _verb_matches(text: str, lang: str) -> list[re.Match]:
    out = []
    if lang == "ar" or ARABIC_BASIC_LETTER_RE.search(text):
        out += list(_AR_VERB_RE.finditer(text))
    if lang != "ar" or re.search(r"[A-Za-z]", text):
        out += list(_FR_VERB_RE.finditer(text) if lang == "fr" else _EN_VERB_RE.finditer(text))
    out.sort(key=lambda m: (m.start(), -len(m.group(0))))
    dedup = []
    last_end = -1
    for m in out:
        if m.start() >= last_end:
            dedup.append(m)
            last_end = m.end()
    return dedup


_HARD_BOUNDARY = re.compile(r"[;:!?؟“”\"«»()\[\]" + MASK + r"]|\.(?=\s|$)")
_SUBORD = re.compile(r"\b(?:that|which|who|whom|while|but|because|when|where|whereas|although|though|"
                     r"after|before|if|since|until|que|qui|qu['’]|mais|car|lorsque|quand|alors que)\b", re.I)


def _np_before(text: str, verb_start: int, lang: str = "en", common: frozenset[str] = frozenset()) -> tuple[int, int]:
    """(start, end) of the subject noun phrase ending just before ``verb_start``."""
    end = verb_start
    lo = 0
    for m in _HARD_BOUNDARY.finditer(text, 0, end):
        # keep abbreviations' periods ("U.N.", "Dr.") inside the phrase
        if m.group(0) == "." and re.search(r"(?:\b[A-Z]|\b(?:Dr|Mr|Mrs|Ms|St|Gen|Col|Lt|Maj|Brig|Capt|Sen|Rep|Prof|Jr|M|Mme))\.$", text[: m.end()]):
            continue
        lo = m.end()
    segment = text[lo:end]
    # cut at the last subordinator (X said that Y told …) or finite verb / auxiliary
    cut = 0
    for m in _SUBORD.finditer(segment):
        cut = m.end()
    for m in _verb_matches(segment, lang):
        if m.end() <= len(segment.rstrip()) - 1:
            cut = max(cut, m.end())
    segment_start = lo + cut
    seg = text[segment_start:end]
    # drop trailing auxiliaries / adverbs ("also", "has", "had", "on Monday")
    while True:
        m = re.search(r"(?:\s|^)(?:also|has|have|had|was|were|is|are|further|then|later|again|reportedly|"
                      r"previously|earlier|recently|already|once|meanwhile|a|ont|avait|avaient|aurait|lui|leur|"
                      r"on\s+\w+day|yesterday|today)\s*,?\s*$", seg, re.I)
        if not m or m.start() == 0 and not seg[: m.start()].strip():
            if m and not seg[: m.start()].strip():
                seg = ""
            break
        seg = seg[: m.start()]
    seg_end = segment_start + len(seg)
    # comma pieces with absolute offsets
    pieces: list[tuple[int, int]] = []
    pos = segment_start
    for part in seg.split(","):
        a, b = pos, pos + len(part)
        pos = b + 1
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            pieces.append((a, b))
    if not pieces:
        return end, end
    core = pieces[-1]
    start = core[0]
    if len(pieces) >= 2:
        prev = pieces[-2]
        prev_text, core_text = text[prev[0]:prev[1]], text[core[0]:core[1]]
        if not _INTRO.match(prev_text) and len(prev_text.split()) <= 16:
            core_name = _pick_name(core_text, common)
            prev_name = _pick_name(prev_text, common)
            core_person = core_name is not None and core_name.kind == "person"
            prev_person = prev_name is not None and prev_name.kind == "person"
            if (core_person and not prev_person and _descriptive(prev_text)) or \
                    (prev_person and not core_person and _descriptive(core_text)):
                start = prev[0]  # apposition: "DESC, NAME, said" / "NAME, DESC, said"
    return start, min(core[1], seg_end)


def _descriptive(t: str) -> bool:
    words = [w.casefold() for w in re.findall(r"[^\W\d_][\w’'\-]*", t)]
    return any(w in HUMAN_HEADS or w in TITLE_WORDS for w in words)


_AFTER_STOP = re.compile(
    r"[,.;:!?()“”\"«»" + MASK + r"]|\s(?:in|on|at|during|after|before|while|when|to|that|who|which|adding|as|"
    r"according|told|from|via|because|with|au|aux|à|dans|lors|sur|en|devant|qui|que|après|avant|mardi|lundi|"
    r"mercredi|jeudi|vendredi|samedi|dimanche)\b", re.I)


def _np_after(text: str, pos: int) -> tuple[int, int, str]:
    """(start, end, apposition) of the noun phrase starting at ``pos`` ("said X, director of …")."""
    m = _AFTER_STOP.search(text, pos)
    end = m.start() if m else len(text)
    np_end = end  # "of the …" is kept: "a member of the main opposition council"
    appo = ""
    if m and m.group(0) == ",":
        m2 = re.match(r",\s*((?:the|a|an|an?other|head|member|director|chief|spokesman|le|la|l['’]|un|une|"
                      r"directeur|porte-parole|membre|chef)\b[^,.;:“”\"«»]{0,120})", text[end:], re.I)
        if m2:
            appo = m2.group(1)
    return pos, np_end, appo


def attribute_after(text: str, lang: str, base: int = 0, *, quote_ended: bool = False,
                    common: frozenset[str] = frozenset()) -> Attribution | None:
    """Reporting clause right after a closing quote mark: ``, he said``,
    ``said Wael al Halqi in …``, ``, a déclaré X au JDD``, ``Reuters quoted Y``.
    ``text`` runs from just after the mark to the end of the sentence."""
    t = text
    lead = re.match(r"^[\s,.،–—-]*", t).end()
    if quote_ended and t[lead:lead + 1].isupper() and not re.match(r"[,،]", t.lstrip()):
        return None  # “… .” He … : a new sentence, not a reporting clause
    window_end = len(t)
    m_end = re.search(r"[.!?؟;" + MASK + r"“«]", t[lead:])
    if m_end:
        window_end = lead + m_end.start() + 1
    clause = t[:window_end]
    verbs = [m for m in _verb_matches(clause, lang) if m.start() - lead <= 140]
    if not verbs:
        return None
    if re.search(r":\s*" + MASK, t[verbs[0].end():]) and not re.search(r"[.!?؟]", t[verbs[0].end():t.find(MASK)]):
        return None  # the clause introduces the next quote (“…” Il a ajouté : « … »)
    v = verbs[0]
    vtext = v.group(0).casefold()
    verb_pos = base + v.start()
    outlet = find_outlet_in(clause, lang)
    if lang == "ar" or ARABIC_BASIC_LETTER_RE.match(vtext):
        return _arabic_after_verb(t, v, base, outlet)
    before = t[lead:v.start()]
    if vtext.startswith(("quoted", "reported", "cited")) and before.strip() and looks_like_outlet(before.strip()):
        # "Reuters quoted Russia's Foreign Ministry"
        s, e, appo = _np_after(t, v.end())
        att = _np_attribution(t[s:e], base + s, verb_pos, lang, common)
        o = _trim_outlet(before.strip())
        return replace(att, outlet=o or outlet) if att else Attribution(verb_pos, outlet=o or outlet, kind="none")
    inverted = not before.strip() or re.fullmatch(r"\s*(?:a|ont|avait)\s*", before, re.I)
    # French inversion with pronoun: "a-t-il déclaré", "ajoute-t-elle"
    fm = re.search(r"-t?-?(il|elle)s?\b", vtext)
    if fm:
        g = "m" if fm.group(1) == "il" else "f"
        return Attribution(verb_pos, None, None, "pron", None, outlet, gender=g)
    if vtext.startswith(("selon", "according", "d'après", "d’après")):
        s, e, appo = _np_after(t, v.end())
        att = _np_attribution(t[s:e], base + s, verb_pos, lang, common)
        return replace(att, outlet=outlet) if att else None
    if inverted:
        s, e, appo = _np_after(t, v.end())
        np_text = t[s:e]
        att = _np_attribution(np_text, base + s, verb_pos, lang, common)
        if att is None:
            return None
        if appo and att.desc is None:
            att = replace(att, desc=_clean_desc(appo))
        return replace(att, outlet=outlet)
    if len(before.split()) > 14:
        return None
    att = _np_attribution(before, base + lead, verb_pos, lang, common)
    return replace(att, outlet=outlet) if att else None


def _arabic_after_verb(t: str, v: re.Match, base: int, outlet: str | None) -> Attribution:
    """VSO: the subject follows the verb (``وقال رئيس الوزراء وائل الحلقي لـ"…": …``)."""
    verb_pos = base + v.start()
    rest = t[v.end():]
    vbare = strip_diacritics(v.group(0).strip()).split()[0]
    if vbare not in AR_VERBS and vbare[1:] in AR_VERBS:
        vbare = vbare[1:]  # و/ف conjunction
    according = vbare in AR_ACCORDING
    tokens: list[str] = []
    for m in re.finditer(r"[^\s:،,.\"“”«»؟!]+|[:،,.\"“”«»؟!]", rest):
        tok = m.group(0)
        if tok in (":", "،", ",", ".", '"', "“", "”", "«", "»", "؟", "!") or MASK in tok:
            break
        bare = strip_diacritics(tok)
        if according and not tokens and bare.startswith("ل") and len(bare) > 2:
            bare = "ال" + bare[2:] if bare.startswith("لل") else bare[1:]  # "وفقا للوزير X"
            tokens.append(bare)
            continue
        if bare in ("في", "من") and tokens and all(t in AR_GENERIC or t in AR_TITLE_WORDS for t in tokens):
            tokens.append(bare)  # "مصدر في المعارضة"
            continue
        if bare in AR_STOP or bare == "ل" or tok.startswith("لـ") or (bare.startswith("ل") and find_outlet(bare[1:])) \
                or re.match(r"^ل(?:وكالة|صحيفة|جريدة|قناة|موقع|إذاعة|مجلة|تلفزيون)", bare):
            break
        tokens.append(bare)
        if len(tokens) >= 10:
            break
    if not tokens:
        return Attribution(verb_pos, None, None, "pron", None, outlet)
    np_text = " ".join(tokens)
    if len(tokens) == 1 and tokens[0] in AR_DEF_HEADS:
        return Attribution(verb_pos, None, np_text, "def", tokens[0][2:], outlet)  # "المصدر" -> "مصدر"
    # the name starts at the first token that is not a title, generic noun or "al-" word
    start = None
    for i, tok in enumerate(tokens):
        if tok in AR_TITLE_WORDS or tok in AR_GENERIC or tok.startswith("ال") or tok in ("في", "من", "عن", "باسم"):
            continue
        if re.match(r"^(?:لل|[وفبك]ال)", tok):
            continue  # "للمفاوضات" (li + al-): a definite noun, not a name
        if tok.startswith("ل") and i + 1 < len(tokens) and tokens[i + 1].startswith("ال"):
            continue  # "لحقوق الإنسان"
        start = i
        break
    if start is None:
        if len(tokens) <= 2 and not any(t in AR_GENERIC or t in AR_TITLE_WORDS for t in tokens):
            return Attribution(verb_pos, np_text, None, "person", None, outlet)  # "الأسد"
        if tokens[0] in AR_DEF_HEADS and len(tokens) <= 3:
            return Attribution(verb_pos, None, np_text, "def", tokens[0][2:], outlet)
        head = tokens[0][2:] if tokens[0].startswith("ال") else tokens[0]
        return Attribution(verb_pos, None, np_text, "unnamed", head, outlet)
    name_tokens = tokens[start:]
    name = " ".join(name_tokens[:5])
    desc = " ".join(tokens[:start]) or None
    return Attribution(verb_pos, name, desc, "person", None, outlet)


def attribute_before(text: str, lang: str, base: int = 0, *, common: frozenset[str] = frozenset()) -> Attribution | None:
    """Reporting clause before an opening quote mark, in the same sentence:
    ``X told Asharq Al-Awsat: “…``, ``X said the talks needs to “…``,
    ``according to X, “…``, ``وقال X لـ"…": «…``, ``X a affirmé que « …``.
    ``text`` runs from the sentence start to just before the mark."""
    verbs = _verb_matches(text, lang)
    fallback = None
    for v in reversed(verbs):
        att = _attribute_at(text, v, lang, base, common)
        if att is None:
            continue
        if att.kind == "none":
            fallback = fallback or att
            continue
        if fallback is not None and fallback.outlet and not att.outlet:
            att = replace(att, outlet=fallback.outlet)
        return att
    return fallback


def _attribute_at(text: str, v: re.Match, lang: str, base: int, common: frozenset[str]) -> Attribution | None:
    vtext = v.group(0).casefold()
    verb_pos = base + v.start()
    outlet = find_outlet_in(text[v.start():], lang)
    if re.match(rf"[وف]?[{ARABIC_BASIC_LETTERS}]", v.group(0).strip()):
        return _arabic_after_verb(text, v, base, outlet)
    if vtext.startswith(("according", "selon", "d'après", "d’après")):
        s, e, _ = _np_after(text, v.end())
        att = _np_attribution(text[s:e], base + s, verb_pos, lang, common)
        if att is None:
            return None
        if att.kind == "none" and find_outlet(att.desc or ""):
            return Attribution(verb_pos, None, None, "none", None, _trim_outlet(att.desc or ""))
        return replace(att, outlet=outlet)
    fm = re.search(r"-t?-?(il|elle)s?\b", vtext)
    if fm:
        return Attribution(verb_pos, None, None, "pron", None, outlet, gender="m" if fm.group(1) == "il" else "f")
    if vtext in EN_PARTICIPLES:
        # "…, saying …": the subject of the sentence
        s, e = _sentence_subject(text)
        att = _np_attribution(text[s:e], base + s, verb_pos, lang, common) if e > s else None
        if att is None:
            return None
        o = find_outlet_in(text, lang)
        return replace(att, outlet=o or outlet)
    s, e = _np_before(text, v.start(), lang, common)
    if e <= s:
        return Attribution(verb_pos, None, None, "none", None, outlet)
    att = _np_attribution(text[s:e], base + s, verb_pos, lang, common)
    if att is None:
        return Attribution(verb_pos, None, None, "none", None, outlet)
    if att.kind == "none" and outlet is None and looks_like_outlet(att.desc or ""):
        return Attribution(verb_pos, None, None, "none", None, _trim_outlet(att.desc or ""))
    if att.kind == "org" and looks_like_outlet(att.speaker or ""):
        # "Sham Network reported", "Reuters reported": an outlet, not a speaker
        return Attribution(verb_pos, None, None, "none", None, _trim_outlet(att.speaker or "") or att.speaker)
    return replace(att, outlet=att.outlet or outlet)


def _sentence_subject(text: str) -> tuple[int, int]:
    """The noun phrase opening the sentence, up to the first comma or verb."""
    m = re.match(r"\s*((?:[^,;:“”\"«»" + MASK + r"]){1,120}?)(?=,|\s+(?:is|are|was|were|has|have|had|"
                 r"rejected|said|says|told|added|denied|accused|called|warned)\b)", text)
    if not m:
        return 0, 0
    return m.start(1), m.end(1)


def attribute_sentence(text: str, lang: str, base: int = 0, *, common: frozenset[str] = frozenset()) -> Attribution | None:
    """Indirect speech: the first reporting clause of a sentence ("Lavrov said
    an agreement was reached", "وأكد الوزير أن …"), or None."""
    found = attribute_sentence_all(text, lang, base, common=common)
    return found[0] if found else None


def attribute_sentence_all(text: str, lang: str, base: int = 0, *, common: frozenset[str] = frozenset()) -> list[Attribution]:
    """Every reporting clause of a sentence, in order ("X said …, while Y said …")."""
    out = []
    for v in _verb_matches(text, lang):
        if v.group(0).casefold() in EN_PARTICIPLES:
            continue
        att = _attribute_at(text, v, lang, base, common)
        if att is None or (att.kind == "none" and not att.outlet):
            continue
        out.append(att)
    return out


# --------------------------------------------------------------------------- resolution


@dataclass(frozen=True)
class Mention:
    """A titled person met in the text ("Russia’s Foreign Minister Sergei Lavrov")."""

    pos: int
    name: str
    title: str


def title_mentions(text: str, base: int = 0, *, common: frozenset[str] = frozenset()) -> list[Mention]:
    """Persons introduced with a title in ``text`` (used to resolve "the minister")."""
    out = []
    for run in _runs(text):
        name = _classify_run(text, run, common)
        if name and name.kind == "person" and name.titled:
            title = text[run.tokens[0][1]:name.start]
            out.append(Mention(base + run.tokens[0][1], name.text, title.strip()))
    return out


_RECENT_MAX = 200
"""A description looks back at most this many attributions (and name mentions)
inside its window of paragraphs: far more than any real paragraphs hold, and
what keeps one huge paragraph from costing time quadratic in its length."""


def _tail(by_para: dict, pos_by_para: dict, para: int, window: int, before: int) -> list:
    """The last :data:`_RECENT_MAX` entries at positions before ``before`` in paragraphs
    ``para - window`` .. ``para``, in position order. ``pos_by_para[p]`` lists the
    (sorted) positions of ``by_para[p]``."""
    got: list = []
    for p in range(para, para - window - 1, -1):
        lst = by_para.get(p)
        if not lst:
            continue
        end = bisect.bisect_left(pos_by_para[p], before)
        got[:0] = lst[max(0, end - (_RECENT_MAX - len(got))):end]
        if len(got) >= _RECENT_MAX:
            break
    return got


def resolve(
    items: Sequence[Attribution],
    paragraph_of: Callable[[int], int],
    mentions: Sequence[Mention] = (),
    *,
    window: int = 4,
) -> list[Attribution]:
    """Resolve pronouns and definite descriptions, in document order.

    ``items`` are sorted by ``verb_pos``. A pronoun takes the nearest speaker
    of the same paragraph, else the single speaker of the previous paragraph
    (or the one before, if that had none); a definite description ("the
    minister") takes the single recent person whose title or description
    contains its head noun. Anything ambiguous stays unresolved (speaker None).
    """
    out: list[Attribution] = []
    # indexes by paragraph keep this linear in the number of attributions
    # (a document that is one huge paragraph has thousands): ``items`` come in
    # document order, so each paragraph's list is in document order too
    by_para: dict[int, list[Attribution]] = {}
    att_pos: dict[int, list[int]] = {}
    mentions_by_para: dict[int, list[Mention]] = {}
    mention_pos: dict[int, list[int]] = {}
    for mnt in sorted(mentions, key=lambda m: m.pos):
        p = paragraph_of(mnt.pos)
        mentions_by_para.setdefault(p, []).append(mnt)
        mention_pos.setdefault(p, []).append(mnt.pos)

    def keep(a: Attribution) -> None:
        out.append(a)
        p = paragraph_of(a.verb_pos)
        by_para.setdefault(p, []).append(a)
        att_pos.setdefault(p, []).append(a.verb_pos)

    for att in items:
        if not att.needs_resolution:
            keep(att)
            continue
        para = paragraph_of(att.verb_pos)
        resolved = None
        if att.kind == "pron":
            resolved = next((a for a in reversed(by_para.get(para, ())) if a.verb_pos < att.verb_pos
                             and a.kind in ("person", "unnamed")), None)
            if resolved is None:
                for back in (1, 2):
                    prev = [a for a in by_para.get(para - back, ()) if a.kind in ("person", "unnamed")]
                    keys = {(a.speaker or a.desc or "").casefold() for a in prev}
                    if len(keys) == 1:
                        resolved = prev[-1]
                        break
                    if len(keys) > 1:
                        break
        else:  # definite description
            head = (att.head or "").rstrip("s")
            cands: dict[str, Attribution] = {}
            unnamed_match = None
            for a in _tail(by_para, att_pos, para, window, att.verb_pos):
                if a.verb_pos >= att.verb_pos:
                    continue
                text = f"{a.desc or ''} {a.head or ''}".casefold()
                if head and (head in text or (a.kind == "org" and head in (a.speaker or "").casefold())):
                    if a.kind in ("person", "org") and a.speaker:
                        cands[a.speaker.casefold()] = a
                    elif a.kind == "unnamed":
                        unnamed_match = a
            for mnt in _tail(mentions_by_para, mention_pos, para, window, att.verb_pos):
                if head and head in mnt.title.casefold():
                    cands.setdefault(mnt.name.casefold(), Attribution(mnt.pos, mnt.name, mnt.title, "person"))
            # the same person under a shorter name ("Lavrov" / "Sergei Lavrov") counts once
            names = sorted(cands)
            distinct = [n for n in names if not any(n != o and n in o for o in names)]
            if len(distinct) == 1:
                resolved = cands[distinct[0]]
            elif not distinct and unnamed_match is not None:
                resolved = unnamed_match
        if resolved is not None:
            # same paragraph: the words went to the same outlet ("X told AFP … “…,” he said")
            same_para = paragraph_of(resolved.verb_pos) == para
            keep(replace(att, speaker=resolved.speaker, kind=resolved.kind,
                         desc=att.desc or resolved.desc,
                         outlet=att.outlet or (resolved.outlet if same_para else None)))
        else:
            keep(replace(att, speaker=None, kind="unnamed" if att.kind == "def" else "unresolved"))
    return out
