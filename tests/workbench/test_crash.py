"""Kill -9 the app in the middle of a review session: every acknowledged decision survives."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading

import pytest

pytestmark = pytest.mark.gui

STARTUP_LIMIT_S = 120  # a safety net for a hung child, not a speed requirement


def _start(project_path, tmp_path, n):
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", WORKBENCH_TEST_AUTOCONFIRM=str(n),
               WORKBENCH_SKIP_MODEL_CHECK="1", XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.Popen(
        [sys.executable, "-m", "workbench", str(project_path), "--reviewer", "crash-test", "--lang", "en"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _reader(stream, q):
    for line in stream:
        q.put(line.rstrip("\n"))
    q.put(None)


@pytest.mark.parametrize("kill_after_acks,auto", [(2, 5), (None, 3)])
def test_kill_mid_session_keeps_every_acknowledged_decision(project_path, tmp_path, kill_after_acks, auto):
    from aligner.store import Project

    proc = _start(project_path, tmp_path, auto)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    acked: list[int] = []
    try:
        while True:
            try:
                line = lines.get(timeout=STARTUP_LIMIT_S)
            except queue.Empty:
                pytest.fail("the app did not report its decisions: " + proc.stderr.read()[-2000:])
            if line is None:
                pytest.fail("the app exited early: " + proc.stderr.read()[-2000:])
            if line.startswith("ACK "):
                acked.append(int(line.split()[1]))
                if kill_after_acks is not None and len(acked) >= kill_after_acks:
                    break  # kill while it is still deciding
            elif line.startswith("READY"):
                break  # kill while it idles mid-session
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    # ACKs printed before death count too
    while True:
        try:
            line = lines.get(timeout=5)
        except queue.Empty:
            break
        if line is None:
            break
        if line.startswith("ACK "):
            acked.append(int(line.split()[1]))
    assert proc.returncode == -signal.SIGKILL
    assert len(acked) >= (kill_after_acks or auto)

    with Project.open(project_path) as p:
        assert p.integrity_check() == "ok"
        for cid in acked:
            row = p.candidate(cid)
            assert row.status == "confirmed", cid
            assert row.decision.reviewer == "crash-test"
        assert p.progress()[0] >= len(acked)
        # the project still takes decisions after the crash
        p.decide(acked[0], "rejected", "after-crash")
        assert p.candidate(acked[0]).status == "rejected"
