"""A read-only article view that highlights a quote inside its sentence.

Arabic (and any right-to-left language) is laid out right to left; offsets
from the store are Python string indexes and are converted to the UTF-16
positions QTextDocument counts in.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor, QTextOption
from PySide6.QtWidgets import QTextBrowser

from ..i18n import is_rtl


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    strong: bool = False  # the quoted words (strong) or their sentence (light)


def utf16_offsets(text: str, positions: list[int]) -> list[int]:
    """Python string indexes -> UTF-16 code-unit positions (QTextDocument's unit)."""
    if text.isascii() or all(ord(c) < 0x10000 for c in text):
        return [max(0, min(p, len(text))) for p in positions]
    out = []
    for p in positions:
        p = max(0, min(p, len(text)))
        out.append(len(text[:p].encode("utf-16-le")) // 2)
    return out


def highlight_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """(sentence, quote) backgrounds derived from the palette's highlight colour.

    Semi-transparent over the base colour, so the palette's text colour stays
    readable in light and dark themes.
    """
    base = palette.color(QPalette.Highlight)
    dark = palette.color(QPalette.Base).lightnessF() < 0.5
    light = QColor(base)
    light.setAlphaF(0.32 if dark else 0.16)
    strong = QColor(base)
    strong.setAlphaF(0.7 if dark else 0.55)
    return light, strong


class ArticleView(QTextBrowser):
    """Shows one document; ``show_text(text, lang, highlights)`` scrolls to the first highlight."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QTextBrowser.WidgetWidth)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.lang = ""
        self.doc_key: object = None
        self.highlights: list[Highlight] = []
        self._text = ""
        self._base_point_size = self.font().pointSizeF()

    ARABIC_SCALE = 1.2
    """Arabic script reads small next to Latin at the same point size."""

    @property
    def text(self) -> str:
        return self._text

    def clear_view(self, placeholder: str = "") -> None:
        self.doc_key = None
        self._text = ""
        self.highlights = []
        self.clear()
        self.setPlaceholderText(placeholder)

    def set_base_point_size(self, size: float) -> None:
        if size > 0:
            self._base_point_size = size
            self.set_direction(self.lang)

    def set_direction(self, lang: str) -> None:
        rtl = is_rtl(lang)
        font = self.font()
        font.setPointSizeF(self._base_point_size * (self.ARABIC_SCALE if lang == "ar" else 1.0))
        self.setFont(font)
        self.setLayoutDirection(Qt.RightToLeft if rtl else Qt.LeftToRight)
        opt = QTextOption(self.document().defaultTextOption())
        opt.setTextDirection(Qt.RightToLeft if rtl else Qt.LeftToRight)
        opt.setAlignment((Qt.AlignRight if rtl else Qt.AlignLeft) | Qt.AlignAbsolute)
        opt.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        self.document().setDefaultTextOption(opt)

    def show_text(self, text: str, lang: str, highlights: list[Highlight], *, key: object = None) -> None:
        """Display ``text`` (only reloaded when ``key`` changes) and mark ``highlights``."""
        if key is None or key != self.doc_key or text != self._text:
            self.doc_key = key
            self._text = text
            self.lang = lang
            self.setPlainText("")
            self.set_direction(lang)
            self.setPlainText(text)
        self.set_highlights(highlights)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self.highlights = list(highlights)
        light, strong = highlight_colors(self.palette())
        selections = []
        flat = [p for h in highlights for p in (h.start, h.end)]
        pos = utf16_offsets(self._text, flat)
        for i, h in enumerate(highlights):
            a, b = pos[2 * i], pos[2 * i + 1]
            if b <= a:
                continue
            cur = QTextCursor(self.document())
            cur.setPosition(a)
            cur.setPosition(b, QTextCursor.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(strong if h.strong else light)
            if h.strong:
                fmt.setFontWeight(QFont.DemiBold)
            sel = QTextBrowser.ExtraSelection()
            sel.cursor = cur
            sel.format = fmt
            selections.append(sel)
        self.setExtraSelections(selections)
        if selections:
            self.scroll_to(min(pos[2 * i] for i in range(len(highlights))))

    def resizeEvent(self, event) -> None:  # noqa: N802
        """Keep the highlighted quote in view when the pane changes size (F1 panel, splitters)."""
        super().resizeEvent(event)
        if self.highlights and self._text:
            pos = utf16_offsets(self._text, [min(h.start for h in self.highlights)])[0]
            self.scroll_to(pos)

    def highlighted_text(self, strong: bool = True) -> str:
        for h in self.highlights:
            if h.strong == strong:
                return self._text[h.start:h.end]
        return ""

    def scroll_to(self, utf16_pos: int) -> None:
        """Bring ``utf16_pos`` to about a third of the view's height."""
        cur = QTextCursor(self.document())
        cur.setPosition(min(utf16_pos, max(0, self.document().characterCount() - 1)))
        self.setTextCursor(cur)
        self.ensureCursorVisible()
        rect = self.cursorRect(cur)
        bar = self.verticalScrollBar()
        target = bar.value() + rect.top() - self.viewport().height() // 3
        bar.setValue(max(0, min(target, bar.maximum())))
