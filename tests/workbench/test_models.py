"""Qt models: qtmodeltester on real store rows, roles, confidence colours."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette

from workbench.models import (
    HIGH_SCORE,
    MEDIUM_SCORE,
    CandidateModel,
    IdRole,
    QueueModel,
    ScoreRole,
    StatusRole,
    confidence_band,
    confidence_colors,
)

pytestmark = pytest.mark.gui


def _contrast(a: QColor, b: QColor) -> float:
    def lum(c: QColor) -> float:
        def ch(v):
            v = v / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.red()) + 0.7152 * ch(c.green()) + 0.0722 * ch(c.blue())

    la, lb = sorted((lum(a), lum(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_queue_model_passes_modeltester(qtmodeltester, project):
    model = QueueModel()
    model.set_rows(project.queue())
    assert model.rowCount() == len(project.queue()) > 0
    qtmodeltester.check(model, force_py=True)
    model.set_rows([])
    qtmodeltester.check(model, force_py=True)


def test_candidate_model_passes_modeltester(qtmodeltester, project):
    first = project.queue()[0]
    model = CandidateModel()
    model.set_rows(project.candidates(first.span.id))
    assert model.rowCount() == first.n_candidates
    qtmodeltester.check(model, force_py=True)


def test_queue_model_cells_come_from_the_rows(project):
    items = project.queue()
    model = QueueModel()
    model.set_rows(items)
    for row, item in enumerate(items):
        assert model.data(model.index(row, QueueModel.SPEAKER)) == (item.span.quote.speaker or "—")
        assert model.data(model.index(row, QueueModel.COUNT)) == str(item.n_candidates)
        assert model.data(model.index(row, 0), IdRole) == item.span.id
        assert model.data(model.index(row, 0), StatusRole) == item.status
    no_cands = [i for i, it in enumerate(items) if it.n_candidates == 0]
    assert no_cands, "the demo project has quotes without candidates"
    assert model.data(model.index(no_cands[0], QueueModel.BEST)) == "—"


def test_update_row_emits_data_changed_for_that_row(qtbot, project):
    import dataclasses

    items = project.queue()
    model = QueueModel()
    model.set_rows(items)
    changed = dataclasses.replace(items[1], status="confirmed")
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.update_row(1, changed)
    top, bottom = blocker.args[0], blocker.args[1]
    assert (top.row(), bottom.row()) == (1, 1)
    assert model.data(model.index(1, QueueModel.STATUS)) == "✓"
    assert model.data(model.index(1, QueueModel.STATUS), Qt.ToolTipRole) == "confirmed"


def test_candidate_scores_are_coloured_by_confidence(project):
    rows = [c for it in project.queue() for c in project.candidates(it.span.id)]
    model = CandidateModel()
    model.set_rows(rows)
    bands = set()
    for r, row in enumerate(rows):
        idx = model.index(r, CandidateModel.SCORE)
        score = model.data(idx, ScoreRole)
        band = confidence_band(score)
        bands.add(band)
        expect = confidence_colors(band)
        assert model.data(idx, Qt.BackgroundRole) == expect.background
        assert model.data(idx, Qt.ForegroundRole) == expect.foreground
        assert model.data(idx) == f"{row.candidate.score:.2f}"
    assert bands == {"high", "medium", "low"}  # the demo covers every band


def test_arabic_candidate_text_is_right_aligned(project):
    rows = [c for it in project.queue() for c in project.candidates(it.span.id)]
    model = CandidateModel()
    model.set_rows(rows)
    for r, row in enumerate(rows):
        align = model.data(model.index(r, CandidateModel.TEXT), Qt.TextAlignmentRole)
        if row.candidate.target.lang == "ar":
            assert Qt.AlignmentFlag(align) & Qt.AlignRight
        else:
            assert align is None


@pytest.mark.parametrize("score,band", [(HIGH_SCORE, "high"), (0.99, "high"), (MEDIUM_SCORE, "medium"),
                                        (0.79, "medium"), (0.49, "low"), (0.0, "low"), (None, "none")])
def test_confidence_bands(score, band):
    assert confidence_band(score) == band


@pytest.mark.parametrize("dark", [False, True])
def test_confidence_colours_are_readable_in_light_and_dark_palettes(dark):
    pal = QPalette()
    pal.setColor(QPalette.Base, QColor("#1e1e1e" if dark else "#ffffff"))
    seen = set()
    for band in ("high", "medium", "low"):
        sw = confidence_colors(band, pal)
        assert _contrast(sw.background, sw.foreground) >= 4.5, band
        # the fill stands out from the view's base colour
        assert sw.background != pal.color(QPalette.Base)
        seen.add(sw.background.name())
    assert len(seen) == 3
    # light and dark palettes get different fills
    other = QPalette()
    other.setColor(QPalette.Base, QColor("#ffffff" if dark else "#1e1e1e"))
    assert confidence_colors("high", pal).background != confidence_colors("high", other).background


def test_headers_are_translated(project):
    from workbench import i18n

    model = CandidateModel()
    english = model.headerData(CandidateModel.LANG, Qt.Horizontal)
    i18n.set_language("fr")
    french = model.headerData(CandidateModel.LANG, Qt.Horizontal)
    assert english == "Language" and french and french != english
