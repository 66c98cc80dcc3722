"""Read articles (.txt, .html/.htm, .md) into :class:`~aligner.records.Document`.

Decoding accepts UTF-8 (with or without BOM), UTF-16 with BOM, Windows-1256
(Arabic) and Windows-1252 / Latin-1 (French). Legacy code pages are chosen
with charset-normalizer restricted to those candidates and then checked for
plausibility (Arabic words in Arabic letters, French words with accents
where French has them); text that fits none is refused rather than
garbled. HTML is reduced to its visible text, Markdown to plain text; that
plain text is ``Document.text`` and every offset refers to it. Line endings
become ``\\n``; nothing else is changed (quote characters are kept as is).
"""

from __future__ import annotations

import hashlib
import os
import re
from html.parser import HTMLParser
from pathlib import Path

from ..errors import InputFileError
from ..io.lines import read_file_bytes
from ..records import Document
from ..settings import SETTINGS
from .boilerplate import analyse_layout
from .langid import UNDETERMINED, document_language, is_arabic_letter

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".md")

_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
)

# letters that French (and names in French/English text) legitimately use
_LATIN_OK = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆáíóúñãõåøßÁÍÓÚÑ")
_LEGACY = ("cp1256", "cp1252", "latin_1")
_ENCODING_NAMES = {"cp1256": "windows-1256", "cp1252": "windows-1252", "latin_1": "iso-8859-1"}
_MIN_PLAUSIBILITY = 0.85


def _fail(path: str, problem: str) -> InputFileError:
    return InputFileError(path, problem)


# --------------------------------------------------------------------------- decoding


_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""Control characters other than tab, line feed, vertical tab, form feed and carriage return."""


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    return sum(1 for _ in _CONTROL.finditer(text)) / len(text)


def plausibility(text: str) -> float:
    """Share (0..1) of non-ASCII words that look like real Arabic or French/Latin words.

    A wrong code page produces words mixing Arabic and Latin letters, or
    words made only of accented Latin letters ("ÇáÔÑÞ"); both count as bad.
    """
    good = bad = 0
    for w in re.findall(r"[^\W\d_]+", text):
        if w.isascii():
            continue
        ar = sum(1 for c in w if is_arabic_letter(c))
        if ar == len(w):
            good += 1
        elif ar:
            bad += 1
        else:
            non_ascii = [c for c in w if not c.isascii()]
            if all(c in _LATIN_OK for c in non_ascii) and (len(w) <= 2 or len(non_ascii) / len(w) <= 0.67):
                good += 1
            else:
                bad += 1
    bad += sum(1 for c in text if 0x80 <= ord(c) <= 0x9F) * 2
    if good + bad == 0:
        return 1.0
    return good / (good + bad)


def _utf16_without_bom(data: bytes) -> str | None:
    n = min(len(data), 4096) // 2 * 2
    if n < 4:
        return None
    even = sum(1 for i in range(0, n, 2) if data[i] == 0)
    odd = sum(1 for i in range(1, n, 2) if data[i] == 0)
    half = n // 2
    if odd > 0.3 * half and even < 0.02 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.02 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode raw bytes; return (text, encoding name). Raises InputFileError.

    The returned text has its BOM removed but is otherwise untouched.
    """
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        try:
            return data.decode("utf-32"), "utf-32"
        except UnicodeDecodeError:
            raise _fail(path, "starts with a UTF-32 mark but is not valid UTF-32; save it as UTF-8") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise _fail(path, "starts with a UTF-16 mark but is not valid UTF-16; save it as UTF-8") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as e:
            raise _fail(path, _bad_utf8(data, e)) from None
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise _fail(path, f"is {what}, not text; save the article as .txt, .html or .md")
    if b"\x00" in data:
        guess = _utf16_without_bom(data)
        order = [guess] if guess else []
        order += [e for e in ("utf-16-le", "utf-16-be") if e != guess]
        for enc in order:
            if len(data) % 2:
                break
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            spaces = sum(1 for c in text[:4096] if c.isspace())
            if _control_ratio(text) < 0.01 and (enc == guess or plausibility(text) >= _MIN_PLAUSIBILITY) \
                    and any(c.isalpha() for c in text) and spaces * 40 >= min(len(text), 4096):
                return text, enc
        raise _fail(path, "looks like a binary file, not text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as utf8_error:
        first_error = utf8_error
    # legacy 8-bit code pages: ask charset-normalizer, then check plausibility
    order = list(_LEGACY)
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=list(_LEGACY)).best()
        if best is not None and best.encoding in order:
            order.remove(best.encoding)
            order.insert(0, best.encoding)
    except Exception:  # pragma: no cover - charset-normalizer is an optional helper here
        pass
    scored = []
    for rank, enc in enumerate(order):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        score = plausibility(text)
        if enc == "cp1256" and not any(is_arabic_letter(c) for c in text):
            score -= 0.01  # same text as cp1252 without Arabic letters: prefer the Latin code page
        scored.append((score, -rank, enc, text))
    if scored:
        score, _, enc, text = max(scored)
        if score >= _MIN_PLAUSIBILITY and _control_ratio(text) < 0.01:
            return text, _ENCODING_NAMES[enc]
    low_controls = sum(1 for b in data if b < 32 and b not in (9, 10, 12, 13) or b == 127)
    if low_controls / len(data) > 0.01:
        raise _fail(path, "looks like a binary file, not text")
    raise _fail(
        path,
        "cannot tell its text encoding (tried UTF-8, UTF-16, Windows-1256 and Windows-1252; "
        f"{_bad_utf8(data, first_error)}); save it as UTF-8",
    )


