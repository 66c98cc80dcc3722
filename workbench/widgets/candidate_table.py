"""Table views for the quote queue and the ranked candidates."""

from __future__ import annotations

import unicodedata

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from ..models import CandidateModel, QueueModel, ScoreRole, confidence_band, confidence_colors


def is_rtl_text(text: str) -> bool:
    """True when the first strong character of ``text`` is right-to-left (Arabic, Hebrew)."""
    for ch in text:
        bidi = unicodedata.bidirectional(ch)
        if bidi in ("R", "AL"):
            return True
        if bidi == "L":
            return False
    return False


class TextDelegate(QStyledItemDelegate):
    """Lays each cell out in its own text's direction.

    French or English text stays left-to-right (ellipsis at its end) inside an
    Arabic, right-to-left UI, and Arabic text is right-to-left everywhere.
    """

    def initStyleOption(self, option, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        if not option.text:
            return
        rtl = is_rtl_text(option.text)
        option.direction = Qt.RightToLeft if rtl else Qt.LeftToRight
        align = option.displayAlignment
        if not align & Qt.AlignHCenter:
            horizontal = Qt.AlignRight if rtl else Qt.AlignLeft
            option.displayAlignment = horizontal | Qt.AlignAbsolute | (align & Qt.AlignVertical_Mask)


class ScoreDelegate(QStyledItemDelegate):
    """Draws a score as a coloured pill (green / amber / grey), visible even on the selected row."""

    def paint(self, painter: QPainter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        opt.backgroundBrush = QBrush()
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.CE_ItemViewItem, opt, painter, widget)
        score = index.data(ScoreRole)
        swatch = confidence_colors(confidence_band(score), option.palette) if score is not None else None
        if swatch is None or not text or text == "—":
            painter.drawText(option.rect, Qt.AlignCenter, text)
            return
        rect = option.rect.adjusted(4, 3, -4, -3)
        painter.save()
        painter.setRenderHint(QPainter.Antialiasing)
        painter.setPen(Qt.NoPen)
        painter.setBrush(swatch.background)
        painter.drawRoundedRect(rect, 6, 6)
        painter.setPen(swatch.foreground)
        painter.drawText(rect, Qt.AlignCenter, text)
        painter.restore()


class RowTable(QTableView):
    """Whole-row, single selection; emits ``row_activated(row)`` when the current row changes.

    Typing letters does not jump between rows (that would steal the review
    keys Y/N/S...), and the header state can be saved and restored.
    """

    row_activated = Signal(int)

    def __init__(self, parent=None, *, stretch_column: int = -1):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.ElideRight)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollPerPixel)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.verticalHeader().setSectionResizeMode(QHeaderView.Fixed)
        self.horizontalHeader().setHighlightSections(False)
        self._stretch = stretch_column
        self._quiet = False
        self.setItemDelegate(TextDelegate(self))
        header = self.horizontalHeader()
        header.setContextMenuPolicy(Qt.CustomContextMenu)
        header.customContextMenuRequested.connect(self._column_menu)

    def _column_menu(self, pos) -> None:
        """Right-click on the header: show or hide columns (saved with the header state)."""
        from PySide6.QtWidgets import QMenu

        model = self.model()
        if model is None:
            return
        header = self.horizontalHeader()
        menu = QMenu(self)
        for col in range(model.columnCount()):
            act = menu.addAction(str(model.headerData(col, Qt.Horizontal)))
            act.setCheckable(True)
            act.setChecked(not header.isSectionHidden(col))
            act.setEnabled(col != self._stretch)
            act.toggled.connect(lambda on, c=col: header.setSectionHidden(c, not on))
        menu.exec(header.mapToGlobal(pos))

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        if self._stretch >= 0:
            header.setSectionResizeMode(self._stretch, QHeaderView.Stretch)
        self.selectionModel().currentRowChanged.connect(self._on_current)

    def keyboardSearch(self, search: str) -> None:  # noqa: N802
        pass  # letters are review shortcuts here

    def select_row(self, row: int) -> None:
        """Make ``row`` current without emitting ``row_activated``."""
        model = self.model()
        if model is None:
            return
        self._quiet = True
        try:
            if 0 <= row < model.rowCount():
                idx = model.index(row, 0)
                self.selectionModel().setCurrentIndex(
                    idx, self.selectionModel().SelectionFlag.ClearAndSelect
                    | self.selectionModel().SelectionFlag.Rows)
                self.scrollTo(idx, QAbstractItemView.EnsureVisible)
            else:
                self.selectionModel().clearSelection()
                self.selectionModel().setCurrentIndex(model.index(-1, -1),
                                                      self.selectionModel().SelectionFlag.NoUpdate)
        finally:
            self._quiet = False

    def _on_current(self, current, _previous) -> None:
        if not self._quiet and current.isValid():
            self.row_activated.emit(current.row())


class QueueTable(RowTable):
    """The quotes: two lines per row, so a long quote shows its first words and more (all on hover)."""

    LINES = 2

    def __init__(self, parent=None):
        super().__init__(parent, stretch_column=QueueModel.QUOTE)
        self.setObjectName("queue_table")
        self.setWordWrap(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * self.LINES + 10)

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        h = self.horizontalHeader()
        self.setItemDelegateForColumn(QueueModel.BEST, ScoreDelegate(self))
        for col, width in ((QueueModel.STATUS, 30), (QueueModel.SPEAKER, 110),
                           (QueueModel.DOCUMENT, 110), (QueueModel.BEST, 52), (QueueModel.COUNT, 48)):
            h.resizeSection(col, width)
        h.setSectionHidden(QueueModel.DOCUMENT, True)  # shown in the article title; right-click to add


class CandidateTable(RowTable):
    def __init__(self, parent=None):
        super().__init__(parent, stretch_column=CandidateModel.TEXT)
        self.setObjectName("candidate_table")

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        h = self.horizontalHeader()
        self.setItemDelegateForColumn(CandidateModel.SCORE, ScoreDelegate(self))
        for col, width in ((CandidateModel.RANK, 32), (CandidateModel.SCORE, 60),
                           (CandidateModel.STATUS, 110), (CandidateModel.LANG, 72),
                           (CandidateModel.KIND, 110), (CandidateModel.DOCUMENT, 120),
                           (CandidateModel.SPEAKER, 120)):
            h.resizeSection(col, width)
