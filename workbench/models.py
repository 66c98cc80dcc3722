"""Thin Qt models over rows cached from the store.

The models never query the store themselves: the controller hands them rows
(``set_rows``) and single-row updates (``update_row``), and they emit the
matching begin/end reset and dataChanged signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from aligner.review import HIGH_SCORE, MEDIUM_SCORE, confidence_band  # noqa: F401 - the CLI's bands too

from .controllers import KIND_LABELS, STATUS_LABELS
from .i18n import N_, is_rtl, tr

IdRole = Qt.UserRole + 1
RowRole = Qt.UserRole + 2
ScoreRole = Qt.UserRole + 3
StatusRole = Qt.UserRole + 4

STATUS_MARKS = {"pending": "•", "confirmed": "✓", "rejected": "✗", "skipped": "↷"}



@dataclass(frozen=True)
class Swatch:
    background: QColor
    foreground: QColor


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QGuiApplication.palette()
    return palette.color(QPalette.Base).lightnessF() < 0.5


def confidence_colors(band: str, palette: QPalette | None = None) -> Swatch | None:
    """Background/foreground for a confidence band, readable on light and dark palettes."""
    dark = is_dark(palette)
    table = {
        # light palette: pale fills, near-black text; dark palette: deep fills, near-white text
        "high": ("#c8ecc9", "#0b3d12", "#1f5c2a", "#e6f6e6"),
        "medium": ("#ffe2a8", "#4a3000", "#6b4a05", "#fff1d6"),
        "low": ("#e4e4e4", "#333333", "#4a4a4a", "#e0e0e0"),
    }
    if band not in table:
        return None
    lb, lf, db, df = table[band]
    return Swatch(QColor(db if dark else lb), QColor(df if dark else lf))


def status_color(status: str, palette: QPalette | None = None) -> QColor | None:
    dark = is_dark(palette)
    colours = {
        "confirmed": ("#1b7a2b", "#7ddc8a"),
        "rejected": ("#b3261e", "#ff8a80"),
        "skipped": ("#7a5a00", "#ffd166"),
    }
    if status not in colours:
        return None
    return QColor(colours[status][1 if dark else 0])


def _short(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


class RowModel(QAbstractTableModel):
    """A table over a cached list of rows; subclasses declare ``COLUMNS`` and ``cell``."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    # cache ----------------------------------------------------------------
    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def update_row(self, row: int, value) -> None:
        if 0 <= row < len(self._rows):
            self._rows[row] = value
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_value(self, row: int):
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rows(self) -> list:
        return list(self._rows)

    # Qt --------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if orientation == Qt.Horizontal and 0 <= section < len(self.COLUMNS):
            if role == Qt.DisplayRole:
                return tr(self.COLUMNS[section])
            return None
        if orientation == Qt.Vertical and role == Qt.DisplayRole and 0 <= section < len(self._rows):
            return str(section + 1)
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemNeverHasChildren

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self.COLUMNS)):
            return None
        value = self._rows[index.row()]
        if role == RowRole:
            return value
        return self.cell(value, index.row(), index.column(), role)

    def cell(self, value, row_no: int, column: int, role):  # pragma: no cover - abstract
        raise NotImplementedError


NOT_ALIGNED = N_("not aligned yet (the alignment was cancelled)")


class QueueModel(RowModel):
    """One row per English source quote (aligner.store.QueueItem).

    Quotes of documents that no finished alignment has seen (``set_unaligned``)
    show "not aligned yet" instead of an empty candidate list.
    """

    COLUMNS = (N_("St."), N_("Best"), N_("Quote"), N_("Speaker"), N_("Document"), N_("Cand."))
    STATUS, BEST, QUOTE, SPEAKER, DOCUMENT, COUNT = range(6)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._unaligned: frozenset[int] = frozenset()

    def set_unaligned(self, doc_ids) -> None:
        self._unaligned = frozenset(doc_ids)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.COLUMNS) - 1))

    def is_unaligned(self, item) -> bool:
        return item.n_candidates == 0 and item.span.doc_id in self._unaligned

    def cell(self, item, row_no, column, role):
        q = item.span.quote
        unaligned = self.is_unaligned(item)
        if role == Qt.DisplayRole:
            if column == self.STATUS:
                return "⋯" if unaligned else STATUS_MARKS.get(item.status, "?")
            if column == self.QUOTE:
                return _short(q.text, 300)
            if column == self.SPEAKER:
                return q.speaker or "—"
            if column == self.DOCUMENT:
                return Path(q.doc).name
            if column == self.BEST:
                return f"{item.best_score:.2f}" if item.best_score is not None and item.n_candidates else "—"
            if column == self.COUNT:
                return "…" if unaligned else str(item.n_candidates)
        elif role == Qt.ToolTipRole:
            if column in (self.STATUS, self.COUNT) and unaligned:
                return tr(NOT_ALIGNED)
            if column == self.STATUS:
                return tr(STATUS_LABELS.get(item.status, item.status))
            if column == self.QUOTE:
                return q.text if q.text in (q.sentence or "") or not q.sentence else f"{q.text}\n\n{q.sentence}"
            if column == self.DOCUMENT:
                return q.doc
        elif role == Qt.AccessibleTextRole and column == self.STATUS:
            return tr(NOT_ALIGNED) if unaligned else tr(STATUS_LABELS.get(item.status, item.status))
        elif role == Qt.ForegroundRole and column == self.STATUS:
            return status_color(item.status)
        elif role in (Qt.BackgroundRole, Qt.ForegroundRole) and column == self.BEST and item.n_candidates:
            sw = confidence_colors(confidence_band(item.best_score))
            if sw is not None:
                return sw.background if role == Qt.BackgroundRole else sw.foreground
        elif role == Qt.TextAlignmentRole and column in (self.STATUS, self.BEST, self.COUNT):
            return int(Qt.AlignCenter)
        elif role == IdRole:
            return item.span.id
        elif role == ScoreRole:
            return item.best_score
        elif role == StatusRole:
            return item.status
        return None


