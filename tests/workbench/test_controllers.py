"""ReviewController, export and background jobs, without widgets, on a real project file."""

from __future__ import annotations

import sqlite3

import pytest

from aligner.errors import AlignerError
from aligner.store import Project
from workbench.controllers import ReviewController, fold, quote_status
from workbench.workers import Job, JobRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def review(project):
    r = ReviewController(project, "tester")
    r.reload()
    return r


def _db_history(path, candidate_id):
    con = sqlite3.connect(path)
    try:
        return [r[0] for r in con.execute(
            "SELECT status FROM decisions WHERE candidate_id = ? ORDER BY id", (candidate_id,))]
    finally:
        con.close()


def test_reload_selects_the_first_quote_and_its_best_candidate(review, project):
    assert review.row == 0
    first = project.queue()[0]
    assert review.current_span_id == first.span.id
    assert review.cand_row == 0
    assert review.current_candidate.candidate.rank == 1


def test_confirm_saves_at_once_and_moves_to_the_next_pending(review, project_path):
    cid = review.current_candidate.id
    span = review.current_span_id
    assert review.confirm()
    # another connection sees it: the decision was committed
    assert _db_history(project_path, cid) == ["confirmed"]
    assert review.current_span_id != span
    assert review.items[0].status == "confirmed"
    assert review.current_item.status == "pending"


def test_reject_moves_to_the_next_candidate_then_the_next_quote(review, project):
    span = review.current_span_id
    n = len(review.candidates)
    assert n >= 2
    for _ in range(n):
        assert review.current_span_id == span
        review.reject()
    statuses = [c.status for c in project.candidates(span)]
    assert statuses == ["rejected"] * n
    assert review.items[0].status == "rejected"
    assert review.current_span_id != span


def test_pick_second_candidate_then_confirm(review, project):
    span = review.current_span_id
    assert review.pick(2)
    second = review.current_candidate
    assert second.candidate.rank == 2 or second is review.candidates[1]
    review.confirm()
    by_id = {c.id: c.status for c in project.candidates(span)}
    assert by_id[second.id] == "confirmed"
    assert sorted(by_id.values()).count("confirmed") == 1
    assert not review.pick(99)


def test_skip_records_skipped_and_advances(review, project):
    span = review.current_span_id
    review.skip()
    assert [i.status for i in project.queue() if i.span.id == span] == ["skipped"]
    assert review.current_span_id != span


def test_undo_appends_a_decision_and_redo_reapplies(review, project, project_path):
    cid = review.current_candidate.id
    span = review.current_span_id
    review.confirm()
    assert review.can_undo and not review.can_redo
    assert review.undo()
    # history is never deleted: confirmed, then pending again
    assert _db_history(project_path, cid) == ["confirmed", "pending"]
    assert review.current_span_id == span  # undo shows the quote it changed
    assert review.current_candidate.id == cid
    assert review.items[review.row].status == "pending"
    assert review.can_redo
    assert review.redo()
    assert _db_history(project_path, cid) == ["confirmed", "pending", "confirmed"]
    assert project.candidate(cid).status == "confirmed"
    assert not review.redo()


def test_a_new_decision_clears_redo(review):
    review.confirm()
    review.undo()
    assert review.can_redo
    review.reject()
    assert not review.can_redo


def test_note_is_saved_and_undoable(review, project):
    cid = review.current_candidate.id
    review.set_note("checked against the video")
    assert project.candidate(cid).decision.note == "checked against the video"
    review.confirm()  # the note survives a later decision
    assert project.candidate(cid).decision.note == "checked against the video"
    review.undo()  # undo the confirmation
    review.undo()  # undo the note
    assert project.candidate(cid).decision.note == ""
    assert [d.note for d in project.decisions(cid)][-1] == ""


def test_link_by_hand_confirms_and_undo_withdraws(review, project):
    span = review.current_span_id
    ar_doc = next(d for d in project.documents() if d.lang == "ar")
    text = project.document(ar_doc.id).text
    start = text.index("وأكد")
    end = text.index("\n", start)
    cid = review.link_manual(ar_doc.id, start, end, kind="translation", note="by hand")
    row = project.candidate(cid)
    assert row.status == "confirmed" and row.candidate.features.get("manual")
    assert review.current_candidate.id == cid
    assert review.items[review.row].status == "confirmed"
    review.undo()
    assert project.candidate(cid).status == "rejected"
    assert [d.status for d in project.decisions(cid)] == ["confirmed", "rejected"]
    assert review.current_span_id == span


def test_link_by_hand_refuses_a_bad_kind(review, project):
    doc = project.documents()[0]
    with pytest.raises(AlignerError):
        review.link_manual(doc.id, 0, 5, kind="nonsense")


def test_filters(review, project):
    review.set_filter(lang="ar")
    assert review.items and all(
        any(c.candidate.target.lang == "ar" for c in project.candidates(i.span.id)) for i in review.items)
    review.set_filter(lang=None, speaker="riad hijab")
    assert {i.span.quote.speaker for i in review.items} == {"Riad Hijab"}
    review.clear_filter()
    total = len(review.items)
    review.set_filter(min_score=0.9)
    assert 0 < len(review.items) < total
    assert all(i.best_score >= 0.9 for i in review.items)
    review.clear_filter()
    review.confirm()
    review.set_filter(status="confirmed")
    assert [i.status for i in review.items] == ["confirmed"]
    review.set_filter(status="pending")
    assert all(i.status == "pending" for i in review.items) and len(review.items) == total - 1


