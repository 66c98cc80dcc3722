"""Schema of a project file and its ordered migrations.

``MIGRATIONS[i]`` takes a project from schema version ``i`` to ``i + 1``.
Each runs inside its own write transaction together with the
``PRAGMA user_version`` bump (both are transactional in SQLite), so a
crash mid-migration leaves the file at the previous version. Never edit a
released migration: append a new one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

#: PRAGMA application_id of aligner projects ("ALN1"); marks the file as ours.
APPLICATION_ID = 0x414C4E31

_V1 = [
    """CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id            INTEGER PRIMARY KEY,
        path          TEXT NOT NULL,
        lang          TEXT NOT NULL,
        encoding      TEXT NOT NULL,
        sha256        TEXT NOT NULL,
        text          TEXT NOT NULL,
        title         TEXT NOT NULL DEFAULT '',
        body          TEXT NOT NULL DEFAULT '[]',   -- JSON [[start, end], ...]
        added         TEXT NOT NULL,                -- UTC ISO 8601
        version       INTEGER NOT NULL DEFAULT 1,   -- 1, 2, ... per path
        current       INTEGER NOT NULL DEFAULT 1,   -- 0 once superseded
        superseded_by INTEGER REFERENCES documents(id),
        extra         TEXT NOT NULL DEFAULT '{}',   -- JSON: Document fields without a column
        UNIQUE (path, sha256)
    )""",
    "CREATE UNIQUE INDEX documents_current_path ON documents(path) WHERE current = 1",
    """CREATE TABLE spans (
        id             INTEGER PRIMARY KEY,
        doc_id         INTEGER NOT NULL REFERENCES documents(id),
        lang           TEXT NOT NULL,
        text           TEXT NOT NULL,
        sentence       TEXT NOT NULL,
        start          INTEGER NOT NULL,
        "end"          INTEGER NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end   INTEGER NOT NULL,
        speaker        TEXT,
        outlet         TEXT,
        is_quote       INTEGER NOT NULL,
        parts          TEXT NOT NULL DEFAULT '[]',  -- JSON [[start, end], ...]
        speaker_desc   TEXT,
        extra          TEXT NOT NULL DEFAULT '{}',  -- JSON: Quote fields without a column
        norm           TEXT NOT NULL DEFAULT '',    -- folded text + sentence + speaker, for search
        speaker_norm   TEXT NOT NULL DEFAULT '',
        UNIQUE (doc_id, start, "end", is_quote)
    )""",
    "CREATE INDEX spans_lang ON spans(lang, is_quote)",
    "CREATE INDEX spans_speaker ON spans(speaker_norm)",
    """CREATE TABLE embeddings (
        model     TEXT NOT NULL,
        text_sha1 TEXT NOT NULL,
        dim       INTEGER NOT NULL,
        vec       BLOB NOT NULL,                    -- little-endian float32 * dim
        PRIMARY KEY (model, text_sha1)
    ) WITHOUT ROWID""",
    """CREATE TABLE runs (
        id       INTEGER PRIMARY KEY,
        model    TEXT NOT NULL,
        params   TEXT NOT NULL DEFAULT '{}',
        stats    TEXT,
        started  TEXT NOT NULL,
        finished TEXT
    )""",
    """CREATE TABLE candidates (
        id               INTEGER PRIMARY KEY,
        source_span_id   INTEGER NOT NULL REFERENCES spans(id),
        target_span_id   INTEGER NOT NULL REFERENCES spans(id),
        kind             TEXT NOT NULL,
        rank             INTEGER NOT NULL,
        score            REAL NOT NULL,
        features         TEXT NOT NULL DEFAULT '{}',
        run_id           INTEGER REFERENCES runs(id),
        stale            INTEGER NOT NULL DEFAULT 0,
        manual           INTEGER NOT NULL DEFAULT 0,
        first_seen       TEXT NOT NULL,
        last_seen        TEXT NOT NULL,
        -- cache of the latest decision (kept in step by Project.decide, same transaction)
        status           TEXT NOT NULL DEFAULT 'pending',
        last_decision_id INTEGER REFERENCES decisions(id),
        UNIQUE (source_span_id, target_span_id, kind)
    )""",
    "CREATE INDEX candidates_target ON candidates(target_span_id)",
    "CREATE INDEX candidates_status ON candidates(status)",
    "CREATE INDEX candidates_run ON candidates(run_id)",
    """CREATE TABLE decisions (
        id           INTEGER PRIMARY KEY,
        candidate_id INTEGER NOT NULL REFERENCES candidates(id),
        status       TEXT NOT NULL
                     CHECK (status IN ('pending', 'confirmed', 'rejected', 'skipped')),
        reviewer     TEXT NOT NULL,
        time         TEXT NOT NULL,
        note         TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX decisions_candidate ON decisions(candidate_id, id)",
    """CREATE TABLE audit (
        id      INTEGER PRIMARY KEY,
        time    TEXT NOT NULL,
        actor   TEXT NOT NULL,
        action  TEXT NOT NULL,
        details TEXT NOT NULL DEFAULT '{}'
    )""",
    # history is append-only: refuse edits and deletions at the database level
    """CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
       BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END""",
    """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    f"PRAGMA application_id = {APPLICATION_ID}",
]


# v2: the reviewers' name decisions as an append-only log (the current state stays in
# meta 'names_constraints' for readers); a later decision on a pair supersedes an earlier one
_V2 = [
    """CREATE TABLE name_decisions (
        id       INTEGER PRIMARY KEY,
        kind     TEXT NOT NULL CHECK (kind IN ('same', 'different', 'unlinked', 'canonical', 'type')),
        form_a   TEXT NOT NULL,               -- same/different/unlinked: the pair; canonical/type: the member
        form_b   TEXT NOT NULL,               -- ... the other form; the canonical form; the type ('' = cleared)
        reviewer TEXT NOT NULL,
        time     TEXT NOT NULL
    )""",
    """CREATE TRIGGER name_decisions_no_update BEFORE UPDATE ON name_decisions
       BEGIN SELECT RAISE(ABORT, 'name decisions are append-only'); END""",
    """CREATE TRIGGER name_decisions_no_delete BEFORE DELETE ON name_decisions
       BEGIN SELECT RAISE(ABORT, 'name decisions are append-only'); END""",
]


_V3_BITEXT = [
    # whole-text alignment (aligner bitext --project): one row per aligned pair of texts
    """CREATE TABLE bitext_pairs (
        id         INTEGER PRIMARY KEY,
        src_path   TEXT NOT NULL,
        tgt_path   TEXT NOT NULL,
        src_lang   TEXT NOT NULL,
        tgt_lang   TEXT NOT NULL,
        src_text   TEXT NOT NULL,   -- JSON: [[id, sentence, paragraph], ...]
        tgt_text   TEXT NOT NULL,
        model      TEXT NOT NULL DEFAULT '',
        created    TEXT NOT NULL,
        current    INTEGER NOT NULL DEFAULT 1
    )""",
    "CREATE INDEX bitext_pairs_paths ON bitext_pairs(src_path, tgt_path)",
    # beads are never edited: a split/merge/re-link retires them (replaced_by) and adds new ones
    """CREATE TABLE beads (
        id          INTEGER PRIMARY KEY,
        pair_id     INTEGER NOT NULL REFERENCES bitext_pairs(id),
        position    REAL NOT NULL,   -- reading order within the pair
        src_ids     TEXT NOT NULL,   -- JSON list of sentence ids
        tgt_ids     TEXT NOT NULL,
        score       REAL NOT NULL,
        origin      TEXT NOT NULL CHECK (origin IN ('aligner', 'split', 'merge', 'relink')),
        created     TEXT NOT NULL,
        replaced_by INTEGER,         -- id of the edit (audit row) that retired it
        status      TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'confirmed', 'rejected', 'skipped'))
    )""",
    "CREATE INDEX beads_pair ON beads(pair_id, replaced_by)",
    """CREATE TABLE bead_decisions (
        id       INTEGER PRIMARY KEY,
        bead_id  INTEGER NOT NULL REFERENCES beads(id),
        status   TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'skipped')),
        reviewer TEXT NOT NULL,
        time     TEXT NOT NULL
    )""",
    """CREATE TRIGGER bead_decisions_no_update BEFORE UPDATE ON bead_decisions
       BEGIN SELECT RAISE(ABORT, 'bead decisions are append-only'); END""",
    """CREATE TRIGGER bead_decisions_no_delete BEFORE DELETE ON bead_decisions
       BEGIN SELECT RAISE(ABORT, 'bead decisions are append-only'); END""",
    """CREATE TRIGGER beads_no_delete BEFORE DELETE ON beads
       BEGIN SELECT RAISE(ABORT, 'beads are kept: retire them instead'); END""",
]


# v4: article pairs (aligner/pairing.py): which French/Arabic articles an English article draws on
_V4_ARTICLE_PAIRS = [
    """CREATE TABLE article_pairs (
        source_doc_id INTEGER NOT NULL REFERENCES documents(id),
        target_doc_id INTEGER NOT NULL REFERENCES documents(id),
        score         REAL NOT NULL,
        evidence      TEXT NOT NULL DEFAULT '{}',   -- JSON: mutual, coverage, names, numbers, outlet
        run_id        INTEGER REFERENCES runs(id),
        updated       TEXT NOT NULL,
        PRIMARY KEY (source_doc_id, target_doc_id)
    )""",
    "CREATE INDEX article_pairs_target ON article_pairs(target_doc_id)",
]


def _run(statements: list[str]) -> Callable[[sqlite3.Connection], None]:
    def migrate(conn: sqlite3.Connection) -> None:
        for sql in statements:
            conn.execute(sql)

    migrate.__doc__ = f"{len(statements)} SQL statements"
    return migrate


#: Ordered migrations; ``len(MIGRATIONS)`` is the schema version this code writes.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _run(_V1),
    _run(_V2),
    _run(_V3_BITEXT),
    _run(_V4_ARTICLE_PAIRS),
]


def schema_version() -> int:
    """The schema version this code understands (read at call time, so tests can extend it)."""
    return len(MIGRATIONS)
