"""Whole-text alignments in a real project file: pairs, beads, review and edits that lose nothing."""

from __future__ import annotations

import sqlite3

import pytest

from aligner.bitext import Bead
from aligner.bitext_run import BitextResult, side_from_sentences
from aligner.errors import ChoiceError, ProjectError
from aligner.store import Project

SRC = ["Un.", "Deux.", "Trois.", "Quatre."]
TGT = ["One.", "Two and three.", "Four.", "Extra."]


def result(beads=None) -> BitextResult:
    beads = beads or [Bead((0,), (0,), 0.9), Bead((1, 2), (1,), 0.7), Bead((3,), (2,), 0.8), Bead((), (3,), 0.0)]
    return BitextResult(side_from_sentences(SRC, path="fr.txt", lang="fr"),
                        side_from_sentences(TGT, path="en.txt", lang="en"), tuple(beads))


def shape(p: Project, pair_id: int):
    return [(r.bead.src, r.bead.tgt) for r in p.beads(pair_id)]


def test_pair_and_beads_round_trip_in_reading_order(project):
    pid = project.save_pair(result(), model="m")
    (pair,) = project.bitext_pairs()
    assert (pair.id, pair.src_lang, pair.tgt_lang, pair.model) == (pid, "fr", "en", "m")
    rows = project.beads(pid)
    assert shape(project, pid) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,)), ((), (3,))]
    assert rows[1].src_text == "Deux. Trois." and rows[1].tgt_text == "Two and three."
    assert all(r.status == "pending" and r.origin == "aligner" for r in rows)


def test_split_merge_relink_keep_order_and_history(project, project_path):
    pid = project.save_pair(result())
    rows = project.beads(pid)
    new = project.split_bead(rows[1].id, 1, 1)  # 2-1 -> 1-1 + 1-0
    assert shape(project, pid)[1:3] == [((1,), (1,)), ((2,), ())]
    merged = project.merge_beads(new)
    assert shape(project, pid)[1] == ((1, 2), (1,))
    rows = project.beads(pid)
    project.relink_beads([rows[2].id, rows[3].id], [((3,), (2, 3))])
    assert shape(project, pid) == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3))]
    assert project.beads(pid)[1].id == merged
    # nothing was deleted: every earlier bead is still in the file, retired
    with sqlite3.connect(project_path) as c:
        assert c.execute("SELECT count(*) FROM beads").fetchone()[0] == 4 + 2 + 1 + 1
        assert c.execute("SELECT count(*) FROM beads WHERE replaced_by IS NULL").fetchone()[0] == 3


def test_edits_must_cover_the_same_neighbouring_sentences(project):
    pid = project.save_pair(result())
    rows = project.beads(pid)
    with pytest.raises(ProjectError, match="cover exactly"):
        project.relink_beads([rows[0].id], [((0, 1), (0,))])
    with pytest.raises(ProjectError, match="neighbouring"):
        project.merge_beads([rows[0].id, rows[2].id])
    with pytest.raises(ProjectError, match="empty part"):
        project.split_bead(rows[0].id, 0, 0)
    project.merge_beads([rows[0].id, rows[1].id])
    with pytest.raises(ProjectError, match="replaced"):
        project.decide_bead(rows[0].id, "confirmed")


def test_decisions_are_append_only_and_confirmed_beads_exclude_nulls(project, project_path):
    pid = project.save_pair(result())
    rows = project.beads(pid)
    for r in rows:
        project.decide_bead(r.id, "confirmed", "amal")
    project.decide_bead(rows[2].id, "rejected", "amal")
    got = [(pair.src_path, r.bead.src) for pair, r in project.confirmed_beads()]
    assert got == [("fr.txt", (0,)), ("fr.txt", (1, 2))]
    with pytest.raises(ChoiceError, match="bead status"):
        project.decide_bead(rows[0].id, "maybe")
    with sqlite3.connect(project_path) as c:
        assert c.execute("SELECT count(*) FROM bead_decisions").fetchone()[0] == 5
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            c.execute("DELETE FROM bead_decisions")
        with pytest.raises(sqlite3.DatabaseError, match="kept"):
            c.execute("DELETE FROM beads")


def test_realigning_the_same_files_adds_a_current_version(project):
    first = project.save_pair(result())
    project.decide_bead(project.beads(first)[0].id, "confirmed")
    second = project.save_pair(result())
    assert [p.id for p in project.bitext_pairs()] == [second]
    assert [p.id for p in project.bitext_pairs(current_only=False)] == [first, second]
    assert project.beads(first)[0].status == "confirmed"  # the earlier review is kept


def test_splitting_the_first_part_of_a_split_again_keeps_reading_order(project):
    pid = project.save_pair(result([Bead((0, 1, 2), (0, 1, 2), 0.9), Bead((3,), (3,), 0.9)]))
    first, _ = project.split_bead(project.beads(pid)[0].id, 2, 2)
    assert shape(project, pid) == [((0, 1), (0, 1)), ((2,), (2,)), ((3,), (3,))]
    project.split_bead(first, 1, 1)
    assert shape(project, pid) == [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,))]
