"""``aligner names`` and ``aligner names-convert``."""

from __future__ import annotations

import hashlib
import json

import polib
import pytest

from aligner.cli import main

EN1 = ("“We will liberate Aleppo,” the Syrian regime’s Prime Minister, Wael al Halqi, said on Sunday.\n"
       "Basmah Qadamani of the High Negotiations Committee told the Journal du Dimanche it was over.\n"
       "Russian Foreign Minister Sergey Lavrov spoke by phone with John Kerry.\n")
EN2 = ("Syrian Prime Minister Wael Nader al-Halqi met the delegation.\n"
       "Bassma Kodmani of the High Negotiations Committee said the truce had collapsed.\n"
       "Lavrov said the talks would resume.\n")
FR = "Le ministre russe des Affaires étrangères, Sergueï Lavrov, a déclaré que la trêve tenait.\n"
AR = "قال رئيس الوزراء وائل الحلقي إن الجيش ماض. وأعلن وزير الخارجية الروسي سيرغي لافروف أن الهدنة قائمة.\n"


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "articles"
    d.mkdir()
    (d / "en1.txt").write_text(EN1, encoding="utf-8")
    (d / "en2.txt").write_text(EN2, encoding="utf-8")
    (d / "fr.txt").write_text(FR, encoding="utf-8")
    (d / "ar.txt").write_text(AR, encoding="utf-8")
    return d


def _cluster_with(doc, form):
    return next(c for c in doc["clusters"] if any(v["form"] == form for v in c["variants"]))


