"""The main window: queue on the left, the two articles side by side, candidates below.

No business logic lives here: every action calls the ReviewController (or a
service through a background Job) and the widgets follow its signals.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoGroup
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aligner.errors import AlignerError
from aligner.progress import STAGE_LABELS  # shown translated: workbench.i18n extracts its values
from aligner.settings import Settings

from .. import controllers
from ..controllers import KIND_LABELS, ReviewController, alignment_state, doc_label
from ..errors import describe_error
from ..i18n import LANGUAGE_NAMES, N_, SUPPORTED, ngettext, tr
from ..models import CandidateModel, QueueModel
from ..services import CoreAlignmentService, CoreModelService, paths_from_urls
from ..workers import Job, JobRunner
from .candidate_table import CandidateTable, QueueTable
from .dialogs import Dialogs, TaskProgressDialog
from .filter_bar import FilterBar
from .help_panel import HelpPanel, shortcut_rows
from .names_view import NamesView
from .text_view import ArticleView, Highlight

log = logging.getLogger(__name__)

APP_TITLE = N_("Alignment Workbench")


class MainWindow(QMainWindow):
    """``language_requested(code)`` asks the app to rebuild the window in another language."""

    language_requested = Signal(str)

    def __init__(self, prefs, *, alignment=None, models=None, dialogs: Dialogs | None = None,
                 check_model: bool = True, settings: Settings | None = None):
        super().__init__()
        self.setObjectName("main_window")
        self.prefs = prefs
        # resolved once by the app's entry (workbench.app.main: Settings.from_env()) and passed down
        self.settings = settings if settings is not None else Settings()
        self.alignment = alignment or CoreAlignmentService(settings=self.settings)
        self.models = models or CoreModelService(settings=self.settings)
        self.dialogs = dialogs or Dialogs(self)
        self.project = None
        self.review: ReviewController | None = None
        self.runner = JobRunner(self)
        self.align_job: Job | None = None
        self.model_job: Job | None = None
        self.queue_model = QueueModel(self)
        self.cand_model = CandidateModel(self)
        self.undo_group = QUndoGroup(self)  # Ctrl+Z undoes on the tab that is showing
        self._align_before = 0
        # the project stays one complete file: the WAL is emptied into it after a batch of
        # decisions and whenever the reviewer pauses
        self._unsaved_decisions = 0
        self._idle = QTimer(self, singleShot=True, interval=self.CHECKPOINT_IDLE_MS)
        self._idle.timeout.connect(self.checkpoint)
        self.setWindowTitle(tr(APP_TITLE))
        self.setAcceptDrops(True)
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)
        self._build_actions()
        self._build_ui()
        self._build_menus()
        self.restore_layout()
        self._update_enabled()
        if check_model:
            QTimer.singleShot(0, self.ensure_model)

    # ================================================================== construction

    def _action(self, name: str, text: str, slot: Callable, keys=(), tip: str = "") -> QAction:
        a = QAction(text, self)
        a.setObjectName(f"action_{name}")
        seqs = [k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys]
        if seqs:
            a.setShortcuts(seqs)
            a.setShortcutContext(Qt.WindowShortcut)
            shown = seqs[0].toString(QKeySequence.NativeText)
            a.setToolTip(f"{tip or text.replace('&', '')} ({shown})")
        elif tip:
            a.setToolTip(tip)
        a.triggered.connect(lambda _checked=False: self._guard(slot))
        self.addAction(a)
        self.actions_by_name[name] = a
        return a

    CHECKPOINT_EVERY = 20
    """Decisions after which the write-ahead log is copied into the project file."""
    CHECKPOINT_IDLE_MS = 3000
    """... or this long after the last decision."""

    REVIEW_ACTIONS = ("confirm", "reject", "skip", "next", "previous", "next_pending", "link", "note",
                      "find", "refresh", *[f"pick_{n}" for n in range(1, 10)])
    """Actions of the Review tab: disabled (keys included) while another tab is showing."""

    def _build_actions(self) -> None:
        self.actions_by_name: dict[str, QAction] = {}
        add = self._action
        add("new", tr("&New project…"), self.new_project, [QKeySequence.New])
        add("open", tr("&Open project…"), self.choose_project, [QKeySequence.Open])
        add("add", tr("&Add articles…"), self.choose_articles, ["Ctrl+Shift+A"],
            tr("Add article files and align them"))
        add("add_folder", tr("Add a &folder of articles…"), self.choose_folder, [])
        add("export", tr("&Export confirmed pairs…"), self.choose_export, ["Ctrl+E"])
        add("quit", tr("&Quit"), self.close, [QKeySequence.Quit])
        add("confirm", tr("Confirm"), self._r("confirm"), ["Y", "C"],
            tr("Confirm the selected candidate"))
        add("reject", tr("Reject"), self._r("reject"), ["N", "R"],
            tr("Reject the selected candidate"))
        add("skip", tr("Skip"), self._r("skip"), ["S"], tr("Decide later"))
        add("next", tr("Next quote"), self._r("next"), ["J"])
        add("previous", tr("Previous quote"), self._r("previous"), ["K"])
        add("next_pending", tr("Next pending quote"), self._r("next_pending"), ["P"])
        add("link", tr("Link by hand…"), self.link_by_hand, ["L"],
            tr("Link the quote to a sentence you choose"))
        add("note", tr("Edit note…"), self.edit_note, ["E"])
        add("save_copy", tr("Save a &copy…"), self.choose_copy_path, [],
            tr("Write the whole project, with every decision, to one file you can send"))
        add("undo", tr("Undo"), self.undo, [QKeySequence.Undo])
        add("redo", tr("Redo"), self.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        add("find", tr("Search"), self.focus_search, [QKeySequence.Find])
        add("refresh", tr("Refresh"), self.refresh, [QKeySequence.Refresh])
        add("help", tr("Keyboard shortcuts"), self.toggle_help, [QKeySequence.HelpContents, "?"])
        for n in range(1, 10):
            add(f"pick_{n}", tr("Pick candidate {n}").format(n=n), self._r("pick", n), [str(n)])
        for name in ("confirm", "reject", "skip", "link", "note"):
            a = self.actions_by_name[name]  # buttons show their key: "Confirm (Y)"
            key = a.shortcut().toString(QKeySequence.NativeText)
            a.setIconText(f"{a.text().replace('…', '')} ({key})")

    def _build_ui(self) -> None:
        self.filter_bar = FilterBar()
        self.filter_bar.changed.connect(lambda values: self._guard(lambda: self._apply_filter(values)))

        self.queue_table = QueueTable()
        self.queue_table.setModel(self.queue_model)
        self.queue_table.row_activated.connect(lambda r: self._guard(self._r("select_row", r)))

        self.source_title = _title_label()
        self.source_view = ArticleView()
        self.source_view.setObjectName("source_view")
        self.target_title = _title_label()
        self.target_view = ArticleView()
        self.target_view.setObjectName("target_view")
        if self.prefs.text_point_size > 0:
            for view in (self.source_view, self.target_view):
                view.set_base_point_size(self.prefs.text_point_size)
        self.source_view.clear_view(tr("Open a project and pick a quote."))
        self.target_view.clear_view(tr("The selected candidate is shown here in its article."))

        self.cand_table = CandidateTable()
        self.cand_table.setModel(self.cand_model)
        self.cand_table.row_activated.connect(lambda r: self._guard(self._r("select_candidate", r)))
        self.cand_info = QLabel()
        self.cand_info.setObjectName("candidate_info")
        self.cand_info.setWordWrap(True)
        self.cand_info.setTextInteractionFlags(Qt.TextSelectableByMouse)

        buttons = QHBoxLayout()
        for name, obj in (("confirm", "btn_confirm"), ("reject", "btn_reject"), ("skip", "btn_skip"),
                          ("link", "btn_link"), ("note", "btn_note")):
            b = QToolButton(objectName=obj)
            b.setDefaultAction(self.actions_by_name[name])
            b.setToolButtonStyle(Qt.ToolButtonTextOnly)
            b.setMinimumWidth(90)
            buttons.addWidget(b)
        buttons.addStretch(1)
        for name in ("undo", "redo"):
            b = QToolButton(objectName=f"btn_{name}")
            b.setDefaultAction(self.actions_by_name[name])
            buttons.addWidget(b)

        # layout: [queue | [source | target] / [candidates + buttons]]
        self.splitter_texts = QSplitter(Qt.Horizontal)
        self.splitter_texts.setObjectName("splitter_texts")
        self.splitter_texts.addWidget(_pane(self.source_title, self.source_view))
        self.splitter_texts.addWidget(_pane(self.target_title, self.target_view))
        cand_box = QWidget()
        cl = QVBoxLayout(cand_box)
        cl.setContentsMargins(0, 0, 0, 0)
        self.cand_title = _title_label(tr("Candidates"))
        cl.addWidget(self.cand_title)
        cl.addWidget(self.cand_table, 1)
        cl.addWidget(self.cand_info)
        cl.addLayout(buttons)

        self.splitter_right = QSplitter(Qt.Vertical)
        self.splitter_right.setObjectName("splitter_right")
        self.splitter_right.addWidget(self.splitter_texts)
        self.splitter_right.addWidget(cand_box)
        self.splitter_right.setStretchFactor(0, 3)
        self.splitter_right.setStretchFactor(1, 2)

        queue_box = _pane(_title_label(tr("Quotes to review")), self.queue_table)
        self.splitter_main = QSplitter(Qt.Horizontal)
        self.splitter_main.setObjectName("splitter_main")
        self.splitter_main.addWidget(queue_box)
        self.splitter_main.addWidget(self.splitter_right)
        self.splitter_main.setStretchFactor(0, 2)
        self.splitter_main.setStretchFactor(1, 5)
        for s in (self.splitter_main, self.splitter_right, self.splitter_texts):
            s.setChildrenCollapsible(False)

        review = QWidget()
        rl = QVBoxLayout(review)
        rl.setContentsMargins(4, 4, 4, 4)
        rl.addWidget(self.filter_bar)
        rl.addWidget(self.splitter_main, 1)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(review, tr("Review"))
        self.names_view = self._make_names_view()
        self.tabs.addTab(self.names_view, tr("Names"))
        from .article_pairs import ArticlePairsView
        self.pairs_view = ArticlePairsView(self)
        self.tabs.addTab(self.pairs_view, tr("Sources"))
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self._on_tab_changed())
        self.undo_group.undoTextChanged.connect(lambda _t: self._on_history())
        self.undo_group.redoTextChanged.connect(lambda _t: self._on_history())
        self.undo_group.canUndoChanged.connect(lambda _b: self._on_history())
        self.undo_group.canRedoChanged.connect(lambda _b: self._on_history())
        self.undo_group.activeStackChanged.connect(lambda _s: self._on_history())

        self.resume_bar = _resume_bar(self)
        rl.insertWidget(1, self.resume_bar)
        self.resume_bar.hide()

        self.help_panel = HelpPanel(self)
        self.help_panel.set_rows(self._help_rows())
        self.addDockWidget(Qt.RightDockWidgetArea, self.help_panel)
        self.help_panel.setFloating(True)  # F1 opens beside the panes, not inside them
        self.help_panel.resize(420, 560)
        self.help_panel.hide()

        # status bar: job progress (while running) + review progress
        sb = self.statusBar()
        self.job_label = QLabel()
        self.job_bar = QProgressBar(objectName="job_progress")
        self.job_bar.setMaximumWidth(180)
        self.job_cancel = QPushButton(tr("Cancel"), objectName="job_cancel")
        self.job_cancel.clicked.connect(self.cancel_alignment)
        for w in (self.job_label, self.job_bar, self.job_cancel):
            sb.addPermanentWidget(w)
            w.hide()
        self.progress_label = QLabel(objectName="review_progress_label")
        self.progress_bar = QProgressBar(objectName="review_progress")
        self.progress_bar.setMaximumWidth(220)
        self.progress_bar.setTextVisible(True)
        sb.addPermanentWidget(self.progress_label)
        sb.addPermanentWidget(self.progress_bar)
        self._set_progress(0, 0)

        tb = self.addToolBar(tr("Review"))
        tb.setObjectName("toolbar_review")
        tb.setIconSize(QSize(16, 16))
        tb.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for name in ("open", "add", "export"):
            tb.addAction(self.actions_by_name[name])
        tb.addSeparator()
        for name in ("previous", "next", "next_pending"):
            tb.addAction(self.actions_by_name[name])
        tb.addSeparator()
        tb.addAction(self.actions_by_name["help"])

    def _make_names_view(self) -> NamesView:
        view = NamesView(self, settings=self.settings)
        view.report_error = self._show_error
        return view

    def _build_menus(self) -> None:
        mb = self.menuBar()
        a = self.actions_by_name
        m = mb.addMenu(tr("&File"))
        for name in ("new", "open"):
            m.addAction(a[name])
        self.recent_menu = m.addMenu(tr("Open &recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addSeparator()
        for name in ("add", "add_folder", "export", "save_copy"):
            m.addAction(a[name])
        m.addSeparator()
        from .bead_view import install_bitext_actions  # whole-text alignment (aligner bitext)

        self.bitext_actions = install_bitext_actions(self, m)
        m.addSeparator()
        m.addAction(a["quit"])
        m = mb.addMenu(tr("&Edit"))
        m.addAction(a["undo"])
        m.addAction(a["redo"])

        m = mb.addMenu(tr("&Review"))
        for name in ("confirm", "reject", "skip", None, "next", "previous", "next_pending", None,
                     "link", "note", None, "find", "refresh"):
            m.addAction(a[name]) if name else m.addSeparator()

        m = mb.addMenu(tr("&View"))
        lang_menu = m.addMenu(tr("&Language"))
        group = QActionGroup(self)
        current = self.prefs.language
        for code, label in [("", tr("System language")), *[(c, LANGUAGE_NAMES[c]) for c in SUPPORTED]]:
            act = lang_menu.addAction(label)
            act.setCheckable(True)
            act.setChecked(code == current)
            act.setObjectName(f"action_lang_{code or 'system'}")
            group.addAction(act)
            act.triggered.connect(lambda _c=False, code=code: self._choose_language(code))
        m.addAction(self.help_panel.toggleViewAction())

        m = mb.addMenu(tr("&Help"))
        m.addAction(a["help"])
        about = m.addAction(tr("About"))
        about.triggered.connect(self._about)

    def _help_rows(self) -> list[tuple[str, str]]:
        listed = [a for name, a in self.actions_by_name.items() if not name.startswith("pick_")]
        rows = shortcut_rows(listed)
        rows.append(("1 … 9", tr("Pick candidate 1 to 9 (then Y to confirm it)")))
        return rows

    # ================================================================== layout state

    def restore_layout(self) -> None:
        p = self.prefs
        if p.window_geometry:
            self.restoreGeometry(QByteArray(p.window_geometry))
        else:
            self.resize(1400, 860)
        self._state_restored = bool(p.window_state) and self.restoreState(QByteArray(p.window_state))
        if not p.splitter_main:
            self.splitter_main.setSizes([480, 1020])
        if p.queue_header:
            self.queue_table.horizontalHeader().restoreState(QByteArray(p.queue_header))
        if p.candidate_header:
            self.cand_table.horizontalHeader().restoreState(QByteArray(p.candidate_header))

    def save_layout(self) -> None:
        p = self.prefs
        p.window_geometry = bytes(self.saveGeometry().data())
        p.window_state = bytes(self.saveState().data())
        # the pixel sizes themselves: QSplitter.restoreState re-spreads them by the current size hints
        p.splitter_main = json.dumps(self.splitter_main.sizes()).encode()
        p.splitter_right = json.dumps(self.splitter_right.sizes()).encode()
        p.splitter_texts = json.dumps(self.splitter_texts.sizes()).encode()
        p.queue_header = bytes(self.queue_table.horizontalHeader().saveState().data())
        p.candidate_header = bytes(self.cand_table.horizontalHeader().saveState().data())

    # ================================================================== errors

    def _guard(self, fn: Callable, *args):
        """Run a UI action; show AlignerErrors (and database errors) in a translated dialog."""
        try:
            return fn(*args)
        except (AlignerError, sqlite3.Error) as e:
            if isinstance(e, sqlite3.Error):
                log.exception("database error")
            self._show_error(tr("Error"), e)
        return None

    def _show_error(self, title: str, error: BaseException | str) -> None:
        """A human sentence in the UI language; the technical text behind "Details"."""
        sentence, details = describe_error(error)
        self.dialogs.error(title, sentence, details)

    def _r(self, method: str, *args) -> Callable:
        """A slot calling ``self.review.<method>(*args)`` when a project is open."""
        def slot():
            if self.review is None:
                self.statusBar().showMessage(tr("Open or create a project first (Ctrl+O, Ctrl+N)."), 5000)
                return None
            return getattr(self.review, method)(*args)
        return slot

    # ================================================================== project

    def open_project(self, path: str, *, create: bool = False) -> bool:
        """Open ``path``; a clear dialog (no crash) if it cannot be used."""
        try:
            project = controllers.open_project(path, create=create, actor=self.prefs.effective_reviewer(),
                                               settings=self.settings)
        except AlignerError as e:
            self._show_error(tr("Cannot open the project"), e)
            return False
        self.close_project()
        self.project = project
        self.prefs.remember_project(str(Path(path).resolve()))
        self.prefs.last_directory = str(Path(path).resolve().parent)
        self.ask_reviewer_name()
        self.review = ReviewController(project, self.prefs.effective_reviewer(),
                                       advance=self.prefs.advance_after_decision, parent=self)
        r = self.review
        self.undo_group.addStack(r.undo_stack)
        r.queue_reset.connect(self.queue_model.set_rows)
        r.queue_row_changed.connect(self.queue_model.update_row)
        r.current_changed.connect(self._on_current_quote)
        r.candidates_reset.connect(self.cand_model.set_rows)
        r.candidate_row_changed.connect(self.cand_model.update_row)
        r.candidate_row_changed.connect(self._on_candidate_changed)
        r.candidate_selected.connect(self._on_candidate_selected)
        r.progress_changed.connect(self._set_progress)
        r.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        r.decided.connect(lambda _cid, _status: self._after_write())
        r.no_candidate.connect(lambda status: self._guard(self._on_no_candidate, status))
        self.setWindowTitle(f"{Path(path).name} — {tr(APP_TITLE)}")
        self._guard(self._fill_filter_choices)
        self._guard(r.reload)
        self._guard(self.pairs_view.set_project, project)
        self._guard(self.names_view.set_project, project, self.prefs.effective_reviewer())
        if self.names_view.controller is not None:
            self.undo_group.addStack(self.names_view.controller.undo_stack)
            self.names_view.controller.undo_stack.indexChanged.connect(lambda _i: self._after_write())
        try:
            project.daily_backup()
        except AlignerError as e:  # a backup that cannot be written must not stop the review
            log.warning("no daily backup: %s", e)
            self.statusBar().showMessage(tr("No backup could be made today: {error}").format(
                error=describe_error(e)[0]), 8000)
        self._on_tab_changed()
        self._guard(self._show_alignment_state)
        return True

    def _after_write(self) -> None:
        self._unsaved_decisions += 1
        if self._unsaved_decisions >= self.CHECKPOINT_EVERY:
            self.checkpoint()
        else:
            self._idle.start()

    def checkpoint(self) -> None:
        """Copy the decisions from the write-ahead log into the project file (one complete file)."""
        self._idle.stop()
        self._unsaved_decisions = 0
        if self.project is not None and not self.project.closed:
            try:
                self.project.checkpoint()
            except AlignerError as e:  # busy: the next batch or pause tries again
                log.info("checkpoint postponed: %s", e)

    def close_project(self) -> None:
        self.pairs_view.clear_project()
        self._idle.stop()
        for stack in list(self.undo_group.stacks()):
            self.undo_group.removeStack(stack)
        self.names_view.clear_project()
        self.resume_bar.hide()
        if self.review is not None:
            self.review.deleteLater()
            self.review = None
        if self.project is not None:
            try:
                self.project.close()
            except Exception:  # closing must never stop the app
                log.exception("closing the project")
            self.project = None
        self.queue_model.set_rows([])
        self.cand_model.set_rows([])
        self._set_progress(0, 0)
        self._update_enabled()

    def new_project(self) -> None:
        path = self.dialogs.new_project_path(self._start_dir())
        if path:
            self.open_project(path, create=True)

    def choose_project(self) -> None:
        path = self.dialogs.open_project_path(self._start_dir())
        if path:
            self.open_project(path)

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for path in self.prefs.recent_projects:
            act = self.recent_menu.addAction(path)
            act.triggered.connect(lambda _c=False, p=path: self.open_project(p))
        if not self.prefs.recent_projects:
            self.recent_menu.addAction(tr("(none)")).setEnabled(False)

    def _start_dir(self) -> str:
        return self.prefs.last_directory or str(Path.home())

    def _fill_filter_choices(self) -> None:
        docs = self.project.documents()
        langs = sorted({d.lang for d in docs} - {"en"}) or ["fr", "ar"]
        en_docs = [(d.id, doc_label(d.path)) for d in docs if d.lang == "en"]
        speakers = self.project.speakers()
        self.filter_bar.set_choices(langs, en_docs, speakers)

    def _apply_filter(self, values: dict) -> None:
        if self.review is not None:
            self.review.set_filter(**values)

    def refresh(self) -> None:
        if self.review is not None:
            self._fill_filter_choices()
            self.review.reload()

    # ================================================================== review display

    def _on_current_quote(self, row: int) -> None:
        self.queue_table.select_row(row)
        item = self.review.current_item if self.review else None
        if item is None:
            self.source_title.setText(tr("No quote"))
            self.source_view.clear_view(tr("No quote matches the filters."))
            self.cand_title.setText(tr("Candidates"))
            return
        span = item.span
        q = span.quote
        doc = self.review.document(span.doc_id)
        marks = [Highlight(q.sentence_start, q.sentence_end)]
        parts = q.parts or ((q.start, q.end),)
        marks += [Highlight(a, b, strong=True) for a, b in parts]
        self.source_view.show_text(doc.text, doc.lang or q.lang, marks, key=span.doc_id)
        who = q.speaker or tr("unknown speaker")
        self.source_title.setText(f"{doc_label(q.doc)} · {q.lang} · {who}")
        self.source_title.setToolTip(q.doc)
        self.cand_title.setText(tr("Candidates for quote {row} of {total}").format(
            row=row + 1, total=len(self.review.items)))

    def _on_candidate_selected(self, row: int) -> None:
        self.cand_table.select_row(row)
        cand = self.review.current_candidate if self.review else None
        if cand is None:
            self.target_title.setText(tr("No candidate"))
            self.target_view.clear_view(tr("No candidate for this quote: link it by hand (L) or skip it (S)."))
            self.cand_info.setText("")
            self._update_enabled()
            return
        c = cand.candidate
        t = c.target
        doc_id = self.review.doc_id_of_span(cand.target_span_id)
        doc = self.review.document(doc_id)
        if t.is_quote:
            marks = [Highlight(t.sentence_start, t.sentence_end), Highlight(t.start, t.end, strong=True)]
        else:
            marks = [Highlight(t.sentence_start, t.sentence_end, strong=True)]
        self.target_view.show_text(doc.text, doc.lang or t.lang, marks, key=doc_id)
        who = t.speaker or tr("unknown speaker")
        self.target_title.setText(f"{doc_label(t.doc)} · {t.lang} · {who}")
        self.target_title.setToolTip(t.doc)
        self.cand_info.setText(self._candidate_summary(cand))
        self._update_enabled()

    def _on_candidate_changed(self, row: int, cand) -> None:
        if self.review is not None and row == self.review.cand_row:
            self.cand_info.setText(self._candidate_summary(cand))

    def _candidate_summary(self, cand) -> str:
        c = cand.candidate
        f = c.features
        bits = [tr("Candidate {n}").format(n=self.review.cand_row + 1),
                tr("score {score:.2f}").format(score=c.score), tr(KIND_LABELS.get(c.kind, c.kind))]
        if "cos" in f:
            bits.append(tr("similarity {value:.2f}").format(value=float(f["cos"])))
        if f.get("speaker") == 1:
            bits.append(tr("same speaker"))
        elif f.get("speaker") == -1:
            bits.append(tr("different speaker"))
        if f.get("numbers") == 1:
            bits.append(tr("numbers agree"))
        if f.get("manual"):
            bits.append(tr("linked by hand"))
        if cand.decision is not None:
            d = cand.decision
            bits.append(tr("last decision by {reviewer}").format(reviewer=d.reviewer))
            if d.note:
                bits.append(tr("note: {note}").format(note=d.note))
        return " · ".join(bits)

    def _set_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done if total else 0)
        self.progress_bar.setFormat(f"\u2066{done} / {total}\u2069")  # stays "3 / 7" in a right-to-left UI
        self.progress_label.setText(tr("Reviewed {done} of {total}").format(done=done, total=total))

    def _on_history(self) -> None:
        """Undo/Redo name the step they would take on the tab that is showing."""
        a = self.actions_by_name
        g = self.undo_group
        a["undo"].setEnabled(g.canUndo())
        a["redo"].setEnabled(g.canRedo())
        a["undo"].setText(tr("Undo {action}").format(action=g.undoText()).strip() if g.canUndo() else tr("Undo"))
        a["redo"].setText(tr("Redo {action}").format(action=g.redoText()).strip() if g.canRedo() else tr("Redo"))

    def _on_tab_changed(self) -> None:
        names = self.tabs.currentWidget() is self.names_view
        ctrl = self.names_view.controller if names else self.review
        self.undo_group.setActiveStack(ctrl.undo_stack if ctrl is not None else None)
        self._update_enabled()
        self._on_history()

    def undo(self) -> None:
        ctrl = self.names_view.controller if self.tabs.currentWidget() is self.names_view else self.review
        if ctrl is not None:
            ctrl.undo()

    def redo(self) -> None:
        ctrl = self.names_view.controller if self.tabs.currentWidget() is self.names_view else self.review
        if ctrl is not None:
            ctrl.redo()

    def _update_enabled(self) -> None:
        has_project = self.project is not None
        has_quote = has_project and self.review is not None and self.review.current_item is not None
        has_cand = has_quote and self.review.current_candidate is not None
        a = self.actions_by_name
        for name in ("add", "add_folder", "export", "refresh", "find", "next", "previous", "next_pending"):
            a[name].setEnabled(has_project)
        a["save_copy"].setEnabled(has_project)
        # Y/N on a quote without candidates say why and offer to link by hand
        for name in ("skip", "link", "confirm", "reject"):
            a[name].setEnabled(has_quote)
        for name in ("note", *[f"pick_{n}" for n in range(1, 10)]):
            a[name].setEnabled(has_cand)
        if self.tabs.currentWidget() is not self.tabs.widget(0):
            for name in self.REVIEW_ACTIONS:  # their keys must not act on a tab that is not showing
                a[name].setEnabled(False)
        self.filter_bar.setEnabled(has_project)

    # ================================================================== review actions

    def focus_search(self) -> None:
        self.filter_bar.focus_search()

    def toggle_help(self) -> None:
        self.help_panel.setVisible(not self.help_panel.isVisible())

    def edit_note(self) -> None:
        cand = self.review.current_candidate
        if cand is None:
            return
        current = cand.decision.note if cand.decision is not None else ""
        text = self.dialogs.note(current)
        if text is not None:
            self.review.set_note(text)

    def _on_no_candidate(self, status: str) -> None:
        """Y or N on a quote without candidates: say why, offer to link it by hand."""
        if self.dialogs.confirm(tr("No candidate"),
                                tr("The aligner found no candidate for this quote, so there is nothing to "
                                   "confirm or reject. Link it by hand to a sentence you choose?")):
            self.link_by_hand()
        else:
            self.statusBar().showMessage(tr("No candidate for this quote: link it by hand (L) or skip it (S)."),
                                         6000)

    def ask_reviewer_name(self) -> None:
        """Ask once for the name recorded with every decision (kept in the preferences)."""
        if self.prefs.reviewer.strip():
            return
        name = self.dialogs.reviewer_name(self.prefs.effective_reviewer())
        if name and name.strip():
            self.prefs.reviewer = name.strip()

    def link_by_hand(self) -> None:
        if self.review.current_item is None:
            return
        choice = self.dialogs.manual_link(self.review)
        if choice is not None:
            self.review.link_manual(choice.doc_id, choice.start, choice.end, kind=choice.kind,
                                    note=choice.note)
            self.statusBar().showMessage(tr("Linked by hand and confirmed."), 5000)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Escape leaves the search field and returns to the queue
        if event.key() == Qt.Key_Escape:
            self.queue_table.setFocus(Qt.ShortcutFocusReason)
            return
        super().keyPressEvent(event)

    # ================================================================== articles / alignment

    def choose_articles(self) -> None:
        paths = self.dialogs.article_paths(self._start_dir())
        if paths:
            self.add_articles(paths)

    def choose_folder(self) -> None:
        path = self.dialogs.article_folder(self._start_dir())
        if path:
            self.add_articles([path])

    def add_articles(self, paths: list[str], *, resume: bool = False) -> Job | None:
        """Read, extract and align ``paths`` on a worker thread; the UI stays usable."""
        if self.project is None:
            self.new_project()
            if self.project is None:
                return None
        if self.align_job is not None:
            self.dialogs.info(tr("Alignment running"),
                              tr("An alignment is already running; wait for it or cancel it first."))
            return None
        if paths and not resume:
            self.prefs.last_directory = str(Path(paths[0]).resolve().parent)
        self.resume_bar.hide()
        project_path = str(self.project.path)
        service = self.alignment
        actor = self.prefs.effective_reviewer()
        self._align_before = len(self.project.candidates())

        def work(progress, cancel):
            prepare = getattr(service, "prepare", None)
            if prepare is not None:  # the first run builds the int8 model: minutes, said in the status line
                prepare(progress=progress, cancel=cancel)

            def report(stage: str, done: int, total: int) -> None:
                progress(done, total, tr(STAGE_LABELS.get(stage, stage)))
            return service.align(project_path, list(paths), progress=report, cancel=cancel, actor=actor)

        job = Job(work, name="align")
        job.signals.progress.connect(self._on_job_progress)
        job.signals.finished.connect(self._on_align_finished)
        job.signals.failed.connect(lambda error: self._show_error(tr("Alignment failed"), error))
        job.signals.cancelled.connect(
            lambda: self.statusBar().showMessage(tr("Alignment cancelled; what was saved is kept."), 8000))
        job.signals.done.connect(self._on_align_done)
        self.align_job = job
        self.job_label.setText(tr("Aligning…"))
        self.job_bar.setRange(0, 0)
        for w in (self.job_label, self.job_bar, self.job_cancel):
            w.show()
        self.job_cancel.setEnabled(True)
        self.runner.start(job)
        return job

    def cancel_alignment(self) -> None:
        if self.align_job is not None:
            self.align_job.cancel()
            self.job_cancel.setEnabled(False)
            self.job_label.setText(tr("Cancelling…"))

    def _on_job_progress(self, done: int, total: int, message: str) -> None:
        self.job_bar.setRange(0, max(total, 0))
        if total > 0:
            self.job_bar.setValue(min(done, total))
        if message and not (self.align_job and self.align_job.is_cancelled):
            self.job_label.setText(message)

    def _on_align_finished(self, result) -> None:
        errors = list(getattr(result, "errors", []) or [])
        if errors:
            first, details = describe_error(errors[0])
            self.dialogs.error(tr("Some articles could not be read"),
                               ngettext("{n} article could not be read.", "{n} articles could not be read.",
                                        len(errors)).format(n=len(errors)) + "\n" + first,
                               "\n".join(str(e) for e in errors))
        new = max(0, len(self.project.candidates()) - self._align_before) if self.project is not None else 0
        self.statusBar().showMessage(
            ngettext("Alignment finished: {n} new candidate.", "Alignment finished: {n} new candidates.",
                     new).format(n=new), 8000)

    def _on_align_done(self) -> None:
        self.align_job = None
        for w in (self.job_label, self.job_bar, self.job_cancel):
            w.hide()
        self._guard(self.refresh)
        self._guard(self._show_alignment_state)

    def _show_alignment_state(self) -> None:
        """Articles that a cancelled (or killed) alignment left unaligned: say so, offer to resume."""
        state = alignment_state(self.project) if self.project is not None else None
        self.queue_model.set_unaligned(state.unaligned_doc_ids if state else frozenset())
        if state is None or not state.needs_resume or self.align_job is not None:
            self.resume_bar.hide()
            return
        n = len(state.unaligned_doc_ids)
        self.resume_bar.label.setText(ngettext(
            "{n} article was added but not aligned yet (the alignment was cancelled); its quotes show "
            "\u201cnot aligned yet\u201d.",
            "{n} articles were added but not aligned yet (the alignment was cancelled); their quotes show "
            "\u201cnot aligned yet\u201d.", n).format(n=n))
        self.resume_bar.show()

    def resume_alignment(self) -> Job | None:
        """Align again; documents already in the project (the unaligned ones included) are aligned too."""
        if self.project is None:
            return None
        state = alignment_state(self.project)
        paths = [p for p in state.unaligned_paths if Path(p).exists()]
        return self.add_articles(paths, resume=True)

    # drag and drop -------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        md = event.mimeData()
        if md.hasUrls() and any(u.isLocalFile() for u in md.urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = paths_from_urls([u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()])
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self._guard(self.add_articles, paths))

    # ================================================================== export

    def choose_export(self) -> None:
        if self.project is None:
            return
        chosen = self.dialogs.export_path(self._start_dir())
        if chosen is None:
            return
        path, fmt = chosen
        n = controllers.export_confirmed(self.project, fmt, path)
        self.statusBar().showMessage(ngettext("Exported {n} confirmed pair to {path}",
                                              "Exported {n} confirmed pairs to {path}", n).format(n=n, path=path),
                                     8000)

    # ================================================================== save a copy

    def choose_copy_path(self) -> None:
        if self.project is None:
            return
        path = self.dialogs.copy_path(str(self.project.path))
        if path:
            self.save_copy(path)

    def save_copy(self, path: str) -> None:
        """One self-contained file with every decision (SQLite's backup API), safe to e-mail."""
        self.project.save_copy(path)
        self.statusBar().showMessage(tr("Saved a complete copy of the project to {path}").format(path=path), 8000)

    # ================================================================== model cache

    def ensure_model(self) -> None:
        """Build the embedding model cache in the background if it is missing."""
        if self.model_job is not None:
            return
        try:
            ready = self.models.cache_ready()
        except Exception:
            log.exception("checking the model cache")
            ready = True
        if ready:
            return
        dlg = TaskProgressDialog(tr("Preparing the sentence-embedding model (first start only)…"), self)
        dlg.setObjectName("model_progress")
        service = self.models
        def build(progress, cancel):
            return service.build_cache(progress=lambda done, total, message="": progress(done, total, message),
                                       cancel=cancel)

        job = Job(build, "model")
        job.signals.progress.connect(dlg.on_progress)
        dlg.canceled.connect(job.cancel)
        job.signals.failed.connect(lambda error: self._show_error(tr("The model could not be prepared"), error))
        job.signals.finished.connect(lambda _r: self.statusBar().showMessage(tr("Model ready."), 5000))

        def done():
            self.model_job = None
            dlg.close()
            dlg.deleteLater()

        job.signals.done.connect(done)
        self.model_job = job
        self.model_dialog = dlg
        dlg.show()
        self.runner.start(job)

    # ================================================================== misc

    def _choose_language(self, code: str) -> None:
        self.prefs.language = code
        self.language_requested.emit(code)

    def _about(self) -> None:
        self.dialogs.info(tr("About"), tr("Alignment Workbench: review English quotes against their "
                                          "French and Arabic originals. Works offline."))

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not getattr(self, "_first_shown", False):
            self._first_shown = True
            self._restore_splitters()  # once the window has its size, or they drift
            QTimer.singleShot(0, self._restore_splitters)  # and again once the layout has settled

    def _restore_splitters(self) -> None:
        p = self.prefs
        for splitter, value in ((self.splitter_main, p.splitter_main), (self.splitter_right, p.splitter_right),
                                (self.splitter_texts, p.splitter_texts)):
            if value.startswith(b"["):
                try:
                    splitter.setSizes([int(x) for x in json.loads(value)])
                except (ValueError, TypeError):
                    pass  # a damaged preference: keep the default layout
            elif value:
                splitter.restoreState(QByteArray(value))

    def closeEvent(self, event) -> None:  # noqa: N802
        self.runner.cancel_all()
        self.runner.wait(30_000)
        self.save_layout()
        self.close_project()
        super().closeEvent(event)


def _resume_bar(window: MainWindow) -> QFrame:
    """The banner shown above the queue when articles were added but not aligned."""
    bar = QFrame(objectName="resume_bar")
    bar.setFrameShape(QFrame.StyledPanel)
    lay = QHBoxLayout(bar)
    lay.setContentsMargins(6, 2, 6, 2)
    bar.label = QLabel(objectName="resume_label")
    bar.label.setWordWrap(True)
    bar.button = QPushButton(tr("Resume alignment"), objectName="resume_button")
    bar.button.clicked.connect(lambda: window._guard(window.resume_alignment))
    lay.addWidget(bar.label, 1)
    lay.addWidget(bar.button)
    return bar


def _title_label(text: str = "") -> QLabel:
    lab = QLabel(text)
    f = lab.font()
    f.setBold(True)
    lab.setFont(f)
    lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
    return lab


def _pane(title: QLabel, body: QWidget) -> QWidget:
    w = QFrame()
    lay = QVBoxLayout(w)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(title)
    lay.addWidget(body, 1)
    return w
