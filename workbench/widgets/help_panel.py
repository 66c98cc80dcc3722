"""The keyboard-shortcut panel (F1): a dock listing every action and its keys."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr


def shortcut_rows(actions) -> list[tuple[str, str]]:
    """(keys as shown to the user, action text) for every action that has a shortcut."""
    rows = []
    for a in actions:
        keys = [s.toString(QKeySequence.NativeText) for s in a.shortcuts() if not s.isEmpty()]
        if keys:
            # isolated left-to-right, so "F1 / ?" keeps its order in an Arabic UI
            rows.append(("\u2066" + " / ".join(keys) + "\u2069", a.text().replace("&", "")))
    return rows


class HelpPanel(QDockWidget):
    def __init__(self, parent=None):
        super().__init__(tr("Keyboard shortcuts"), parent)
        self.setObjectName("help_panel")
        body = QWidget()
        lay = QVBoxLayout(body)
        intro = QLabel(tr("Review without leaving the keyboard. Every decision is saved at once; "
                          "undo keeps the history."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([tr("Keys"), tr("Action")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.NoSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        lay.addWidget(self.table)
        self.setWidget(body)

    def set_rows(self, rows: list[tuple[str, str]]) -> None:
        self.table.setRowCount(len(rows))
        for i, (keys, text) in enumerate(rows):
            k = QTableWidgetItem(keys)
            k.setTextAlignment(Qt.AlignCenter)
            self.table.setItem(i, 0, k)
            self.table.setItem(i, 1, QTableWidgetItem(text))