def test_json_output_groups_spellings_across_languages(corpus, tmp_path, capsys):
    out = tmp_path / "names.json"
    assert main(["names", str(corpus), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    lav = _cluster_with(doc, "Sergey Lavrov")
    forms = {(v["form"], v["lang"], v["script"]) for v in lav["variants"]}
    assert {("Sergueï Lavrov", "fr", "Latn"), ("سيرغي لافروف", "ar", "Arab"), ("Lavrov", "en", "Latn")} <= forms
    assert lav["type"] == "person" and all(isinstance(v["count"], int) for v in lav["variants"])
    halqi = _cluster_with(doc, "وائل الحلقي")
    assert {"Wael al Halqi", "Wael Nader al-Halqi"} <= {v["form"] for v in halqi["variants"]}
    kod = _cluster_with(doc, "Bassma Kodmani")
    assert "Basmah Qadamani" in {v["form"] for v in kod["variants"]}
    assert "clusters" in capsys.readouterr().err


def test_po_needs_lang_and_writes_one_catalogue(corpus, tmp_path, capsys):
    out = tmp_path / "fr.po"
    assert main(["names", str(corpus), "--format", "po", "-o", str(out)]) == 2
    assert not out.exists()
    assert "--lang" in capsys.readouterr().err
    assert main(["names", str(corpus), "--format", "po", "--lang", "fr", "-o", str(out)]) == 0
    po = polib.pofile(str(out))
    assert po.metadata["Language"] == "fr"
    assert any(e.msgstr == "Sergueï Lavrov" for e in po)


@pytest.mark.parametrize("fmt", ["csv", "tbx"])
def test_other_formats_by_extension(corpus, tmp_path, fmt):
    out = tmp_path / f"names.{fmt}"
    assert main(["names", str(corpus), "-o", str(out), "--lang", "ar"]) == 0
    assert "لافروف" in out.read_text(encoding="utf-8")


def test_reviewed_dictionary_takes_precedence(corpus, tmp_path):
    rev = tmp_path / "reviewed.csv"
    rev.write_text("cluster_id,canonical,type,form,lang,script,count\n"
                   "rev-kodmani,Bassma Kodmani (HNC),person,Basmah Qadamani,en,Latn,1\n", encoding="utf-8")
    out = tmp_path / "names.json"
    assert main(["names", str(corpus), "--dictionary", str(rev), "-o", str(out)]) == 0
    kod = _cluster_with(json.loads(out.read_text(encoding="utf-8")), "Basmah Qadamani")
    assert kod["canonical"] == "Bassma Kodmani (HNC)" and kod["id"] == "rev-kodmani" and kod["reviewed"]


def test_bad_dictionary_lists_every_line_and_writes_nothing(corpus, tmp_path, capsys):
    rev = tmp_path / "reviewed.csv"
    rev.write_text("cluster_id,canonical,type,form,lang,script,count\n"
                   "a,Ok Name,person,Ok Name,en,Latn,1\n"
                   "b,,person,Nameless,en,Latn,1\n"
                   "c,Bad Lang,person,Bad Lang,xx-1,Latn,1\n", encoding="utf-8")
    out = tmp_path / "names.json"
    assert main(["names", str(corpus), "--dictionary", str(rev), "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err.replace("\n", " ")
    assert "nothing was imported" in err and "reviewed.csv:3" in err and "reviewed.csv:4" in err


def test_constraints_file(corpus, tmp_path):
    cons = tmp_path / "decisions.json"
    cons.write_text(json.dumps({"cannot_link": [["Basmah Qadamani", "Bassma Kodmani"]],
                                "canonical": [["Sergey Lavrov", "Sergueï Lavrov"]]}), encoding="utf-8")
    out = tmp_path / "names.json"
    assert main(["names", str(corpus), "--constraints", str(cons), "-o", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert _cluster_with(doc, "Basmah Qadamani") is not _cluster_with(doc, "Bassma Kodmani")
    assert _cluster_with(doc, "Sergey Lavrov")["canonical"] == "Sergueï Lavrov"


def test_empty_corpus_gives_empty_dictionary_and_a_warning(tmp_path, capsys):
    d = tmp_path / "quiet"
    d.mkdir()
    (d / "a.txt").write_text("nothing to see here, really.\n", encoding="utf-8")
    assert main(["names", str(d)]) == 0
    cap = capsys.readouterr()
    assert json.loads(cap.out) == {"version": 1, "clusters": []}
    assert "no names" in cap.err


def test_missing_input_and_bad_choices(tmp_path, capsys):
    assert main(["names", str(tmp_path / "nope.txt")]) == 2
    assert main(["names", str(tmp_path), "--format", "xlsx"]) == 2
    assert main(["names", str(tmp_path), "--lang", "de"]) == 2
    err = capsys.readouterr().err
    assert "json" in err and "fr" in err


def test_names_from_a_project(tmp_path):
    from aligner.records import Document
    from aligner.store import Project

    proj = tmp_path / "p.aligner"
    with Project.open(proj, create=True) as p:
        for name, text, lang in (("en1.txt", EN1, "en"), ("ar.txt", AR, "ar")):
            p.add_document(Document(name, text, lang, "utf-8", hashlib.sha256(text.encode()).hexdigest()))
    out = tmp_path / "names.json"
    assert main(["names", "--project", str(proj), "-o", str(out)]) == 0
    lav = _cluster_with(json.loads(out.read_text(encoding="utf-8")), "سيرغي لافروف")
    assert "Sergey Lavrov" in {v["form"] for v in lav["variants"]}


def test_names_convert_checks_and_converts(corpus, tmp_path, capsys):
    js = tmp_path / "names.json"
    assert main(["names", str(corpus), "-o", str(js)]) == 0
    tbx = tmp_path / "names.tbx"
    assert main(["names-convert", str(js), "-o", str(tbx)]) == 0
    back = tmp_path / "back.json"
    assert main(["names-convert", str(tbx), "-o", str(back)]) == 0
    a = json.loads(js.read_text(encoding="utf-8"))["clusters"]
    b = json.loads(back.read_text(encoding="utf-8"))["clusters"]
    assert [(c["canonical"], sorted(map(json.dumps, c["variants"]))) for c in a] == \
           [(c["canonical"], sorted(map(json.dumps, c["variants"]))) for c in b]
