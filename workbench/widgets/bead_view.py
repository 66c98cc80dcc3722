"""Side-by-side review of a whole-text alignment (``aligner bitext --project``).

Two columns in reading order, one row per bead: the source sentences on
the left, their translation on the right (an empty cell for a 1-0 / 0-1
bead). Rows are coloured by confidence; Arabic cells are right-aligned and
laid out right to left. Reviewers confirm or reject beads, split a bead
where they choose (the sentences of the selected bead are listed under the
table; the part after the split starts at the sentence selected in each
list), merge neighbouring beads, or move the first target sentence of a bead up
into the bead before it (re-link). Every action goes through
:class:`BeadController` to the project store, which keeps the history.

* :class:`BeadTableModel`: a thin table model over :class:`~aligner.store.bitext.BeadRow` rows;
* :class:`BeadController`: the actions, on a real :class:`~aligner.store.Project`;
* :class:`BeadView`: the widget (pair chooser, table, buttons);
* :func:`align_articles`: start a whole-text alignment of two articles into the project.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QTableView, QVBoxLayout, QWidget)

from aligner.progress import STAGE_LABELS  # shown translated: workbench.i18n extracts its values

from ..i18n import is_rtl, tr
from ..models import STATUS_MARKS, confidence_band, confidence_colors

BeadIdRole = Qt.UserRole + 11


def align_articles(project, src_path: str, tgt_path: str, encoder, *, lines: bool = False,
                   progress=None, settings=None) -> int:
    """Align two articles (files) and store the pair and its beads; returns the pair id.

    Runs the model: call it from a worker thread in the app.
    """
    from aligner.bitext_run import align_sides, read_side

    result = align_sides(read_side(src_path, lines=lines, settings=settings),
                         read_side(tgt_path, lines=lines, settings=settings), encoder, progress=progress)
    return project.save_pair(result, model=getattr(encoder, "name", ""))


class BeadTableModel(QAbstractTableModel):
    """Rows handed in by the controller (``set_rows``); columns: source, target."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []
        self._langs = ("", "")

    def set_rows(self, rows, langs: tuple[str, str]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._langs = langs
        self.endResetModel()

    def row_at(self, row: int):
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):  # noqa: N802
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            name = tr("Source") if section == 0 else tr("Target")
            lang = self._langs[section] if section < len(self._langs) else ""
            return f"{name} ({lang})" if lang else name
        if 0 <= section < len(self._rows):
            r = self._rows[section]
            return f"{STATUS_MARKS.get(r.status, '')} {r.bead.kind} {r.bead.score:.2f}"
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return r.src_text if col == 0 else r.tgt_text
        if role == BeadIdRole:
            return r.id
        if role == Qt.TextAlignmentRole:
            rtl = is_rtl(self._langs[col]) if col < len(self._langs) else False
            return int((Qt.AlignRight if rtl else Qt.AlignLeft) | Qt.AlignVCenter)
        if role in (Qt.BackgroundRole, Qt.ForegroundRole):
            band = "low" if r.bead.is_null else confidence_band(r.bead.score)
            if band == "high" and r.status != "confirmed":
                return None  # only beads that need a look are coloured
            sw = confidence_colors(band)
            if sw is None:
                return None
            return sw.background if role == Qt.BackgroundRole else sw.foreground
        return None