def _bad_utf8(data: bytes, e: UnicodeDecodeError) -> str:
    line = data[: e.start].count(b"\n") + 1
    return f"not valid UTF-8: bad byte 0x{data[e.start]:02x} on line {line}"


def normalise_newlines(text: str) -> str:
    """CRLF, CR, NEL and Unicode line/paragraph separators -> ``\\n``."""
    return re.sub(r"\r\n?|\u2028|\u2029|\x85", "\n", text)


# --------------------------------------------------------------------------- HTML

_SKIP_TAGS = {"script", "style", "nav", "aside", "noscript", "template", "svg", "form", "button",
              "select", "iframe", "head", "figcaption", "object", "canvas", "menu"}
_HEADER_TAGS = {"header", "footer"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote",
               "section", "article", "main", "table", "tr", "pre", "dl", "dt", "dd", "figure",
               "hr", "address", "header", "footer", "td", "th", "caption", "body", "html", "center"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip: list[str] = []
        self.pending = 0  # 0 none, 1 line break, 2 paragraph break
        self.pre = 0
        self.containers = 0  # inside <article>/<main>
        self.title_parts: list[str] = []
        self.in_title = False

    # -- helpers
    def _brk(self, level: int) -> None:
        self.pending = max(self.pending, level)

    def _emit(self, text: str) -> None:
        if not text:
            return
        if not self.pre and not text.strip() and (self.pending or not self.out or self.out[-1].endswith("\n")):
            return  # whitespace between blocks
        if self.pending and self.out:
            while self.out and self.out[-1].endswith((" ", "\t")):
                self.out[-1] = self.out[-1].rstrip(" \t")
            tail = "".join(self.out[-2:])
            have = len(tail) - len(tail.rstrip("\n"))
            need = (1 if self.pending == 1 else 2) - have
            if need > 0:
                self.out.append("\n" * need)
            text = text.lstrip(" ") if not self.pre else text
        elif not self.out or self.out[-1].endswith("\n"):
            text = text.lstrip(" ") if not self.pre else text
        elif self.out[-1].endswith(" ") and text.startswith(" "):
            text = text.lstrip(" ")
        self.pending = 0
        if text:
            self.out.append(text)

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.append(tag)
            return
        if tag in _SKIP_TAGS or (tag in _HEADER_TAGS and not self.containers):
            self.skip.append(tag)
            return
        if tag in ("article", "main"):
            self.containers += 1
        if tag == "pre":
            self.pre += 1
        if tag == "br":
            self._brk(1)
        elif tag in _BLOCK_TAGS:
            self._brk(2)

    def handle_startendtag(self, tag, attrs):
        if self.skip:
            return
        if tag == "br":
            self._brk(1)
        elif tag in _BLOCK_TAGS:
            self._brk(2)

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if self.skip:
            if tag == self.skip[-1]:
                self.skip.pop()
            return
        if tag in ("article", "main") and self.containers:
            self.containers -= 1
        if tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _BLOCK_TAGS:
            self._brk(2)

    def handle_data(self, data):
        if self.in_title:
            self.title_parts.append(data)
        if self.skip:
            return
        if not self.pre:
            data = re.sub(r"[ \t\r\n\f\v]+", " ", data)
        self._emit(data)

    def text(self) -> str:
        return "".join(self.out).strip()


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts, styles, navigation, headers,
    footers, asides and figure captions dropped; block elements become
    paragraph breaks (blank lines), ``<br>`` a line break; entities decoded."""
    p = _VisibleText()
    p.feed(html)
    p.close()
    text = p.text()
    if not text and p.title_parts:
        text = " ".join("".join(p.title_parts).split())
    return text


# --------------------------------------------------------------------------- Markdown

_MD_RULES: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images (alt text is a caption)
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]+|[^()]*\([^()]*\))(?:\s+\"[^\"]*\")?\)"), r"\1"),  # [t](u)
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),  # [t][ref]
    (re.compile(r"<(https?://[^>\s]+)>"), r"\1"),
    (re.compile(r"`([^`\n]+)`"), r"\1"),
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w_])_(?=[^\s_])(.+?)(?<=[^\s_])_(?![\w_])"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!>|])"), r"\1"),
)


def markdown_to_text(md: str) -> str:
    """Light Markdown stripping: headings, emphasis, links -> their text,
    images, rules, block quotes and list markers removed. Quote characters
    and line structure are kept."""
    out = []
    fence = False
    for line in md.split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence:
            out.append(line)
            continue
        if re.fullmatch(r"(?:[-*_]\s*){3,}|=+|-+", stripped) and stripped:
            # horizontal rule or setext underline
            out.append("")
            continue
        if re.match(r"^\s{0,3}\[[^\]]+\]:\s+\S+", line):
            continue  # link reference definition
        line = re.sub(r"^\s{0,3}(?:>\s?)+", "", line)
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
        line = re.sub(r"\s+#+\s*$", "", line) if stripped.startswith("#") else line
        line = re.sub(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+", "", line)
        for rx, rep in _MD_RULES:
            line = rx.sub(rep, line)
        out.append(line)
    return "\n".join(out)


# --------------------------------------------------------------------------- files

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w\-]+)""", re.I)


