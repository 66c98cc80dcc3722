"""The project as one file: checkpoints, a complete copy, rolling daily backups (issue 16, defect 7)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest

from aligner.errors import ProjectError
from aligner.store import Project
from aligner.store.files import backup_dir


@pytest.fixture
def decided(tmp_path):
    """A real project with three decisions, still open (its WAL holds them)."""
    from workbench.demo import build_demo_project

    p = build_demo_project(tmp_path / "p.aligner", tmp_path / "articles")
    for row in p.candidates()[:3]:
        p.decide(row.id, "confirmed", "tester")
    yield p
    p.close()


def _decisions(path) -> int:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    except sqlite3.OperationalError:  # even the tables may still sit in the -wal file
        return 0
    finally:
        con.close()


def test_a_copy_of_the_main_file_alone_is_complete_after_a_checkpoint(decided, tmp_path):
    lone = tmp_path / "lone.aligner"
    shutil.copyfile(decided.path, lone)  # what a reviewer e-mails while the app runs
    assert _decisions(lone) < 3  # the decisions sit in the -wal file
    log, done = decided.checkpoint()
    assert done == log
    shutil.copyfile(decided.path, lone)
    assert _decisions(lone) == 3


def test_save_copy_is_one_complete_file(decided, tmp_path):
    out = decided.save_copy(tmp_path / "copy.aligner")
    assert _decisions(out) == 3
    assert not out.with_name(out.name + "-wal").exists()
    with Project.open(out) as again:
        assert again.integrity_check() == "ok" and again.progress()[0] == decided.progress()[0]
    with pytest.raises(ProjectError, match="cannot replace"):
        decided.save_copy(decided.path)
    with pytest.raises(ProjectError, match="does not exist"):
        decided.save_copy(tmp_path / "nowhere" / "c.aligner")


def test_one_backup_per_day_and_the_last_five_kept(decided):
    day0 = dt.date(2026, 1, 1)
    made = [decided.daily_backup(today=day0 + dt.timedelta(days=i)) for i in range(7)]
    assert all(made)
    assert decided.daily_backup(today=day0 + dt.timedelta(days=6)) is None  # once a day
    kept = sorted(p.name for p in backup_dir(decided.path).iterdir())
    assert kept == [f"p-2026-01-0{d}.aligner" for d in range(3, 8)]
    assert _decisions(backup_dir(decided.path) / kept[-1]) == 3
