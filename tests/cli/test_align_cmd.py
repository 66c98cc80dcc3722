"""`aligner align` end to end with a fake encoder (real files, real project)."""

from __future__ import annotations

import json

import pytest

from aligner.cli import main
from aligner.cli import align_cmd

EN = "Agencies\n\n“We will never accept a peace of graveyards in Syria,” Jean-Marc Ayrault said on Sunday.\n"
EN2 = "World\n\n“France will never accept a peace of graveyards in Syria,” said Ayrault.\n"
FR = "Le Monde\n\n« La France n’acceptera jamais une paix des cimetières en Syrie », a déclaré Jean-Marc Ayrault.\n"


@pytest.fixture
def articles(tmp_path, monkeypatch, fake_encoder):
    monkeypatch.setattr(align_cmd, "_encoder_factory", lambda model, settings: fake_encoder)
    d = tmp_path / "in"
    d.mkdir()
    (d / "en.txt").write_text(EN, encoding="utf-8")
    (d / "en2.txt").write_text(EN2, encoding="utf-8")
    (d / "fr.txt").write_text(FR, encoding="cp1252", errors="replace")
    return d


def test_jsonl_output_has_the_documented_shape(articles, tmp_path):
    out = tmp_path / "m.jsonl"
    assert main(["align", str(articles), "--min-score", "0", "--format", "jsonl", "-o", str(out)]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert rows
    for r in rows:
        assert set(r) == {"kind", "rank", "score", "source", "target", "doc_pair_score", "position_score"}
        assert r["kind"] in ("translation", "variant") and r["rank"] >= 1 and 0 <= r["score"] <= 1
        for side in (r["source"], r["target"]):
            assert set(side) == {"doc", "lang", "text", "sentence", "start", "end", "speaker", "quote_kind"}
        assert r["source"]["lang"] == "en"
        assert r["source"]["quote_kind"] in ("speech", "term", "title", "headline")
        if r["kind"] == "translation":
            assert 0 <= r["doc_pair_score"] <= 1 and -1 <= r["position_score"] <= 1
        else:
            assert r["doc_pair_score"] is None and r["position_score"] is None
    assert {r["kind"] for r in rows if r["rank"] == 1} == {"translation", "variant"}


def test_tsv_and_tmx(articles, tmp_path, capsys):
    assert main(["align", str(articles), "--min-score", "0", "--format", "tsv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split("\t")[:3] == ["kind", "rank", "score"]
    assert all(len(x.split("\t")) == 10 for x in lines)
    assert main(["align", str(articles), "--format", "tmx"]) == 2  # needs -o
    tmx = tmp_path / "m.tmx"
    assert main(["align", str(articles), "--min-score", "0", "--format", "tmx", "-o", str(tmx)]) == 0
    assert "<tmx" in tmx.read_text(encoding="utf-8")


def test_unreadable_file_is_named_and_the_rest_runs(articles, tmp_path, capsys):
    (articles / "broken.txt").write_bytes(b"\x00\xff\x00\xfe" * 100)
    out = tmp_path / "m.jsonl"
    assert main(["align", str(articles), "--min-score", "0", "-f", "jsonl", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "broken.txt" in err and "binary" in err
    assert out.read_text(encoding="utf-8").strip()


def test_project_rerun_keeps_decisions(articles, tmp_path):
    from aligner.store import Project

    proj = tmp_path / "p.aligner"
    assert main(["align", str(articles), "--project", str(proj), "--min-score", "0", "-f", "jsonl", "-o", str(tmp_path / "a")]) == 0
    with Project.open(proj) as p:
        cid = p.candidates()[0].id
        p.decide(cid, "rejected", "me", "wrong speaker")
    assert main(["align", str(articles), "--project", str(proj), "--min-score", "0", "-f", "jsonl", "-o", str(tmp_path / "b")]) == 0
    with Project.open(proj) as p:
        row = [r for r in p.candidates(include_stale=True) if r.id == cid][0]
        assert row.status == "rejected" and row.decision.note == "wrong speaker"


def test_corrupt_project_is_refused_and_left_untouched(articles, tmp_path, capsys):
    proj = tmp_path / "p.aligner"
    proj.write_bytes(b"not a database at all" * 10)
    before = proj.read_bytes()
    assert main(["align", str(articles), "--project", str(proj)]) == 2
    assert "not an aligner project" in capsys.readouterr().err
    assert proj.read_bytes() == before
