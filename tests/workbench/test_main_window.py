"""The main window driven like a reviewer would: keys, buttons, dialogs, jobs, layout."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication, QToolButton

pytestmark = pytest.mark.gui


def _decisions(path) -> list[tuple[int, str, str, str]]:
    con = sqlite3.connect(path)
    try:
        return con.execute("SELECT candidate_id, status, reviewer, note FROM decisions ORDER BY id").fetchall()
    finally:
        con.close()


def _key(qtbot, w, key, modifier=Qt.NoModifier):
    target = QApplication.focusWidget() or w
    qtbot.keyClick(target, key, modifier)


@pytest.fixture
def window(qtbot, make_window, project_path):
    w = make_window()
    assert w.open_project(str(project_path))
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.queue_table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.queue_table)
    return w


def test_whole_review_session_with_the_keyboard(qtbot, window, project_path):
    w = window
    r = w.review
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    items = list(r.items)
    q1, q2, q3, q4 = (i.span.id for i in items[:4])

    # quote 1: confirm its best candidate (Y)
    c1 = r.current_candidate.id
    _key(qtbot, w, Qt.Key_Y)
    assert r.current_span_id == q2
    # quote 2: pick the second candidate (2), then confirm it (C)
    _key(qtbot, w, Qt.Key_2)
    c2 = r.current_candidate.id
    assert r.cand_row == 1
    _key(qtbot, w, Qt.Key_C)
    assert r.current_span_id == q3
    # quote 3: reject the first candidate (N): stays on the quote, next candidate selected
    c3a = r.current_candidate.id
    _key(qtbot, w, Qt.Key_N)
    assert r.current_span_id == q3 and r.cand_row == 1
    # ... then skip the quote (S)
    c3b = r.current_candidate.id
    _key(qtbot, w, Qt.Key_S)
    assert r.current_span_id == q4
    # undo the skip (Ctrl+Z) -> back on quote 3; redo (Ctrl+Shift+Z)
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier)
    assert r.current_span_id == q3
    _key(qtbot, w, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    # navigation: K back, J forward
    r.select_span(q4)
    _key(qtbot, w, Qt.Key_K)
    assert r.current_span_id == q3
    _key(qtbot, w, Qt.Key_J)
    assert r.current_span_id == q4
    # the buttons do the same as the keys
    c4 = r.current_candidate.id
    qtbot.mouseClick(w.findChild(QToolButton, "btn_confirm"), Qt.LeftButton)
    assert r.current_span_id != q4

    got = [(cid, status) for cid, status, _rev, _note in _decisions(project_path)]
    assert got == [(c1, "confirmed"), (c2, "confirmed"), (c3a, "rejected"), (c3b, "skipped"),
                   (c3b, "pending"), (c3b, "skipped"), (c4, "confirmed")]
    assert {rev for _c, _s, rev, _n in _decisions(project_path)} == {"tester"}
    done, total = r.project.progress()
    assert w.progress_bar.value() == done == 3
    assert w.progress_bar.maximum() == total
    assert "3" in w.progress_label.text()


def test_single_keys_type_into_the_search_field(qtbot, window, project_path):
    w = window
    _key(qtbot, w, Qt.Key_F, Qt.ControlModifier)
    assert QApplication.focusWidget() is w.filter_bar.search
    qtbot.keyClicks(w.filter_bar.search, "yes")
    assert w.filter_bar.search.text() == "yes"
    assert _decisions(project_path) == []  # Y/S were typed, not decisions
    w.filter_bar.search.clear()


def test_search_field_filters_the_queue(qtbot, window):
    w = window
    w.filter_bar.search.setText("جنيف")  # Arabic words of a candidate of the two Hijab quotes
    qtbot.waitUntil(lambda: len(w.review.items) == 2)
    assert w.queue_model.rowCount() == 2
    assert {i.span.quote.speaker for i in w.review.items} == {"Riad Hijab"}
    w.filter_bar.search.setText("JEUDI")
    qtbot.waitUntil(lambda: len(w.review.items) == 1)
    assert "Thursday" in w.review.current_item.span.quote.text
    w.filter_bar.clear()
    assert w.queue_model.rowCount() > 1


def test_selected_candidate_is_highlighted_in_its_article(window):
    w = window
    r = w.review
    # the English quote is marked in the source article
    q = r.current_item.span.quote
    assert w.source_view.highlighted_text() == q.text
    # the Arabic candidate: right to left, marked
    r.set_filter(search="ceasefire")
    cand = r.current_candidate
    assert cand.candidate.target.lang == "ar"
    assert w.target_view.layoutDirection() == Qt.RightToLeft
    assert w.target_view.document().defaultTextOption().textDirection() == Qt.RightToLeft
    assert w.target_view.highlighted_text() == cand.candidate.target.text
    # a French one: left to right
    r.clear_filter()
    r.select_row(0)
    assert w.target_view.layoutDirection() == Qt.LeftToRight
    assert w.target_view.highlighted_text() == r.current_candidate.candidate.target.text


def test_clicking_a_candidate_selects_it(qtbot, window):
    w = window
    idx = w.cand_model.index(1, 0)
    rect = w.cand_table.visualRect(idx)
    qtbot.mouseClick(w.cand_table.viewport(), Qt.LeftButton, pos=rect.center())
    assert w.review.cand_row == 1
    assert w.target_view.highlighted_text() == w.review.current_candidate.candidate.target.text


def test_note_and_manual_link_through_dialogs(qtbot, window, dialogs, project_path):
    from workbench.widgets.dialogs import LinkChoice

    w = window
    r = w.review
    cid = r.current_candidate.id
    dialogs.answers["note"] = "same words in the video"
    _key(qtbot, w, Qt.Key_E)
    assert r.project.candidate(cid).decision.note == "same words in the video"

    ar_doc = next(d for d in r.project.documents() if d.lang == "ar")
    text = r.project.document(ar_doc.id).text
    start = text.index("وأكد")
    dialogs.answers["manual_link"] = LinkChoice(ar_doc.id, start, text.index("\n", start), "translation", "")
    _key(qtbot, w, Qt.Key_L)
    linked = r.current_candidate
    assert linked.candidate.features.get("manual") and linked.status == "confirmed"
    assert _decisions(project_path)[-1][1] == "confirmed"


def test_manual_link_dialog_searches_targets(qtbot, window):
    from workbench.widgets.dialogs import ManualLinkDialog

    dlg = ManualLinkDialog(window.review, window)
    qtbot.addWidget(dlg)
    dlg.search.setText("جنيف")
    dlg.refresh()
    assert dlg.results.count() >= 1
    choice = dlg.choice()
    doc = window.review.document(choice.doc_id)
    assert "جنيف" in doc.text[choice.start:choice.end]
    assert dlg.preview.layoutDirection() == Qt.RightToLeft


def test_help_panel_lists_the_shortcuts(qtbot, window):
    w = window
    assert not w.help_panel.isVisible()
    _key(qtbot, w, Qt.Key_F1)
    assert w.help_panel.isVisible()
    table = w.help_panel.table
    rows = {table.item(i, 1).text(): table.item(i, 0).text().strip("\u2066\u2069") for i in range(table.rowCount())}
    assert rows["Confirm"].startswith("Y") and "C" in rows["Confirm"]
    assert rows["Reject"].startswith("N")
    assert "Skip" in rows and "Undo" in rows and "Link by hand…" in rows
    _key(qtbot, w, Qt.Key_F1)
    assert not w.help_panel.isVisible()


@pytest.mark.parametrize("problem", ["missing", "not_sqlite", "newer", "folder"])
def test_bad_project_files_give_a_clear_dialog(tmp_path, make_window, dialogs, project_path, problem):
    if problem == "missing":
        path = tmp_path / "nowhere.aligner"
    elif problem == "not_sqlite":
        path = tmp_path / "notes.aligner"
        path.write_text("this is not a project", encoding="utf-8")
    elif problem == "folder":
        path = tmp_path / "dir.aligner"
        path.mkdir()
    else:
        path = project_path
        con = sqlite3.connect(path)
        con.execute("PRAGMA user_version = 999")
        con.commit()
        con.close()
    before = path.read_bytes() if path.is_file() else None
    w = make_window()
    assert not w.open_project(str(path))
    assert w.project is None and len(dialogs.errors) == 1
    title, message = dialogs.errors[0]
    # a sentence for the reader; the path and the core's own words behind "Details"
    assert title == "Cannot open the project" and str(path.name) in dialogs.details[0]
    assert "[E004]" in dialogs.details[0] and "[E" not in message
    if problem == "newer":
        assert "newer version" in message
    if before is not None:
        assert path.read_bytes() == before  # never rewritten
    # the window still works: review keys without a project do nothing
    w.actions_by_name["next"].trigger()
    assert w.review is None


def test_locked_project_gives_a_clear_dialog(make_window, dialogs, project_path):
    from aligner.settings import Settings

    con = sqlite3.connect(project_path, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    try:
        # the app's settings reach the store: wait 0.2 s for the lock, not the default 10 s
        w = make_window(settings=Settings(project_busy_timeout=0.2))
        started = time.monotonic()
        if w.open_project(str(project_path)):  # readers may open it; the first write must fail clearly
            w.actions_by_name["confirm"].trigger()
        assert len(dialogs.errors) == 1
        assert time.monotonic() - started < 5
        assert "open in another program" in dialogs.errors[0][1]
        assert "locked" in dialogs.details[0]
    finally:
        con.execute("ROLLBACK")
        con.close()


def test_errors_while_reviewing_are_shown_not_raised(window, dialogs):
    w = window
    w.project.close()  # e.g. the file vanished under us
    w.actions_by_name["confirm"].trigger()
    assert dialogs.errors and dialogs.errors[0][0] == "Error"


def test_layout_and_last_project_are_remembered(qtbot, make_window, prefs, project_path):
    w = make_window()
    w.open_project(str(project_path))
    avail = w.screen().availableGeometry()  # offscreen: 800 x 800
    w.resize(avail.width() - 9, avail.height() - 150)
    # the window cannot be narrower than its widgets allow, which depends on the installed
    # fonts: compare with the size it actually took, not the size asked for
    qtbot.waitUntil(lambda: w.size().width() >= w.minimumSizeHint().width())
    width, height = w.size().width(), w.size().height()
    w.help_panel.show()
    w.splitter_main.setSizes([300, width - 300])
    sizes = w.splitter_main.sizes()
    w.close()
    assert prefs.last_project == str(Path(project_path).resolve())
    assert prefs.recent_projects[0] == prefs.last_project

    w2 = make_window()
    assert (w2.size().width(), w2.size().height()) == (width, height)
    assert w2.open_project(prefs.last_project)  # as the app does at start
    assert w2.splitter_main.sizes() == sizes
    assert w2.help_panel.isVisible()


def test_arabic_ui_is_right_to_left_and_translated(qapp, make_window, project_path):
    from workbench import i18n

    i18n.set_language("ar")
    i18n.apply_to_application(qapp, "ar")
    w = make_window()
    w.open_project(str(project_path))
    assert w.layoutDirection() == Qt.RightToLeft
    assert w.actions_by_name["confirm"].text() == i18n.load_catalog("ar")["Confirm"]
    assert w.actions_by_name["confirm"].text() != "Confirm"
    # English articles stay left to right inside the Arabic UI
    assert w.source_view.layoutDirection() == Qt.LeftToRight


def test_language_menu_saves_the_choice(make_window, prefs, qtbot):
    w = make_window()
    with qtbot.waitSignal(w.language_requested) as blocker:
        w.findChild(object, "action_lang_fr").trigger()
    assert blocker.args == ["fr"]
    assert prefs.language == "fr"


# ----------------------------------------------------------------------------- alignment job


def gated_service(gate=None):
    """The real alignment service (read, extract, embed, align, save into the project) with an
    encoder that waits for ``gate`` (set: no wait): the job can be watched and cancelled mid-way."""
    from fakes import GatedEncoder

    from workbench.services import CoreAlignmentService

    if gate is None:
        gate = threading.Event()
        gate.set()
    encoder = GatedEncoder(gate)
    return CoreAlignmentService(encoder=encoder), encoder


def test_adding_articles_runs_in_the_background(qtbot, make_window, project_path, tmp_path):
    gate = threading.Event()
    service, encoder = gated_service(gate)
    w = make_window(alignment=service)
    w.open_project(str(project_path))
    art = tmp_path / "nouvel_article.txt"
    art.write_text("« Une phrase citée », a dit quelqu'un.\n", encoding="utf-8")
    job = w.add_articles([str(art)])
    assert job is not None
    qtbot.waitUntil(lambda: w.job_bar.isVisible() and "embeddings" in w.job_label.text().lower())
    # the UI thread is free: review while the job runs
    w.review.confirm()
    assert w.align_job is job
    with qtbot.waitSignal(job.signals.done, timeout=30_000):
        gate.set()
    assert not w.job_bar.isVisible()
    names = [Path(d.path).name for d in w.project.documents()]
    assert "nouvel_article.txt" in names
    assert any("Une phrase citée" in t for t in encoder.seen)


def test_alignment_can_be_cancelled(qtbot, make_window, project_path, tmp_path):
    service, encoder = gated_service(threading.Event())
    w = make_window(alignment=service)
    w.open_project(str(project_path))
    art = tmp_path / "a.txt"
    art.write_text("x", encoding="utf-8")
    job = w.add_articles([str(art)])
    qtbot.waitUntil(lambda: w.job_cancel.isVisible())
    with qtbot.waitSignal(job.signals.cancelled, timeout=10_000):
        qtbot.mouseClick(w.job_cancel, Qt.LeftButton)
    assert "cancelled" in w.statusBar().currentMessage().lower()
    assert w.align_job is None
    assert not encoder.calls  # stopped while the model was still working


def test_unreadable_article_gives_a_dialog(qtbot, make_window, project_path, dialogs, tmp_path):
    service, _encoder = gated_service()
    w = make_window(alignment=service)
    w.open_project(str(project_path))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary\x00junk" * 50)
    job = w.add_articles([str(bad)])
    assert job is not None
    # the job may finish before a waitSignal could connect: wait for its effect instead
    qtbot.waitUntil(lambda: w.align_job is None, timeout=30_000)
    # a sentence in the UI language; the file and the problem behind "Details"
    assert dialogs.errors and dialogs.errors[-1][0] == "Some articles could not be read"
    assert dialogs.errors[-1][1].startswith("1 article could not be read.")
    assert "bad.txt" in dialogs.details[-1]


def test_dropping_files_adds_them(qtbot, make_window, project_path, tmp_path):
    service, encoder = gated_service()
    w = make_window(alignment=service)
    w.open_project(str(project_path))
    art = tmp_path / "dropped.txt"
    art.write_text("Texte.", encoding="utf-8")
    md = QMimeData()
    md.setUrls([QUrl.fromLocalFile(str(art))])
    ev = QDropEvent(QPointF(QPoint(50, 50)), Qt.CopyAction, md, Qt.LeftButton, Qt.NoModifier)
    w.dropEvent(ev)
    qtbot.waitUntil(lambda: w.align_job is None and "dropped.txt" in
                    {Path(d.path).name for d in w.project.documents()}, timeout=30_000)


def test_missing_model_cache_is_built_with_a_progress_dialog(qtbot, make_window, fake_models):
    models = type(fake_models)(ready=False, steps=4)  # the real service's contract: progress(done, total)
    w = make_window(models=models)
    qtbot.waitUntil(lambda: models.built == 1, timeout=10_000)
    qtbot.waitUntil(lambda: w.model_job is None)
    assert models.ready


def test_export_from_the_window(qtbot, window, dialogs, tmp_path):
    pytest.importorskip("aligner.export.jsonl")
    w = window
    w.review.confirm()
    out = tmp_path / "pairs.jsonl"
    dialogs.answers["export_path"] = (str(out), "jsonl")
    _key(qtbot, w, Qt.Key_E, Qt.ControlModifier)
    assert out.exists() and out.read_text(encoding="utf-8").strip()
    assert "1" in w.statusBar().currentMessage()


def test_screenshot_renders_the_window(make_window, project_path, tmp_path):
    from PySide6.QtGui import QImage

    from workbench.app import take_screenshot

    w = make_window()
    w.open_project(str(project_path))
    out = tmp_path / "shot.png"
    assert take_screenshot(w, str(out), (1200, 800))
    img = QImage(str(out))
    assert not img.isNull() and img.width() >= 1200


def test_add_articles_with_the_real_pipeline(qtbot, make_window, tmp_path, dialogs):
    """Files on disk -> reader, quote extraction, alignment (fake encoder), store -> the queue."""
    pytest.importorskip("aligner.text.reader")
    from fakes import FakeEncoder  # tests/fakes.py, shared with the core tests

    from workbench.demo import write_articles
    from workbench.services import CoreAlignmentService

    paths = write_articles(tmp_path / "articles")
    bad = tmp_path / "articles" / "broken.txt"
    bad.write_bytes(b"\xff\xfe\x00\x00binary\x00junk" * 50)
    w = make_window(alignment=CoreAlignmentService(encoder=FakeEncoder(dim=64)))
    assert w.open_project(str(tmp_path / "new.aligner"), create=True)
    assert w.queue_model.rowCount() == 0
    job = w.add_articles([str(tmp_path / "articles")])
    assert job is not None
    qtbot.waitUntil(lambda: w.align_job is None, timeout=120_000)
    docs = {Path(d.path).name for d in w.project.documents()}
    assert set(paths) <= docs
    assert w.queue_model.rowCount() > 0  # English quotes found and queued
    assert any(i.n_candidates for i in w.review.items)
    # the unreadable file is reported, the rest went through
    assert any("broken.txt" in details for details in dialogs.details)
    # the status says how many candidates are new, not the total (issue 16)
    n = len(w.project.candidates())
    assert w.statusBar().currentMessage() == f"Alignment finished: {n} new candidates."
    bad.unlink()
    w.add_articles([str(tmp_path / "articles")])  # the same articles again: nothing new
    qtbot.waitUntil(lambda: w.align_job is None, timeout=120_000)
    assert w.statusBar().currentMessage() == "Alignment finished: 0 new candidates."


def test_candidate_summary_follows_decisions_and_notes(window, dialogs):
    w = window
    assert "score" in w.cand_info.text()
    dialogs.answers["note"] = "verified on video"
    w.actions_by_name["note"].trigger()
    assert "verified on video" in w.cand_info.text()
    assert "tester" in w.cand_info.text()


class BuildingEncoder:
    """The encoder protocol plus the first-use build the real encoder has
    (``pending_build`` / ``prepare(progress)``), faked: ``prepare`` reports steps and
    waits at ``gate`` like the minutes-long int8 build would. ``log`` records the order."""

    def __init__(self, gate: threading.Event, minutes: int = 4):
        from fakes import FakeEncoder

        self._fake = FakeEncoder(dim=64)
        self.name = self._fake.name
        self.gate = gate
        self.minutes = minutes
        self.built = False
        self.log: list[str] = []

    @property
    def dim(self) -> int:
        return self._fake.dim

    def pending_build(self):
        from aligner.embed.st_encoder import PendingBuild

        return None if self.built else PendingBuild("int8", self.minutes, False)

    def prepare(self, progress=None):
        if self.built:
            return
        self.log.append("prepare")
        step = 0
        while not self.gate.is_set():
            progress(step % 5, 5)  # raises once the user cancelled
            step += 1
            self.gate.wait(0.01)
        progress(5, 5)
        self.built = True

    def encode(self, texts, *, progress=None):
        assert self.built, "encode before the model was prepared"
        self.log.append("encode")
        return self._fake.encode(texts, progress=progress)


def test_first_alignment_shows_the_fast_model_being_prepared(qtbot, make_window, tmp_path, dialogs):
    """The first "Add articles" builds the int8 model (faked here; the real build is tested in
    tests/embed): the status line says so and how long, the window stays usable, and the
    alignment then runs; the next alignment prepares nothing."""
    from PySide6.QtCore import QTimer

    from workbench.demo import write_articles
    from workbench.services import CoreAlignmentService

    write_articles(tmp_path / "articles")
    gate = threading.Event()
    enc = BuildingEncoder(gate, minutes=4)
    w = make_window(alignment=CoreAlignmentService(encoder=enc))
    assert w.open_project(str(tmp_path / "new.aligner"), create=True)
    job = w.add_articles([str(tmp_path / "articles")])
    assert job is not None
    qtbot.waitUntil(lambda: w.job_label.text() == "Preparing the fast model, once: about 4 minutes"
                    and w.job_bar.isVisible() and w.job_bar.maximum() == 5, timeout=10_000)
    # responsive: timers fire, a second "Add articles" is answered, the cancel button is live
    ticked = []
    QTimer.singleShot(20, lambda: ticked.append(True))
    qtbot.waitUntil(lambda: ticked == [True], timeout=5_000)
    assert w.add_articles([str(tmp_path / "articles")]) is None
    assert dialogs.infos and dialogs.infos[-1][0] == "Alignment running"
    assert w.job_cancel.isVisible() and w.job_cancel.isEnabled()
    assert enc.log == ["prepare"]
    gate.set()
    qtbot.waitUntil(lambda: w.align_job is None, timeout=120_000)
    assert enc.built and enc.log[0] == "prepare" and "encode" in enc.log
    assert w.queue_model.rowCount() > 0
    assert w.statusBar().currentMessage().startswith("Alignment finished:")
    # the model is built now: the next alignment goes straight to work
    seen: list[str] = []
    job = w.add_articles([str(tmp_path / "articles")])
    job.signals.progress.connect(lambda _d, _t, message: seen.append(message))
    qtbot.waitUntil(lambda: w.align_job is None, timeout=120_000)
    assert enc.log.count("prepare") == 1
    assert not any("Preparing" in m for m in seen)


def test_cancelling_while_the_fast_model_is_prepared(qtbot, make_window, tmp_path):
    from workbench.demo import write_articles
    from workbench.services import CoreAlignmentService

    write_articles(tmp_path / "articles")
    enc = BuildingEncoder(threading.Event(), minutes=1)
    w = make_window(alignment=CoreAlignmentService(encoder=enc))
    assert w.open_project(str(tmp_path / "new.aligner"), create=True)
    job = w.add_articles([str(tmp_path / "articles")])
    qtbot.waitUntil(lambda: w.job_label.text() == "Preparing the fast model, once: about 1 minute", timeout=10_000)
    with qtbot.waitSignal(job.signals.cancelled, timeout=10_000):
        qtbot.mouseClick(w.job_cancel, Qt.LeftButton)
    assert not enc.built and "encode" not in enc.log
    assert w.align_job is None and "cancelled" in w.statusBar().currentMessage().lower()


def test_start_up_dialog_prepares_the_fast_model(qtbot, make_window, monkeypatch):
    """At first start the real model service finds the int8 model missing and builds it
    under a progress dialog that says what and how long."""
    from workbench.services import CoreModelService

    gate = threading.Event()
    enc = BuildingEncoder(gate, minutes=3)
    monkeypatch.delenv("WORKBENCH_SKIP_MODEL_CHECK", raising=False)
    monkeypatch.setattr(CoreModelService, "_encoder", lambda self: enc)
    w = make_window(models=CoreModelService())
    qtbot.waitUntil(lambda: w.model_job is not None, timeout=10_000)
    qtbot.waitUntil(lambda: w.model_dialog.labelText() == "Preparing the fast model, once: about 3 minutes",
                    timeout=10_000)
    assert w.model_dialog.isVisible()
    gate.set()
    qtbot.waitUntil(lambda: w.model_job is None, timeout=10_000)
    assert enc.built and w.statusBar().currentMessage() == "Model ready."