class BeadController:
    """Review actions on one article pair; reloads the model after each (store first, then view)."""

    def __init__(self, project, model: BeadTableModel, reviewer: str | None = None):
        self.project = project
        self.model = model
        self.reviewer = reviewer
        self.pair_id: int | None = None

    def pairs(self):
        return self.project.bitext_pairs()

    def show_pair(self, pair_id: int) -> None:
        self.pair_id = pair_id
        self.reload()

    def reload(self) -> None:
        if self.pair_id is None:
            self.model.set_rows([], ("", ""))
            return
        pair = self.project.bitext_pair(self.pair_id)
        self.model.set_rows(self.project.beads(self.pair_id), (pair.src_lang, pair.tgt_lang))

    def _ids(self, rows) -> list[int]:
        return [self.model.row_at(r).id for r in sorted(rows)]

    def decide(self, rows, status: str) -> None:
        for bid in self._ids(rows):
            self.project.decide_bead(bid, status, self.reviewer)
        self.reload()

    def split(self, row: int, src_at: int | None = None, tgt_at: int | None = None) -> None:
        """Split bead ``row``: its first ``src_at`` source and ``tgt_at`` target sentences, then the rest.

        Without positions, after its first source and first target sentence
        (a 1-n bead: its first target sentence is peeled off); see
        :meth:`default_split`.
        """
        if src_at is None or tgt_at is None:
            d_src, d_tgt = self.default_split(row)
            src_at = d_src if src_at is None else src_at
            tgt_at = d_tgt if tgt_at is None else tgt_at
        self.project.split_bead(self.model.row_at(row).id, src_at, tgt_at, self.reviewer)
        self.reload()

    def default_split(self, row: int) -> tuple[int, int]:
        """Where a split falls unless the reviewer says: after the first sentence of each side."""
        b = self.model.row_at(row).bead
        src_at, tgt_at = min(1, len(b.src)), min(1, len(b.tgt))
        if src_at == len(b.src) and tgt_at == len(b.tgt):
            src_at = 0 if len(b.src) <= 1 else src_at  # a 1-n bead: peel off the first target sentence
        return src_at, tgt_at

    def sentences(self, row: int) -> tuple[list[str], list[str]]:
        """The source and target sentences of bead ``row``, one string each, in order."""
        pair = self.project.bitext_pair(self.pair_id)
        b = self.model.row_at(row).bead
        return [pair.text("src", [i]) for i in b.src], [pair.text("tgt", [j]) for j in b.tgt]

    def merge(self, rows) -> None:
        self.project.merge_beads(self._ids(rows), self.reviewer)
        self.reload()

    def relink_up(self, row: int) -> None:
        """Move the first target sentence of bead ``row`` into the bead before it."""
        if row <= 0:
            return
        prev, cur = self.model.row_at(row - 1), self.model.row_at(row)
        if not cur.bead.tgt:
            return
        new = [(prev.bead.src, prev.bead.tgt + cur.bead.tgt[:1])]
        if cur.bead.src or cur.bead.tgt[1:]:
            new.append((cur.bead.src, cur.bead.tgt[1:]))
        self.project.relink_beads([prev.id, cur.id], new, self.reviewer)
        self.reload()


class BeadView(QWidget):
    """Pair chooser, the two-column bead table and the review buttons."""

    def __init__(self, controller: BeadController, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.pair_box = QComboBox()
        self.table = QTableView()
        self.table.setModel(controller.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setWordWrap(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.status = QLabel()
        buttons = QHBoxLayout()
        self.buttons = {}
        for key, label in (("confirm", tr("Confirm")), ("reject", tr("Reject")), ("split", tr("Split")),
                           ("merge", tr("Merge")), ("relink", tr("Move target up"))):
            b = QPushButton(label)
            b.clicked.connect(lambda _=False, k=key: self.act(k))
            buttons.addWidget(b)
            self.buttons[key] = b
        # where "Split" cuts the selected bead: the second part starts at the selected sentence
        self.split_label = QLabel(tr("Split before the selected sentences:"))
        self.split_lists = (QListWidget(), QListWidget())
        split_row = QHBoxLayout()
        for lst in self.split_lists:
            lst.setObjectName("split_src" if lst is self.split_lists[0] else "split_tgt")
            lst.setWordWrap(True)
            lst.setMaximumHeight(110)
            split_row.addWidget(lst)
        lay = QVBoxLayout(self)
        lay.addWidget(self.pair_box)
        lay.addWidget(self.table)
        lay.addWidget(self.split_label)
        lay.addLayout(split_row)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        self.pair_box.currentIndexChanged.connect(self._pair_chosen)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._fill_split_lists())
        controller.model.modelReset.connect(self._fill_split_lists)
        self.refresh_pairs()

    def _fill_split_lists(self) -> None:
        """List the selected bead's sentences; preselect the default split point."""
        rows = self.selected_rows() if self.table.selectionModel() is not None else []
        langs = self.controller.model._langs
        for k, lst in enumerate(self.split_lists):
            lst.clear()
            lst.setLayoutDirection(Qt.RightToLeft if k < len(langs) and is_rtl(langs[k]) else Qt.LeftToRight)
        if len(rows) != 1:
            return
        row = rows[0]
        sides = self.controller.sentences(row)
        default = self.controller.default_split(row)
        for lst, sents, at in zip(self.split_lists, sides, default):
            for text in sents:
                lst.addItem(QListWidgetItem(text))
            lst.addItem(QListWidgetItem(tr("(end: all of this side stays in the first part)")))
            lst.setCurrentRow(at)

    def split_points(self) -> tuple[int, int]:
        """(source, target) split positions chosen in the two lists."""
        return tuple(max(0, lst.currentRow()) for lst in self.split_lists)  # type: ignore[return-value]

    def refresh_pairs(self) -> None:
        self.pair_box.blockSignals(True)
        self.pair_box.clear()
        for p in self.controller.pairs():
            self.pair_box.addItem(f"{p.src_path} ↔ {p.tgt_path}", p.id)
        self.pair_box.blockSignals(False)
        if self.pair_box.count():
            self.pair_box.setCurrentIndex(0)
            self._pair_chosen(0)

    def _pair_chosen(self, i: int) -> None:
        pid = self.pair_box.itemData(i)
        if pid is not None:
            self.controller.show_pair(int(pid))
            self._set_directions()

    def _set_directions(self) -> None:
        langs = self.controller.model._langs
        both_rtl = all(is_rtl(x) for x in langs if x)
        self.table.setLayoutDirection(Qt.RightToLeft if both_rtl and any(langs) else Qt.LeftToRight)

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.table.selectionModel().selectedRows()})

    def act(self, key: str) -> None:
        from aligner.errors import AlignerError

        rows = self.selected_rows()
        if not rows:
            self.status.setText(tr("Select one or more beads first."))
            return
        try:
            if key == "confirm":
                self.controller.decide(rows, "confirmed")
            elif key == "reject":
                self.controller.decide(rows, "rejected")
            elif key == "split":
                if len(rows) == 1 and self.split_lists[0].count():
                    self.controller.split(rows[0], *self.split_points())
                else:
                    self.controller.split(rows[0])
            elif key == "merge":
                self.controller.merge(rows)
            elif key == "relink":
                self.controller.relink_up(rows[0])
            self.status.setText("")
        except AlignerError as e:
            self.status.setText(e.message)