def _decode_html(data: bytes, path: str) -> tuple[str, str]:
    m = _META_CHARSET.search(data[:4096])
    if m and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        declared = m.group(1).decode("ascii", "ignore").lower()
        aliases = {"windows-1256": "cp1256", "cp1256": "cp1256", "windows-1252": "cp1252",
                   "cp1252": "cp1252", "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252"}
        enc = aliases.get(declared)
        if enc:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                try:
                    text = data.decode(enc)
                    if plausibility(text) >= _MIN_PLAUSIBILITY:
                        return text, _ENCODING_NAMES[enc]
                except UnicodeDecodeError:
                    pass
    return decode_bytes(data, path)


def read_document(path: str | os.PathLike, *, max_bytes: int | None = None) -> Document:
    """Read one article. Raises :class:`InputFileError` naming the file and the problem
    (missing, a folder, empty, too large, binary, undecodable, no text)."""
    limit = SETTINGS.max_file_bytes if max_bytes is None else max_bytes
    name = str(path)
    data = read_file_bytes(path, max_bytes=limit)
    return document_from_bytes(data, name, suffix=Path(path).suffix.lower())


def document_from_bytes(data: bytes, path: str, *, suffix: str | None = None) -> Document:
    """Build a Document from raw bytes (``suffix``, default from ``path``, selects HTML/Markdown handling)."""
    suffix = (suffix if suffix is not None else Path(path).suffix).lower()
    if not data:
        raise _fail(path, "file is empty")
    if suffix in (".html", ".htm"):
        raw, encoding = _decode_html(data, path)
    else:
        raw, encoding = decode_bytes(data, path)
    if _control_ratio(raw) > 0.01:
        raise _fail(path, "looks like a binary file, not text")
    raw = normalise_newlines(raw)
    if suffix in (".html", ".htm"):
        text = html_to_text(raw)
    elif suffix == ".md":
        text = markdown_to_text(raw)
    else:
        text = raw
    if not text.strip():
        raise _fail(path, "contains no text" if raw.strip() else "contains only blank space")
    layout = analyse_layout(text)
    ranges = layout.paragraphs or ((0, len(text)),)
    lang = document_language(text, ranges)
    if lang == UNDETERMINED and layout.title:
        lang = document_language(layout.title)
    return Document(
        path=path,
        text=text,
        lang=lang,
        encoding=encoding,
        sha256=hashlib.sha256(data).hexdigest(),
        body=tuple(layout.paragraphs),
        title=layout.title,
    )


