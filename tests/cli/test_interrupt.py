"""Issue 15: Ctrl-C says so and leaves nothing behind; debris of a killed run is cleaned."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aligner.io.atomic import atomic_write, clean_stale_temps

ROOT = Path(__file__).resolve().parents[2]

DRIVER = """
import signal, sys, time
# Ctrl-C as in a terminal: a test run started in the background by a non-interactive shell
# inherits SIGINT ignored, and Python then installs no KeyboardInterrupt handler
signal.signal(signal.SIGINT, signal.default_int_handler)
from aligner.cli import main, mine_cmd

class Slow:
    name = "slow"; dim = 8; dtype = "float32"
    def encode(self, texts, progress=None, **kw):
        print("READY", file=sys.stderr, flush=True)
        time.sleep(120)

mine_cmd.make_encoder = lambda model, *a, **k: Slow()
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_mine_says_interrupted_and_writes_nothing(tmp_path):
    (tmp_path / "s.txt").write_text("a b c\nd e f\n")
    (tmp_path / "t.txt").write_text("c b a\nf e d\n")
    (tmp_path / "drv.py").write_text(DRIVER)
    out = tmp_path / "out.tsv"
    out.write_text("keep me\n")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    p = subprocess.Popen([sys.executable, "drv.py", "mine", "s.txt", "t.txt", "-o", str(out)], cwd=tmp_path,
                         stderr=subprocess.PIPE, text=True, env=env)
    seen = ""
    deadline = time.time() + 120
    while "READY" not in seen and time.time() < deadline:
        line = p.stderr.readline()
        if not line:
            break
        seen += line
    assert "READY" in seen, seen
    p.send_signal(signal.SIGINT)
    err = p.stderr.read()
    assert p.wait(timeout=60) == 130, err
    assert "interrupted, nothing written" in err and "Traceback" not in err
    assert out.read_text() == "keep me\n"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["drv.py", "out.tsv", "s.txt", "t.txt"]


def test_ctrl_c_while_writing_removes_the_temp_file(tmp_path):
    out = tmp_path / "out.tsv"
    out.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with atomic_write(out) as f:
            f.write("half of the new content")
            raise KeyboardInterrupt
    assert out.read_text() == "old\n"
    assert [x.name for x in tmp_path.iterdir()] == ["out.tsv"]


def test_stale_temp_files_of_dead_writers_are_removed_on_the_next_write(tmp_path):
    out = tmp_path / "out.tsv"
    # a writer killed with -9: its pid no longer exists
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".out.tsv.{dead.pid}.abc123.tmp"
    stale.write_text("debris")
    # an old-style name without pid, two days old
    legacy = tmp_path / ".out.tsv.k3j4h5.tmp"
    legacy.write_text("debris")
    old = time.time() - 2 * 86400
    os.utime(legacy, (old, old))
    # a live writer's temp file (this process's parent) must be kept
    live = tmp_path / f".out.tsv.{os.getppid()}.zzz.tmp"
    live.write_text("in progress")
    other = tmp_path / ".other.txt.1.x.tmp"
    other.write_text("not ours")
    with atomic_write(out) as f:
        f.write("new\n")
    names = sorted(x.name for x in tmp_path.iterdir())
    assert names == sorted(["out.tsv", live.name, other.name])
    assert clean_stale_temps(out) == []
