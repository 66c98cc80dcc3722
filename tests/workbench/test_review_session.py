"""What a translator reviewing for hours runs into (issue 16): each test failed before its fix."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication

pytestmark = pytest.mark.gui


def _decisions(path) -> list[tuple[int, str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT candidate_id, status, reviewer FROM decisions ORDER BY id").fetchall()
    finally:
        con.close()


def _key(qtbot, w, key, modifier=Qt.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or w, key, modifier)


@pytest.fixture
def window(qtbot, make_window, project_path):
    w = make_window()
    assert w.open_project(str(project_path))
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.queue_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.queue_table)
    return w


def _show_names(qtbot, w):
    w.tabs.setCurrentWidget(w.names_view)
    qtbot.waitUntil(lambda: w.names_view.model.rowCount() > 0, timeout=60_000)
    w.names_view.clusters.setFocus()


# ----------------------------------------------------------------------------- 1. shortcuts per tab


def test_review_keys_and_undo_stay_on_their_tab(qtbot, window, project_path):
    w = window
    _key(qtbot, w, Qt.Key_Y)
    made = _decisions(project_path)
    assert len(made) == 1
    assert w.actions_by_name["undo"].text() == "Undo Confirm"

    _show_names(qtbot, w)
    view = w.names_view
    view.select_cluster(view.controller.index_of_form("Riad Hijab"))
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)  # nothing to undo on Names yet
    _key(qtbot, w, Qt.Key_N)  # not "reject" while names are showing
    _key(qtbot, w, Qt.Key_J)
    assert _decisions(project_path) == made
    assert not w.actions_by_name["undo"].isEnabled()

    # a correction on Names is undone by Ctrl+Z on Names, and only it
    view.controller.split(view.controller.index_of_form("Riad Hijab"), ["Hijab"])
    assert w.actions_by_name["undo"].text() == "Undo Split"
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert "Hijab" in {v.form for v in view.controller.clusters[view.controller.index_of_form("Riad Hijab")]
                       .variants}
    assert _decisions(project_path) == made

    # back on Review, Ctrl+Z undoes the confirmation (by appending a decision)
    w.tabs.setCurrentIndex(0)
    w.queue_table.setFocus()
    assert w.actions_by_name["undo"].text() == "Undo Confirm"
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert [s for _c, s, _r in _decisions(project_path)] == ["confirmed", "pending"]


# ----------------------------------------------------------------------------- 4. errors in the UI language


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_core_errors_are_shown_in_the_ui_language_with_details(qapp, make_window, dialogs, tmp_path, lang):
    from workbench import i18n

    i18n.set_language(lang)
    i18n.apply_to_application(qapp, lang)
    damaged = tmp_path / "damaged.aligner"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 84 + b"\x07" * 4000)
    w = make_window()
    for path in (tmp_path / "nowhere.aligner", damaged):
        assert not w.open_project(str(path))
    (t1, m1), (t2, m2) = dialogs.errors
    assert t1 == i18n.tr("Cannot open the project") != "Cannot open the project"
    for message in (m1, m2):
        assert "[E" not in message and "page" not in message and "SQLite" not in message
    assert m1 == i18n.tr("There is no project file at this place.") != "There is no project file at this place."
    # the technical text, with the file name, is one click away
    assert "nowhere.aligner" in dialogs.details[0] and "[E004]" in dialogs.details[0]
    assert "damaged.aligner" in dialogs.details[1]


def test_every_core_error_code_has_a_sentence():
    import importlib
    import pkgutil

    import aligner
    from aligner.errors import AlignerError
    from workbench.errors import ERROR_SENTENCES

    for mod in pkgutil.walk_packages(aligner.__path__, "aligner."):
        if ".cli" not in mod.name:
            importlib.import_module(mod.name)
    todo, codes = [AlignerError], set()
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo.extend(cls.__subclasses__())
    from aligner.errors import ERROR_CODES

    missing = (codes | set(ERROR_CODES)) - set(ERROR_SENTENCES)
    assert not missing, sorted(missing)


def test_opening_a_project_keeps_a_daily_backup(window, project_path):
    from aligner.store.files import backup_dir

    backups = list(backup_dir(Path(project_path)).glob("*.aligner"))
    assert len(backups) == 1


# ----------------------------------------------------------------------------- 5. link dialog


def test_link_dialog_wraps_results_in_a_right_to_left_ui(qapp, qtbot, window):
    from workbench import i18n
    from workbench.widgets.dialogs import ManualLinkDialog

    i18n.set_language("ar")
    i18n.apply_to_application(qapp, "ar")
    dlg = ManualLinkDialog(window.review, window)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    res = dlg.results
    assert res.count() > 2
    assert res.horizontalScrollBar().maximum() == 0  # nothing hidden sideways
    line = res.fontMetrics().lineSpacing()
    longest = max(range(res.count()), key=lambda i: len(res.item(i).text()))
    assert res.visualItemRect(res.item(longest)).height() >= 2 * line  # wrapped onto lines
    # every result is laid out in its own direction
    from workbench.widgets.candidate_table import is_rtl_text

    kinds = {is_rtl_text(res.item(i).text()) for i in range(res.count())}
    assert kinds == {True, False}


# ----------------------------------------------------------------------------- 6. cancelled alignment


def test_a_cancelled_alignment_marks_quotes_not_aligned_and_offers_to_resume(qtbot, make_window,
                                                                                project_path, tmp_path):
    from fakes import GatedEncoder

    from workbench.services import CoreAlignmentService

    # the real alignment service; its encoder waits, so the job is cancelled while embedding
    gate = threading.Event()
    encoder = GatedEncoder(gate)
    w = make_window(alignment=CoreAlignmentService(encoder=encoder))
    w.open_project(str(project_path))
    assert not w.resume_bar.isVisible()
    art = tmp_path / "late_report.txt"
    art.write_text('Talks in Geneva\n\nThe UN envoy said on Friday: "We expect a deal within days."\n',
                   encoding="utf-8")
    job = w.add_articles([str(art)])
    # cancelled while the model works: the article is read and its quotes stored, nothing aligned
    qtbot.waitUntil(lambda: w.job_cancel.isVisible() and "embeddings" in w.job_label.text().lower(),
                    timeout=30_000)
    with qtbot.waitSignal(job.signals.cancelled, timeout=10_000):
        qtbot.mouseClick(w.job_cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: w.align_job is None)
    assert w.resume_bar.isVisible() and "not aligned yet" in w.resume_bar.label.text()
    m = w.queue_model
    rows = [r for r in range(m.rowCount()) if m.row_value(r).span.quote.doc == str(art)]
    assert rows, "the new quote is in the queue"
    assert m.data(m.index(rows[0], m.STATUS), Qt.ToolTipRole).startswith("not aligned yet")
    # Resume runs the alignment again for that article, to the end this time
    gate.set()
    w.resume_bar.button.click()
    qtbot.waitUntil(lambda: encoder.calls and w.align_job is None, timeout=30_000)
    assert any("We expect a deal within days." in t for t in encoder.seen)
    assert not w.resume_bar.isVisible()


# ----------------------------------------------------------------------------- 7. one complete file


def test_decisions_reach_the_project_file_itself_and_save_a_copy(qtbot, window, dialogs, project_path,
                                                                 tmp_path):
    w = window
    w._idle.setInterval(50)
    for _ in range(3):
        _key(qtbot, w, Qt.Key_Y)
    made = len(_decisions(project_path))
    assert made == 3
    qtbot.waitUntil(lambda: not w._idle.isActive(), timeout=5_000)  # the reviewer paused
    lone = tmp_path / "mailed.aligner"
    shutil.copyfile(project_path, lone)  # the .aligner file alone, app still running
    con = sqlite3.connect(f"{lone.as_uri()}?immutable=1", uri=True)
    assert con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == made
    con.close()

    out = tmp_path / "copy.aligner"
    dialogs.answers["copy_path"] = str(out)
    w.actions_by_name["save_copy"].trigger()
    assert len(_decisions(out)) == made and not dialogs.errors


# ----------------------------------------------------------------------------- 8. smaller issues


def test_confirm_on_a_quote_without_candidates_says_why_and_offers_a_link(qtbot, window, dialogs):
    w = window
    r = w.review
    row = next(i for i, it in enumerate(r.items) if it.n_candidates == 0)
    r.select_row(row)
    dialogs.answers["confirm"] = True  # "Link it by hand?" -> yes
    dialogs.answers["manual_link"] = None  # ... then the reviewer cancels the link dialog
    _key(qtbot, w, Qt.Key_Y)
    assert dialogs.asked == ["confirm", "manual_link"]


def test_candidates_are_listed_best_first(window):
    r = window.review
    for row in range(len(r.items)):
        r.select_row(row)
        live = [c.candidate.score for c in r.candidates if not c.stale]
        assert live == sorted(live, reverse=True)
    r.select_row(0)
    m = window.cand_model
    shown = [float(m.data(m.index(i, m.SCORE))) for i in range(m.rowCount())]
    assert shown == sorted(shown, reverse=True) and m.data(m.index(0, m.RANK)) == "1"


def test_reviewer_name_is_asked_once_and_used_everywhere(qtbot, make_window, prefs, dialogs, project_path,
                                                         tmp_path):
    prefs.reviewer = ""
    dialogs.answers["reviewer_name"] = "Amira Haddad"
    from fakes import FakeEncoder

    from workbench.services import CoreAlignmentService

    w = make_window(alignment=CoreAlignmentService(encoder=FakeEncoder(dim=64)))
    assert w.open_project(str(project_path))
    assert prefs.reviewer == "Amira Haddad"
    w.review.confirm()
    assert {rev for _c, _s, rev in _decisions(project_path)} == {"Amira Haddad"}
    art = tmp_path / "a.txt"
    art.write_text('"Yes," she said.\n', encoding="utf-8")
    w.add_articles([str(art)])
    qtbot.waitUntil(lambda: w.align_job is None, timeout=30_000)
    added = [e for e in w.project.audit_log() if "document" in e["action"]]
    assert added and added[0]["actor"] == "Amira Haddad"
    w.close_project()
    assert w.open_project(str(project_path))
    assert dialogs.asked.count("reviewer_name") == 1


def test_help_panel_does_not_push_the_quote_out_of_view(qtbot, window):
    w = window
    w.resize(1280, 720)
    view = w.source_view
    qtbot.wait(20)
    _key(qtbot, w, Qt.Key_F1)
    qtbot.waitUntil(lambda: w.help_panel.isVisible())
    qtbot.wait(20)
    view.resize(view.width(), 90)  # whatever the panes do, the quote stays in view
    qtbot.wait(20)
    cur = view.textCursor()
    assert view.viewport().rect().contains(view.cursorRect(cur).center())


def test_numbers_use_digits_0_to_9_in_every_language(qapp, make_window):
    from workbench import i18n

    i18n.set_language("ar")
    i18n.apply_to_application(qapp, "ar")
    assert QLocale().toString(5) == "٥"  # what Arabic locale formatting would give
    w = make_window()
    w.filter_bar.min_score.setValue(0.5)
    assert "0.50" in w.filter_bar.min_score.text()


def test_long_quotes_wrap_in_the_queue_and_show_in_full_on_hover(window):
    w = window
    m = w.queue_model
    longest = max(range(m.rowCount()), key=lambda r: len(m.row_value(r).span.quote.text))
    q = m.row_value(longest).span.quote
    assert q.text in m.data(m.index(longest, m.QUOTE), Qt.ToolTipRole)
    assert w.queue_table.wordWrap()
    assert w.queue_table.rowHeight(longest) >= 2 * w.queue_table.fontMetrics().lineSpacing()


@pytest.mark.parametrize("lang,n,expected", [
    ("fr", 0, "0 paire confirmée exportée vers x"), ("fr", 1, "1 paire confirmée exportée vers x"),
    ("fr", 2, "2 paires confirmées exportées vers x"), ("en", 1, "Exported 1 confirmed pair to x"),
    ("en", 0, "Exported 0 confirmed pairs to x")])
def test_counts_use_gettext_plurals_french(lang, n, expected):
    from workbench import i18n

    i18n.set_language(lang)
    got = i18n.ngettext("Exported {n} confirmed pair to {path}", "Exported {n} confirmed pairs to {path}", n)
    assert got.format(n=n, path="x") == expected


def test_arabic_has_six_plural_forms():
    import polib

    from workbench import i18n

    po = polib.pofile(str(i18n.I18N_DIR / "ar.po"))
    assert "nplurals=6" in po.metadata["Plural-Forms"]
    plurals = [e for e in po if e.msgid_plural]
    assert plurals
    for e in plurals:
        assert len(e.msgstr_plural) == 6 and all(e.msgstr_plural.values()), e.msgid
    i18n.set_language("ar")
    forms = {n: i18n.ngettext("Exported {n} confirmed pair to {path}",
                              "Exported {n} confirmed pairs to {path}", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) == 6  # zero, one, two, few (3-10), many (11-99), other (100...)
