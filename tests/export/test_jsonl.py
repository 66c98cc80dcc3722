"""JSONL export: one align-shaped object per confirmed pair, plus the decision."""

from __future__ import annotations

import json

import pytest

from aligner.export import export_jsonl

SIDE_KEYS = {"doc", "lang", "text", "sentence", "start", "end", "speaker", "quote_kind"}


def read(path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # newline-terminated
    return [json.loads(line) for line in lines[:-1]]


def test_one_object_per_confirmed_pair(reviewed, rows, tmp_path):
    out = tmp_path / "sub" / "pairs.jsonl"
    assert export_jsonl(rows, out) == len(rows) == len(reviewed.confirmed)
    objs = read(out)
    assert len(objs) == len(rows)
    for obj, row in zip(objs, rows):
        assert set(obj) == {"kind", "rank", "score", "source", "target", "doc_pair_score", "position_score",
                            "decision"}
        assert set(obj["source"]) == SIDE_KEYS and set(obj["target"]) == SIDE_KEYS
        expected = row.candidate.to_json()
        assert {k: obj[k] for k in expected} == expected
        assert obj["decision"] == {"reviewer": row.decision.reviewer, "time": row.decision.time,
                                   "note": row.decision.note}
    texts = {(o["source"]["text"], o["target"]["text"]) for o in objs}
    assert texts == {reviewed.texts[n] for n in reviewed.confirmed}


def test_text_survives_exactly(reviewed, rows, tmp_path):
    out = tmp_path / "pairs.jsonl"
    export_jsonl(rows, out)
    raw = out.read_text(encoding="utf-8")
    assert "لَنْ نَتَخَلَّى" in raw  # readable UTF-8, not \\u escapes
    objs = {(o["kind"], o["target"]["lang"]): o for o in read(out)}
    ar = objs[("translation", "ar")]
    assert ar["target"]["text"] == reviewed.texts["ar"][1]
    assert ar["decision"]["note"] == "تمت المراجعة" and ar["decision"]["reviewer"] == "Karim"
    fr = objs[("translation", "fr")]
    assert fr["decision"]["note"] == 'checked <against> the "original" & \'audio\''
    assert fr["source"]["speaker"] == "Jean-Yves Le Drian"
    multi = [o for o in read(out) if "\n" in o["target"]["text"]]
    assert len(multi) == 1  # a newline inside a text does not split the line


def test_empty_and_atomic(rows, tmp_path):
    folder = tmp_path / "exports"
    out = folder / "pairs.jsonl"
    assert export_jsonl([], out) == 0
    assert out.read_bytes() == b""
    out.write_text("old\n")

    class Boom:
        def __getattr__(self, name):
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        export_jsonl([*rows, Boom()], out)
    assert out.read_text() == "old\n"
    assert [p.name for p in folder.iterdir()] == ["pairs.jsonl"]
