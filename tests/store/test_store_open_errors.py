"""Opening bad files: clear ProjectError, the file left byte-for-byte untouched."""

from __future__ import annotations

import os
import sqlite3

import pytest

from aligner.errors import ProjectError
from aligner.store import Project, _schema, schema_version


def snapshot(folder):
    """Every file in ``folder`` with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def checkpointed_project(path, helpers, n_docs: int = 40):
    """A real project with enough pages to truncate, all data in the main file."""
    with Project.open(path, create=True) as p:
        for i in range(n_docs):
            p.add_document(helpers.make_doc(f"doc{i}.txt", f"Document number {i}. " * 200, "en"))
    con = sqlite3.connect(str(path))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for side in ("-wal", "-shm"):
        p = path.with_name(path.name + side)
        if p.exists() and p.stat().st_size == 0:
            p.unlink()
    return path


def assert_refused(path, match: str):
    before = snapshot(path.parent)
    for create in (False, True):
        with pytest.raises(ProjectError, match=match) as e:
            Project.open(path, create=create)
        assert str(path) in str(e.value)
    assert snapshot(path.parent) == before  # untouched, no -wal/-shm left behind


def test_text_file(tmp_path):
    path = tmp_path / "notes.aligner"
    path.write_text("This is my shopping list.\nmilk\n", encoding="utf-8")
    assert_refused(path, "not an aligner project")


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.aligner"
    path.write_bytes(os.urandom(8192))
    assert_refused(path, "not an aligner project")


def test_random_bytes_after_a_sqlite_header(tmp_path):
    path = tmp_path / "fake.aligner"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    assert_refused(path, "damaged|not an aligner project")


def test_empty_file(tmp_path):
    path = tmp_path / "empty.aligner"
    path.write_bytes(b"")
    assert_refused(path, "empty")


def test_truncated_project(tmp_path, helpers):
    path = checkpointed_project(tmp_path / "p.aligner", helpers)
    data = path.read_bytes()
    assert len(data) > 100_000
    path.write_bytes(data[: len(data) // 3])
    assert_refused(path, "damaged")


def test_header_only(tmp_path, helpers):
    path = checkpointed_project(tmp_path / "p.aligner", helpers)
    path.write_bytes(path.read_bytes()[:60])
    assert_refused(path, "damaged")


def test_corrupted_pages(tmp_path, helpers):
    path = checkpointed_project(tmp_path / "p.aligner", helpers)
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 5 * page):  # scribble over b-tree pages
        data[start:start + 64] = os.urandom(64)
    path.write_bytes(bytes(data))
    assert_refused(path, "damaged")


def test_other_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices(total) VALUES (12.5)")
    con.commit()
    con.close()
    assert_refused(path, "not an aligner project")


def test_newer_schema(tmp_path, helpers):
    path = checkpointed_project(tmp_path / "p.aligner", helpers, n_docs=2)
    con = sqlite3.connect(str(path))
    con.execute(f"PRAGMA user_version = {schema_version() + 5}")
    con.commit()
    con.close()
    assert_refused(path, "newer version")


def test_newer_schema_with_live_wal(tmp_path, helpers):
    """The newer version number sits only in the WAL (not checkpointed yet)."""
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True):
        pass
    holder = sqlite3.connect(str(path), isolation_level=None)
    holder.execute("PRAGMA wal_autocheckpoint = 0")
    holder.execute(f"PRAGMA user_version = {schema_version() + 1}")
    main_before = path.read_bytes()
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(path)
    assert path.read_bytes() == main_before
    holder.close()


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(ProjectError, match="folder"):
        Project.open(tmp_path)


def test_empty_sqlite_file_is_initialised_only_when_creating(tmp_path):
    """A valid SQLite file with no tables (a creation that never finished)."""
    path = tmp_path / "blank.aligner"
    con = sqlite3.connect(str(path))
    con.execute("CREATE TABLE t(x)")
    con.execute("DROP TABLE t")
    con.commit()
    con.close()
    assert path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(ProjectError, match="not an aligner project"):
        Project.open(path)
    with Project.open(path, create=True) as p:
        assert p.schema_version == schema_version()


# ----------------------------------------------------------------------------- locks


def test_locked_by_another_writer_is_a_clear_error(tmp_path, helpers):
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        corpus = helpers.build_corpus(p)
        (cid,) = p.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    other = sqlite3.connect(str(path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        with Project.open(path, busy_timeout=0.3) as p:  # reading still works
            assert p.candidate(cid).status == "pending"
            with pytest.raises(ProjectError, match="locked by another program"):
                p.decide(cid, "confirmed", "amal")
            assert p.decisions(cid) == []
            other.execute("COMMIT")
            p.decide(cid, "confirmed", "amal")  # works again once released
            assert p.candidate(cid).status == "confirmed"
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


def test_wait_for_a_short_lock(tmp_path, helpers):
    """A lock shorter than the timeout is waited for, not reported."""
    import threading

    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        corpus = helpers.build_corpus(p)
        (cid,) = p.upsert_candidates([corpus.cand("abandon", "fr_abandon")])
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    timer.start()
    try:
        with Project.open(path, busy_timeout=20) as p:
            p.decide(cid, "confirmed", "amal")
            assert p.candidate(cid).status == "confirmed"
    finally:
        timer.join()
        other.close()


# ----------------------------------------------------------------------------- migrations


def _add_column(conn):
    conn.execute("ALTER TABLE documents ADD COLUMN source_url TEXT")


def _broken(conn):
    conn.execute("CREATE TABLE extra_table (x)")
    conn.execute("ALTER TABLE no_such_table ADD COLUMN y TEXT")


def test_migration_to_a_newer_schema(tmp_path, helpers, monkeypatch):
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        helpers.build_corpus(p)
        n_docs = len(p.documents())
    old = schema_version()
    monkeypatch.setattr(_schema, "MIGRATIONS", [*_schema.MIGRATIONS, _add_column])
    with Project.open(path) as p:
        assert p.schema_version == old + 1
        assert len(p.documents()) == n_docs
        entry = p.audit_log()[0]
        assert entry["action"] == "migrate" and entry["details"]["from"] == old
        assert "migrated" in p.meta()
    cols = [r[1] for r in sqlite3.connect(str(path)).execute("PRAGMA table_info(documents)")]
    assert "source_url" in cols
    backup = path.with_name(f"{path.name}.v{old}.bak")
    con = sqlite3.connect(str(backup))
    assert con.execute("PRAGMA user_version").fetchone()[0] == old
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == n_docs
    con.close()


def test_failed_migration_leaves_the_project_as_it_was(tmp_path, helpers, monkeypatch):
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        helpers.build_corpus(p)
    old = schema_version()
    monkeypatch.setattr(_schema, "MIGRATIONS", [*_schema.MIGRATIONS, _broken])
    with pytest.raises(ProjectError, match=f"from schema {old} to {old + 1} failed"):
        Project.open(path)
    con = sqlite3.connect(str(path))
    assert con.execute("PRAGMA user_version").fetchone()[0] == old
    assert con.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'extra_table'").fetchone()[0] == 0
    con.close()
    monkeypatch.setattr(_schema, "MIGRATIONS", _schema.MIGRATIONS[:old])
    with Project.open(path) as p:
        assert len(p.documents()) == 4