def _walk(folder: Path, problems: list[InputFileError] | None = None) -> list[Path]:
    found = []

    def onerror(e: OSError) -> None:
        if problems is not None:
            why = "permission denied" if isinstance(e, PermissionError) else (e.strerror or str(e))
            problems.append(_fail(str(e.filename or folder), f"folder cannot be read ({why})"))

    for root, dirs, files in os.walk(folder, onerror=onerror):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if f.startswith("."):
                continue
            if Path(f).suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(Path(root) / f)
    return found


def read_paths(
    paths: list[str | os.PathLike], *, max_bytes: int | None = None
) -> tuple[list[Document], list[InputFileError]]:
    """Read files and folders (recursed, sorted; only .txt/.html/.htm/.md).

    Returns (documents, errors): one :class:`InputFileError` per file that
    could not be read; the other files are still read.
    """
    docs: list[Document] = []
    errors: list[InputFileError] = []
    seen: set[str] = set()
    for given in paths:
        p = Path(given)
        try:
            is_dir = p.is_dir()
            is_file = p.exists()
        except OSError as e:  # e.g. inside a folder we may not enter
            errors.append(_fail(str(given), f"cannot be read ({e.strerror or e})".replace(
                "Permission denied", "permission denied")))
            continue
        if is_dir:
            n_errors = len(errors)
            files = _walk(p, errors)
            if not files and len(errors) == n_errors:
                errors.append(_fail(str(given), "folder contains no .txt, .html, .htm or .md files"))
            targets = [str(f) for f in files]
        else:
            if is_file and p.suffix.lower() not in SUPPORTED_SUFFIXES:
                errors.append(_fail(str(given), f"unsupported file type {p.suffix or '(none)'!r}; "
                                                "use .txt, .html, .htm or .md"))
                continue
            targets = [str(given)]
        for t in targets:
            try:
                key = os.path.realpath(t)  # the same file by another name is read once
            except (OSError, ValueError):
                key = os.path.abspath(t)
            if key in seen:
                continue
            seen.add(key)
            try:
                docs.append(read_document(t, max_bytes=max_bytes))
            except InputFileError as e:
                errors.append(e)
    return docs, errors