# ------------------------------------------------------------- the main-window hook

def install_bitext_actions(window, menu, *, encoder_factory=None) -> dict:
    """Add "Align two texts side by side…" and "Review whole-text alignments" to ``menu``.

    ``window``: the main window (its ``project``, ``dialogs``, ``runner`` and
    ``_start_dir()`` are used). ``encoder_factory()``: the encoder (default:
    the bundled model, loaded on the worker thread). Returns the actions by name.
    """
    from PySide6.QtGui import QAction

    align = QAction(tr("Align two texts side by side…"), window)
    align.setObjectName("bitext_align")
    review = QAction(tr("Review whole-text alignments"), window)
    review.setObjectName("bitext_review")
    align.triggered.connect(lambda: start_bitext(window, encoder_factory=encoder_factory))
    review.triggered.connect(lambda: open_bead_review(window))
    menu.addAction(align)
    menu.addAction(review)
    return {"align": align, "review": review}


def start_bitext(window, paths: list[str] | None = None, *, encoder_factory=None):
    """Ask for two articles (source first), align them on a worker thread, then open the review."""
    from ..workers import Job

    if window.project is None:
        window.dialogs.info(tr("No project"), tr("Open or create a project first."))
        return None
    if paths is None:
        paths = window.dialogs.article_paths(window._start_dir())
    if not paths:
        return None
    if len(paths) != 2:
        window.dialogs.error(tr("Choose two texts"),
                             tr("Select exactly two files: the source text first, then its translation."))
        return None
    project_path = str(window.project.path)
    settings = window.settings

    def work(progress, cancel):
        from aligner.store import Project

        if encoder_factory is not None:
            encoder = encoder_factory()
        else:
            from aligner.embed import get_encoder

            encoder = get_encoder(settings=settings)
        from ..services import prepare_encoder

        prepare_encoder(encoder, progress)  # the first use builds the int8 model: minutes, said
        with Project.open(project_path, settings=settings) as p:
            return align_articles(p, paths[0], paths[1], encoder, settings=settings,
                                  progress=lambda stage, done, total: progress(
                                      done, total, tr(STAGE_LABELS.get(stage, stage))))

    job = Job(work, name="bitext")
    job.signals.progress.connect(lambda _done, _total, message: message and window.statusBar().showMessage(message))
    job.signals.failed.connect(lambda msg: window.dialogs.error(tr("Alignment failed"), msg))
    job.signals.finished.connect(lambda _result: open_bead_review(window))
    window.runner.start(job)
    return job


def open_bead_review(window) -> BeadView | None:
    """Show the bead review for the window's project in its own window (kept on ``window.bead_view``)."""
    if window.project is None:
        window.dialogs.info(tr("No project"), tr("Open or create a project first."))
        return None
    ctl = BeadController(window.project, BeadTableModel(), reviewer=getattr(window.prefs, "reviewer", None))
    view = BeadView(ctl)
    view.setWindowTitle(tr("Whole-text alignment"))
    view.resize(1000, 700)
    window.bead_view = view
    view.show()
    return view
