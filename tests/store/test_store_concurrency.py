"""Two processes on one project, and processes killed mid-write."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import traceback

from aligner.records import Candidate
from aligner.store import Project

N_DECISIONS = 150
N_RERUNS = 25
STATUSES = ("confirmed", "rejected", "skipped")


def _mp():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _gui_reviewer(path, ids, out, start):
    """Like the GUI: one decision (own commit) after another."""
    try:
        with Project.open(path, actor="gui") as p:
            start.wait(60)
            for i in range(N_DECISIONS):
                p.decide(ids[i % len(ids)], STATUSES[i % 3], "gui", f"gui-{i}")
                time.sleep(0.002)  # a (very fast) reviewer
        out.put(("ok", "gui"))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def _cli_realigner(path, out, start):
    """Like `aligner align --project`: runs, re-scored upserts, and a few decisions."""
    try:
        with Project.open(path, actor="cli") as p:
            start.wait(60)
            spans = p.spans()
            sources = [s.quote for s in spans if s.quote.lang == "en" and s.quote.is_quote]
            targets = [s.quote for s in spans if s.quote.lang != "en"]
            for i in range(N_RERUNS):
                run = p.start_run("fake", {"round": i})
                cands = [Candidate("translation", r + 1, ((i * 7 + r) % 100) / 100, src, tgt)
                         for src in sources for r, tgt in enumerate(targets)
                         if (i + r) % 4 != 0]  # a different subset each round
                ids = p.upsert_candidates(cands, run_id=run)
                p.finish_run(run, {"n": len(cands)})
                p.decide(ids[0], "skipped", "cli", f"cli-{i}")
                time.sleep(0.01)  # the aligner computes between writes
        out.put(("ok", "cli"))
    except BaseException:
        out.put(("error", traceback.format_exc()))


def test_two_processes_write_concurrently(tmp_path, helpers):
    path = tmp_path / "shared.aligner"
    with Project.open(path, create=True) as p:
        corpus = helpers.build_corpus(p)
        ids = p.upsert_candidates(corpus.default_candidates())
    ctx = _mp()
    out = ctx.Queue()
    start = ctx.Barrier(2)  # both connections open, then both write at once
    procs = [ctx.Process(target=_gui_reviewer, args=(path, ids, out, start)),
             ctx.Process(target=_cli_realigner, args=(path, out, start))]
    for proc in procs:
        proc.start()
    results = [out.get(timeout=300) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
    errors = [msg for kind, msg in results if kind != "ok"]
    assert not errors, "\n".join(errors)
    assert all(proc.exitcode == 0 for proc in procs)

    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        notes = [d.note for cid in {r.id for r in p.candidates(include_stale=True)} for d in p.decisions(cid)]
        assert sorted(n for n in notes if n.startswith("gui-")) == sorted(f"gui-{i}" for i in range(N_DECISIONS))
        assert sorted(n for n in notes if n.startswith("cli-")) == sorted(f"cli-{i}" for i in range(N_RERUNS))
        # every decision of the GUI survived the re-runs, in order, on the right candidate
        for j, cid in enumerate(ids):
            gui = [d for d in p.decisions(cid) if d.reviewer == "gui"]
            expect = [f"gui-{i}" for i in range(N_DECISIONS) if i % len(ids) == j]
            assert [d.note for d in gui] == expect
            assert [d.status for d in gui] == [STATUSES[int(n[4:]) % 3] for n in expect]
        assert len(p.runs()) == N_RERUNS and all(r["finished"] for r in p.runs())
        # the writes really interleaved (otherwise this test proves little)
        actors = [e["actor"] for e in reversed(p.audit_log()) if e["actor"] in ("gui", "cli")]
        first_cli, last_cli = actors.index("cli"), len(actors) - 1 - actors[::-1].index("cli")
        assert "gui" in actors[first_cli:last_cli]


def test_threads_share_one_project(project, corpus):
    ids = project.upsert_candidates(corpus.default_candidates())
    errors = []

    def work(name):
        try:
            for i in range(40):
                project.decide(ids[i % len(ids)], "confirmed", name, f"{name}-{i}")
                project.queue()
        except BaseException:
            errors.append(traceback.format_exc())

    threads = [threading.Thread(target=work, args=(f"t{k}",)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(len(project.decisions(c)) for c in ids) == 120


KILLED_WRITER = textwrap.dedent("""
    import sys
    from aligner.store import Project
    path, ids = sys.argv[1], [int(x) for x in sys.argv[2].split(",")]
    p = Project.open(path, actor="doomed")
    i = 0
    while True:
        p.decide(ids[i % len(ids)], ("confirmed", "rejected")[i % 2], "doomed", f"n{i}")
        print(i, flush=True)  # only after the commit returned
        i += 1
""")


def test_kill_9_loses_no_acknowledged_decision(tmp_path, helpers):
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        corpus = helpers.build_corpus(p)
        ids = p.upsert_candidates(corpus.default_candidates())
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(path), ",".join(map(str, ids))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked = []
    try:
        for line in proc.stdout:
            acked.append(int(line))
            if len(acked) >= 40:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert len(acked) >= 40, proc.stderr.read()
    assert proc.returncode == -signal.SIGKILL

    con = sqlite3.connect(str(path))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        notes = {d.note for cid in ids for d in p.decisions(cid)}
        assert {f"n{i}" for i in acked} <= notes
        stored = sorted(int(n[1:]) for n in notes)
        assert stored == list(range(len(stored)))  # a prefix: nothing half-written in between
        # the cached status agrees with the last stored decision
        for cid in ids:
            hist = p.decisions(cid)
            assert p.candidate(cid).status == (hist[-1].status if hist else "pending")


KILLED_ALIGNER = textwrap.dedent("""
    import sys
    from aligner.records import Candidate
    from aligner.store import Project
    p = Project.open(sys.argv[1], actor="doomed")
    spans = p.spans()
    src = [s.quote for s in spans if s.quote.is_quote and s.quote.lang == "en"]
    tgt = [s.quote for s in spans if s.quote.lang != "en"]
    i = 0
    while True:
        run = p.start_run("fake", {"i": i})
        cands = [Candidate("translation", k, (i % 50) / 100, s, t) for s in src for k, t in enumerate(tgt)]
        p.upsert_candidates(cands, run_id=run)
        p.finish_run(run, {"i": i})
        print(i, flush=True)
        i += 1
""")


def test_kill_9_during_upserts_keeps_each_upsert_whole(tmp_path, helpers):
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        helpers.build_corpus(p)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_ALIGNER, str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acked = []
    try:
        for line in proc.stdout:
            acked.append(int(line))
            if len(acked) >= 10:
                break
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert len(acked) >= 10, proc.stderr.read()
    with Project.open(path) as p:
        assert p.integrity_check() == "ok"
        runs = p.runs()
        assert len([r for r in runs if r["finished"]]) >= len(acked)
        # one score per upsert: all candidates carry the score of the same (last committed) upsert
        scores = {r.candidate.score for r in p.candidates(include_stale=True)}
        assert len(scores) == 1
        last_run = max(r.run_id for r in p.candidates())
        assert {r.run_id for r in p.candidates()} == {last_run}
