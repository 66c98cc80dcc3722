"""The Names tab: spellings of the same person / organisation / place, and corrections.

Left: the clusters (select several and Merge). Right: the spellings of the
selected cluster (split some off, mark two as different people, choose the
canonical name) and every mention of the selected spelling in its article.
The work is done by :class:`workbench.controllers.NamesController`.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from aligner.errors import AlignerError

from ..controllers import NamesController, doc_label, find_mentions, fold
from ..i18n import ngettext, tr
from ..models import TYPE_LABELS, NameClusterModel, RowRole, VariantModel
from ..workers import Job, JobRunner
from .candidate_table import RowTable, TextDelegate
from .text_view import ArticleView, Highlight


class ClusterFilter(QSortFilterProxyModel):
    """Filters clusters by type and by a folded substring of any spelling."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.needle = ""
        self.type = None

    def set(self, needle: str, type_: str | None) -> None:
        self.needle = fold(needle.strip())
        self.type = type_
        self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802
        c = self.sourceModel().row_value(row)
        if c is None:
            return False
        if self.type and c.type != self.type:
            return False
        return not self.needle or any(self.needle in fold(v.form) for v in c.variants) or \
            self.needle in fold(c.canonical)


class NamesView(QWidget):
    def __init__(self, parent=None, settings=None):
        super().__init__(parent)
        self.setObjectName("names_view")
        self.settings = settings  # the app's (aligner.settings.Settings); None: the defaults
        self.controller: NamesController | None = None
        self.runner = JobRunner(self, max_threads=1)
        self.job: Job | None = None
        self._loaded = False
        self.report_error = None  # set by the main window: (title, error or message) -> None

        self.search = QLineEdit(objectName="names_search")
        self.search.setPlaceholderText(tr("Find a name in any spelling…"))
        self.search.setClearButtonEnabled(True)
        self.type_combo = QComboBox(objectName="names_type")
        self.type_combo.addItem(tr("All types"), None)
        for key, label in TYPE_LABELS.items():
            self.type_combo.addItem(tr(label), key)
        self.btn_merge = QPushButton(tr("Merge selected names"), objectName="names_merge")
        self.btn_split = QPushButton(tr("Split off selected spellings"), objectName="names_split")
        self.btn_not_same = QPushButton(tr("Not the same person"), objectName="names_not_same")
        self.btn_canonical = QPushButton(tr("Use as canonical name"), objectName="names_canonical")
        self.btn_undo = QPushButton(tr("Undo"), objectName="names_undo")
        self.btn_redo = QPushButton(tr("Redo"), objectName="names_redo")
        self.btn_reload = QPushButton(tr("Find names again"), objectName="names_reload")
        self.status = QLabel(objectName="names_status")

        self.model = NameClusterModel(self)
        self.proxy = ClusterFilter(self)
        self.proxy.setSourceModel(self.model)
        self.clusters = RowTable(stretch_column=NameClusterModel.NAME)
        self.clusters.setObjectName("names_clusters")
        self.clusters.setModel(self.proxy)
        self.clusters.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.variant_model = VariantModel(self)
        self.variants = RowTable(stretch_column=VariantModel.FORM)
        self.variants.setObjectName("names_variants")
        self.variants.setModel(self.variant_model)
        self.variants.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.contexts = QListWidget(objectName="names_contexts")
        self.contexts.setItemDelegate(TextDelegate(self.contexts))  # each context in its own direction
        self.contexts.setWordWrap(True)
        h = self.clusters.horizontalHeader()
        for col, width in ((NameClusterModel.TYPE, 96), (NameClusterModel.SPELLINGS, 72),
                           (NameClusterModel.MENTIONS, 72), (NameClusterModel.LANGS, 80),
                           (NameClusterModel.REVIEWED, 64)):
            h.resizeSection(col, width)
        self.preview = ArticleView()
        self.preview.setObjectName("names_preview")

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.type_combo)
        top.addWidget(self.btn_reload)
        actions = QToolBar(objectName="names_actions")  # overflows into » when narrow
        actions.setMovable(False)
        actions.setFloatable(False)
        for b in (self.btn_merge, self.btn_split, self.btn_not_same, self.btn_canonical):
            actions.addWidget(b)
        actions.addSeparator()
        actions.addWidget(self.btn_undo)
        actions.addWidget(self.btn_redo)

        right = QSplitter(Qt.Vertical)
        right.addWidget(self.variants)
        ctx = QSplitter(Qt.Horizontal)
        ctx.addWidget(self.contexts)
        ctx.addWidget(self.preview)
        right.addWidget(ctx)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(self.clusters)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([750, 750])  # room for full names in the cluster list

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.splitter, 1)
        lay.addWidget(actions)
        lay.addWidget(self.status)

        self.search.textChanged.connect(self._refilter)
        self.type_combo.currentIndexChanged.connect(self._refilter)
        self.clusters.selectionModel().selectionChanged.connect(lambda *_: self._cluster_changed())
        self.variants.selectionModel().selectionChanged.connect(lambda *_: self._variant_changed())
        self.contexts.currentRowChanged.connect(self._show_context)
        self.btn_merge.clicked.connect(lambda: self._guard(self.merge_selected))
        self.btn_split.clicked.connect(lambda: self._guard(self.split_selected))
        self.btn_not_same.clicked.connect(lambda: self._guard(self.not_same_selected))
        self.btn_canonical.clicked.connect(lambda: self._guard(self.canonical_selected))
        self.btn_undo.clicked.connect(lambda: self._guard(lambda: self.controller.undo()))
        self.btn_redo.clicked.connect(lambda: self._guard(lambda: self.controller.redo()))
        self.btn_reload.clicked.connect(lambda: self.load(force=True))
        self._mentions_shown: list = []
        self._update_buttons()
        self.status.setText(tr("Name variants will appear here once the project has names."))

    # ------------------------------------------------------------------ project

    def set_project(self, project, reviewer: str) -> None:
        self.controller = NamesController(project, reviewer, parent=self, settings=self.settings)
        self.controller.clusters_reset.connect(self._on_clusters)
        self.controller.undo_stack.indexChanged.connect(lambda _i: self._update_buttons())
        self._loaded = False
        self.model.set_rows([])
        if self.isVisible():
            self.load()

    def clear_project(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.runner.wait(10_000)
        if self.controller is not None:
            self.controller.deleteLater()
        self.controller = None
        self._loaded = False
        self.model.set_rows([])
        self.variant_model.set_rows([])
        self._update_buttons()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.controller is not None and not self._loaded:
            self.load()

    def load(self, force: bool = False) -> Job | None:
        """Find the names of every document on a worker thread, then cluster them."""
        if self.controller is None or self.job is not None or (self._loaded and not force):
            return None
        self._loaded = True
        project = self.controller.project
        job = Job(lambda progress, cancel: find_mentions(project, progress=progress, settings=self.settings),
                  name="names")
        job.signals.progress.connect(
            lambda d, t, _m: self.status.setText(tr("Finding names… {done}/{total}").format(done=d, total=t)))
        job.signals.finished.connect(self._on_mentions)
        job.signals.failed.connect(self._error)
        job.signals.done.connect(self._job_done)
        self.job = job
        self.status.setText(tr("Finding names…"))
        self.runner.start(job)
        return job

    def _on_mentions(self, mentions) -> None:
        if self.controller is not None:
            self._guard(self.controller.set_mentions, mentions)

    def _job_done(self) -> None:
        self.job = None

    # ------------------------------------------------------------------ display

    def _on_clusters(self, clusters) -> None:
        keep = [v.form for v in self.selected_variants()] or [c.canonical for c in self.selected_clusters()]
        self.model.set_rows(clusters)
        n_mentions = sum(v.count for c in clusters for v in c.variants)
        self.status.setText(tr("{names}, {mentions}").format(
            names=ngettext("{n} name", "{n} names", len(clusters)).format(n=len(clusters)),
            mentions=ngettext("{n} mention", "{n} mentions", n_mentions).format(n=n_mentions)))
        i = self.controller.index_of_form(keep[0]) if keep and self.controller is not None else -1
        if i < 0 and clusters:
            i = self.proxy.mapToSource(self.proxy.index(0, 0)).row()  # the first one shown
        if i >= 0:
            self.select_cluster(i)  # always one cluster selected, its first spelling in context
        self._update_buttons()

    def _refilter(self, *_args) -> None:
        self.proxy.set(self.search.text(), self.type_combo.currentData())

    def select_cluster(self, source_row: int, *, add: bool = False) -> None:
        idx = self.proxy.mapFromSource(self.model.index(source_row, 0))
        if not idx.isValid():
            return
        sm = self.clusters.selectionModel()
        flags = sm.SelectionFlag.Rows | (sm.SelectionFlag.Select if add else sm.SelectionFlag.ClearAndSelect)
        sm.select(idx, flags)
        sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)
        self.clusters.scrollTo(idx)

    def selected_cluster_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.clusters.selectionModel().selectedRows()}
        return sorted(rows)

    def selected_clusters(self) -> list:
        return [self.model.row_value(r) for r in self.selected_cluster_rows()]

    def selected_variants(self) -> list:
        rows = sorted(i.row() for i in self.variants.selectionModel().selectedRows())
        return [self.variant_model.row_value(r) for r in rows]

    def select_variants(self, forms, *, first_only: bool = False) -> None:
        """Select the rows of ``forms`` (a spelling used in two languages has two rows)."""
        sm = self.variants.selectionModel()
        sm.clearSelection()
        for r, v in enumerate(self.variant_model.rows()):
            if v.form in forms:
                idx = self.variant_model.index(r, 0)
                sm.select(idx, sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
                sm.setCurrentIndex(idx, sm.SelectionFlag.NoUpdate)
                if first_only:
                    break

    def _cluster_changed(self) -> None:
        clusters = self.selected_clusters()
        self.variant_model.set_rows(clusters[0].variants if len(clusters) == 1 else [])
        if len(clusters) == 1 and self.variant_model.rowCount():
            forms = {v.form for v in clusters[0].variants}
            self.select_variants([clusters[0].canonical if clusters[0].canonical in forms
                                  else clusters[0].variants[0].form], first_only=True)
        self._variant_changed()

    def _variant_changed(self) -> None:
        variants = self.selected_variants()
        self.contexts.clear()
        self._mentions_shown = []
        if len(variants) == 1 and self.controller is not None:
            self._mentions_shown = self.controller.mentions_of(variants[0])
            for m in self._mentions_shown:
                it = QListWidgetItem(f"{' '.join(m.context.split())} — {doc_label(m.doc)}")
                it.setToolTip(m.doc)
                self.contexts.addItem(it)
            if self._mentions_shown:
                self.contexts.setCurrentRow(0)
        if not self._mentions_shown:
            self.preview.clear_view(tr("Select a spelling to see it in context."))
        self._update_buttons()

    def _show_context(self, row: int) -> None:
        if not (0 <= row < len(self._mentions_shown)) or self.controller is None:
            return
        m = self._mentions_shown[row]
        project = self.controller.project
        doc_id = next((d.id for d in project.documents() if d.path == m.doc), None)
        if doc_id is None:
            return
        doc = project.document(doc_id)
        self.preview.show_text(doc.text, doc.lang or m.lang, [Highlight(m.start, m.end, strong=True)], key=doc_id)

    def _update_buttons(self) -> None:
        has = self.controller is not None
        clusters = self.selected_clusters() if has else []
        variants = self.selected_variants() if has else []
        forms = {v.form for v in variants}
        all_forms = {v.form for v in self.variant_model.rows()}
        self.btn_merge.setEnabled(len(clusters) >= 2)
        self.btn_split.setEnabled(len(clusters) == 1 and 0 < len(forms) < len(all_forms))
        self.btn_not_same.setEnabled(len(clusters) == 1 and len(forms) == 2)  # two different spellings
        self.btn_canonical.setEnabled(len(clusters) == 1 and len(forms) == 1)
        stack = self.controller.undo_stack if has else None
        self.btn_undo.setEnabled(stack is not None and stack.canUndo())
        self.btn_redo.setEnabled(stack is not None and stack.canRedo())
        self.btn_undo.setToolTip(tr("Undo {action}").format(action=stack.undoText()) if stack and stack.canUndo()
                                 else "")
        self.btn_redo.setToolTip(tr("Redo {action}").format(action=stack.redoText()) if stack and stack.canRedo()
                                 else "")
        self.btn_reload.setEnabled(has)

    # ------------------------------------------------------------------ actions

    def merge_selected(self) -> None:
        rows = self.selected_cluster_rows()
        if len(rows) < 2:
            return
        keep = self.model.row_value(rows[0]).variants[0].form
        # merge one by one, tracking the first cluster through the reclustering
        others = [self.model.row_value(r).variants[0].form for r in rows[1:]]
        for form in others:
            a, b = self.controller.index_of_form(keep), self.controller.index_of_form(form)
            if a >= 0 and b >= 0 and a != b:
                self.controller.merge(a, b)
        self.select_cluster(self.controller.index_of_form(keep))

    def split_selected(self) -> None:
        rows = self.selected_cluster_rows()
        forms = [v.form for v in self.selected_variants()]
        if len(rows) == 1 and forms:
            self.controller.split(rows[0], forms)
            self.select_cluster(self.controller.index_of_form(forms[0]))

    def not_same_selected(self) -> None:
        forms = list(dict.fromkeys(v.form for v in self.selected_variants()))
        if len(forms) == 2:
            self.controller.not_same(forms[0], forms[1])
            self.select_cluster(self.controller.index_of_form(forms[0]))

    def canonical_selected(self) -> None:
        rows = self.selected_cluster_rows()
        forms = [v.form for v in self.selected_variants()]
        if len(rows) == 1 and len(forms) == 1:
            self.controller.set_canonical(rows[0], forms[0])
            self.select_cluster(self.controller.index_of_form(forms[0]))

    def _guard(self, fn, *args):
        try:
            return fn(*args)
        except AlignerError as e:
            self._error(e)
        return None

    def _error(self, error) -> None:
        from ..errors import describe_error

        self.status.setText(describe_error(error)[0])
        if self.report_error is not None:
            self.report_error(tr("Names"), error)

    def current_row_value(self):
        idx = self.clusters.currentIndex()
        return idx.data(RowRole) if idx.isValid() else None
