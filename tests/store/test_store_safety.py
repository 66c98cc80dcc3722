"""Issue 15, Low, in the store: interrupted runs are marked, a damaged project is
one clear line, and a document is identified by its file and content, not by
the spelling of its path. Real project files, real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from aligner.errors import ProjectError
from aligner.store import Project

ROOT = Path(__file__).resolve().parents[2]


def test_a_run_killed_with_sigkill_is_marked_interrupted_on_the_next_open(project_path):
    with Project.open(project_path, create=True):
        pass
    code = ("import os, signal; from aligner.store import Project\n"
            f"p = Project.open({str(project_path)!r})\n"
            "p.start_run('model-x', {'top_k': 3})\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.returncode == -signal.SIGKILL
    with Project.open(project_path) as p:
        runs = p.runs()
        assert len(runs) == 1
        assert runs[0]["state"] == "interrupted" and runs[0]["finished"]
        assert "killed" in runs[0]["stats"]["reason"]
        assert any(a["action"] == "interrupt run" for a in p.audit_log())


def test_a_run_of_a_live_process_is_left_running(project_path):
    with Project.open(project_path, create=True) as writer:
        run_id = writer.start_run("model-x", {})
        with Project.open(project_path) as other:  # e.g. the workbench opening it meanwhile
            assert [r["state"] for r in other.runs()] == ["running"]
        writer.finish_run(run_id, {"candidates": 0})
        assert [r["state"] for r in writer.runs()] == ["finished"]


def test_ctrl_c_during_align_marks_the_run_interrupted(project_path, tmp_path):
    from aligner.pipeline import align_paths

    (tmp_path / "en.txt").write_text("“We will never accept a peace of graveyards in Syria,” Ayrault said.\n")

    class Interrupting:
        name, dim = "interrupting", 8

        def encode(self, texts, progress=None, **kw):
            raise KeyboardInterrupt

    with Project.open(project_path, create=True) as p:
        with pytest.raises(KeyboardInterrupt):
            align_paths([str(tmp_path / "en.txt")], Interrupting(), project=p)
        runs = p.runs()
    assert [r["state"] for r in runs] == ["interrupted"]
    assert runs[0]["stats"]["reason"] == "cancelled"


def test_a_damaged_project_is_one_line(tmp_path, helpers, capsys):
    import sqlite3

    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        for i in range(40):
            p.add_document(helpers.make_doc(f"doc{i}.txt", f"Document number {i}. " * 200, "en"))
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(path.read_bytes())
    for start in range(2 * 4096, len(data) - 4096, 5 * 4096):
        data[start:start + 64] = os.urandom(64)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(ProjectError) as e:
        Project.open(path)
    msg = str(e.value)
    assert "\n" not in msg and "damaged" in msg and len(msg) < 400, msg
    assert path.read_bytes() == before

    from aligner.cli import main

    assert main(["export", "--project", str(path), "--jsonl", str(tmp_path / "o.jsonl")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "damaged" in err


def test_the_same_article_by_relative_absolute_and_linked_path_is_stored_once(tmp_path, monkeypatch):
    from aligner.cli import align_cmd, main
    from fakes import FakeEncoder

    monkeypatch.setattr(align_cmd, "_encoder_factory", lambda model, *a, **k: FakeEncoder(dim=32))
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text("Agencies\n\n“We will never accept a peace of graveyards in Syria,” "
                              "Jean-Marc Ayrault said on Sunday.\n")
    (d / "fr.txt").write_text("Le Monde\n\n« La France n’acceptera jamais une paix des cimetières en Syrie », "
                              "a déclaré Jean-Marc Ayrault.\n")
    os.symlink(d / "en.txt", tmp_path / "link.txt")
    proj = tmp_path / "p.aligner"
    runs = (["in/en.txt", "in/fr.txt"], [str(d / "en.txt"), str(d / "fr.txt")], ["link.txt", "in/fr.txt"],
            ["in/en.txt", str(d / "en.txt"), "./in/../in/fr.txt"])
    for paths in runs:
        assert main(["align", *paths, "--project", str(proj), "--min-score", "0", "-f", "jsonl",
                     "-o", "m.jsonl"]) == 0
    with Project.open(proj) as p:
        docs = p.documents()
        assert sorted(Path(r.path).name for r in docs) == ["en.txt", "fr.txt"], [r.path for r in docs]
        variants = [r for r in p.candidates() if r.candidate.kind == "variant"]
        assert variants == []  # the article does not match itself
