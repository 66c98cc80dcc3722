"""The Sources tab: which French/Arabic articles each English article draws on.

A thin table over :meth:`aligner.store.Project.article_pairs` (written by
every alignment run, see :mod:`aligner.pairing`): the English article, the
source article, its language, the pairing confidence and the evidence
(mutually best sentence pairs, shared names and figures, the outlet named).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from ..i18n import N_, tr
from aligner.review import confidence_band

from ..models import RowModel


class ArticlePairModel(RowModel):
    """One row per stored :class:`aligner.pairing.ArticlePair`."""

    COLUMNS = (N_("English article"), N_("Source article"), N_("Language"), N_("Confidence"),
               N_("Evidence"))

    def cell(self, pair, row_no: int, column: int, role):
        if role == Qt.DisplayRole:
            return (Path(pair.source_doc).name, Path(pair.target_doc).name, pair.target_lang,
                    f"{pair.score:.2f}", pair.evidence)[column]
        if role == Qt.ToolTipRole and column in (0, 1):
            return pair.source_doc if column == 0 else pair.target_doc
        if role == Qt.TextAlignmentRole and column == 3:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.AccessibleTextRole and column == 3:
            return f"{pair.score:.2f} ({tr(confidence_band(pair.score))})"
        return None


class ArticlePairsView(QWidget):
    """The table of article pairs of the open project, best first per English article."""

    def __init__(self, parent=None, *, min_score: float = 0.5):
        super().__init__(parent)
        self.setObjectName("article_pairs")
        self.min_score = min_score
        self.model = ArticlePairModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("article_pairs_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectRows)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(tr("Run the alignment to see which source articles each English article uses."))
        self.empty.setAlignment(Qt.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(self.table)
        self._show()

    def set_project(self, project, *_ignored) -> None:
        self.model.set_rows(project.article_pairs(min_score=self.min_score))
        self._show()

    def clear_project(self) -> None:
        self.model.set_rows([])
        self._show()

    def _show(self) -> None:
        has = self.model.rowCount() > 0
        self.table.setVisible(has)
        self.empty.setVisible(not has)
