"""Queue filters: status, language, document, speaker, minimum score and text search."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QWidget,
)

from ..controllers import STATUS_LABELS, STATUSES
from ..i18n import tr


class FilterBar(QWidget):
    """Emits ``changed(dict)`` with QueueFilter fields whenever a control changes.

    The search field waits for a pause in typing (``SEARCH_DELAY_MS``) before
    emitting, so each key press does not re-query the store.
    """

    changed = Signal(dict)
    SEARCH_DELAY_MS = 250

    def __init__(self, parent=None):
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # a tool bar: what does not fit goes into its » overflow menu
        self.bar = QToolBar(objectName="filter_toolbar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        lay.addWidget(self.bar)

        self.status = QComboBox(objectName="filter_status")
        self.status.addItem(tr("All statuses"), None)
        for s in STATUSES:
            self.status.addItem(tr(STATUS_LABELS[s]), s)
        self.lang = QComboBox(objectName="filter_lang")
        self.doc = QComboBox(objectName="filter_doc")
        self.doc.setMaximumWidth(260)
        self.speaker = QComboBox(objectName="filter_speaker")
        self.min_score = QDoubleSpinBox(objectName="filter_min_score")
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setDecimals(2)
        self.min_score.setToolTip(tr("Min. score") + ": "
                                  + tr("Show quotes whose best candidate scores at least this much"))
        self.search = QLineEdit(objectName="filter_search")
        self.search.setPlaceholderText(tr("Search quotes, translations and speakers (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.reset = QToolButton(objectName="filter_reset")
        self.reset.setText(tr("Clear filters"))

        self.search.setMinimumWidth(180)
        self.search.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.bar.addWidget(self.search)
        # the combos name themselves ("All languages"...); their labels are tooltips
        for label, w in ((tr("Status"), self.status), (tr("Language"), self.lang),
                         (tr("Document"), self.doc), (tr("Speaker"), self.speaker)):
            w.setToolTip(label)
            w.setAccessibleName(label)
            w.setSizeAdjustPolicy(QComboBox.AdjustToContents)
            self.bar.addWidget(w)
        self.min_score.setPrefix("≥ ")
        self.min_score.setLayoutDirection(Qt.LeftToRight)  # "≥ 0.50" reads as maths in an Arabic UI too
        # one rule for every number in the app: digits 0-9 and a decimal point, as the scores are shown
        self.min_score.setLocale(QLocale.c())
        self.min_score.setAccessibleName(tr("Min. score"))
        self.min_score.setMinimumWidth(self.min_score.fontMetrics().horizontalAdvance("≥ 0.000") + 48)
        self.bar.addWidget(self.min_score)
        self.bar.addWidget(self.reset)

        self._timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._timer.timeout.connect(self._emit)
        self._quiet = False
        for combo in (self.status, self.lang, self.doc, self.speaker):
            combo.currentIndexChanged.connect(self._emit)
        self.min_score.valueChanged.connect(self._emit)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._emit)
        self.reset.clicked.connect(self.clear)
        self.set_choices([], [], [])

    def set_choices(self, languages: list[str], documents: list[tuple[int, str]], speakers: list[str]) -> None:
        """Fill the combos (keeps the current choice where it still exists)."""
        self._quiet = True
        try:
            _refill(self.lang, tr("All languages"), [(lang, lang) for lang in languages])
            _refill(self.doc, tr("All documents"), [(name, doc_id) for doc_id, name in documents])
            _refill(self.speaker, tr("All speakers"), [(s, s) for s in speakers])
        finally:
            self._quiet = False

    def values(self) -> dict:
        score = self.min_score.value()
        return {
            "status": self.status.currentData(),
            "lang": self.lang.currentData(),
            "doc_id": self.doc.currentData(),
            "speaker": self.speaker.currentData(),
            "min_score": score if score > 0 else None,
            "search": self.search.text().strip() or None,
        }

    def clear(self) -> None:
        self._quiet = True
        try:
            for combo in (self.status, self.lang, self.doc, self.speaker):
                combo.setCurrentIndex(0)
            self.min_score.setValue(0.0)
            self.search.clear()
        finally:
            self._quiet = False
        self._timer.stop()
        self._emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    def _emit(self, *_args) -> None:
        if not self._quiet:
            self._timer.stop()
            self.changed.emit(self.values())


def _refill(combo: QComboBox, all_label: str, items: list[tuple[str, object]]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(all_label, None)
    for label, data in items:
        combo.addItem(label, data)
    idx = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(idx, 0))
    combo.blockSignals(False)
