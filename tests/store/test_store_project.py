"""Project store: documents, spans, embeddings, runs, candidates, decisions, audit."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import datetime, timezone

import numpy as np
import pytest

from aligner.errors import ChoiceError, DimensionError, ProjectError
from aligner.records import Candidate, Decision, Document
from aligner.store import CandidateRow, DocumentRow, Project, QueueItem, SpanRow, schema_version


def raw(path) -> sqlite3.Connection:
    return sqlite3.connect(str(path))


# ----------------------------------------------------------------------------- open / create


def test_create_sets_up_wal_schema_meta_and_audit(project_path):
    assert not project_path.exists()
    with Project.open(project_path, create=True, actor="maya") as p:
        assert p.path == project_path
        assert p.schema_version == schema_version() >= 1
        meta = p.meta()
        assert meta["app_version"]
        datetime.fromisoformat(meta["created"].replace("Z", "+00:00"))
        assert p.audit_log()[-1]["action"] == "create project"
        assert p.audit_log()[-1]["actor"] == "maya"
        c = p._conn
        assert c.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert c.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert c.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert c.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    con = raw(project_path)
    assert con.execute("PRAGMA user_version").fetchone()[0] == schema_version()
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"meta", "documents", "spans", "embeddings", "candidates", "decisions", "runs", "audit"} <= tables
    con.close()


def test_reopen_existing_without_create_and_keep_data(project_path, helpers):
    with Project.open(project_path, create=True) as p:
        helpers.build_corpus(p)
    with Project.open(project_path) as p:
        assert len(p.documents()) == 4
        assert p.audit_log()[-1]["action"] == "create project"  # not created twice


def test_missing_file_is_not_created(tmp_path):
    path = tmp_path / "nope.aligner"
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(path)
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(path, create=False)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(tmp_path / "no" / "such" / "p.aligner", create=True)


def test_closed_project_refuses_calls(project):
    project.close()
    project.close()  # idempotent
    assert project.closed
    with pytest.raises(ProjectError, match="closed"):
        project.documents()


# ----------------------------------------------------------------------------- documents


def test_add_document_new_same_and_new_version(project, helpers):
    d1 = helpers.make_doc("a.txt", "First version.", "en", body=((0, 14),), title="T")
    doc_id, new = project.add_document(d1)
    assert new
    assert project.add_document(d1) == (doc_id, False)
    assert project.document(doc_id) == d1
    project.set_spans(doc_id, [helpers.quote_of(d1, "First version.", is_quote=False)])

    d2 = helpers.make_doc("a.txt", "Second version, longer.", "en")
    doc2, new2 = project.add_document(d2)
    assert new2 and doc2 != doc_id
    rows = project.documents()
    assert [r.id for r in rows] == [doc2]
    assert isinstance(rows[0], DocumentRow) and rows[0].version == 2 and not rows[0].superseded
    every = {r.id: r for r in project.documents(current_only=False)}
    assert every[doc_id].superseded and every[doc2].version == 2
    # the old version keeps its text and spans
    assert project.document(doc_id).text == "First version."
    assert len(project.spans(doc_id)) == 1
    assert project.spans() == []  # spans of current documents only

    # content reverted to the first version: that row is current again, nothing new to embed
    assert project.add_document(d1) == (doc_id, False)
    assert [r.id for r in project.documents()] == [doc_id]


def test_add_document_computes_missing_sha(project):
    doc = Document(path="x.txt", text="abc", lang="en", encoding="utf-8", sha256="")
    doc_id, _ = project.add_document(doc)
    assert project.document(doc_id).sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert project.add_document(doc) == (doc_id, False)


def test_documents_count_quotes(project, corpus):
    counts = {r.path: r.n_quotes for r in project.documents()}
    assert counts[corpus.docs["en"].path] == 3
    assert counts[corpus.docs["ar"].path] == 1  # the other Arabic span is a sentence


def test_unknown_document_is_a_project_error(project):
    with pytest.raises(ProjectError, match="no document with id 99"):
        project.document(99)
    with pytest.raises(ProjectError, match="no document"):
        project.set_spans(99, [])


# ----------------------------------------------------------------------------- spans


def test_spans_round_trip_every_field(project, corpus):
    q = dataclasses.replace(corpus.quotes["talks"], parts=((120, 127), (130, 135)), outlet="AFP")
    sid = project.set_spans(corpus.doc_ids["en"], [q])[0]
    assert sid == corpus.span_ids["talks"]
    row = project.span(sid)
    assert isinstance(row, SpanRow) and row.doc_id == corpus.doc_ids["en"]
    assert row.quote == q
    assert row.quote.speaker_desc == "a spokesman of the ministry"
    hash(row.quote)  # stays hashable (parts are tuples)


def test_set_spans_is_idempotent_and_reports_new(project, corpus, helpers):
    en = corpus.docs["en"]
    names = ["abandon", "reforms", "talks"]
    again = project.upsert_spans(corpus.doc_ids["en"], [corpus.quotes[n] for n in names])
    assert again == [(corpus.span_ids[n], False) for n in names]
    extra = helpers.quote_of(en, "Later, the minister added:", is_quote=False)
    # the same offsets as a quote and as a sentence are two spans
    as_sentence = dataclasses.replace(corpus.quotes["talks"], is_quote=False)
    res = project.upsert_spans(corpus.doc_ids["en"], [corpus.quotes["talks"], extra, as_sentence])
    assert res[0] == (corpus.span_ids["talks"], False)
    assert res[1][1] and res[2][1] and res[1][0] != res[2][0]
    assert len(project.spans(corpus.doc_ids["en"])) == 5
    # an update of the speaker is kept, no duplicate row
    renamed = dataclasses.replace(corpus.quotes["talks"], speaker="Anne-Claire Legendre")
    assert project.set_spans(corpus.doc_ids["en"], [renamed]) == [corpus.span_ids["talks"]]
    assert project.span(corpus.span_ids["talks"]).quote.speaker == "Anne-Claire Legendre"


def test_spans_filters(project, corpus):
    ar = project.spans(lang="ar")
    assert {s.id for s in ar} == {corpus.span_ids["ar_abandon"], corpus.span_ids["ar_reforms"]}
    assert [s.id for s in project.spans(lang="ar", is_quote=False)] == [corpus.span_ids["ar_reforms"]]
    en = project.spans(corpus.doc_ids["en"])
    assert [s.quote.start for s in en] == sorted(s.quote.start for s in en)


def test_span_outside_document_is_refused(project, corpus):
    q = dataclasses.replace(corpus.quotes["abandon"], start=5, end=10_000)
    with pytest.raises(ProjectError, match="does not fit"):
        project.set_spans(corpus.doc_ids["en"], [q])
    with pytest.raises(ProjectError, match="no span with id"):
        project.span(12345)


# ----------------------------------------------------------------------------- embeddings


def _vecs(n: int, dim: int = 8, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return np.ascontiguousarray(v / np.linalg.norm(v, axis=1, keepdims=True))


def test_embeddings_cache_reports_missing(project):
    texts = ["alpha", "beta", "gamma"]
    vectors, missing = project.get_embeddings("model-a", texts)
    assert missing == [0, 1, 2] and vectors.shape[0] == 3
    v = _vecs(2)
    project.put_embeddings("model-a", ["alpha", "gamma"], v)
    vectors, missing = project.get_embeddings("model-a", ["gamma", "beta", "alpha", "gamma"])
    assert missing == [1]
    assert vectors.dtype == np.float32 and vectors.shape == (4, 8) and vectors.flags.c_contiguous
    np.testing.assert_array_equal(vectors[0], v[1])
    np.testing.assert_array_equal(vectors[2], v[0])
    np.testing.assert_array_equal(vectors[3], v[1])
    assert not vectors[1].any()
    # another model has its own cache
    assert project.get_embeddings("model-b", ["alpha"])[1] == [0]
    assert project.get_embeddings("model-b", ["alpha"], dim=8)[0].shape == (1, 8)


def test_embedding_lookup_is_also_a_mapping(project):
    v = _vecs(1)
    project.put_embeddings("m", ["x"], v)
    found = project.get_embeddings("m", ["x", "y"])
    got: dict = {}
    got.update(found)
    assert list(got) == ["x"] and "x" in found and "y" not in found
    np.testing.assert_array_equal(found["x"], v[0])
    assert found.missing == [1] and found.vectors.shape == (2, 8)


def test_put_embeddings_validates_arrays(project):
    with pytest.raises(DimensionError, match="float32"):
        project.put_embeddings("m", ["a"], np.zeros((1, 4), dtype=np.float64))
    with pytest.raises(DimensionError, match="2-D"):
        project.put_embeddings("m", ["a"], np.zeros(4, dtype=np.float32))
    with pytest.raises(DimensionError, match="2 texts but 1"):
        project.put_embeddings("m", ["a", "b"], np.zeros((1, 4), dtype=np.float32))
    with pytest.raises(DimensionError, match="C-contiguous"):
        project.put_embeddings("m", ["a", "b"], np.zeros((4, 2), dtype=np.float32).T)
    project.put_embeddings("m", ["a"], np.zeros((1, 4), dtype=np.float32))
    with pytest.raises(DimensionError, match="dim 4"):
        project.put_embeddings("m", ["b"], np.zeros((1, 5), dtype=np.float32))
    with pytest.raises(DimensionError, match="dim 4"):
        project.get_embeddings("m", ["a"], dim=5)


# ----------------------------------------------------------------------------- runs


def test_runs(project):
    rid = project.start_run("model-x", {"top_k": 3})
    project.finish_run(rid, {"candidates": np.int64(7)})
    (run,) = project.runs()
    assert run["id"] == rid and run["params"] == {"top_k": 3} and run["stats"] == {"candidates": 7}
    assert run["finished"] >= run["started"]
    with pytest.raises(ProjectError, match="no run"):
        project.finish_run(rid + 1, {})


# ----------------------------------------------------------------------------- candidates


def test_upsert_candidates_stores_and_orders(project, corpus):
    cands = corpus.default_candidates()
    ids = project.upsert_candidates(cands)
    assert len(set(ids)) == len(cands)
    rows = project.candidates()
    assert all(isinstance(r, CandidateRow) for r in rows)
    assert {r.id for r in rows} == set(ids)
    keys = [(r.source_span_id, r.candidate.kind, r.candidate.rank) for r in rows]
    assert keys == sorted(keys)
    by_id = {r.id: r for r in rows}
    for cid, cand in zip(ids, cands):
        r = by_id[cid]
        assert r.candidate == cand  # source and target quotes round-trip
        assert r.status == "pending" and r.decision is None and not r.stale
    only = project.candidates(corpus.span_ids["abandon"], kind="variant")
    assert [r.candidate.target.text for r in only] == ["we shall not abandon Lebanon"]
    # upserting the same again changes nothing but refreshes
    assert project.upsert_candidates(cands) == ids


def test_candidate_features_round_trip_numpy(project, corpus):
    c = corpus.cand("abandon", "fr_abandon", cosine=np.float32(0.5), margin=np.float64(1.25),
                    numbers=np.array([1, 2]), speaker=True)
    (cid,) = project.upsert_candidates([c])
    feats = project.candidate(cid).candidate.features
    assert feats == {"cosine": 0.5, "margin": 1.25, "numbers": [1, 2], "speaker": True}


def test_upsert_creates_missing_target_spans_but_not_documents(project, corpus, helpers):
    fr = corpus.docs["fr"]
    new_target = helpers.quote_of(fr, "Il a ajouté :", is_quote=False)
    (cid,) = project.upsert_candidates([Candidate("translation", 3, 0.3, corpus.quotes["reforms"], new_target)])
    assert project.candidate(cid).candidate.target == new_target
    ghost = dataclasses.replace(new_target, doc="not/in/project.txt")
    with pytest.raises(ProjectError, match="not in the project"):
        project.upsert_candidates([Candidate("translation", 3, 0.3, corpus.quotes["reforms"], ghost)])


def test_upsert_validates_kind_and_score(project, corpus):
    with pytest.raises(ChoiceError, match="translation"):
        project.upsert_candidates([dataclasses.replace(corpus.cand("abandon", "fr_abandon"), kind="bogus")])
    with pytest.raises(ProjectError, match="finite"):
        project.upsert_candidates([corpus.cand("abandon", "fr_abandon", score=float("nan"))])
    assert project.candidates() == []


def test_rerun_never_loses_or_changes_a_decision(project, corpus):
    run1 = project.start_run("m", {})
    cands = corpus.default_candidates()
    ids = project.upsert_candidates(cands, run_id=run1)
    cid = dict(zip([(c.source.text, c.target.text, c.kind) for c in cands], ids))
    fr_ok = cid[("We will not abandon Lebanon.", "Nous n'abandonnerons pas le Liban.", "translation")]
    fr_bad = cid[("We will not abandon Lebanon.", "Les réformes doivent commencer maintenant.", "translation")]
    ar_ok = cid[("We will not abandon Lebanon.", "لَنْ نَتَخَلَّى عَنْ لُبْنَانَ", "translation")]
    variant = cid[("We will not abandon Lebanon.", "we shall not abandon Lebanon", "variant")]
    undecided_gone = cid[("The reforms must start now.", "وأضاف أن الإصلاحات يجب أن تبدأ الآن.", "translation")]
    project.decide(fr_ok, "confirmed", "amal", "exact")
    project.decide(fr_bad, "rejected", "amal")
    project.decide(ar_ok, "skipped", "amal")
    project.decide(ar_ok, "confirmed", "bob", "checked with the Arabic desk")
    project.decide(variant, "confirmed", "bob")
    history = {i: project.decisions(i) for i in ids}
    table_before = sorted(raw(project.path).execute("SELECT * FROM decisions").fetchall())

    # re-run: new scores and ranks; the confirmed Arabic match, the rejected one and
    # an undecided one are not proposed any more
    run2 = project.start_run("m", {"again": True})
    rerun = [
        corpus.cand("abandon", "fr_abandon", rank=2, score=0.55),
        corpus.cand("abandon", "en2_abandon", kind="variant", rank=1, score=0.99),
        corpus.cand("abandon", "fr_reforms", kind="variant", rank=2, score=0.10),  # new kind
        corpus.cand("reforms", "fr_reforms", rank=1, score=0.77),
        corpus.cand("talks", "fr_reforms", rank=1, score=0.25),
    ]
    new_ids = project.upsert_candidates(rerun, run_id=run2)
    assert new_ids[0] == fr_ok and new_ids[1] == variant

    # decisions: untouched, row for row
    assert sorted(raw(project.path).execute("SELECT * FROM decisions").fetchall()) == table_before
    assert {i: project.decisions(i) for i in ids} == history
    # existing rows got the new scores and ranks, statuses kept
    fr = project.candidate(fr_ok)
    assert (fr.candidate.rank, fr.candidate.score, fr.status, fr.run_id) == (2, 0.55, "confirmed", run2)
    assert fr.decision.note == "exact"
    # gone ones are stale, hidden by default, still there with their decisions
    live = {r.id for r in project.candidates()}
    assert {ar_ok, fr_bad, undecided_gone}.isdisjoint(live)
    every = {r.id: r for r in project.candidates(include_stale=True)}
    assert every[ar_ok].stale and every[ar_ok].status == "confirmed"
    assert every[fr_bad].stale and every[fr_bad].status == "rejected"
    assert every[undecided_gone].stale and every[undecided_gone].status == "pending"
    # confirmed pairs include the stale confirmed one
    confirmed = {r.id: r for r in project.confirmed_pairs()}
    assert set(confirmed) == {fr_ok, ar_ok, variant}
    assert confirmed[ar_ok].stale and confirmed[ar_ok].decision.reviewer == "bob"
    # proposed again later: live again with its decision
    project.upsert_candidates([corpus.cand("abandon", "ar_abandon", rank=1, score=0.9)])
    back = project.candidate(ar_ok)
    assert not back.stale and back.status == "confirmed"


def test_replace_sources_stales_quotes_with_no_candidates_left(project, corpus):
    (cid,) = project.upsert_candidates([corpus.cand("talks", "fr_reforms")])
    project.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    assert not project.candidate(cid).stale  # "talks" was not part of that call
    project.upsert_candidates([corpus.cand("abandon", "fr_abandon")],
                              replace_sources=[corpus.span_ids["talks"], corpus.quotes["abandon"]])
    assert project.candidate(cid).stale


# ----------------------------------------------------------------------------- decisions


def test_decide_appends_history_and_sets_status(project, corpus):
    (cid,) = project.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    d1 = project.decide(cid, "confirmed", "amal", "looks right")
    assert isinstance(d1, Decision) and d1.candidate_id == cid and d1.status == "confirmed"
    t = datetime.fromisoformat(d1.time.replace("Z", "+00:00"))
    assert t.tzinfo is not None and t.utcoffset().total_seconds() == 0
    assert abs((datetime.now(timezone.utc) - t).total_seconds()) < 3600
    d2 = project.decide(cid, "rejected", "bob")  # note carried over
    d3 = project.decide(cid, "pending", "bob", "")  # explicit empty note clears it
    assert project.decisions(cid) == [d1, d2, d3]
    assert d2.note == "looks right" and d3.note == ""
    row = project.candidate(cid)
    assert row.status == "pending" and row.decision == d3
    assert project.candidates(status="pending")[0].id == cid
    assert project.candidates(status="confirmed") == []


def test_decide_validates(project, corpus):
    (cid,) = project.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    with pytest.raises(ChoiceError, match="confirmed"):
        project.decide(cid, "approved", "amal")
    with pytest.raises(ProjectError, match="no candidate"):
        project.decide(cid + 100, "confirmed", "amal")
    with pytest.raises(ProjectError, match="reviewer"):
        project.decide(cid, "confirmed", "  ")
    assert project.decisions(cid) == []


def test_history_is_append_only_in_the_database(project, corpus):
    (cid,) = project.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    project.decide(cid, "confirmed", "amal")
    con = raw(project.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE decisions SET status = 'rejected'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM decisions")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit")
    con.close()
    con = sqlite3.connect(str(project.path), isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    with pytest.raises(sqlite3.IntegrityError):
        con.execute("DELETE FROM candidates")  # a decided candidate cannot vanish
    con.close()


def test_set_note_keeps_status(project, corpus):
    (cid,) = project.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    project.set_note(cid, "first look", "amal")
    project.decide(cid, "confirmed", "amal")
    project.set_note(cid, "quote is abridged in English", "bob")
    hist = project.decisions(cid)
    assert [(d.status, d.note, d.reviewer) for d in hist] == [
        ("pending", "first look", "amal"), ("confirmed", "first look", "amal"),
        ("confirmed", "quote is abridged in English", "bob")]
    row = project.candidate(cid)
    assert row.status == "confirmed" and row.decision.note == "quote is abridged in English"
    # the confirmation time is the confirming decision's, not the later note's
    assert row.confirmed_at == hist[1].time
    with pytest.raises(ProjectError, match="no candidate"):
        project.set_note(cid + 1, "x", "bob")


def test_link_manual(project, corpus):
    fr = corpus.docs["fr"]
    start = fr.text.index("Il a ajouté")
    end = start + len("Il a ajouté")
    src = corpus.span_ids["reforms"]
    cid = project.link_manual(src, corpus.doc_ids["fr"], start, end, "translation", "amal", "by hand")
    row = project.candidate(cid)
    assert row.status == "confirmed" and row.manual and row.candidate.features["manual"] is True
    assert row.candidate.target.text == "Il a ajouté" and not row.candidate.target.is_quote
    assert row.candidate.target.lang == "fr" and row.decision.note == "by hand"
    assert project.decisions(cid)[-1].reviewer == "amal"
    # an existing span at those offsets is reused
    q = corpus.quotes["fr_abandon"]
    cid2 = project.link_manual(src, corpus.doc_ids["fr"], q.start, q.end, "translation", "amal")
    assert project.candidate(cid2).target_span_id == corpus.span_ids["fr_abandon"]
    # a re-run of the aligner never marks a hand-made link stale
    project.upsert_candidates([corpus.cand("reforms", "fr_reforms")])
    assert not project.candidate(cid).stale
    assert {r.id for r in project.confirmed_pairs()} >= {cid, cid2}
    with pytest.raises(ProjectError, match="not a non-empty range"):
        project.link_manual(src, corpus.doc_ids["fr"], 10, 10, "translation", "amal")
    with pytest.raises(ProjectError, match="no document"):
        project.link_manual(src, 999, 0, 1, "translation", "amal")
    with pytest.raises(ProjectError, match="itself"):
        q = corpus.quotes["reforms"]
        project.link_manual(src, corpus.doc_ids["en"], q.start, q.end, "variant", "amal")


# ----------------------------------------------------------------------------- queue


@pytest.fixture
def reviewed(project, corpus):
    ids = project.upsert_candidates(corpus.default_candidates())
    by = {(c.source.text[:4], c.target.text[:4], c.kind): i for c, i in zip(corpus.default_candidates(), ids)}
    return corpus, by


def test_queue_statuses_and_progress(project, reviewed):
    corpus, by = reviewed
    items = project.queue()
    assert all(isinstance(i, QueueItem) for i in items)
    # every English quote is a source, with or without candidates
    assert [i.span.id for i in items] == [corpus.span_ids[n] for n in ("abandon", "reforms", "talks", "en2_abandon")]
    assert [i.status for i in items] == ["pending"] * 4
    assert items[0].n_candidates == 4 and items[0].best_score == pytest.approx(0.95)
    assert (items[3].n_candidates, items[3].best_score) == (0, None)
    assert project.progress() == (0, 4)

    project.decide(by[("We w", "Nous", "translation")], "rejected", "amal")
    assert project.queue()[0].status == "pending"  # one rejected, others pending
    project.decide(by[("The ", "Les ", "translation")], "skipped", "amal")
    project.decide(by[("Talk", "Les ", "translation")], "rejected", "amal")
    status = {i.span.id: i.status for i in project.queue()}
    assert status == {corpus.span_ids["abandon"]: "pending", corpus.span_ids["reforms"]: "skipped",
                      corpus.span_ids["talks"]: "rejected", corpus.span_ids["en2_abandon"]: "pending"}
    project.decide(by[("We w", "لَنْ", "translation")], "confirmed", "amal")
    assert project.queue()[0].status == "confirmed"
    assert project.progress() == (2, 4)  # confirmed + rejected; skipped is not done
    assert [i.span.id for i in project.queue(status="skipped")] == [corpus.span_ids["reforms"]]
    with pytest.raises(ChoiceError):
        project.queue(status="done")


def test_queue_filters(project, reviewed):
    corpus, _ = reviewed
    ids = corpus.span_ids
    ar = project.queue(lang="ar")
    assert [i.span.id for i in ar] == [ids["abandon"], ids["reforms"]]
    assert ar[0].n_candidates == 1 and ar[0].best_score == pytest.approx(0.88)
    assert [i.span.id for i in project.queue(lang="de")] == []
    assert [i.span.id for i in project.queue(min_score=0.8)] == [ids["abandon"], ids["reforms"]]
    assert [i.span.id for i in project.queue(min_score=0.9)] == [ids["abandon"]]
    assert [i.span.id for i in project.queue(speaker="jean-yves LE DRIAN")] == [ids["abandon"], ids["reforms"]]
    assert [i.span.id for i in project.queue(doc_id=corpus.doc_ids["en2"])] == [ids["en2_abandon"]]
    assert project.queue(doc_id=corpus.doc_ids["fr"]) == []  # only English quotes are sources
    assert [i.span.id for i in project.queue(speaker="Le Drian", min_score=0.0)] == []  # en2 quote has none
    assert project.speakers() == ["A spokesman", "Jean-Yves Le Drian", "Le Drian"]


@pytest.mark.parametrize("query, expected", [
    ("REFORMS MUST", ["reforms"]),                       # source text, case-insensitive
    ("abandonnerons", ["abandon"]),                      # French target text
    ("reformes doivent", ["abandon", "reforms", "talks"]),  # accents ignored (réformes)
    ("لن نتخلى عن لبنان", ["abandon"]),                  # Arabic target, tashkeel ignored
    ("لَنْ نَتَخَلَّى", ["abandon"]),                        # a query with tashkeel too
    ("الاصلاحات", ["reforms"]),                           # hamza on alef folded (الإصلاحات)
    ("spokesman of the MINISTRY", ["talks"]),            # speaker description
    ("le drian", ["abandon", "reforms", "en2_abandon"]),  # speaker
    ("n’abandonnerons", ["abandon"]),                    # typographic apostrophe
    ("   ", ["abandon", "reforms", "talks", "en2_abandon"]),  # blank = no filter
    ("zebra", []),
])
def test_queue_search(project, reviewed, query, expected):
    corpus, _ = reviewed
    got = [i.span.id for i in project.queue(search=query)]
    order = {i.span.id: n for n, i in enumerate(project.queue())}
    want = sorted((corpus.span_ids[n] for n in expected), key=order.__getitem__)
    assert got == want


def test_queue_ignores_superseded_documents(project, corpus, helpers):
    project.upsert_candidates(corpus.default_candidates())
    changed = helpers.make_doc(corpus.docs["en2"].path, "Nothing quoted here any more.", "en")
    project.add_document(changed)
    assert corpus.span_ids["en2_abandon"] not in {i.span.id for i in project.queue()}


# ----------------------------------------------------------------------------- audit


def test_every_write_is_audited(project, corpus, helpers):
    actions_before = len(project.audit_log())
    rid = project.start_run("m", {})
    (cid,) = project.upsert_candidates([corpus.cand("abandon", "fr_abandon")], run_id=rid)
    project.finish_run(rid, {})
    project.decide(cid, "confirmed", "amal")
    project.set_note(cid, "n", "bob")
    project.put_embeddings("m", ["t"], np.zeros((1, 2), dtype=np.float32))
    q = corpus.quotes["reforms"]
    project.link_manual(corpus.span_ids["talks"], corpus.doc_ids["en"], q.start, q.end, "variant", "carla")
    log = project.audit_log()
    assert len(log) > actions_before
    assert [e["action"] for e in log[:9]] == [
        "decide", "link manual", "put embeddings", "note", "decide", "finish run",
        "upsert candidates", "start run", "set spans"]
    assert [e["actor"] for e in log[:5]] == ["carla", "carla", "tester", "bob", "amal"]
    assert log[4]["details"]["candidate_id"] == cid and log[4]["details"]["status"] == "confirmed"
    assert [e["id"] for e in project.audit_log(limit=3)] == [e["id"] for e in log[:3]]
    for e in log:
        datetime.fromisoformat(e["time"].replace("Z", "+00:00"))


def test_integrity_check_ok(project, corpus):
    project.upsert_candidates(corpus.default_candidates())
    assert project.integrity_check() == "ok"


def test_index_use_for_hot_queries(project, corpus):
    """Query plans (not timings) of the hot paths use indexes, not full scans."""
    con = project._conn

    def plan(sql, *args):
        return " ".join(r[-1] for r in con.execute("EXPLAIN QUERY PLAN " + sql, args))

    assert "INDEX" in plan("SELECT * FROM candidates WHERE source_span_id = ?", 1)
    assert "INDEX" in plan("SELECT * FROM candidates WHERE target_span_id = ?", 1)
    assert "INDEX" in plan("SELECT * FROM decisions WHERE candidate_id = ? ORDER BY id", 1)
    assert "INDEX" in plan('SELECT id FROM spans WHERE doc_id = ? AND start = ? AND "end" = ?', 1, 2, 3)
    assert "INDEX" in plan("SELECT * FROM candidates WHERE status = 'confirmed'")
    assert "PRIMARY KEY" in plan("SELECT vec FROM embeddings WHERE model = ? AND text_sha1 = ?", "m", "x")


def test_name_constraints_round_trip_and_audit(tmp_path):
    from aligner.store import Project

    path = tmp_path / "names.aligner"
    with Project.open(path, create=True) as p:
        assert p.name_constraints() is None
        data = {"must_link": [["Bassma Kodmani", "بسمة قضماني"]], "cannot_link": [["Rami Abdulrahman", "Abu Ali Abdel-Wahab"]]}
        p.set_name_constraints(data, "reviewer")
        assert p.audit_log(limit=1)[0]["action"] == "names.constraints"
    with Project.open(path) as p:
        assert p.name_constraints() == data
