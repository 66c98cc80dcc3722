"""Dialogs. :class:`Dialogs` is the one place the main window asks the user
something modal; tests replace it with scripted answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..controllers import EXPORT_FORMATS, KIND_LABELS, doc_label
from ..i18n import tr
from .candidate_table import TextDelegate
from .text_view import ArticleView, Highlight


@dataclass(frozen=True)
class LinkChoice:
    doc_id: int
    start: int
    end: int
    kind: str
    note: str


class Dialogs:
    """Modal questions of the main window (replaced by fakes in tests)."""

    def __init__(self, parent: QWidget):
        self.parent = parent

    # messages -----------------------------------------------------------------
    def error(self, title: str, message: str, details: str = "") -> None:
        """``message``: a sentence in the UI language; ``details``: the technical text, behind a button."""
        box = QMessageBox(QMessageBox.Critical, title, message, QMessageBox.Ok, self.parent)
        box.setObjectName("error_box")
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)
        if details and details != message:
            box.setDetailedText(details)  # adds the "Show Details…" button (translated by Qt)
        box.exec()

    def info(self, title: str, message: str) -> None:
        QMessageBox.information(self.parent, title, message)

    def confirm(self, title: str, message: str) -> bool:
        return QMessageBox.question(self.parent, title, message) == QMessageBox.Yes

    def reviewer_name(self, default: str) -> str | None:
        """Asked once: the name recorded with every decision."""
        from PySide6.QtWidgets import QInputDialog

        name, ok = QInputDialog.getText(
            self.parent, tr("Your name"),
            tr("Your name, as it should appear with your review decisions:"), QLineEdit.Normal, default)
        return name if ok else None

    # files --------------------------------------------------------------------
    def copy_path(self, project_path: str) -> str | None:
        p = Path(project_path)
        path, _ = QFileDialog.getSaveFileName(
            self.parent, tr("Save a copy of the project"), str(p.with_name(p.stem + "-copy.aligner")),
            tr("Alignment projects (*.aligner)"))
        if not path:
            return None
        return path if path.endswith(".aligner") else path + ".aligner"

    def open_project_path(self, start_dir: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.parent, tr("Open project"), start_dir,
            tr("Alignment projects (*.aligner);;All files (*)"))
        return path or None

    def new_project_path(self, start_dir: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            self.parent, tr("New project"), str(Path(start_dir) / "project.aligner"),
            tr("Alignment projects (*.aligner)"))
        if not path:
            return None
        return path if path.endswith(".aligner") else path + ".aligner"

    def article_paths(self, start_dir: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(
            self.parent, tr("Add articles"), start_dir, tr("Text files (*.txt *.md);;All files (*)"))
        return list(paths)

    def article_folder(self, start_dir: str) -> str | None:
        path = QFileDialog.getExistingDirectory(self.parent, tr("Add a folder of articles"), start_dir)
        return path or None

    def export_path(self, start_dir: str) -> tuple[str, str] | None:
        filters = [f"{tr(f.label)} ({f.pattern})" for f in EXPORT_FORMATS]
        path, chosen = QFileDialog.getSaveFileName(
            self.parent, tr("Export confirmed pairs"), str(Path(start_dir) / "confirmed.tmx"),
            ";;".join(filters))
        if not path:
            return None
        fmt = EXPORT_FORMATS[filters.index(chosen)] if chosen in filters else EXPORT_FORMATS[0]
        for f in EXPORT_FORMATS:
            if path.lower().endswith(f.suffix):
                fmt = f
        if not path.lower().endswith(fmt.suffix):
            path += fmt.suffix
        return path, fmt.key

    # review ---------------------------------------------------------------------
    def note(self, current: str) -> str | None:
        dlg = NoteDialog(current, self.parent)
        return dlg.text() if dlg.exec() == QDialog.Accepted else None

    def manual_link(self, controller) -> LinkChoice | None:
        dlg = ManualLinkDialog(controller, self.parent)
        return dlg.choice() if dlg.exec() == QDialog.Accepted else None


def pad_buttons(box: QDialogButtonBox) -> None:
    """Our own "Cancel" (Qt's Arabic one is the terse imperative "ألغِ"), and room for Arabic
    labels, whose fallback font is wider than the metrics Qt sizes with."""
    cancel = box.button(QDialogButtonBox.Cancel)
    if cancel is not None:
        cancel.setText(tr("Cancel"))
    for b in box.buttons():
        text = b.fontMetrics().horizontalAdvance(b.text().replace("&", ""))
        icon = b.iconSize().width() + 8 if not b.icon().isNull() else 0
        b.setMinimumWidth(max(b.sizeHint().width() + 24, int(text * 1.4) + icon + 32))


class NoteDialog(QDialog):
    def __init__(self, current: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(tr("Note"))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(tr("A note for this candidate (kept in its history):")))
        self.edit = QPlainTextEdit(current)
        self.edit.setObjectName("note_edit")
        lay.addWidget(self.edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        pad_buttons(buttons)
        lay.addWidget(buttons)
        self.resize(420, 200)

    def text(self) -> str:
        return self.edit.toPlainText().strip()


class ManualLinkDialog(QDialog):
    """Search the sentences of the other documents and link one to the current quote."""

    def __init__(self, controller, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setWindowTitle(tr("Link by hand"))
        self.setObjectName("manual_link_dialog")
        item = controller.current_item
        lay = QVBoxLayout(self)
        quote = QLabel(f"“{item.span.quote.text}”" if item is not None else "")
        quote.setWordWrap(True)
        quote.setTextInteractionFlags(Qt.TextSelectableByMouse)
        lay.addWidget(quote)

        row = QHBoxLayout()
        self.search = QLineEdit(objectName="link_search")
        self.search.setPlaceholderText(tr("Words of the original (any language)…"))
        self.search.setClearButtonEnabled(True)
        self.lang = QComboBox(objectName="link_lang")
        self.lang.addItem(tr("All languages"), None)
        for code in ("fr", "ar", "en"):
            self.lang.addItem(code, code)
        row.addWidget(self.search, 1)
        row.addWidget(self.lang)
        lay.addLayout(row)

        split = QSplitter(Qt.Vertical)
        self.results = QListWidget(objectName="link_results")
        # long results wrap onto several lines (no sideways scrolling, which in a right-to-left UI
        # showed only the end of each English or French result); each keeps its own direction
        self.results.setWordWrap(True)
        self.results.setTextElideMode(Qt.ElideNone)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.results.setResizeMode(QListWidget.Adjust)
        self.results.setItemDelegate(TextDelegate(self.results))
        self.results.setAlternatingRowColors(True)  # where one wrapped result ends and the next begins
        self.results.setSpacing(1)
        self.preview = ArticleView()
        split.addWidget(self.results)
        split.addWidget(self.preview)
        split.setSizes([220, 200])
        lay.addWidget(split, 1)

        form = QFormLayout()
        self.kind = QComboBox(objectName="link_kind")
        for key, label in KIND_LABELS.items():
            self.kind.addItem(tr(label), key)
        self.note = QLineEdit(objectName="link_note")
        form.addRow(tr("Kind"), self.kind)
        form.addRow(tr("Note"), self.note)
        lay.addLayout(form)

        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.button(QDialogButtonBox.Ok).setText(tr("Link"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        pad_buttons(self.buttons)
        lay.addWidget(self.buttons)

        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self._search_after_typing)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.lang.currentIndexChanged.connect(self.refresh)
        self.results.currentRowChanged.connect(self._show)
        self.resize(760, 560)
        self.refresh()

    def _search_after_typing(self) -> None:
        # The delayed search only runs while the dialog is on screen: a timer left
        # running by the last keystroke must not query a project closed meanwhile.
        if self.isVisible():
            self.refresh()

    def done(self, result: int) -> None:
        self._timer.stop()
        super().done(result)

    def refresh(self) -> None:
        self._rows = self.controller.search_targets(self.search.text(), lang=self.lang.currentData())
        self.results.clear()
        for r in self._rows:
            q = r.quote
            text = " ".join((q.text if q.is_quote else q.sentence).split())
            it = QListWidgetItem(f"{text} — {doc_label(q.doc)} ({q.lang})")
            it.setToolTip(q.doc)
            self.results.addItem(it)
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(bool(self._rows))
        if self._rows:
            self.results.setCurrentRow(0)

    def _show(self, i: int) -> None:
        if not (0 <= i < len(self._rows)):
            self.preview.clear_view()
            return
        r = self._rows[i]
        doc = self.controller.document(r.doc_id)
        a, b = self._offsets(r)
        self.preview.show_text(doc.text, doc.lang, [Highlight(a, b, strong=True)], key=r.doc_id)

    @staticmethod
    def _offsets(r) -> tuple[int, int]:
        q = r.quote
        return (q.start, q.end) if q.is_quote else (q.sentence_start, q.sentence_end)

    def choice(self) -> LinkChoice | None:
        i = self.results.currentRow()
        if not (0 <= i < len(self._rows)):
            return None
        r = self._rows[i]
        a, b = self._offsets(r)
        return LinkChoice(r.doc_id, a, b, self.kind.currentData(), self.note.text().strip())


class TaskProgressDialog(QProgressDialog):
    """Progress of a background job (model build); Cancel asks the job to stop."""

    def __init__(self, title: str, parent=None):
        super().__init__(title, tr("Cancel"), 0, 0, parent)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.NonModal)
        self.setMinimumDuration(0)
        self.setAutoClose(False)
        self.setAutoReset(False)

    def on_progress(self, done: int, total: int, message: str) -> None:
        self.setMaximum(max(total, 0))
        self.setValue(min(done, total) if total > 0 else 0)
        if message:
            self.setLabelText(message)