@pytest.mark.parametrize("query", ["ALEPPO", "alep", "جنيف", "الْوَضْع", "hijab", "Jean-Marc"])
def test_search_in_every_language(review, query):
    review.set_filter(search=query)
    assert review.items, query


def test_empty_queue_is_handled(review):
    review.set_filter(search="no such words anywhere")
    assert review.items == [] and review.current_item is None and review.current_candidate is None
    assert not review.confirm() and not review.reject()
    assert not review.next() and not review.previous()


def test_next_and_previous(review):
    assert not review.previous()
    assert review.next() and review.row == 1
    assert review.previous() and review.row == 0
    review.select_row(len(review.items) - 1)
    assert not review.next()


def test_progress_signal(qtbot, review):
    with qtbot.waitSignal(review.progress_changed) as blocker:
        review.confirm()
    done, total = blocker.args
    assert (done, total) == (1, len(review.items))


def test_search_targets_for_manual_links(review):
    rows = review.search_targets("جنيف")
    assert rows and all("جنيف" in r.quote.sentence for r in rows)
    rows = review.search_targets("CONVOI")  # folded: case and accents
    assert rows and all(r.quote.lang == "fr" for r in rows)
    source_doc = review.current_item.span.doc_id
    assert all(r.doc_id != source_doc for r in review.search_targets(""))


def test_fold_and_quote_status():
    assert fold("Alep É") == fold("alep e")
    assert fold("الْوَضْعُ") == fold("الوضع")
    assert quote_status([]) == "pending"
    assert quote_status(["rejected", "confirmed"]) == "confirmed"
    assert quote_status(["rejected", "rejected"]) == "rejected"
    assert quote_status(["rejected", "skipped"]) == "skipped"
    assert quote_status(["rejected", "pending"]) == "pending"


def test_auto_confirm_acknowledges_each_commit(review, project_path):
    acked = []
    n = review.auto_confirm(3, acked.append)
    assert n == 3 and len(acked) == 3
    for cid in acked:
        assert _db_history(project_path, cid) == ["confirmed"]


def test_decisions_are_visible_to_a_second_process_connection(review, project_path):
    review.confirm()
    with Project.open(project_path) as other:
        assert other.progress()[0] == 1


# ----------------------------------------------------------------------------- export


@pytest.mark.parametrize("fmt", ["tmx", "jsonl", "tsv"])
def test_export_confirmed_pairs(review, project, tmp_path, fmt):
    from aligner.export.formats import read_pairs
    from workbench.controllers import EXPORT_FORMATS, export_confirmed

    assert fmt in {f.key for f in EXPORT_FORMATS}  # every format of the core's registry is offered

    review.confirm()
    review.confirm()
    out = tmp_path / f"pairs.{fmt}"
    n = export_confirmed(project, fmt, str(out))
    assert n == 2
    body = out.read_text(encoding="utf-8")
    assert "Nous n'accepterons pas" in body or "Nous n&apos;accepterons pas" in body
    assert len(read_pairs(out)) == 2


def test_export_refuses_an_unknown_format(project, tmp_path):
    from aligner.errors import ChoiceError
    from workbench.controllers import export_confirmed

    with pytest.raises(ChoiceError):
        export_confirmed(project, "xlsx", str(tmp_path / "x.xlsx"))


# ----------------------------------------------------------------------------- jobs


def test_job_reports_progress_and_result(qtbot):
    runner = JobRunner()

    def work(progress, cancel):
        for i in range(5):
            progress(i + 1, 5, "step")
        return "result"

    job = Job(work)
    seen = []
    job.signals.progress.connect(lambda d, t, m: seen.append((d, t, m)))
    with qtbot.waitSignal(job.signals.finished, timeout=10_000) as blocker:
        runner.start(job)
    assert blocker.args == ["result"]
    assert seen[-1] == (5, 5, "step")
    runner.wait()


def test_job_can_be_cancelled(qtbot):
    import threading

    runner = JobRunner()
    started = threading.Event()
    finished_normally = []

    def work(progress, cancel):
        started.set()
        i = 0
        while True:  # only cancellation ends this loop
            progress(i, 0, "")
            i += 1
            cancel.wait(0.01)
        finished_normally.append(True)

    job = Job(work)
    with qtbot.waitSignal(job.signals.cancelled, timeout=10_000):
        runner.start(job)
        assert started.wait(10)
        job.cancel()
    runner.wait()
    assert not finished_normally


def test_job_errors_reach_the_window_as_errors_or_messages(qtbot):
    from aligner.errors import InputFileError

    runner = JobRunner()

    def bad(progress, cancel):
        raise InputFileError("/tmp/article.txt", "is not valid UTF-8")

    job = Job(bad)
    with qtbot.waitSignal(job.signals.failed, timeout=10_000) as blocker:
        runner.start(job)
    error = blocker.args[0]  # the core's error itself: the window words it in the UI language
    assert isinstance(error, InputFileError) and error.path == "/tmp/article.txt"

    def crash(progress, cancel):
        raise RuntimeError("boom")

    job = Job(crash)
    with qtbot.waitSignal(job.signals.failed, timeout=10_000) as blocker:
        runner.start(job)
    assert "boom" in blocker.args[0]
    runner.wait()
