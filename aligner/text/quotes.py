"""Quotations in a document: marks, spans, speakers and outlets.

Quote marks handled: “…”, "…", « … » (with or without no-break / thin
spaces), ‹…›, „…“ and ‘…’ (when ‘ opens; ’ inside a word is an apostrophe).
In Arabic paragraphs curly double quotes are read by context, since they
are often typed reversed.

Pairing runs per body paragraph with a small stack:

* nested quotes stay inside the outer quote;
* a closing mark with nothing open followed later by another closing mark
  of the same kind was meant as an opening mark
  (``told Asharq Al-Awsat” we are … talks.”``);
* an opening mark that never closes runs to the end of the paragraph, and
  continues into the next paragraph when that one starts with an opening
  mark (the English convention for quotes over several paragraphs);
* ``“…,” he said, “…”`` is one quote with two ``parts``;
* a paragraph whose first mark closes a quote after end punctuation
  (``… for it,” she added.``) starts inside a quote opened earlier: the
  quote runs from the paragraph start.

Spans that are not speech are skipped: quotes in headings, outlet names
(“Journal du Dimanche”), capitalised names and titles of two words or more
(“Taliban Asham”, “One-Week Truce”), one capitalised word after a naming
cue ("named", "called", "newspaper"...), and short lowercase terms right
after an article ("the “cessation of hostilities agreement”"). One-word
lowercase quotes such as “powerless” are kept.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from ..records import Document, Quote, Sentence
from ..settings import SETTINGS, Settings
from . import speakers as sp
from .arabic import ARABIC_BASIC_LETTER_RE, NOT_AFTER_ARABIC_LETTER, NOT_BEFORE_ARABIC_LETTER
from .boilerplate import heading_like
from .langid import span_language
from .outlets import is_known_outlet

OPEN, CLOSE, AMBIG = "open", "close", "ambig"

MARKS: dict[str, tuple[str, str]] = {
    "“": ("dq", OPEN), "”": ("dq", CLOSE), "„": ("dq", OPEN),
    '"': ("sq", AMBIG), "＂": ("sq", AMBIG),
    "«": ("g", OPEN), "»": ("g", CLOSE),
    "‹": ("g1", OPEN), "›": ("g1", CLOSE),
    "‘": ("s", OPEN), "’": ("s", CLOSE),
}
_SPACES = " \t\n\u00a0\u202f\u2009\u2007\u200a\u2002\u2003"
_OPEN_BEFORE = "([{—–-/:;,“‘«„\u00a0\u202f\u2009"
_CLOSE_AFTER = ".,;:!?)]}—–-…؟،؛”’»\"'\u00a0\u202f\u2009"


@dataclass
class _Mark:
    pos: int
    fam: str
    role: str


@dataclass
class _Span:
    open_pos: int  # position of the opening mark
    close_pos: int | None  # position of the closing mark, None when it never closes
    end_limit: int  # content ends before this (close_pos or paragraph end / next quote)
    para: int
    cstart: int = 0
    cend: int = 0
    trailing_comma: bool = False
    parts: list[tuple[int, int]] = field(default_factory=list)
    marks: list[tuple[int, int]] = field(default_factory=list)  # (open mark, end of close mark) per part
    continued: bool = False
    kind: str = "speech"
    speechlike: bool = True


def _ctx(text: str, i: int, ps: int, pe: int) -> tuple[bool, bool]:
    prev = text[i - 1] if i > ps else None
    nxt = text[i + 1] if i + 1 < pe else None
    open_ok = (prev is None or prev.isspace() or prev in _OPEN_BEFORE) and nxt is not None and not nxt.isspace()
    close_ok = prev is not None and not prev.isspace() and (nxt is None or nxt.isspace() or nxt in _CLOSE_AFTER)
    return open_ok, close_ok


def _marks(text: str, ps: int, pe: int, lang: str) -> list[_Mark]:
    out = []
    for i in range(ps, pe):
        ch = text[i]
        info = MARKS.get(ch)
        if info is None:
            continue
        fam, role = info
        if fam == "dq" and lang == "ar" and ch in "“”":
            role = AMBIG
        if fam == "s":
            prev = text[i - 1] if i > ps else ""
            nxt = text[i + 1] if i + 1 < pe else ""
            if ch == "’" and nxt[:1].isalpha():
                continue  # apostrophe: Assad’s, l’armée
            if ch == "‘" and prev[:1].isalnum():
                continue
        out.append(_Mark(i, fam, role))
    return out


def _decide(text: str, m: _Mark, stack: list[tuple[str, int]], ps: int, pe: int) -> str | None:
    if m.role != AMBIG:
        return m.role
    open_ok, close_ok = _ctx(text, m.pos, ps, pe)
    in_stack = any(f == m.fam for f, _ in stack)
    if in_stack and close_ok:
        return CLOSE
    if open_ok:
        return OPEN
    if close_ok:
        return CLOSE
    if in_stack:
        return CLOSE
    nxt = text[m.pos + 1] if m.pos + 1 < pe else " "
    return OPEN if not nxt.isspace() else None


def _later_close(text: str, marks: list[_Mark], idx: int, fam: str, ps: int, pe: int) -> bool:
    for m in marks[idx + 1:]:
        if m.fam != fam:
            continue
        if m.role == CLOSE:
            return True
        if m.role == OPEN:
            return False
        open_ok, close_ok = _ctx(text, m.pos, ps, pe)
        return close_ok and not open_ok
    return False


def _continues_quote(text: str, pos: int, ps: int, pe: int) -> bool:
    """A closing mark with nothing open ends a quote opened in an earlier paragraph
    (the paragraph then starts inside the quote): it follows end punctuation
    ("… this," he said / … this.") after at least three words, and is not a
    possessive typed with a double mark (Jobs" death)."""
    prev = text[pos - 1] if pos > ps else ""
    return prev in ".,!?…;" and len(text[ps:pos].split()) >= 3


def pair_marks(text: str, ps: int, pe: int, lang: str, para: int = 0) -> list[_Span]:
    """Top-level quotations of the paragraph ``text[ps:pe]``."""
    marks = _marks(text, ps, pe, lang)
    stack: list[tuple[str, int]] = []
    spans: list[_Span] = []
    for idx, m in enumerate(marks):
        role = _decide(text, m, stack, ps, pe)
        if role is None:
            continue
        if m.fam == "s":
            if role == CLOSE and not any(f == "s" for f, _ in stack):
                continue  # a plain apostrophe (the Syrians’ position)
            if role == OPEN and not _ctx(text, m.pos, ps, pe)[0]:
                continue
        if role == CLOSE:
            if any(f == m.fam for f, _ in stack):
                while stack[-1][0] != m.fam:
                    stack.pop()
                _, opos = stack.pop()
                if not stack:
                    spans.append(_Span(opos, m.pos, m.pos, para))
            elif not stack and m.fam in ("dq", "sq", "g") and _later_close(text, marks, idx, m.fam, ps, pe):
                stack.append((m.fam, m.pos))  # a closing mark typed for an opening one
            elif not stack and not spans and idx == 0 and ps > 0 and _continues_quote(text, m.pos, ps, pe):
                spans.append(_Span(ps - 1, m.pos, m.pos, para))  # opened in an earlier paragraph
            continue
        # OPEN
        if len(stack) == 1 and stack[0][0] == m.fam and m.fam in ("dq", "g"):
            spans.append(_Span(stack[0][1], None, m.pos, para))  # the previous quote never closed
            stack = [(m.fam, m.pos)]
        else:
            stack.append((m.fam, m.pos))
    if stack:
        spans.append(_Span(stack[0][1], None, pe, para))
    for s in spans:
        _set_content(text, s)
    return [s for s in spans if s.cend > s.cstart]


def _set_content(text: str, s: _Span) -> None:
    a = s.open_pos + 1
    b = s.end_limit
    while a < b and text[a] in _SPACES:
        a += 1
    while b > a and text[b - 1] in _SPACES:
        b -= 1
    if b > a and text[b - 1] in ",،":
        s.trailing_comma = True
        b -= 1
        while b > a and text[b - 1] in _SPACES:
            b -= 1
    s.cstart, s.cend = a, b
    s.parts = [(a, b)]
    close_end = (s.close_pos + 1) if s.close_pos is not None else s.end_limit
    s.marks = [(s.open_pos, close_end)]


# --------------------------------------------------------------------------- speech or not

_NAME_SMALL = frozenset("of the du de des la le al el for and et in on bin ibn a an to d' l' y".split())
_EN_NAME_CUE = re.compile(
    r"(?:\b(?:named|called|dubbed|titled|entitled|known\s+as|newspaper|magazine|daily|weekly|paper|operation|"
    r"the|a|an|so-called|baptisée?s?|appelée?s?|intitulée?s?|nommée?s?|surnommée?s?|journal|quotidien|"
    r"hebdomadaire|opération|le|la|les|du|au|aux|dite?s?)|\bl['’])\s*$", re.I)
_TERM_CUE = re.compile(
    r"(?:\b(?:the|a|an|so-called|this|that|these|le|la|les|un|une|des|du|ce|cette|soi-disant|dite?s?)|\bl['’])\s*$"
    r"|(?:ما\s+(?:يسمى|يعرف\s+ب|سماه|وصفه\s+ب)|المعروف\s+ب|المسمى|المسماة)\s*$", re.I)
_TITLE_CUE = re.compile(
    r"(?:\b(?:entitled|titled|theme|topic|item|heading|slogan|motto|words?|phrase|terms?|expression|notion|"
    r"concept|intitulée?s?|thème|titre|mots?|expression|formule)|بعنوان|شعار|عنوان|عبارة|مصطلح)\s*[:,]?\s*$", re.I)
_AR_NAME_CUE = re.compile(
    r"(?:" + NOT_AFTER_ARABIC_LETTER + r"لـ?|صحيفة|جريدة|قناة|وكالة|موقع|تنظيم|حركة|جماعة|فصيل|عملية|مجلة|برنامج|كتاب|باسم|"
    r"يدعى|تدعى|يسمى|تسمى|المعروف\s+ب|ما\s+يسمى|بعنوان|اسم|شعار|لواء|كتيبة|ائتلاف|تحالف)\s*$")


_AR_ORG_WORD = re.compile(
    r"(?:ال)?(?:حركة|جبهة|جيش|تنظيم|هيئة|لواء|كتائب|كتيبة|فيلق|ائتلاف|تحالف|مجلس|حزب|جماعة|فصيل|منظمة|اتحاد)"
    + NOT_BEFORE_ARABIC_LETTER)


def _name_like(words: list[str]) -> bool:
    if not words or len(words) > 5:
        return False
    caps = 0
    for i, w in enumerate(words):
        core = w.strip("’'\".,;:!?()-")
        if not core:
            return False
        if core.casefold() in _NAME_SMALL and i > 0:
            continue
        if core[0].isupper() or core[0].isdigit():
            caps += 1
            continue
        return False
    return caps > 0 and (words[0][:1].isupper() or words[0][:1].isdigit())


QUOTE_KINDS = ("speech", "term", "title", "headline")
"""``Quote.kind``: reported speech; a short quote or term in a reporting frame
(“powerless”, a “pipe dream”, the “corresponding measures”); a name or title
(an outlet, an operation, a book); a quote in a headline or heading."""


def quote_kind(text: str, s: _Span, para_start: int, heading: bool) -> str:
    """What a quoted span is: one of :data:`QUOTE_KINDS`."""
    return _classify(text, s, para_start, heading)[0]


def _classify(text: str, s: _Span, para_start: int, heading: bool) -> tuple[str, bool]:
    """(kind, speech-like): speech-like quotes (speech, and short quotes that are not
    a term after an article) hide their words from the speaker search."""
    if heading:
        return "headline", False
    content = text[s.cstart:s.cend]
    words = content.split()
    if not words:
        return "term", False
    prefix = text[max(para_start, s.open_pos - 40):s.open_pos]
    ended = content.rstrip(" \"'’”»").endswith((".", "!", "?", "…", "؟")) or s.trailing_comma
    if len(words) <= 6 and is_known_outlet(content):
        return "title", False
    if not ended and _TITLE_CUE.search(prefix):
        return "title", False  # "the item entitled “…”", "the words “…”"
    arabic = bool(ARABIC_BASIC_LETTER_RE.search(content))
    if arabic:
        if len(words) <= 4 and not ended and _AR_NAME_CUE.search(prefix):
            return "title", False
        if len(words) <= 6 and not ended and _AR_ORG_WORD.match(content):
            return "title", False  # «حركة أحرار الشام»: a group's name
        if len(words) <= 5 and not ended and _TERM_CUE.search(prefix):
            return "term", False
    else:
        if _name_like(words) and not ended and (len(words) >= 2 or _EN_NAME_CUE.search(prefix)):
            return "title", False
        if len(words) <= 5 and not ended and not re.search(r"[.!?,;:]", content) and _TERM_CUE.search(prefix):
            return "term", False  # the “cessation of hostilities agreement”
    if len(words) < 4 and not ended:
        return "term", True  # “powerless”: a short quote of what was said
    return "speech", True


def is_speech(text: str, s: _Span, para_start: int, heading: bool) -> bool:
    """Whether a quoted span reads as something said (speech, or a short quote of it)."""
    return _classify(text, s, para_start, heading)[1]


# --------------------------------------------------------------------------- joining


_GAP_SENTENCE_END = re.compile(r"[.!?؟](?:\s|$)")


def _merge_split(text: str, spans: list[_Span], lang: str) -> list[_Span]:
    """Join ``“…,” he said, “…”`` into one span with two parts."""
    out: list[_Span] = []
    for s in spans:
        if out:
            a = out[-1]
            if a.close_pos is not None and a.para == s.para and a.speechlike and s.speechlike:
                gap = text[a.close_pos + 1:s.open_pos]
                g = gap.strip()
                if (a.trailing_comma or g.startswith((",", "،"))) and 0 < len(g) <= 80 \
                        and g.rstrip().endswith((",", ":", "،", "—", "–")) \
                        and not _GAP_SENTENCE_END.search(g.rstrip(",:،—– ")) \
                        and sp._verb_matches(g, lang):
                    a.parts.extend(s.parts)
                    a.marks.extend(s.marks)
                    a.close_pos = s.close_pos
                    a.end_limit = s.end_limit
                    a.cend = s.cend
                    a.kind, a.speechlike = "speech", True  # two parts round a reporting clause
                    continue
        out.append(s)
    return out


_FR_INCISE = re.compile(
    r",\s*(?:(?:a|avait)-t-(?:il|elle)|ont-(?:ils|elles))\s+[\wéèêûîôàç]+\s*,"
    r"|,\s*[\wéèêûîôàç]+-t-(?:il|elle)\s*,"
    r"|,\s*(?:dit|ajoute|poursuit|explique|estime|affirme|souligne|précise|assure|insiste|martèle|lance|"
    r"reconnaît|confie|déclare|indique|note|observe|relève|résume|tranche|conclut|raconte)-(?:il|elle|ils|elles)\s*,"
    r"|,\s*(?:a|avait)\s+(?:déclaré|dit|ajouté|affirmé|expliqué|souligné|indiqué|confié|estimé|assuré|précisé)"
    r"\s+[A-ZÀ-Ý][^,«»]{1,60},")


def _split_incise(text: str, s: _Span) -> None:
    """« Nous sommes prêts, a-t-il dit, à négocier » -> two parts around the incise."""
    m = _FR_INCISE.search(text, s.cstart, s.cend)
    if not m or m.start() <= s.cstart or m.end() >= s.cend:
        return
    a_end = m.start()
    b_start = m.end()
    while b_start < s.cend and text[b_start] in _SPACES:
        b_start += 1
    s.parts = [(s.cstart, a_end), (b_start, s.cend)]
    close_end = s.marks[0][1]
    s.marks = [(s.open_pos, a_end), (b_start, close_end)]


def _first_visible(text: str, ps: int, pe: int) -> int:
    i = ps
    while i < pe and text[i] in _SPACES:
        i += 1
    return i


# --------------------------------------------------------------------------- analysis


@dataclass(frozen=True)
class _Analysis:
    quotes: list[Quote]
    sentence_atts: dict[int, sp.Attribution]  # sentence index -> attribution


def _covering(sentences: list[Sentence], starts: list[int], a: int, b: int) -> tuple[int, int]:
    """Indexes (first, last) of the sentences overlapping [a, b)."""
    i = max(0, bisect.bisect_right(starts, a) - 1)
    j = max(i, bisect.bisect_right(starts, max(a, b - 1)) - 1)
    return i, j


def _analyse(doc: Document, sentences: list[Sentence] | None, settings: Settings) -> _Analysis:
    return _analyse_inner(doc, sentences, settings, sp.common_words(doc.text))


def _analyse_inner(doc: Document, sentences: list[Sentence] | None, settings: Settings,
                   common: frozenset[str]) -> _Analysis:
    if sentences is None:
        from .sentences import split_sentences

        sentences = split_sentences(doc, settings=settings)
    ctx = _Context(doc, sentences, common)
    spans = _chain_paragraphs(ctx, [_paragraph_spans(ctx, k) for k in range(len(ctx.paras))])
    speechlike = [s for s in spans if s.speechlike]
    masked = _masked_text(ctx.text, speechlike)
    quote_atts, quote_sents = [], []
    for s in spans:
        i, j = ctx.covering(s)
        quote_sents.append((i, j))
        quote_atts.append(_quote_attribution(ctx, masked, s, i, j))
    sent_atts, other_atts = _sentence_attributions(
        ctx, masked, [ij for s, ij in zip(spans, quote_sents) if s.speechlike])
    final = _resolver(ctx, masked, [a for s, a in zip(spans, quote_atts) if a is not None and s.speechlike]
                      + list(sent_atts.values()) + other_atts)
    quotes = [_quote_record(ctx, s, final(att), i, j, settings)
              for s, att, (i, j) in zip(spans, quote_atts, quote_sents)]
    sentence_atts: dict[int, sp.Attribution] = {}
    for s, q_att, (i, j) in zip(spans, quote_atts, quote_sents):
        if not s.speechlike:
            continue
        f = final(q_att)
        if f is not None:
            for k in range(i, j + 1):
                sentence_atts.setdefault(k, f)
    for idx, att in sent_atts.items():
        sentence_atts[idx] = final(att)
    return _Analysis(quotes, sentence_atts)


class _Context:
    """A document, its sentences and paragraphs, with position look-ups.

    ``paras`` are the body paragraphs plus, first, the title line when the
    reader kept it out of the body (headline quotes are quotes too).
    """

    def __init__(self, doc: Document, sentences: list[Sentence], common: frozenset[str]):
        self.doc = doc
        self.common = common
        """Words common in this document (not names), for the speaker search."""
        self.text = doc.text
        self.sentences = sentences
        self.starts = [s.start for s in sentences]
        self.paras, self.title_para = _paragraphs(doc)
        self.para_starts = [p[0] for p in self.paras]

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def sent_lang(self, pos: int) -> str:
        if not self.sentences:
            return self.doc.lang
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.sentences[i].lang

    def covering(self, s: _Span) -> tuple[int, int]:
        """Indexes of the first and last sentence the quote touches ((-1, -1) in the title)."""
        if s.para == self.title_para or not self.sentences:
            return (-1, -1) if s.para == self.title_para else (0, 0)
        first_mark = s.marks[0][0]
        return _covering(self.sentences, self.starts, first_mark, max(s.cend, first_mark + 1))


def _paragraphs(doc: Document) -> tuple[list[tuple[int, int]], int | None]:
    body = list(doc.body)
    title = doc.title.strip()
    if title:
        at = doc.text.find(title)
        if at >= 0 and all(at + len(title) <= a or at >= b for a, b in body) \
                and (not body or at + len(title) <= body[0][0]):
            return [(at, at + len(title))] + body, 0
    return body, None


def _paragraph_spans(ctx: _Context, k: int) -> list[_Span]:
    """Step 1: the quotes of paragraph ``k``, each with its kind; split quotes joined."""
    ps, pe = ctx.paras[k]
    text = ctx.text
    lang = ctx.sent_lang(ps)
    heading = k == ctx.title_para or heading_like(text[ps:pe])
    spans = pair_marks(text, ps, pe, lang, k)
    for s in spans:
        s.kind, s.speechlike = _classify(text, s, ps, heading)
    if lang == "fr":
        for s in spans:
            if s.close_pos is not None and s.speechlike:
                _split_incise(text, s)
    return _merge_split(text, spans, lang)


def _chain_paragraphs(ctx: _Context, para_spans: list[list[_Span]]) -> list[_Span]:
    """Step 2: a quote left open continues into the next paragraph when that one opens with a mark."""
    text, body = ctx.text, ctx.paras
    spans: list[_Span] = []
    for k, group in enumerate(para_spans):
        spans.extend(s for s in group if not s.continued)
        if not group or group[-1].continued:
            continue  # empty, or already chained from an earlier paragraph
        last = cur = group[-1]
        kk = k
        while cur.close_pos is None and kk + 1 < len(body) and kk != ctx.title_para:
            nxt_group = para_spans[kk + 1]
            ns, ne = body[kk + 1]
            if not nxt_group or nxt_group[0].open_pos != _first_visible(text, ns, ne):
                break
            nxt = nxt_group[0]
            if text[nxt.open_pos] not in "“\"«„‹‘＂":
                break
            last.parts.extend(nxt.parts)
            last.marks.extend(nxt.marks)
            last.close_pos = nxt.close_pos
            last.cend = nxt.cend
            if nxt.kind == "speech" or len(text[last.cstart:last.cend].split()) >= 4:
                last.kind, last.speechlike = "speech", True
            nxt.continued = True
            cur = nxt
            kk += 1
    return spans


def _masked_text(text: str, spans: list[_Span]) -> str:
    """Step 3: the words of every quote hidden from the speaker search."""
    masked_chars = list(text)
    for s in spans:
        for a, b in s.marks:
            for i in range(a, min(b, len(text))):
                if masked_chars[i] != "\n":
                    masked_chars[i] = sp.MASK
    return "".join(masked_chars)


_PREV_REPORTS = re.compile(
    r"(?:\b(?:said|says|added|told|stated|declared|explained|a\s+déclaré|a\s+ajouté|a\s+dit)"
    r"(?:\s+[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)*)?|:)\s*\W{0,2}$")


def _quote_attribution(ctx: _Context, masked: str, s: _Span, i: int, j: int) -> sp.Attribution | None:
    """Step 4: who is quoted: the clause between two parts, after the quote, before it, or
    the previous sentence ending in a reporting verb or a colon."""
    text, sentences = ctx.text, ctx.sentences
    if i < 0:  # a headline: no reporting clause to read
        return None
    first_mark = s.marks[0][0]
    last_mark_end = s.marks[-1][1]
    lang = ctx.sent_lang(s.cstart)
    att = None
    if len(s.marks) > 1 and s.para == ctx.para_of(s.marks[1][0]):
        gap_a, gap_b = s.marks[0][1], s.marks[1][0]
        att = _usable(sp.attribute_after(masked[gap_a:gap_b], lang, base=gap_a, common=ctx.common))
    if att is None and s.close_pos is not None and sentences:
        send = sentences[j].end
        if last_mark_end < send:
            ended = text[s.cend - 1:s.cend] in ".!?…؟"
            att = _usable(sp.attribute_after(masked[last_mark_end:send], lang, base=last_mark_end,
                                             quote_ended=ended, common=ctx.common))
    if att is None and sentences:
        sstart = sentences[i].start
        if first_mark > sstart:
            att = sp.attribute_before(masked[sstart:first_mark], lang, base=sstart, common=ctx.common)
            if att is not None and att.kind == "none" and not att.outlet:
                att = None
    if att is None and sentences and not masked[sentences[i].start:first_mark].strip() and i > 0:
        prev = sentences[i - 1]
        if ctx.para_of(prev.start) >= ctx.para_of(first_mark) - 1 and _PREV_REPORTS.search(prev.text):
            att = _usable(sp.attribute_sentence(masked[prev.start:prev.end], prev.lang, base=prev.start,
                                                common=ctx.common))
    return att


def _sentence_attributions(ctx: _Context, masked: str, quote_sents: list[tuple[int, int]]
                           ) -> tuple[dict[int, sp.Attribution], list[sp.Attribution]]:
    """Step 5: indirect speech in sentences without quotes, and every reporting clause."""
    sent_atts: dict[int, sp.Attribution] = {}
    other_atts: list[sp.Attribution] = []
    covered = set()
    for (i, j) in quote_sents:
        covered.update(range(i, j + 1))
    for idx, sent in enumerate(ctx.sentences):
        found = sp.attribute_sentence_all(masked[sent.start:sent.end], sent.lang, base=sent.start,
                                          common=ctx.common)
        if found and idx not in covered:
            sent_atts[idx] = found[0]
        other_atts.extend(found)  # every reporting clause is a candidate antecedent
    return sent_atts, other_atts


def _resolver(ctx: _Context, masked: str, atts: list[sp.Attribution]):
    """Step 6: pronouns and definite descriptions resolved in document order.

    Returns ``final(att) -> att`` with the resolved speaker (outlet kept).
    """
    by_pos: dict[int, sp.Attribution] = {}
    for att in atts:
        by_pos.setdefault(att.verb_pos, att)
    ordered = sorted(by_pos.values(), key=lambda a: a.verb_pos)
    mentions = []
    for ps, pe in ctx.doc.body:
        mentions.extend(sp.title_mentions(masked[ps:pe], base=ps, common=ctx.common))
    resolved = {a.verb_pos: a for a in sp.resolve(ordered, ctx.para_of, mentions)}

    def final(att: sp.Attribution | None) -> sp.Attribution | None:
        if att is None:
            return None
        r = resolved.get(att.verb_pos, att)
        return replace_outlet(r, att.outlet or r.outlet)

    return final


def _quote_record(ctx: _Context, s: _Span, att: sp.Attribution | None, i: int, j: int,
                  settings: Settings) -> Quote:
    """Step 7: the :class:`Quote` record of a span."""
    text = ctx.text
    parts = tuple(s.parts)
    qtext = " ".join(text[a:b] for a, b in parts)
    if i >= 0 and ctx.sentences:
        ss, se = ctx.sentences[i].start, ctx.sentences[j].end
        slang = ctx.sentences[i].lang
    else:
        ss, se = ctx.paras[s.para]
        slang = ctx.sent_lang(ss) if i >= 0 else ctx.doc.lang
    ss, se = min(ss, parts[0][0]), max(se, parts[-1][1])
    return Quote(
        doc=ctx.doc.path, lang=span_language(qtext, slang, settings=settings), text=qtext,
        sentence=text[ss:se], start=parts[0][0], end=parts[-1][1], sentence_start=ss, sentence_end=se,
        speaker=_speaker(att), outlet=att.outlet if att else None, is_quote=True,
        parts=parts if len(parts) > 1 else (), speaker_desc=att.desc if att else None, kind=s.kind,
    )


def replace_outlet(att: sp.Attribution, outlet: str | None) -> sp.Attribution:
    from dataclasses import replace

    return replace(att, outlet=outlet) if outlet != att.outlet else att


def _usable(att: sp.Attribution | None) -> sp.Attribution | None:
    if att is None or (att.kind == "none" and not att.outlet):
        return None
    return att


def _speaker(att: sp.Attribution | None) -> str | None:
    if att is None or att.kind not in ("person", "org"):
        return None
    return att.speaker


def extract_quotes(doc: Document, sentences: list[Sentence] | None = None, *,
                   settings: Settings = SETTINGS) -> list[Quote]:
    """Quotations of ``doc`` (body only), in document order, with speaker and outlet.

    ``sentences`` defaults to :func:`aligner.text.sentences.split_sentences`.
    """
    return _analyse(doc, sentences, settings).quotes


def sentence_spans(doc: Document, sentences: list[Sentence] | None = None, *,
                   settings: Settings = SETTINGS) -> list[Quote]:
    """Every body sentence as an alignment target (``is_quote=False``), the title first.

    The speaker/outlet are set when the sentence reports speech (a reporting
    verb, or a quote attributed inside it).
    """
    return quotes_and_sentences(doc, sentences, settings=settings)[1]


def quotes_and_sentences(doc: Document, sentences: list[Sentence] | None = None, *,
                         settings: Settings = SETTINGS) -> tuple[list[Quote], list[Quote]]:
    """(:func:`extract_quotes`, :func:`sentence_spans`) from one analysis of ``doc``."""
    if sentences is None:
        from .sentences import split_sentences

        sentences = split_sentences(doc, settings=settings)
    ana = _analyse(doc, sentences, settings)
    out = []
    paras, title_para = _paragraphs(doc)
    if title_para is not None:  # the headline is a target too
        a, b = paras[title_para]
        out.append(Quote(doc=doc.path, lang=span_language(doc.text[a:b], doc.lang, settings=settings),
                         text=doc.text[a:b], sentence=doc.text[a:b], start=a, end=b, sentence_start=a,
                         sentence_end=b, is_quote=False))
    for idx, s in enumerate(sentences):
        att = ana.sentence_atts.get(idx)
        out.append(Quote(
            doc=doc.path, lang=s.lang, text=s.text, sentence=s.text, start=s.start, end=s.end,
            sentence_start=s.start, sentence_end=s.end, speaker=_speaker(att),
            outlet=att.outlet if att else None, is_quote=False,
            speaker_desc=att.desc if att else None,
        ))
    return ana.quotes, out
