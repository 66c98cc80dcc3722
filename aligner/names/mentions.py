"""Find names of people, organisations and places in English, French and Arabic text.

Rule based and explicit (no model):

* Latin script: runs of capitalised words, joined by name particles
  (al-, el-, de, di, bin, ibn, Abu, Abdel...) and, inside organisation names,
  by of/for/the/des/du. Known aliases and gazetteer places are matched
  first (longest match). A run is an **organisation** when it holds an
  organisation head (Front, Committee, Army, Observatory, Comité, Armée...)
  or starts like ``Jabhat``/``Jaish``/``Harakat``; a **place** when it is in
  the gazetteer or is followed by "district", "town"...; a **person** when
  it has two or more name words and a cue: a known given name, Arabic
  name particles, a title before it ("Prime Minister", "le ministre"),
  a speech verb next to it ("said", "a déclaré"), or "X of the <Org>".
* Arabic script: persons after titles and speech verbs (قال، رئيس، وزير،
  المتحدث، مدير...) or starting with a known given name; organisations from
  their heads (جبهة، جيش، المرصد، هيئة، حركة...); places from the gazetteer.
* Single words (``Lavrov``, ``Rami``, ``Nusra``) are kept only when they
  repeat a word of a longer name found in the corpus, or stand next to a
  speech verb (:func:`extract_corpus` does this second pass).

Every mention keeps exact offsets into ``Document.text``, its sentence as
``context`` and, for people, the ``role`` read next to the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from .. import wordlists
from ..records import Document, NameMention
from ..settings import SETTINGS, Settings
from ..text.arabic import (
    ARABIC_BASIC_LETTERS,
    NOT_AFTER_ARABIC_LETTER,
    NOT_BEFORE_ARABIC_LETTER,
    has_arabic_block,
)
from ..text.langid import detect_language, span_language
from ..text.sentences import split_sentences
from .lexicon import (
    ACRONYM_STOP,
    DEMONYMS,
    DESCRIPTORS_AR,
    HONORIFICS,
    MONTHS,
    NON_NAME_WORDS,
    ORG_ALIASES,
    ORG_CONCEPTS,
    ORG_HEADS,
    ORG_PREFIXES_AR,
    ORG_PREFIXES_LATIN,
    PLACE_ALIASES,
    PLACE_NOUNS,
    PLACE_NOUNS_FR,
    SPEECH_VERBS_AR,
    SPEECH_VERBS_EN,
    SPEECH_VERBS_FR,
    STOP_AR,
    STOP_CAPS,
    TITLE_HEADS_EN,
    TITLES_AR,
    TITLES_FR,
)
from .normalize import (
    ABD_TOKENS,
    ABU_TOKENS,
    LATIN_PARTICLES,
    arabic_key,
    clean_form,
    fold_arabic,
    fold_latin,
    latin_key,
    name_units,
    script_of,
)
from .translit import arabic_given_names, arabic_name_units, latin_given_keys

# ------------------------------------------------------------- sentences

def _paragraphs(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every non-empty line of ``text``: names are looked for in the
    whole text (headlines and captions too), not only in the article body."""
    return tuple(m.span() for m in re.finditer(r"[^\n]*\S[^\n]*", text))


def _sentences(doc: Document, spans: Sequence[tuple[int, int]] | None = None,
               settings: Settings = SETTINGS) -> list[tuple[tuple[int, int], str]]:
    """``((start, end), lang)`` of the sentences of ``doc``: those of
    :func:`aligner.text.sentences.split_sentences` (sentence splitting and language
    identification of the reader), over every line of the text; or ``spans`` given
    by the caller, each with its language from :func:`aligner.text.langid.span_language`."""
    if spans is None:
        return list(_line_sentences(doc, settings))
    return [((s, e), _script_language(doc.text[s:e], span_language(doc.text[s:e], doc.lang, settings=settings)))
            for s, e in spans]


@lru_cache(maxsize=64)
def _line_sentences(doc: Document, settings: Settings) -> tuple[tuple[tuple[int, int], str], ...]:
    """The sentences of every line of ``doc`` (both passes of extraction read them)."""
    lines = replace(doc, body=_paragraphs(doc.text))
    return tuple(((x.start, x.end), _script_language(x.text, x.lang))
                 for x in split_sentences(lines, settings=settings))


def _script_language(sentence: str, lang: str) -> str:
    """``lang`` made to agree with the sentence's script (the extraction rules are per
    script): Arabic script is "ar"; a Latin-script sentence detected as "ar" (inside an
    Arabic paragraph) gets its own language from :func:`aligner.text.langid.detect_language`."""
    if script_of(sentence) == "Arab":
        return "ar"
    if lang in ("en", "fr"):
        return lang
    guess = detect_language(sentence)
    return guess if guess in ("en", "fr") else "en"


# ----------------------------------------------------------------- tokens

@dataclass
class _Tok:
    text: str       # surface text (possessive 's and -linked suffixes removed)
    start: int
    end: int
    fold: str       # fold_latin(text) without dots
    cap: bool       # starts with an upper-case letter (or al-X / el-X)
    poss: bool = False  # followed by 's
    used: bool = False