class CandidateModel(RowModel):
    """The ranked candidates of the current quote (aligner.store.CandidateRow)."""

    COLUMNS = (N_("#"), N_("Score"), N_("Status"), N_("Language"), N_("Kind"), N_("Document"),
               N_("Speaker"), N_("Text"))
    RANK, SCORE, STATUS, LANG, KIND, DOCUMENT, SPEAKER, TEXT = range(8)

    def cell(self, row, row_no, column, role):
        c = row.candidate
        t = c.target
        if role == Qt.DisplayRole:
            if column == self.RANK:
                return str(row_no + 1)
            if column == self.SCORE:
                return f"{c.score:.2f}"
            if column == self.STATUS:
                mark = STATUS_MARKS.get(row.status, "")
                manual = " ✎" if c.features.get("manual") else ""
                return f"{mark} {tr(STATUS_LABELS.get(row.status, row.status))}{manual}"
            if column == self.LANG:
                return t.lang
            if column == self.KIND:
                return tr(KIND_LABELS.get(c.kind, c.kind))
            if column == self.DOCUMENT:
                return Path(t.doc).name
            if column == self.SPEAKER:
                return t.speaker or "—"
            if column == self.TEXT:
                return _short(t.text if t.is_quote else t.sentence, 200)
        elif role == Qt.ToolTipRole:
            if column == self.TEXT:
                return t.sentence or t.text
            if column == self.SCORE:
                feats = ", ".join(f"{k}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
                                  for k, v in sorted(c.features.items()))
                return feats or None
            if column == self.STATUS and row.decision is not None:
                d = row.decision
                note = f"\n{d.note}" if d.note else ""
                return f"{d.reviewer} — {d.time}{note}"
            if column == self.DOCUMENT:
                return t.doc
        elif role in (Qt.BackgroundRole, Qt.ForegroundRole) and column == self.SCORE:
            sw = confidence_colors(confidence_band(c.score))
            if sw is not None:
                return sw.background if role == Qt.BackgroundRole else sw.foreground
        elif role == Qt.ForegroundRole and column == self.STATUS:
            return status_color(row.status)
        elif role == Qt.TextAlignmentRole:
            if column in (self.RANK, self.SCORE, self.LANG):
                return int(Qt.AlignCenter)
            if column == self.TEXT and is_rtl(t.lang):
                return int(Qt.AlignRight | Qt.AlignVCenter)
        elif role == IdRole:
            return row.id
        elif role == ScoreRole:
            return c.score
        elif role == StatusRole:
            return row.status
        return None


TYPE_LABELS = {"person": N_("person"), "organization": N_("organisation"), "place": N_("place"),
               "other": N_("other")}


class NameClusterModel(RowModel):
    """One row per name cluster (aligner.records.NameCluster)."""

    COLUMNS = (N_("Name"), N_("Type"), N_("Spellings"), N_("Mentions"), N_("Languages"), N_("Reviewed"))
    NAME, TYPE, SPELLINGS, MENTIONS, LANGS, REVIEWED = range(6)

    def cell(self, c, row_no, column, role):
        if role == Qt.DisplayRole:
            if column == self.NAME:
                return c.canonical
            if column == self.TYPE:
                return tr(TYPE_LABELS.get(c.type, c.type))
            if column == self.SPELLINGS:
                return str(len({v.form for v in c.variants}))
            if column == self.MENTIONS:
                return str(sum(v.count for v in c.variants))
            if column == self.LANGS:
                return " ".join(sorted({v.lang for v in c.variants}))
            if column == self.REVIEWED:
                return "✓" if getattr(c, "reviewed", False) else ""
        elif role == Qt.ToolTipRole:
            if column == self.NAME:
                return "\n".join(f"{v.form} ({v.lang}, {v.count})" for v in c.variants)
            if column == self.REVIEWED:
                evidence = getattr(c, "evidence", ())
                return "\n".join(evidence) or None
        elif role == Qt.TextAlignmentRole and column in (self.SPELLINGS, self.MENTIONS, self.REVIEWED):
            return int(Qt.AlignCenter)
        elif role == IdRole:
            return getattr(c, "id", "") or c.canonical
        return None


class VariantModel(RowModel):
    """The spellings of one name cluster (aligner.records.NameVariant)."""

    COLUMNS = (N_("Spelling"), N_("Language"), N_("Script"), N_("Mentions"))
    FORM, LANG, SCRIPT, COUNT = range(4)

    def cell(self, v, row_no, column, role):
        if role == Qt.DisplayRole:
            return (v.form, v.lang, v.script, str(v.count))[column]
        if role == Qt.TextAlignmentRole:
            if column == self.FORM and is_rtl(v.lang):
                return int(Qt.AlignRight | Qt.AlignVCenter)
            if column in (self.LANG, self.SCRIPT, self.COUNT):
                return int(Qt.AlignCenter)
        return None
