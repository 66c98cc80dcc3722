"""Find the article body: paragraphs, title, and site boilerplate to leave out.

Works line by line on the decoded text. A line is boilerplate when it is a
site header ("Middle-east Arab News Opinion | Asharq Al-awsat"), a label
("Select Page", "Media ID: 55349497", "Caption:", "Photo by: AP",
"Légende :", "اقرأ أيضا"), a photo caption (after a caption label, ending in
a photo credit such as "(AFP Photo/...)" or "/AFP", or a Reuters-style
caption ending in a date) or a byline ("TRTWorld and agencies").
The first headline-like line is the title ("| site name" suffix removed); it
is not part of the body. The remaining lines are grouped into paragraphs:
one line per paragraph, unless the text is hard-wrapped, where blank lines
separate paragraphs.

Extend the rule lists below; each is a plain regular expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .outlets import find_outlet

# --- whole-line labels and navigation (matched on the stripped line, case-insensitive)
LABEL_PATTERNS: tuple[str, ...] = (
    # English
    r"select page", r"skip to (?:main )?content", r"(?:main )?menu", r"home", r"search",
    r"media id\s*:?.*", r"caption\s*:?", r"captions?\s*:.*",
    r"(?:photo|photos|image|picture|video)s?(?: by| credit| credits)?\s*:.*",
    r"(?:photo|image) credit.*", r"credit\s*:.*", r"source\s*:.{0,80}", r"file photo\s*:?.*",
    r"advertisement", r"sponsored(?: content)?", r"related(?: articles| stories| news)?\s*:?.{0,80}",
    r"read (?:more|also)\s*:?.{0,120}", r"see also\s*:?.{0,120}", r"share(?: this)?(?: article| story)?\s*:?",
    r"follow us.{0,60}", r"subscribe.{0,60}", r"sign up.{0,60}", r"print(?: this)?(?: article)?", r"e-?mail",
    r"tags?\s*:.*", r"keywords?\s*:.*", r"(?:copyright|©).{0,120}", r".{0,80}all rights reserved\.?",
    r"(?:reporting|writing|editing|additional reporting) by .{1,120}", r"\(reporting by .{1,200}\)",
    r"last updated.{0,60}", r"updated\s*:.{0,60}", r"published\s*:.{0,60}",
    # French
    r"légende\s*:.*", r"crédits?(?: photo)?s?\s*:?.{0,80}", r"photo\s*:.*", r"(?:à )?lire aussi\s*:?.{0,120}",
    r"(?:voir|lire) (?:aussi|également)\s*:?.{0,120}", r"publicité", r"partager(?: cet article)?",
    r"abonnez-vous.{0,60}", r"mis à jour le.{0,60}", r"publié le.{0,60}", r"suivez-nous.{0,60}",
    # Arabic
    r"[اإ]قرأ (?:أيضا|أيضاً|ايضا|المزيد)\s*:?.{0,120}", r"الصورة\s*:.*", r"صورة\s*:.*", r"تصوير\s*:.*",
    r"المصدر\s*:.{0,80}", r"شارك(?: المقال| الخبر)?\s*:?", r"تابعونا.{0,60}", r"إعلان", r"اشترك.{0,60}",
    r"(?:ال)?كلمات (?:ال)?مفتاحية\s*:?.*", r"حقوق (?:النشر|الطبع).{0,80}", r"آخر تحديث.{0,60}",
)
_LABEL_RE = re.compile(r"^(?:" + "|".join(LABEL_PATTERNS) + r")$", re.I)

# labels after which the next short content line is a photo caption
CAPTION_LABELS = re.compile(
    r"^(?:caption|captions|photo(?:s)?(?: by)?|image(?: by)?|picture|légende|photo|الصورة|صورة|تصوير)\s*:",
    re.I,
)

# photo credits ending a caption line
CREDIT_PATTERNS: tuple[str, ...] = (
    r"\((?:AFP|Reuters|AP|EPA|Getty|Anadolu|SANA|DPA|Xinhua)[^()]{0,80}\)",
    r"\((?i:photos?|pictures?|images?) (?i:by|credit)[^()]{0,80}\)",
    r"\((?i:photo|crédit photo|crédits?)\s*:[^()]{0,80}\)",
    r"/\s*(?:AFP|Reuters|REUTERS|AP|EPA|Getty Images|SANA|Anadolu)",
    r"(?:AFP|REUTERS|Reuters|AP|EPA)/[\w .\-’']{2,60}",
    r"(?:AFP|Reuters|AP|Getty Images) (?:photo|Photo|PHOTO)",
    r"\((?:أ\.?\s?ف\.?\s?ب|رويترز|أ\.?\s?ب|د\.?\s?ب\.?\s?أ|سانا|الأناضول|غيتي)\.?\)",
)
_CREDIT_END_RE = re.compile(r"(?:" + "|".join(CREDIT_PATTERNS) + r")\s*\.?\s*$")

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
# Reuters/AP-style caption: "..., Deraa, Syria, November 21, 2015."
_DATED_CAPTION_RE = re.compile(r"\b[A-Z][\w’'\-]+,? " + _MONTHS + r"\.? \d{1,2}, (?:19|20)\d\d\.?$")

BYLINE_PATTERNS: tuple[str, ...] = (
    r".{1,40} and agencies", r".{1,40} with agencies", r"agencies", r"with agencies", r"\(?agencies\)?",
    r"(?-i:(?:[Bb]y|BY|Par|PAR)\s+[A-ZÀ-Ý][\w.’'\-]*(?:\s+[\w.’'\-]+){0,5})", r"بقلم\s+.{2,60}", r"staff (?:writer|reporter)s?", r".{1,40} et agences",
    r"(?:avec )?(?:afp|reuters|ap)", r"وكالات", r".{1,40} ووكالات", r"trt ?world",
)
_BYLINE_RE = re.compile(r"^(?:" + "|".join(BYLINE_PATTERNS) + r")\.?$", re.I)

# words of site-header segments ("Middle-east Arab News Opinion | Asharq Al-awsat")
NAV_WORDS = frozenset("""
home news opinion opinions world middle-east middle east arab arabic english archive politics business
economy sport sports culture lifestyle video videos features analysis editorial editorials local
international latest breaking tech technology science health region regional français actualités
monde international politique économie accueil أخبار الرئيسية رأي العالم سياسة اقتصاد رياضة ثقافة
""".split())

_TERMINAL = tuple(".!?؟…:;")
_CLOSERS = "\"”’»)]'"


@dataclass(frozen=True)
class Layout:
    """Result of :func:`analyse_layout`; offsets into the analysed text."""

    paragraphs: tuple[tuple[int, int], ...]
    """Body paragraphs (start, end), stripped of surrounding whitespace."""
    boilerplate: tuple[tuple[int, int], ...]
    """Lines left out as boilerplate."""
    title: str = ""
    title_span: tuple[int, int] | None = None


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line's stripped content; (pos, pos) for blank lines."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        s, e = pos, pos + len(raw)
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        out.append((s, e))
        pos += len(raw) + 1
    return out


def _ends_sentence(line: str) -> bool:
    t = line.rstrip(_CLOSERS + " ")
    return t.endswith(_TERMINAL)


def split_site_suffix(line: str) -> tuple[str, bool]:
    """("Headline", True) for "Headline | SITE ... Archive"; (line, False) otherwise."""
    parts = [p.strip() for p in re.split(r"\s+[|｜]\s+", line)]
    if len(parts) < 2:
        parts = [p.strip() for p in re.split(r"\s+[–—-]\s+", line)]
        if len(parts) < 2:
            return line, False
    head, rest = parts[0], parts[1:]
    if rest and all(_is_site_segment(p) for p in rest) and not _is_site_segment(head):
        return head, True
    return line, False


def _is_site_segment(seg: str) -> bool:
    if find_outlet(seg) is not None:
        return True
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", seg)]
    if not words:
        return bool(re.fullmatch(r"[\d\s\-–]+", seg))
    return all(w in NAV_WORDS for w in words)


def is_site_header(line: str) -> bool:
    """A navigation line whose segments are all site names / section words."""
    parts = [p.strip() for p in re.split(r"\s*[|｜]\s*", line) if p.strip()]
    if len(parts) < 2:
        return False
    return all(_is_site_segment(p) for p in parts)


def is_caption_line(line: str) -> bool:
    """Short line that ends with a photo credit, or a dated wire-photo caption."""
    if len(line) > 400:
        return False
    if _CREDIT_END_RE.search(line):
        return True
    if _DATED_CAPTION_RE.search(line) and _single_sentence(line) and not _has_quote(line):
        return True
    return False


def _single_sentence(line: str) -> bool:
    # no ". X" inside except after abbreviations like "Dec." / "U.S."
    inner = line.rstrip(". ")
    for m in re.finditer(r"([\w.]+)[.!?]\s+[A-Z]", inner):
        tok = m.group(1)
        if len(tok) <= 4 or "." in tok:
            continue
        return False
    return True


def _has_quote(line: str) -> bool:
    return any(c in line for c in "\"“”«»")


def is_label_line(line: str) -> bool:
    return bool(_LABEL_RE.match(line))


def _headline_like(line: str) -> bool:
    if not line or len(line) > 250 or len(line.split()) > 30:
        return False
    t = line.rstrip(_CLOSERS + " ")
    return not t.endswith((".", ":", ";", ","))


def analyse_layout(text: str) -> Layout:
    """Split ``text`` into body paragraphs, title and boilerplate lines."""
    lines = _lines(text)
    content = [i for i, (s, e) in enumerate(lines) if e > s]
    kind: dict[int, str] = {}  # line index -> "boiler" | "title"
    caption_next = False
    first_content = content[:12]
    last_content = set(content[-3:])
    for n, i in enumerate(content):
        s, e = lines[i]
        line = text[s:e]
        if is_site_header(line) or is_label_line(line):
            kind[i] = "boiler"
            caption_next = bool(CAPTION_LABELS.match(line)) or caption_next
            continue
        if caption_next:
            caption_next = False
            if len(line) <= 300 and (not _ends_sentence(line) or is_caption_line(line)):
                kind[i] = "boiler"
                continue
        if is_caption_line(line):
            kind[i] = "boiler"
            continue
        if (i in last_content or i in first_content[:6]) and len(line) <= 80 and _BYLINE_RE.match(line):
            kind[i] = "boiler"
            continue

    title = ""
    title_span = None
    remaining = [i for i in content if i not in kind]
    if len(remaining) >= 2:
        i = remaining[0]
        if i in first_content:
            s, e = lines[i]
            line = text[s:e]
            head, had_site = split_site_suffix(line)
            if had_site or _headline_like(line):
                kind[i] = "title"
                title = head.strip()
                title_span = (s, e)

    paragraphs = _group(text, lines, kind)
    boiler = tuple(lines[i] for i in content if kind.get(i) == "boiler")
    return Layout(paragraphs=tuple(paragraphs), boilerplate=boiler, title=title, title_span=title_span)


def _is_wrapped(text: str, lines: list[tuple[int, int]], kind: dict[int, str]) -> bool:
    """True when single newlines inside blocks look like hard wrapping."""
    inner = 0
    unterminated = 0
    lengths = []
    for i in range(len(lines) - 1):
        s, e = lines[i]
        ns, ne = lines[i + 1]
        if e == s or ne == ns or i in kind or (i + 1) in kind:
            continue
        inner += 1
        lengths.append(e - s)
        if not _ends_sentence(text[s:e]):
            unterminated += 1
    if inner < 2:
        return False
    lengths.sort()
    median = lengths[len(lengths) // 2]
    return unterminated / inner > 0.5 and median <= 110


def _group(text: str, lines: list[tuple[int, int]], kind: dict[int, str]) -> list[tuple[int, int]]:
    wrapped = _is_wrapped(text, lines, kind)
    paras: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    for i, (s, e) in enumerate(lines):
        if e == s or i in kind:
            if cur:
                paras.append(cur)
                cur = None
            continue
        if cur is None:
            cur = (s, e)
        elif wrapped:
            cur = (cur[0], e)
        else:
            paras.append(cur)
            cur = (s, e)
    if cur:
        paras.append(cur)
    return paras


def heading_like(paragraph: str) -> bool:
    """A short paragraph without end punctuation: a section heading or title."""
    if "\n" in paragraph:
        return False
    words = paragraph.split()
    if not words or len(words) > 14:
        return False
    return not _ends_sentence(paragraph)
