"""``aligner export --project FILE [--tmx OUT] [--jsonl OUT]``."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest
from translate.storage.tmx import tmxfile

from aligner.cli import main
from aligner.records import Candidate, Document, Quote
from aligner.store import Project

EN = 'He said: "We will not abandon Lebanon & its <people>."'
AR = "قال: «لن نتخلى عن لبنان وشعبه»."


def _doc(path, text, lang):
    return Document(path=path, text=text, lang=lang, encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest())


def _quote(doc, needle, **kw):
    s = doc.text.index(needle)
    return Quote(doc=doc.path, lang=doc.lang, text=needle, sentence=doc.text, start=s, end=s + len(needle),
                 sentence_start=0, sentence_end=len(doc.text), **kw)


def make_project(path, *, confirm: bool = True):
    en, ar = _doc("en.txt", EN, "en"), _doc("ar.txt", AR, "ar")
    src = _quote(en, "We will not abandon Lebanon & its <people>.", speaker="Le Drian")
    tgt = _quote(ar, "لن نتخلى عن لبنان وشعبه")
    other = _quote(ar, "قال", is_quote=False)
    with Project.open(path, create=True) as p:
        p.set_spans(p.add_document(en)[0], [src])
        p.set_spans(p.add_document(ar)[0], [tgt, other])
        good, bad = p.upsert_candidates([Candidate("translation", 1, 0.9, src, tgt),
                                         Candidate("translation", 2, 0.2, src, other)])
        if confirm:
            p.decide(good, "confirmed", "amal", "ok")
            p.decide(bad, "rejected", "amal")
    return path


def run(capsys, *args):
    code = main(["export", *map(str, args)])
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


def test_export_both_formats(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner")
    tmx, jsonl = tmp_path / "out" / "pairs.tmx", tmp_path / "out" / "pairs.jsonl"
    code, out, err = run(capsys, "--project", project, "--tmx", tmx, "--jsonl", jsonl)
    assert code == 0, err
    assert f"wrote 1 confirmed pair to {tmx}" in out
    assert f"wrote 1 confirmed pair to {jsonl}" in out
    with open(tmx, "rb") as f:
        (unit,) = tmxfile(f).units
    assert unit.source == "We will not abandon Lebanon & its <people>."
    assert unit.gettarget("ar") == "لن نتخلى عن لبنان وشعبه"
    (obj,) = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert obj["decision"]["reviewer"] == "amal" and obj["target"]["lang"] == "ar"


def test_export_one_format(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner")
    code, out, _ = run(capsys, "--project", project, "--jsonl", tmp_path / "only.jsonl")
    assert code == 0 and "wrote 1 confirmed pair" in out
    assert (tmp_path / "only.jsonl").exists()
    assert not list(tmp_path.glob("*.tmx"))


def test_export_needs_an_output(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner")
    code, out, err = run(capsys, "--project", project)
    assert code == 2
    assert "--tmx" in err and "--jsonl" in err
    assert "Traceback" not in err + out


def test_missing_project_is_not_created(tmp_path, capsys):
    missing = tmp_path / "missing.aligner"
    code, out, err = run(capsys, "--project", missing, "--tmx", tmp_path / "x.tmx")
    assert code == 2
    assert "no such project file" in err and "Traceback" not in err
    assert not missing.exists() and not (tmp_path / "x.tmx").exists()


def test_not_a_project(tmp_path, capsys):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database", encoding="utf-8")
    code, _, err = run(capsys, "--project", bogus, "--tmx", tmp_path / "x.tmx")
    assert code == 2 and "not an aligner project" in err
    assert bogus.read_text(encoding="utf-8") == "not a database"
    assert not (tmp_path / "x.tmx").exists()


def test_refuses_to_overwrite_the_project(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner")
    before = project.read_bytes()
    code, _, err = run(capsys, "--project", project, "--tmx", project)
    assert code == 2 and "project file itself" in err
    assert project.read_bytes() == before
    code, _, err = run(capsys, "--project", project, "--tmx", tmp_path / "a", "--jsonl", tmp_path / "a")
    assert code == 2 and "both --tmx and --jsonl" in err


def test_unwritable_output_is_a_clear_error(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--project", project, "--tmx", blocker / "pairs.tmx")
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def test_no_confirmed_pairs_yet(tmp_path, capsys):
    project = make_project(tmp_path / "p.aligner", confirm=False)
    code, out, _ = run(capsys, "--project", project, "--tmx", tmp_path / "x.tmx")
    assert code == 0
    assert "wrote 0 confirmed pairs" in out and "no confirmed pairs yet" in out
    with open(tmp_path / "x.tmx", "rb") as f:
        assert tmxfile(f).units == []


def test_real_process_exit_codes(tmp_path):
    project = make_project(tmp_path / "p.aligner")
    code = "import sys; from aligner.cli import entry; sys.argv[0] = 'aligner'; entry()"
    ok = subprocess.run([sys.executable, "-c", code, "export", "--project", str(project),
                         "--tmx", str(tmp_path / "o.tmx")], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "wrote 1 confirmed pair" in ok.stdout
    bad = subprocess.run([sys.executable, "-c", code, "export", "--project", str(tmp_path / "nope.aligner"),
                          "--tmx", str(tmp_path / "o2.tmx")], capture_output=True, text=True)
    assert bad.returncode == 2
    err = " ".join(bad.stderr.split())
    assert "no such project file" in err and "Traceback" not in err
    assert not (tmp_path / "nope.aligner").exists()


@pytest.mark.parametrize("flag", ["--tmx", "--jsonl"])
def test_help_mentions_options(capsys, flag):
    code = main(["export", "--help"])
    out = capsys.readouterr().out
    assert code == 0 and flag in out and "--project" in out
