"""Name decisions: an append-only log where a later decision on a pair supersedes an earlier one,
and a current state without duplicate pairs (issue 16, defect 3)."""

from __future__ import annotations

import sqlite3

import pytest

from aligner.store import Project


def test_later_decisions_supersede_and_history_is_kept(tmp_path):
    path = tmp_path / "n.aligner"
    with Project.open(path, create=True) as p:
        p.set_name_constraints({"must_link": [["Bassma Kodmani", "Basmah Qadamani"]], "cannot_link": []}, "amira")
        # split: the same pair is now "different" (and given twice, in both orders)
        p.set_name_constraints({"must_link": [], "cannot_link": [["Basmah Qadamani", "Bassma Kodmani"],
                                                                 ["bassma kodmani", "Basmah Qadamani"]]}, "amira")
        state = p.name_constraints()
        assert state["must_link"] == [] and len(state["cannot_link"]) == 1
        # merge again: "same" supersedes "different"
        p.set_name_constraints({"must_link": [["Bassma Kodmani", "Basmah Qadamani"]], "cannot_link": []}, "omar")
        log = p.name_decisions()
        assert [(d["kind"], d["reviewer"]) for d in log] == [("same", "amira"), ("different", "amira"),
                                                             ("same", "omar")]
        assert p.name_constraints()["must_link"] == [["Bassma Kodmani", "Basmah Qadamani"]]
        # nothing changed: nothing appended
        p.set_name_constraints(p.name_constraints(), "omar")
        assert len(p.name_decisions()) == 3
    con = sqlite3.connect(path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM name_decisions")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE name_decisions SET kind = 'same'")
    con.close()


def test_canonical_and_unlinked_are_logged(tmp_path):
    with Project.open(tmp_path / "c.aligner", create=True) as p:
        p.set_name_constraints({"must_link": [["A B", "A. B"]], "canonical": [["A B", "A. B"]]}, "r")
        p.set_name_constraints({"must_link": [], "canonical": [["a b", "A B"]]}, "r")
        kinds = [(d["kind"], d["form_a"], d["form_b"]) for d in p.name_decisions()]
        assert kinds == [("same", "A B", "A. B"), ("canonical", "A B", "A. B"), ("unlinked", "A B", "A. B"),
                         ("canonical", "a b", "A B")]
        assert p.name_constraints()["canonical"] == [["a b", "A B"]]
