"""The side-by-side bead review view on a real project file and a real offscreen window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from aligner.bitext import Bead
from aligner.bitext_run import BitextResult, side_from_sentences
from aligner.store import Project
from workbench.widgets.bead_view import BeadController, BeadTableModel, BeadView, align_articles

SEL = QItemSelectionModel.Select | QItemSelectionModel.Rows
FR = ["Le ministre est arrivé.", "Il a parlé longtemps.", "Puis il est parti.", "Fin."]
AR = ["وصل الوزير.", "تحدث طويلا ثم غادر.", "النهاية.", "ملاحظة."]


@pytest.fixture
def bitext_project(tmp_path):
    beads = (Bead((0,), (0,), 0.95), Bead((1, 2), (1,), 0.55), Bead((3,), (2,), 0.3), Bead((), (3,), 0.0))
    res = BitextResult(side_from_sentences(FR, path="fr.txt", lang="fr"),
                       side_from_sentences(AR, path="ar.txt", lang="ar"), beads)
    p = Project.open(tmp_path / "b.aligner", create=True, actor="tester")
    pid = p.save_pair(res)
    yield p, pid
    p.close()


@pytest.fixture
def view(qtbot, bitext_project):
    p, _ = bitext_project
    ctl = BeadController(p, BeadTableModel(), reviewer="tester")
    w = BeadView(ctl)
    qtbot.addWidget(w)
    w.show()
    return w


def cell(w, row, col, role=Qt.DisplayRole):
    m = w.table.model()
    return m.data(m.index(row, col), role)


def test_two_columns_in_reading_order_with_colours_and_arabic_right_aligned(view, qtmodeltester):
    qtmodeltester.check(view.table.model())
    m = view.table.model()
    assert (m.rowCount(), m.columnCount()) == (4, 2)
    assert [cell(view, r, 0) for r in range(4)] == [FR[0], f"{FR[1]} {FR[2]}", FR[3], ""]
    assert cell(view, 3, 1) == AR[3]
    assert m.headerData(1, Qt.Horizontal) == "Target (ar)"
    assert cell(view, 0, 1, Qt.TextAlignmentRole) & Qt.AlignRight
    assert cell(view, 0, 0, Qt.TextAlignmentRole) & Qt.AlignLeft
    assert cell(view, 0, 0, Qt.BackgroundRole) is None  # high confidence: not coloured
    low, medium = cell(view, 2, 0, Qt.BackgroundRole), cell(view, 1, 0, Qt.BackgroundRole)
    assert low is not None and medium is not None and low != medium


def test_confirm_split_merge_and_relink_reach_the_store(view, bitext_project, qtbot):
    p, pid = bitext_project
    view.table.selectRow(0)
    qtbot.mouseClick(view.buttons["confirm"], Qt.LeftButton)
    assert p.beads(pid)[0].status == "confirmed"
    view.table.selectRow(1)
    qtbot.mouseClick(view.buttons["split"], Qt.LeftButton)
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)][1:3] == [((1,), (1,)), ((2,), ())]
    view.table.clearSelection()
    view.table.selectionModel().select(view.table.model().index(1, 0),
                                       SEL)
    view.table.selectionModel().select(view.table.model().index(2, 0),
                                       SEL)
    qtbot.mouseClick(view.buttons["merge"], Qt.LeftButton)
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)][1] == ((1, 2), (1,))
    view.table.selectRow(3)  # the 0-1 bead: move its sentence up into bead 2
    qtbot.mouseClick(view.buttons["relink"], Qt.LeftButton)
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3))]
    assert view.table.model().rowCount() == 3


def test_an_invalid_edit_shows_a_message_and_changes_nothing(view, bitext_project, qtbot):
    p, pid = bitext_project
    before = [(r.bead.src, r.bead.tgt) for r in p.beads(pid)]
    view.table.clearSelection()
    for row in (0, 2):
        view.table.selectionModel().select(view.table.model().index(row, 0),
                                           SEL)
    qtbot.mouseClick(view.buttons["merge"], Qt.LeftButton)
    assert "neighbouring" in view.status.text()
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)] == before


def test_align_articles_stores_a_pair_from_two_files(tmp_path, fake_encoder):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    text = "Heading\n\nThe river rose in the night. The bridge was closed at dawn.\n"
    a.write_text(text, encoding="utf-8")
    b.write_text(text, encoding="utf-8")
    with Project.open(tmp_path / "p.aligner", create=True) as p:
        pid = align_articles(p, str(a), str(b), fake_encoder)
        assert all(r.bead.src == r.bead.tgt for r in p.beads(pid)) and len(p.beads(pid)) >= 2


def test_main_window_aligns_two_selected_texts_and_opens_the_review(qtbot, make_window, dialogs, tmp_path,
                                                                     fake_encoder):
    from workbench.widgets.bead_view import start_bitext

    w = make_window()
    proj = tmp_path / "w.aligner"
    Project.open(proj, create=True).close()
    assert w.open_project(str(proj))
    assert {"align", "review"} <= set(w.bitext_actions)
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Heading\n\nThe river rose in the night. The bridge was closed at dawn.\n", encoding="utf-8")
    b.write_text("Heading\n\nThe river rose in the night. The bridge was closed at dawn.\n", encoding="utf-8")
    dialogs.answers["article_paths"] = [str(a)]
    assert start_bitext(w) is None and dialogs.errors  # one file: told to choose two
    job = start_bitext(w, [str(a), str(b)], encoder_factory=lambda: fake_encoder)
    qtbot.waitUntil(lambda: getattr(w, "bead_view", None) is not None, timeout=20000)
    assert w.bead_view.table.model().rowCount() >= 2
    assert job is not None


def test_split_falls_where_the_reviewer_selects_the_sentences(view, bitext_project, qtbot):
    p, pid = bitext_project
    # a 3-2 bead to cut: merge beads 0..2 (FR 0-3 / AR 0-2)
    view.controller.merge([0, 1, 2])
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)][0] == ((0, 1, 2, 3), (0, 1, 2))
    view.table.selectRow(0)
    src_list, tgt_list = view.split_lists
    assert [src_list.item(k).text() for k in range(4)] == FR
    assert src_list.count() == 5 and tgt_list.count() == 4  # each sentence, and "the end"
    assert (src_list.currentRow(), tgt_list.currentRow()) == (1, 1)  # the default: after the first sentence
    assert tgt_list.layoutDirection() == Qt.RightToLeft  # Arabic
    src_list.setCurrentRow(3)  # the second part starts at "Fin."
    tgt_list.setCurrentRow(2)  # ... and at the third Arabic sentence
    qtbot.mouseClick(view.buttons["split"], Qt.LeftButton)
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)][:2] == [((0, 1, 2), (0, 1)), ((3,), (2,))]
    # "the end" on the source side leaves the rest of the target as a 0-n bead
    view.table.selectRow(0)
    view.split_lists[0].setCurrentRow(view.split_lists[0].count() - 1)
    view.split_lists[1].setCurrentRow(1)
    qtbot.mouseClick(view.buttons["split"], Qt.LeftButton)
    assert [(r.bead.src, r.bead.tgt) for r in p.beads(pid)][:3] == [((0, 1, 2), (0,)), ((), (1,)), ((3,), (2,))]