_LAT_TOKEN_RE = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_](?:[\w'’\-]*[^\W\d_])?", re.UNICODE)
_ELISION_RE = re.compile(r"^(?:[ldjnmtsc]|qu|jusqu|lorsqu|puisqu)['’](?=\w)", re.I)
_MODIFIER_RE = re.compile(r"-(?:linked|based|led|backed|held|style|controlled|affiliated|allied|run|born|made|"
                          r"brokered|era|like|allied|leaning|dominated|supported|sponsored)$", re.I)
_ARTICLE_CAP_RE = re.compile(r"^(?:al|el|ad|ar|as|ash|at|az|an|ed|er|es|et|ez|en|ul|bin|ibn|abu|abou|ben)-[A-Z]")


_POSSESSIVE_END_RE = re.compile(r"['’]s?$")
_PREFIX_RE = re.compile(r"^(?:ex|pro|anti|non|post|pre|neo)-(?=[A-ZÀ-Þ])")


def _latin_tokens(text: str, s0: int, e0: int) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _LAT_TOKEN_RE.finditer(text, s0, e0):
        t, s, e = m.group(), m.start(), m.end()
        if has_arabic_block(t[0]):
            continue
        el = _ELISION_RE.match(t)
        if el:
            toks.append(_Tok(t[:el.end()], s, s + el.end(), fold_latin(t[:el.end()]), False))
            t, s = t[el.end():], s + el.end()
        poss = False
        pm = _POSSESSIVE_END_RE.search(t)
        if pm and len(t) > 2:
            poss = t[pm.start():].lower() in ("'s", "’s", "'", "’")
            t, e = t[:pm.start()], s + pm.start()
        px = _PREFIX_RE.match(t)
        if px:
            t, s = t[px.end():], s + px.end()
        mm = _MODIFIER_RE.search(t)
        if mm:
            t, e = t[:mm.start()], s + mm.start()
        if not t:
            continue
        cap = t[0].isupper() or bool(_ARTICLE_CAP_RE.match(t))
        toks.append(_Tok(t, s, e, fold_latin(t).replace(".", ""), cap, poss))
    return toks


_AR_TOKEN_RE = re.compile("[\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06fa-\u06ff\u200c\u200d]+")


def _arabic_tokens(text: str, s0: int, e0: int) -> list[_Tok]:
    out = []
    for m in _AR_TOKEN_RE.finditer(text, s0, e0):
        t = m.group()
        f = fold_arabic(t, soft=True)
        if not f:
            continue
        out.append(_Tok(t, m.start(), m.end(), f, True))
    return out


def _gap(text: str, a: _Tok, b: _Tok) -> str:
    return text[a.end:b.start]


_SPACES_RE = re.compile(r"[ \t\u00a0\u200b-\u200f]+")  # between two words of one phrase (no line break)


def _joined(text: str, a: _Tok, b: _Tok) -> bool:
    """Tokens a and b are adjacent words of one phrase (only spaces between, no line break)."""
    g = _gap(text, a, b)
    return bool(_SPACES_RE.fullmatch(g)) and not a.poss


# ----------------------------------------------------------- word classes

_CONNECT_NAME = frozenset(set(wordlists.words("names_connect_name")))
_CONNECT_ORG = frozenset(set(wordlists.words("names_connect_org")))
_ORG_HEAD_KEYS = frozenset(k for k in ORG_HEADS if not has_arabic_block(k))
_STOP_LATIN = (STOP_CAPS - _ORG_HEAD_KEYS) | MONTHS
_FR_ORG_CONT = frozenset(fold_latin(w) for w in wordlists.words("names_fr_org_cont"))
_FR_ORG_FUNCTION = frozenset(fold_latin(w) for w in wordlists.words("names_fr_org_function"))


def _is_title(f: str, lang: str) -> bool:
    return f in TITLE_HEADS_EN or (lang == "fr" and f in TITLES_FR)


def _is_org_head(f: str) -> bool:
    return f in _ORG_HEAD_KEYS


_KEY_PUNCT_RE = re.compile(r"['\s.\-]")


def _alias(key: str) -> tuple[str, str] | None:
    """(type, canonical) of a known organisation or place spelling."""
    k = _KEY_PUNCT_RE.sub("", key)
    if k in ORG_ALIASES:
        return "organization", ORG_ALIASES[k]
    if k in PLACE_ALIASES:
        return "place", PLACE_ALIASES[k]
    return None


def _given(word: str) -> bool:
    parts = [p for p in re.split(r"[-\s]", word) if p]
    return bool(parts) and fold_latin(parts[0]) not in _STOP_LATIN and fold_latin(parts[0]) not in NON_NAME_WORDS \
        and latin_key(parts[0]) in latin_given_keys()


# ------------------------------------------------------------- mention specs

@dataclass
class _Spec:
    start: int
    end: int
    type: str
    role: str | None = None
    short: bool = False     # one name unit / acronym: needs a longer name to attach to
    cue: str = ""
    form: str | None = None  # when the name differs from the text slice (للهيئة -> الهيئة)


def _role_key_words(role: str) -> str:
    return re.sub(r"\s+", " ", role).strip(" ,.;:-–—'\"“”’")


_ROLE_BEFORE_RE = re.compile(r"([^.;:!?\"“”«»()]{0,120}?)(,\s*|\s+)$")


_OF_WORDS = frozenset({"of", "de", "du", "d"})  # folded and stripped like the words below ("des" -> "de")
_ARTICLE_WORDS = frozenset({"the", "la", "le", "l"})


def _role_before(text: str, sent_start: int, pos: int, lang: str) -> str | None:
    """A title phrase right before a name: "Prime Minister, X" / "le ministre ..., X"."""
    seg = text[max(sent_start, pos - 140):pos]
    m = _ROLE_BEFORE_RE.search(seg)
    if not m:
        return None
    clause = m.group(1)
    # only the last clause: after the last comma unless the name follows ", "
    parts = clause.split(",")
    clause = parts[-1] if parts[-1].strip() else (parts[-2] if len(parts) > 1 else "")
    clause = re.sub(r"^\s*(?:for his part|for her part|meanwhile|moreover|however|politically|on the other hand|"
                    r"on sunday|on monday|also)\s*", "", clause, flags=re.I)
    words = clause.split()
    if not words or len(words) > 12:
        return None
    titles = TITLE_HEADS_EN | TITLES_FR if lang in ("en", "fr") else TITLES_AR
    folded = [fold_latin(w).strip(".,’'s") if lang != "ar" else fold_arabic(w, soft=True) for w in words]
    idx = [i for i, w in enumerate(folded) if w in titles or w.rstrip("s") in titles]
    if not idx:
        return None
    # "members of the" + name, "chef de la" + name: the name is what the title is of, not who holds it
    if lang != "ar" and (folded[-1] in _OF_WORDS or (len(folded) > 1 and folded[-1] in _ARTICLE_WORDS
                                                     and folded[-2] in _OF_WORDS)):
        return None
    first = idx[0]
    # extend left over capitalised / possessive modifiers ("the Syrian regime's Prime Minister")
    while first > 0 and (words[first - 1][:1].isupper() or words[first - 1].endswith(("’s", "'s"))
                         or folded[first - 1] in DEMONYMS or folded[first - 1] in {"regime", "top", "former"}):
        first -= 1
    role = " ".join(words[first:])
    role = re.sub(r"^(?:the|le|la|l'|l’)\s+", "", role, flags=re.I)
    return _role_key_words(role) or None


# ", the X of Y" / ", le X de Y" after a name, X a title of aligner/data/titles.tsv
_ROLE_AFTER_RE = re.compile(
    r"^\s*,\s*((?:the\s+|le\s+|la\s+|l['’])?(?:[\w.’'-]+\s+){0,3}?(?:"
    + "|".join(re.escape(w) for w in sorted(wordlists.select("titles", "word", lang=("en", "fr"), kind="title"),
                                            key=len, reverse=True))
    + r")\b[^,.;:\"“”]{0,90})", re.I)


def _role_after(text: str, pos: int) -> str | None:
    m = _ROLE_AFTER_RE.match(text[pos:pos + 160])
    return _role_key_words(m.group(1)) if m else None


# French "X a ..." (X has ...): the subject of a verb, most often a person. Not a reporting verb,
# so not in reporting_verbs.tsv; a cue of the name extraction only.
_FR_SUBJECT_CUES = frozenset({"a"})


def _speech_near(text: str, s: int, e: int, lang: str) -> bool:
    before = text[max(0, s - 20):s].lower()
    after = text[e:e + 24].lower()
    verbs = SPEECH_VERBS_EN if lang == "en" else SPEECH_VERBS_FR | _FR_SUBJECT_CUES
    wb = re.findall(r"[\wéèêàç]+", before)
    wa = re.findall(r"[\wéèêàç]+", after)
    if wb and wb[-1] in verbs:
        return True
    if wa and (wa[0] in verbs or (len(wa) > 1 and wa[0] in {"has", "had", "also", "a", "then", "later"}
                                   and wa[1] in verbs)):
        return True
    return bool(re.match(r"\s*(?:told|said|says|added)\b", after))


# ------------------------------------------------------------ Latin script

def _mark_aliases(text: str, toks: list[_Tok]) -> list[_Spec]:
    """Longest-match known organisations and places (up to 7 words)."""
    specs = []
    i = 0
    while i < len(toks):
        found = None
        elision_start = bool(_ELISION_RE.match(toks[i].text + "x")) and i + 1 < len(toks) and toks[i + 1].cap \
            and toks[i].text[:1].isupper()
        if toks[i].cap or toks[i].fold in {"al", "el"} or elision_start:
            for n in range(min(7, len(toks) - i), 0, -1):
                span = toks[i:i + n]
                if not span[-1].cap and n == 1:
                    continue
                key = " ".join(t.fold for t in span)
                hit = _alias(key) or _alias(key.replace(" - ", "-"))
                if hit is None and n > 1:
                    hit = _alias(re.sub(r"\s+", " ", key))
                if hit and hit[0] == "place" and n == 1 and _given(span[0].text):
                    nxt = toks[i + 1] if i + 1 < len(toks) else None
                    if nxt is not None and nxt.cap and _joined(text, span[0], nxt) and nxt.fold not in _STOP_LATIN:
                        break  # "Riyad Hijab": a given name, not the city
                if hit:
                    nxt = toks[i + n] if i + n < len(toks) else None
                    if (nxt is not None and nxt.cap and nxt.fold not in _STOP_LATIN and not nxt.poss
                            and not span[-1].poss and hit[0] == "organization"
                            and not span[0].text.replace(".", "").isupper()
                            and re.fullmatch(r" ", text[span[-1].end:nxt.start])
                            and _alias(nxt.fold) is None and nxt.fold not in NON_NAME_WORDS
                            and not _is_org_head(nxt.fold) and nxt.fold not in DEMONYMS):
                        break  # "Taliban Asham" is another name than "Taliban"
                    found = (n, hit)
                    break
        if found:
            n, (typ, _canon) = found
            specs.append(_Spec(toks[i].start, toks[i + n - 1].end, typ, cue="alias"))
            for t in toks[i:i + n]:
                t.used = True
            i += n
        else:
            i += 1
    return specs


def _chunks(text: str, toks: list[_Tok]) -> list[list[_Tok]]:
    """Runs of capitalised words joined by particles/connectors."""
    out: list[list[_Tok]] = []
    cur: list[_Tok] = []
    pend: list[_Tok] = []  # connectors waiting for a capitalised word
    for t in toks:
        if t.used:
            if cur:
                out.append(cur)
            cur, pend = [], []
            continue
        if cur and not _joined(text, (pend[-1] if pend else cur[-1]), t):
            out.append(cur)
            cur, pend = [], []
        particle_start = t.cap and t.fold in _CONNECT_NAME and t.fold not in {"le", "la"}
        if t.cap and (particle_start or not (t.fold in _STOP_LATIN and (not cur or t.fold not in _CONNECT_ORG))):
            cur.extend(pend)
            pend = []
            cur.append(t)
            if t.poss:
                out.append(cur)
                cur = []
        elif cur and (t.fold in _CONNECT_NAME or t.fold in _CONNECT_ORG):
            pend.append(t)
        else:
            if cur:
                out.append(cur)
            cur, pend = [], []
            if t.cap and t.fold not in _STOP_LATIN:
                cur = [t]
    if cur:
        out.append(cur)
    return out


def _nameish(t: _Tok) -> bool:
    """Can this token be part of a person's name?"""
    f = t.fold
    if f in _CONNECT_NAME or f.split("-")[0] in _CONNECT_NAME and t.cap:
        return True
    return t.cap and f not in _STOP_LATIN and f not in DEMONYMS and f not in NON_NAME_WORDS \
        and not _is_org_head(f) and not re.search(r"\d", f)


def _person_cue(words: list[_Tok]) -> str:
    core = [w for w in words if w.fold not in LATIN_PARTICLES]
    if not core:
        return ""
    if _given(core[0].text):
        return "given"
    f0 = core[0].fold.split("-")[0]
    if f0 in ABU_TOKENS or f0 in ABD_TOKENS or f0.startswith("abd"):
        return "kunya"
    if any(re.match(r"^(?:al|el|bin|ibn|ben)(?:-|$)", w.fold) for w in words[1:]):
        return "particle"
    return ""


def _split_and(chunk: list[_Tok], lang: str) -> list[list[_Tok]]:
    """Split "X and Y" when Y has its own head, title or name (lists of names)."""
    conj = {"and"} if lang == "en" else {"et"}
    for i, t in enumerate(chunk):
        if t.fold in conj and 0 < i < len(chunk) - 1:
            right = chunk[i + 1:]
            if any(_is_org_head(x.fold) or _is_title(x.fold, lang) for x in right) or _person_cue(right) \
                    or right[0].fold in ORG_PREFIXES_LATIN:
                left = chunk[:i]
                if any(_is_org_head(x.fold) for x in left) and not any(_is_org_head(x.fold) for x in right) \
                        and right[0].fold not in ORG_PREFIXES_LATIN:
                    continue  # "Organization for Security and Cooperation": one name
                return [left] + _split_and(right, lang)
    return [chunk]


def _analyse_latin_chunk(text: str, chunk: list[_Tok], lang: str, sent: tuple[int, int],
                         headline: bool = False) -> list[_Spec]:
    specs: list[_Spec] = []
    # drop leading connectors and stop words (a particle before a name stays: "De Mistura")
    while chunk and (chunk[0].fold in _CONNECT_ORG or chunk[0].fold in _STOP_LATIN) and not (
            chunk[0].fold in _CONNECT_NAME and len(chunk) > 1 and chunk[1].cap and chunk[0].cap
            and chunk[0].fold not in {"the", "le", "la"}):
        chunk = chunk[1:]
    while chunk and not chunk[-1].cap:
        chunk = chunk[:-1]
    if not chunk:
        return specs
    if headline:
        return specs  # title-case lines: only aliases, places and known single words
    parts = _split_and(chunk, lang)
    if len(parts) > 1:
        for p in parts:
            specs += _analyse_latin_chunk(text, p, lang, sent)
        return specs
    folds = [t.fold for t in chunk]
    head_idx = [i for i, f in enumerate(folds) if _is_org_head(f) and chunk[i].cap]
    prefix_org = folds[0] in ORG_PREFIXES_LATIN
    # titles followed by a name: "Secretary of State John Kerry", "General Ali Ayyoub"
    titles = [i for i in range(len(chunk) - 1)
              if _is_title(folds[i], lang) and chunk[i + 1].cap and _nameish(chunk[i + 1])
              and not (head_idx and head_idx[-1] > i)]
    if titles:
        seg_start = 0
        for n_t, ti in enumerate(titles):
            if n_t + 1 < len(titles) and titles[n_t + 1] == ti + 1:
                continue  # "Prime Minister": the name follows the last title word
            role_toks = chunk[seg_start:ti + 1]
            specs += _org_in(text, role_toks)
            j = ti + 1
            while j < len(chunk) and _nameish(chunk[j]) and not _is_title(folds[j], lang):
                j += 1
            name = chunk[ti + 1:j]
            role = text[role_toks[0].start:role_toks[-1].end]
            specs += _person_or_short(text, name, lang, sent, role=_role_key_words(role), cue="title")
            seg_start = j
            while seg_start < len(chunk) and chunk[seg_start].fold in _CONNECT_ORG:
                seg_start += 1
        return specs
    if head_idx or prefix_org:
        # "Basmah Qadamani of the High Negotiations Committee": person + role
        for i, f in enumerate(folds):
            if f in {"of", "from"} and i >= 2 and head_idx and head_idx[-1] > i:
                left = [t for t in chunk[:i] if t.fold not in _CONNECT_ORG]
                if left and all(_nameish(t) for t in left) and not prefix_org and \
                        (_person_cue(left) or len([t for t in left if t.cap]) >= 2):
                    org = chunk[i + 1:]
                    while org and org[0].fold in _CONNECT_ORG:
                        org = org[1:]
                    role = text[chunk[i].start:chunk[-1].end]
                    specs.append(_Spec(left[0].start, left[-1].end, "person", _role_key_words(role),
                                       cue="of-org"))
                    if org:
                        specs.append(_Spec(org[0].start, org[-1].end, "organization", cue="head"))
                    return specs
        org = chunk
        # "Director of the Syrian Observatory...": the title is a role, not part of the name
        if _is_title(folds[0], lang) and not prefix_org:
            k = 0
            while k < len(org) and (_is_title(org[k].fold, lang) or org[k].fold in _CONNECT_ORG):
                k += 1
            org = org[k:]
        if not org:
            return specs
        sp = _Spec(org[0].start, org[-1].end, "organization", cue="head" if head_idx else "prefix")
        if lang == "fr":
            _extend_fr_org(text, sp)
        if len(org) == 1 and not prefix_org and sp.end == org[0].end:
            # a bare head ("the Observatory"): kept only if it refers to a full name in the same document
            before = text[max(sent[0], org[0].start - 5):org[0].start].lower()
            if org[0].start > sent[0] and re.search(r"(?:the|l['’]|le|la)\s*$", before):
                specs.append(_Spec(sp.start, sp.end, "organization", short=True, cue="bare-head"))
            return specs
        specs.append(sp)
        return specs
    # place from the context: "Bab al-Hadid district", "village of al-Shurfah"
    after = re.match(r"\s+([a-z]+)", text[chunk[-1].end:chunk[-1].end + 20])
    before = text[max(sent[0], chunk[0].start - 25):chunk[0].start].lower()
    if (after and (after.group(1) in PLACE_NOUNS or after.group(1) in PLACE_NOUNS_FR)) or \
            re.search(r"\b(?:village|town|city|district|neighbou?rhood|province|governorate|ville|quartier|"
                      r"region|camp)\s+(?:of\s+|d['’]|de\s+)?$", before):
        if all(t.fold not in DEMONYMS and t.fold not in NON_NAME_WORDS for t in chunk):
            specs.append(_Spec(chunk[0].start, chunk[-1].end, "place", cue="place-noun"))
        return specs
    return specs + _person_or_short(text, chunk, lang, sent)


def _org_in(text: str, toks: list[_Tok]) -> list[_Spec]:
    """An organisation named inside a role ("Director of the Syrian Observatory for Human Rights")."""
    heads = [i for i, t in enumerate(toks) if _is_org_head(t.fold) and t.cap]
    if not heads:
        return []
    h = heads[-1]
    s = 0
    for i in range(h - 1, -1, -1):
        if toks[i].fold in {"of", "de", "du", "des"}:
            s = i + 1
            break
    org = toks[s:]
    while org and (org[0].fold in _CONNECT_ORG or _is_title(org[0].fold, "en")):
        org = org[1:]
    while org and (not org[-1].cap or _is_title(org[-1].fold, "en")) and not _is_org_head(org[-1].fold):
        org = org[:-1]
    if len(org) < 2:
        return []
    return [_Spec(org[0].start, org[-1].end, "organization", cue="head")]


def _extend_fr_org(text: str, spec: _Spec) -> None:
    """French organisation names go on in lower case: "Observatoire syrien des droits de l'homme"."""
    pos = end = spec.end
    while True:
        m = re.match(r"[ \u00a0]+([\w’'-]+)", text[pos:pos + 40])
        if not m or m.group(1)[0].isupper():
            break
        w = fold_latin(m.group(1))
        parts = [p for p in re.split(r"['’]", w) if p]
        if not (w in _FR_ORG_CONT or (parts and parts[-1] in _FR_ORG_CONT)):
            break
        pos += m.end()
        if w not in _FR_ORG_FUNCTION and (not parts or parts[-1] not in _FR_ORG_FUNCTION):
            end = pos
    spec.end = end


def _person_or_short(text: str, toks: list[_Tok], lang: str, sent: tuple[int, int], *, role: str | None = None,
                     cue: str = "") -> list[_Spec]:
    """People among ``toks``: each run of name-like words is judged on its own."""
    out: list[_Spec] = []
    run: list[_Tok] = []
    for t in list(toks) + [None]:
        if t is not None and _nameish(t):
            run.append(t)
            continue
        if run:
            out += _one_person(text, run, lang, sent, role=role, cue=cue)
            role = None if out else role
        run = []
    return out


def _one_person(text: str, toks: list[_Tok], lang: str, sent: tuple[int, int], *, role: str | None,
                cue: str) -> list[_Spec]:
    while toks and (toks[-1].fold in _CONNECT_NAME or not toks[-1].cap):
        toks = toks[:-1]
    while toks and (toks[0].fold in HONORIFICS or not toks[0].cap):
        toks = toks[1:]
    if not toks or len(toks) > 5:
        return []
    form = text[toks[0].start:toks[-1].end]
    units = name_units(form)
    if not units:
        return []
    role = role or _role_before(text, sent[0], toks[0].start, lang) or _role_after(text, toks[-1].end)
    if len(units) == 1:
        if cue == "title" or _speech_near(text, toks[0].start, toks[-1].end, lang):
            return [_Spec(toks[0].start, toks[-1].end, "person", role, short=True, cue=cue or "speech")]
        return [_Spec(toks[0].start, toks[-1].end, "person", role, short=True, cue="single")]
    before = text[max(sent[0], toks[0].start - 30):toks[0].start].lower()
    if re.search(r"\b(?:group|groupe|faction|brigades?|mouvement|movement|militia|milice|organi[sz]ation|"
                 r"front|coalition|alliance)\s+(?:of\s+|de\s+|du\s+)?$", before):
        return [_Spec(toks[0].start, toks[-1].end, "organization", cue="group-word")]
    c = cue or _person_cue(toks)
    if not c and role:
        c = "role"
    if not c and _speech_near(text, toks[0].start, toks[-1].end, lang):
        c = "speech"
    if not c:
        return []
    return [_Spec(toks[0].start, toks[-1].end, "person", role, cue=c)]


def _acronyms(text: str, toks: list[_Tok]) -> list[_Spec]:
    out = []
    for t in toks:
        if t.used:
            continue
        raw = t.text.replace(".", "")
        if 2 <= len(raw) <= 6 and raw.isupper() and raw.isalpha() and raw not in ACRONYM_STOP:
            out.append(_Spec(t.start, t.end, "organization", short=True, cue="acronym"))
    return out


_DIGIT_ALIASES = [r"[\s\-.']*".join(re.escape(c) for c in k)
                  for k in sorted({k for k in ORG_ALIASES if re.search(r"\d", k)
                                   and not has_arabic_block(k)}, key=len, reverse=True)]


def _latin_sentence(text: str, s: int, e: int, lang: str) -> list[_Spec]:
    toks = _latin_tokens(text, s, e)
    if not toks:
        return []
    folded = fold_latin(text[s:e])
    for k in _DIGIT_ALIASES:
        for m in re.finditer(r"(?<!\w)" + k + r"(?!\w)", folded):
            if len(folded) == e - s:  # offsets survive folding (no characters dropped)
                for t in toks:
                    if s + m.start() <= t.start < s + m.end():
                        t.used = True
                toks.append(_Tok(text[s + m.start():s + m.end()], s + m.start(), s + m.end(), m.group(), True,
                                 used=True))
                toks.sort(key=lambda t: t.start)
    # all-caps runs ("GEORGE OURFALIAN", "ASHARQ AL-AWSAT") are read title-cased
    for i, t in enumerate(toks):
        if t.text.isupper() and len(t.text) > 3 and "." not in t.text:
            near = [x for x in toks[max(0, i - 1):i + 2] if x is not t]
            if any(x.text.isupper() and len(x.text) > 2 for x in near):
                t.cap = True
    specs = [_Spec(t.start, t.end, "organization", cue="alias") for t in toks if t.used]
    specs += _mark_aliases(text, toks)
    specs += _acronyms(text, [t for t in toks if not t.used and t.text.replace(".", "").isupper()
                              and len(t.text.replace(".", "")) <= 6
                              and not any(x.text.isupper() and len(x.text) > 3 and x is not t
                                          for x in toks if abs(x.start - t.start) < 30)])
    for sp in specs:
        if sp.cue == "acronym":
            for t in toks:
                if t.start == sp.start:
                    t.used = True
    words = [t for t in toks if re.match(r"[^\W\d_]{3,}", t.text)]
    # a title-case line (a headline: no final full stop) is read for known names only
    headline = len(words) >= 4 and sum(t.text[0].isupper() for t in words) / len(words) > 0.75 \
        and not text[s:e].rstrip().endswith((".", "!", "?", "”", "\"", ":"))
    for ch in _chunks(text, toks):
        specs += _analyse_latin_chunk(text, ch, lang, (s, e), headline)
    specs += _named_in_quotes(text, s, e)
    return specs


_NAMED_RE = re.compile(r"\b(?:named|called|dubbed|known as|baptisé|baptisée|appelé|appelée|nommé|nommée)\s+"
                       r"[\"“«‘]\s*([A-ZÀ-Þ][^\"”»’]{1,60}?)\s*[\"”»’]")
_GROUP_WORDS_RE = re.compile(r"\b(?:organi[sz]ation|group|faction|movement|brigade|front|coalition|alliance|"
                             r"militia|groupe|mouvement|organisation)s?\b", re.I)


def _named_in_quotes(text: str, s: int, e: int) -> list[_Spec]:
    """'a new organization named "Taliban Asham"'."""
    out = []
    for m in _NAMED_RE.finditer(text, s, e):
        before = text[max(s, m.start() - 60):m.start()]
        typ = "organization" if _GROUP_WORDS_RE.search(before) else None
        if typ:
            out.append(_Spec(m.start(1), m.end(1), typ, cue="named"))
    return out


# ----------------------------------------------------------- Arabic script

_AR_CLITICS = wordlists.words("names_ar_clitics")
_AR_STOP_NAME = STOP_AR | frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_ar_stop_name"))
_AR_ORG_STOP = frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_ar_org_stop")) | SPEECH_VERBS_AR


def _strip_clitic(f: str, known) -> str | None:
    if known(f):
        return f
    if len(f) > 3 and f[0] in _AR_CLITICS:
        g = f[1:]
        if known(g):
            return g
        if f[0] == "ل" and len(f) > 4 and known("ال" + f[1:]):
            return "ال" + f[1:]
    return None


_AR_PLACE_NOUNS = frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_ar_place_nouns"))
_AR_DOTTED_RE = re.compile(NOT_AFTER_ARABIC_LETTER + rf"(?:[{ARABIC_BASIC_LETTERS}]\.){{1,3}}[{ARABIC_BASIC_LETTERS}]"
                           + NOT_BEFORE_ARABIC_LETTER)
_TANWEEN = "\u064b\u064c\u064d"
_AR_GEO_NAME_NOUNS = frozenset(fold_arabic(w, soft=True) for w in "جبل وادي سهل".split())
_AR_ADMIN = frozenset(fold_arabic(w, soft=True) for w in wordlists.words("names_ar_admin"))


def _ar_head(f: str) -> tuple[str, bool] | None:
    """(head, definite) when ``f`` (folded, maybe with a clitic) is an organisation head."""
    if f.startswith("لل") and len(f) > 4 and ("ال" + f[2:] in ORG_PREFIXES_AR or f[2:] in ORG_PREFIXES_AR):
        return "ال" + f[2:], True
    for g, clip in ((f, 0), (f[1:], 1)):
        if clip and (len(f) < 4 or f[0] not in "وبل"):
            continue
        if g in ORG_PREFIXES_AR:
            return g, g.startswith("ال")
        if g.startswith("ال") and g[2:] in ORG_PREFIXES_AR:
            return g, True
    return None


class _ArabicSentence:
    """Finds the names of one Arabic sentence: ``specs()`` runs the passes in order.

    Each pass marks the tokens it takes as used, so a later pass never takes them
    again: dotted agency abbreviations, aliases and places (longest match), places
    after a place noun, organisations from their heads, then people after titles
    or speech verbs or starting with a known given name.
    """

    def __init__(self, text: str, s: int, e: int):
        self.text, self.s, self.e = text, s, e
        self.toks = _arabic_tokens(text, s, e)
        self.n = len(self.toks)
        self.specs: list[_Spec] = []
        self.given = arabic_given_names()
        self.name_units_ar = arabic_name_units()

    def specs_found(self) -> list[_Spec]:
        if not self.toks:
            return []
        self.dotted_abbreviations()
        self.aliases_and_places()
        self.places_after_nouns()
        self.organisations()
        self.people()
        return self.specs

    # ---- token tests

    def joined(self, i: int, j: int) -> bool:
        text, toks = self.text, self.toks
        return bool(_SPACES_RE.fullmatch(text, toks[i].end, toks[j].start))

    @staticmethod
    def stop(t: _Tok) -> bool:
        f = t.fold
        return (len(f) < 2 or f in _AR_STOP_NAME or f in DESCRIPTORS_AR or f in TITLES_AR
                or f in SPEECH_VERBS_AR or any(c in t.text for c in _TANWEEN))

    def common_noun(self, t: _Tok) -> bool:
        """Plural / feminine nouns and prepositional forms that do not continue a name."""
        f = t.fold
        if f in self.name_units_ar:
            return False
        return (f.startswith(("لل", "وال", "بال", "فال", "كال")) or (f.startswith("ال") and f.endswith(("ات", "ه")))
                or (f.startswith("ال") and len(f) > 5 and f.endswith("ين")))

    @staticmethod
    def org_stop(t: _Tok) -> bool:
        f = t.fold
        return (len(f) < 2 or f in _AR_ORG_STOP or f in TITLES_AR or any(c in t.text for c in _TANWEEN))

    # ---- the passes

    def dotted_abbreviations(self) -> None:
        """0. Dotted agency abbreviations: أ.ف.ب"""
        text, toks, specs, s, e = self.text, self.toks, self.specs, self.s, self.e
        for m in _AR_DOTTED_RE.finditer(text, s, e):
            if _alias(fold_arabic(m.group(), soft=True)):
                specs.append(_Spec(m.start(), m.end(), "organization", cue="alias"))
                for t in toks:
                    if m.start() <= t.start < m.end():
                        t.used = True

    def aliases_and_places(self) -> None:
        """1. Aliases and places (longest match, a clitic allowed on the first word)."""
        toks, n, specs = self.toks, self.n, self.specs
        joined = self.joined
        i = 0
        while i < n:
            hit = None
            if not toks[i].used:
                for k in range(min(6, n - i), 0, -1):
                    if k > 1 and not all(joined(i + x, i + x + 1) for x in range(k - 1)):
                        continue
                    if any(t.used for t in toks[i:i + k]):
                        continue
                    words = [t.fold for t in toks[i:i + k]]
                    if len("".join(words)) < 3:
                        continue  # "أ.ب" is matched above, with its dots, never as a bare word
                    a = _alias(" ".join(words))
                    clip = 0
                    if a is None and len(words[0]) > 3 and words[0][0] in _AR_CLITICS:
                        a = _alias(" ".join([words[0][1:]] + words[1:]))
                        clip = 1
                        if a is None and words[0][0] == "ل":
                            a = _alias(" ".join(["ال" + words[0][1:]] + words[1:]))
                    if a:
                        hit = (k, a, clip)
                        break
            if hit:
                k, (typ, _c), clip = hit
                specs.append(_Spec(toks[i].start + clip, toks[i + k - 1].end, typ, cue="alias"))
                for t in toks[i:i + k]:
                    t.used = True
                i += k
            else:
                i += 1

    def places_after_nouns(self) -> None:
        """1b. Places after a place noun: "حي السكري", "بلدة العيس"."""
        toks, n, specs = self.toks, self.n, self.specs
        joined, stop = self.joined, self.stop
        for i in range(n - 1):
            f = toks[i].fold
            nxt = toks[i + 1]
            if (f in _AR_PLACE_NOUNS or (len(f) > 3 and f[0] in "وفب" and f[1:] in _AR_PLACE_NOUNS)) and \
                    joined(i, i + 1) and not nxt.used and (not stop(nxt) or nxt.fold in TITLES_AR) \
                    and nxt.fold not in _AR_STOP_NAME:
                j = i + 2
                if j < n and joined(j - 1, j) and not toks[j].used and not stop(toks[j]) and \
                        toks[j].fold not in DESCRIPTORS_AR and (toks[j].fold.startswith("ال") or nxt.fold in TITLES_AR):
                    j += 1
                if toks[i + 1].fold in DESCRIPTORS_AR or _ar_head(toks[i + 1].fold):
                    continue
                first = i if f in _AR_GEO_NAME_NOUNS else i + 1
                specs.append(_Spec(toks[first].start, toks[j - 1].end, "place", cue="place-noun"))
                for t in toks[first:j]:
                    t.used = True

    def organisations(self) -> None:
        """2. Organisations from their heads."""
        text, toks, n, specs = self.text, self.toks, self.n, self.specs
        joined, org_stop, given = self.joined, self.org_stop, self.given
        place_at = {(sp.start, sp.end) for sp in specs if sp.type == "place"}
        for i in range(n):
            if toks[i].used:
                continue
            h = _ar_head(toks[i].fold)
            if h is None:
                continue
            head, definite = h
            lil = toks[i].fold.startswith("لل") and head.startswith("ال") and not toks[i].fold.startswith("ال")
            clip = 1 if lil else len(toks[i].fold) - len(head)
            j = i + 1
            while j < n and j - i <= 5 and joined(j - 1, j) and not org_stop(toks[j]):
                t = toks[j]
                if t.used:
                    if any(a <= t.start and t.end <= b for a, b in place_at) and toks[j - 1].fold in _AR_ADMIN:
                        j += 1  # "مجلس محافظة إدلب"
                        continue
                    break
                f = t.fold
                k = j - i - 1
                defi = f.startswith(("ال", "لل", "وال")) or f in {"الله", "الدين"}
                genitive = f.startswith("ل") and len(f) > 3 and j + 1 < n and toks[j + 1].fold.startswith("ال")
                if definite or k > 0:
                    if not (defi or genitive) and toks[j - 1].fold not in _AR_ADMIN:
                        break
                    if arabic_key(f) in given and not defi:
                        break
                j += 1
            if j - i >= 2:
                form = None
                if lil:
                    form = "ال" + toks[i].text[2:] + text[toks[i].end:toks[j - 1].end]
                specs.append(_Spec(toks[i].start + clip, toks[j - 1].end, "organization", cue="head", form=form))
                for t in toks[i:j]:
                    t.used = True
            elif definite and clip == 0:
                # "المرصد" alone: kept only when it refers to a full name in the same document
                specs.append(_Spec(toks[i].start, toks[i].end, "organization", short=True, cue="bare-head"))
                toks[i].used = True

    def name_from(self, i: int, strict: bool) -> int:
        """End index (exclusive) of a name starting at token i.

        After a title the first two words are free (foreign names are not in the
        index); later words, and every word when ``strict``, must be attested name
        parts, follow a particle (عبد، أبو، بن، دي) or be الدين / الله.
        """
        toks, n, joined, stop = self.toks, self.n, self.joined, self.stop
        common_noun, name_units_ar = self.common_noun, self.name_units_ar
        j = i
        while j < n and j - i < 4 and not toks[j].used and (j == i or joined(j - 1, j)) and not stop(toks[j]):
            if j > i:
                f = toks[j].fold
                prev = fold_arabic(toks[j - 1].text, soft=True)
                particle = prev in {"عبد", "ابو", "بن", "ابن", "دي", "دو", "فان", "آل", "ال"}
                known = f in name_units_ar or arabic_key(f) in name_units_ar or f in {"الدين", "الله"}
                if common_noun(toks[j]) and not particle:
                    break
                if (strict or j - i >= 2) and not (known or particle):
                    boundary = (j + 1 == n or not joined(j, j + 1) or stop(toks[j + 1]) or toks[j + 1].used)
                    if strict or j - i >= 3 or not boundary:
                        break
            j += 1
        return j

    def people(self) -> None:
        """3. People after titles / speech verbs, or starting with a known given name."""
        text, toks, n, specs = self.text, self.toks, self.n, self.specs
        joined, stop, name_from = self.joined, self.stop, self.name_from
        given, name_units_ar = self.given, self.name_units_ar
        i = 0
        while i < n:
            t = toks[i]
            if t.used:
                i += 1
                continue
            f = t.fold
            if f in TITLES_AR or f in SPEECH_VERBS_AR:
                role_start = i if f in TITLES_AR else None
                j = i + 1
                # skip descriptors ("وزير الخارجية الروسي", "مدير المرصد السوري لحقوق الإنسان")
                while j < n and j - i <= 8 and (toks[j].fold in DESCRIPTORS_AR or toks[j].used
                                                or toks[j].fold in TITLES_AR) and joined(j - 1, j):
                    if toks[j].fold in TITLES_AR and role_start is None:
                        role_start = j
                    j += 1
                if j < n and joined(j - 1, j) and not toks[j].used and not stop(toks[j]):
                    first = arabic_key(toks[j].fold)
                    titled = role_start is not None
                    end = name_from(j, strict=not titled)
                    ok = end > j and (first in given or (titled and end - j >= 2)
                                      or (end - j >= 2 and toks[j].fold in name_units_ar))
                    if ok or (end - j == 1 and titled and (toks[j].fold in name_units_ar or first in name_units_ar)):
                        role = text[toks[role_start].start:toks[j - 1].end] if titled else None
                        specs.append(_Spec(toks[j].start, toks[end - 1].end, "person", role,
                                           short=(end - j == 1), cue="title" if titled else "speech"))
                        for x in toks[j:end]:
                            x.used = True
                        i = end
                        continue
                i = max(i + 1, j if j > i + 1 else i + 1)
                continue
            g = _strip_clitic(f, lambda x: arabic_key(x) in given and not x.startswith("ال"))
            if g is not None and not stop(t):
                end = name_from(i, strict=True)
                if end - i >= 2:
                    clip = len(f) - len(g)
                    specs.append(_Spec(t.start + clip, toks[end - 1].end, "person", cue="given"))
                    for x in toks[i:end]:
                        x.used = True
                    i = end
                    continue
            i += 1


def _arabic_sentence(text: str, s: int, e: int) -> list[_Spec]:
    """The names of the Arabic sentence ``text[s:e]`` (see :class:`_ArabicSentence`)."""
    return _ArabicSentence(text, s, e).specs_found()


# ------------------------------------------------------------------- API

@dataclass(frozen=True)
class KnownUnits:
    """Unit keys of the longer names found in a corpus (for the single-word pass)."""

    person: frozenset[str] = frozenset()
    organization: frozenset[str] = frozenset()


def _mention(doc: Document, sp: _Spec, sent: tuple[int, int], lang: str) -> NameMention | None:
    text = doc.text
    s, e = sp.start, sp.end
    raw = text[s:e]
    form = clean_form(sp.form or raw)
    if not form or len(form) < 2:
        return None
    # keep offsets on the cleaned form (strip edge punctuation consistently)
    lead = raw.find(form[:1]) if form and not sp.form else 0
    if lead > 0:
        s += lead
    while e > s and text[e - 1] in " ,.;:!?\"'«»“”()-":
        e -= 1
    return NameMention(
        doc=doc.path, lang=lang, form=form, start=s, end=e, type=sp.type, role=sp.role,
        context=text[sent[0]:sent[1]],
    )


def _doc_specs(doc: Document, sentences: Sequence[tuple[int, int]] | None, settings: Settings):
    text = doc.text
    for (s, e), lang in _sentences(doc, sentences, settings):
        if lang == "ar":
            specs = _arabic_sentence(text, s, e)
        else:
            specs = _latin_sentence(text, s, e, lang)
        yield (s, e), lang, specs


def _dedupe(mentions: Iterable[NameMention]) -> list[NameMention]:
    best: dict[tuple[int, int], NameMention] = {}
    for m in mentions:
        k = (m.start, m.end)
        if k not in best:
            best[k] = m
    out = sorted(best.values(), key=lambda m: (m.start, -m.end))
    # drop mentions nested inside a longer one of the same type
    kept: list[NameMention] = []
    for m in out:
        if kept and m.start >= kept[-1].start and m.end <= kept[-1].end and m.type == kept[-1].type:
            continue
        kept.append(m)
    return kept


def extract_mentions(doc: Document, *, known: KnownUnits | None = None,
                     sentences: Sequence[tuple[int, int]] | None = None,
                     settings: Settings = SETTINGS) -> list[NameMention]:
    """Names in one document, in text order.

    ``known``: unit keys of longer names seen elsewhere in the corpus; single
    words matching them are kept (see :func:`extract_corpus`). Without it,
    single words are kept only next to a speech verb or after a title, and
    only when they repeat a word of a longer name in this document.
    ``sentences``: optional (start, end) spans; the reader's sentence splitter otherwise.
    ``settings``: sentence splitting and language identification (``langid_*``).
    """
    full: list[NameMention] = []
    shorts: list[tuple[NameMention, _Spec]] = []
    for sent, lang, specs in _doc_specs(doc, sentences, settings):
        for sp in specs:
            m = _mention(doc, sp, sent, lang)
            if m is None:
                continue
            if sp.short:
                shorts.append((m, sp))
            else:
                full.append(m)
    # units of this document's longer names, plus the corpus ones
    local = known_units(full)
    pu: set[str] = set(known.person if known else ()) | set(local.person)
    ou: set[str] = set(known.organization if known else ()) | set(local.organization)
    for m in full:
        if m.type == "person":
            pu.update(_unit_keys(m.form))
    out = list(full)
    for m, sp in shorts:
        ks = _unit_keys(m.form)
        if sp.cue in ("acronym", "bare-head"):
            out.append(m)  # resolved (or dropped) by clustering
            continue
        if ks and ks <= pu:
            out.append(m)
        elif ks and ks <= ou:
            out.append(replace(m, type="organization"))
        elif sp.cue in ("title", "speech") and ks:
            out.append(m)
        elif sp.cue == "single" and re.search(r"\b(?:par|by)\s*$", doc.text[max(0, m.start - 6):m.start]):
            out.append(m)
    out += _single_words(doc, pu, ou, {(m.start, m.end) for m in out} | {(m.start, m.end) for m, _ in shorts},
                         out, settings)
    return _dedupe(out)


def _unit_keys(form: str) -> set[str]:
    return {u.key for u in name_units(form) if u.kind != "initial" and len(u.key) >= 2}


def _single_words(doc: Document, pu: set[str], ou: set[str], taken: set[tuple[int, int]],
                  mentions: list[NameMention], settings: Settings = SETTINGS) -> list[NameMention]:
    """Capitalised single words repeating a word of a longer name (``Lavrov``, ``Nusra``)."""
    text = doc.text
    covered = sorted((m.start, m.end) for m in mentions)
    out: list[NameMention] = []

    def inside(s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in covered)

    for sent, lang in _sentences(doc, None, settings):
        if lang == "ar":
            for t in _arabic_tokens(text, *sent):
                if inside(t.start, t.end) or any(c in t.text for c in "\u064b\u064c\u064d"):
                    continue
                f = t.fold
                for cand, clip in ((f, 0), (f[1:], 1)) if len(f) > 3 and f[0] in _AR_CLITICS else ((f, 0),):
                    k = arabic_key(cand)
                    if len(k) < 3:
                        continue
                    if f in _AR_STOP_NAME or f in DESCRIPTORS_AR or (_gentilic(cand) and k not in pu):
                        break
                    if k in pu or k in ou:
                        s = t.start + clip
                        out.append(NameMention(doc.path, "ar", clean_form(text[s:t.end]), s, t.end,
                                               "person" if k in pu else "organization", None,
                                               text[sent[0]:sent[1]]))
                        break
            continue
        for t in _latin_tokens(text, *sent):
            if not t.cap or (t.start, t.end) in taken or inside(t.start, t.end):
                continue
            if t.fold in _STOP_LATIN or t.fold in DEMONYMS or _is_org_head(t.fold) or len(t.fold) < 3 \
                    or t.fold in NON_NAME_WORDS or t.fold in ORG_CONCEPTS or _is_title(t.fold, lang):
                continue
            if _alias(t.fold):
                continue
            ks = _unit_keys(t.text)
            if not ks:
                continue
            typ = "person" if ks <= pu else ("organization" if ks <= ou else None)
            if typ is None:
                continue
            out.append(NameMention(doc.path, lang, clean_form(t.text), t.start, t.end, typ,
                                   _role_before(text, sent[0], t.start, lang) if typ == "person" else None,
                                   text[sent[0]:sent[1]]))
    return out


def _gentilic(f: str) -> bool:
    """السوري، الفرنسية، العربي: adjectives of origin, never a name on their own."""
    return f.startswith("ال") and f.endswith(("ي", "يه", "ية")) and len(f) > 4 and fold_arabic(f, soft=True) not in ORG_ALIASES


def known_units(mentions: Iterable[NameMention]) -> KnownUnits:
    """Unit keys of the multi-unit person names and the proper words of organisation names."""
    from .cluster import analyse  # late import: cluster imports nothing from here

    pu: set[str] = set()
    ou: set[str] = set()
    for m in mentions:
        if m.type == "person":
            us = [u for u in name_units(m.form) if u.kind != "initial"]
            if len(us) >= 2:
                pu.update(u.key for u in us if len(u.key) >= 2)
        elif m.type == "organization":
            info = analyse(m.form, "organization")
            if info.heads or info.concepts or len(info.units) >= 2:
                ou.update(u.key for u in info.units if len(u.key) >= 3 and u.kind == "name"
                          and fold_latin(u.text) not in NON_NAME_WORDS and fold_arabic(u.text, soft=True) not in _AR_ADMIN
                          and not _gentilic(fold_arabic(u.text, soft=True)))
    return KnownUnits(frozenset(pu), frozenset(ou))


def extract_corpus(docs: Sequence[Document], *, progress=None, settings: Settings = SETTINGS) -> list[NameMention]:
    """Names in every document; single words are matched against the whole corpus.

    ``progress(done, total)`` is called after each document of each pass.
    Output order: documents in the given order, mentions in text order.
    """
    first = []
    total = 2 * len(docs)
    for i, d in enumerate(docs):
        first.append(extract_mentions(d, settings=settings))
        if progress:
            progress(i + 1, total)
    known = known_units(m for ms in first for m in ms)
    out: list[NameMention] = []
    for i, d in enumerate(docs):
        out.extend(extract_mentions(d, known=known, settings=settings))
        if progress:
            progress(len(docs) + i + 1, total)
    return out
