"""One round-trip contract for every dictionary format, plus import errors (each bad line, nothing imported)."""

from __future__ import annotations

import json

import polib
import pytest

from aligner.errors import ChoiceError
from aligner.names.dictionary import DictionaryImportError
from aligner.names.formats import FORMATS, format_for_path, get_format, read_dictionary, write_dictionary
from aligner.records import NameCluster, NameVariant

CLUSTERS = [
    NameCluster("Sergei Lavrov", "person", (
        NameVariant("Sergei Lavrov", "en", "Latn", 3), NameVariant("Sergueï Lavrov", "fr", "Latn", 2),
        NameVariant("سيرغي لافروف", "ar", "Arab", 1), NameVariant("Lavrov", "en", "Latn", 4)),
        id="per-lavrov", evidence=("Sergey Lavrov ~ Sergei Lavrov: spelling 1.00",), reviewed=True,
        preferred=(("fr", "Sergueï Lavrov"),)),
    NameCluster('Front "al-Nosra", <Nusra> & co; x\\y', "organization", (
        NameVariant('Front "al-Nosra", <Nusra> & co; x\\y', "fr", "Latn", 1),
        NameVariant("جبهة النصرة", "ar", "Arab", 2), NameVariant("Nusra Front", "en", "Latn", 5)),
        id="org-nusra"),
    NameCluster("Observatoire syrien des droits de l'homme", "organization", (
        NameVariant("Observatoire syrien des droits de l'homme", "fr", "Latn", 1),
        NameVariant("المرصد السوري لحقوق الإنسان", "ar", "Arab", 1),
        NameVariant("#. variant: not a comment", "en", "Latn", 1)), id="org-osdh"),
    NameCluster("حلب", "place", (NameVariant("حلب", "ar", "Arab", 7), NameVariant("Alep", "fr", "Latn", 2)),
                id="pla-aleppo"),
]


def core(cs):
    return [(c.id, c.canonical, c.type, sorted((v.form, v.lang, v.script, v.count) for v in c.variants))
            for c in cs]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_round_trip_every_format(tmp_path, fmt, lang):
    f = FORMATS[fmt]
    path = tmp_path / f"dict.{f.extensions[0]}"
    write_dictionary(CLUSTERS, path, fmt, lang=lang)
    back = read_dictionary(path)
    assert core(back) == core(CLUSTERS)
    assert all(c.reviewed for c in back)  # an imported dictionary is a reviewed one
    # and again: stable
    write_dictionary(back, tmp_path / f"again.{f.extensions[0]}", fmt, lang=lang)
    assert core(read_dictionary(tmp_path / f"again.{f.extensions[0]}")) == core(CLUSTERS)


def test_formats_declare_names_and_extensions():
    for name, f in FORMATS.items():
        assert f.name == name and f.extensions
        assert format_for_path(f"x.{f.extensions[0]}").name == name
    with pytest.raises(ChoiceError) as e:
        get_format("xlsx")
    assert "json" in str(e.value)


def test_po_catalogue_header_msgstr_and_comments(tmp_path):
    write_dictionary(CLUSTERS, tmp_path / "fr.po", lang="fr")
    po = polib.pofile(str(tmp_path / "fr.po"))
    assert po.metadata["Language"] == "fr"
    assert "charset=UTF-8" in po.metadata["Content-Type"]
    e = po.find("Sergei Lavrov", msgctxt="per-lavrov")
    assert e.msgstr == "Sergueï Lavrov"
    assert "variant: ar Arab 1 سيرغي لافروف" in e.comment
    assert "evidence:" in e.tcomment
    ar = FORMATS["po"].dumps(CLUSTERS, lang="ar").decode()
    assert 'msgstr "جبهة النصرة"' in ar


def test_po_msgstr_becomes_the_preferred_spelling_unless_fuzzy(tmp_path):
    p = tmp_path / "fr.po"
    write_dictionary(CLUSTERS, p, lang="fr")
    po = polib.pofile(str(p))
    e = po.find("حلب", msgctxt="pla-aleppo")
    e.msgstr = "Alep-la-Grise"
    po.save(str(p))
    back = {c.id: c for c in read_dictionary(p)}
    assert ("fr", "Alep-la-Grise") in back["pla-aleppo"].preferred
    assert any(v.form == "Alep-la-Grise" for v in back["pla-aleppo"].variants)
    e.flags.append("fuzzy")
    e.msgstr = "Something Unchecked"
    po.save(str(p))
    back = {c.id: c for c in read_dictionary(p)}
    assert not any(v.form == "Something Unchecked" for v in back["pla-aleppo"].variants)


def test_po_needs_a_target_language():
    from aligner.errors import AlignerError
    with pytest.raises(AlignerError):
        FORMATS["po"].dumps(CLUSTERS, lang=None)


def test_tbx_has_one_term_entry_per_cluster_and_lang_sets():
    from translate.storage import tbx
    data = FORMATS["tbx"].dumps(CLUSTERS, lang="fr")
    store = tbx.tbxfile.parsestring(data)
    assert len(store.units) == len(CLUSTERS)
    entry = store.units[0].xmlelement
    langs = sorted(ls.get("{http://www.w3.org/XML/1998/namespace}lang") for ls in entry.iter("{*}langSet"))
    assert langs == ["ar", "en", "fr"]


# ------------------------------------------------------------------ bad input

BAD_CSV = """cluster_id,canonical,type,form,lang,script,count
c1,Sergei Lavrov,person,Sergei Lavrov,en,Latn,3
c1,Sergei Lavrov,person,,en,Latn,1
c1,Sergei Lavrov,person,Sergey Lavrov,english,Latn,1
c2,Kodmani,alien,Bassma Kodmani,en,Latn,1
c3,Hamou,person,Ghassan Hamou,en,Latn,-4
c4,Halqi,person,وائل الحلقي,ar,Latn,1
c5,Lavrov again,person,sergei lavrov,en,Latn,1
"""


def test_csv_reports_each_bad_line_and_imports_nothing(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text(BAD_CSV, encoding="utf-8")
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(p)
    lines = sorted(pr.line for pr in e.value.problems)
    assert lines == [3, 4, 5, 6, 7, 8]
    assert all(pr.file == str(p) for pr in e.value.problems)
    msg = str(e.value)
    assert "nothing was imported" in msg and f"{p}:4:" in msg and "english" in msg


def test_json_reports_line_numbers(tmp_path):
    doc = {"clusters": [
        {"canonical": "A B", "type": "person", "variants": [{"form": "A B", "lang": "en"}]},
        {"canonical": "", "type": "person", "variants": [{"form": "C D", "lang": "en"}]},
        {"canonical": "E F", "type": "person", "variants": [{"form": "E F", "lang": "en", "count": "many"}]},
    ]}
    text = json.dumps(doc, indent=2)
    p = tmp_path / "bad.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(p)
    got = {pr.line for pr in e.value.problems}
    lines = text.splitlines()
    assert any("\"canonical\": \"\"" in lines[ln - 1] or lines[ln - 1].strip() == "{" for ln in got)
    assert len(e.value.problems) == 2
    p.write_text('{"clusters": [\n  {"canonical": "x",,}\n]}', encoding="utf-8")
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(p)
    assert e.value.problems[0].line == 2


def test_po_and_tbx_report_problems(tmp_path):
    p = tmp_path / "bad.po"
    p.write_text('msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n#. type: animal\n#. variant: fr Latn x Alep\n'
                 'msgid "Alep"\nmsgstr ""\n', encoding="utf-8")
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(p)
    assert len(e.value.problems) == 2 and all(pr.line == 5 for pr in e.value.problems)  # the entry starts there
    t = tmp_path / "bad.tbx"
    t.write_text("<martif><text><body><termEntry>\n<unclosed></body></text></martif>", encoding="utf-8")
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(t)
    assert e.value.problems[0].line is not None


def test_not_utf8_and_empty_files(tmp_path):
    from aligner.errors import InputFileError
    p = tmp_path / "latin1.csv"
    p.write_bytes("cluster_id,canonical,type,form,lang,script,count\nc,Sergueï,person,Sergueï,fr,Latn,1\n"
                  .encode("latin-1"))
    with pytest.raises(DictionaryImportError) as e:
        read_dictionary(p)
    assert e.value.problems[0].line == 2
    (tmp_path / "empty.json").write_text("  \n", encoding="utf-8")
    with pytest.raises(InputFileError):
        read_dictionary(tmp_path / "empty.json")


def test_writes_are_atomic(tmp_path, monkeypatch):
    path = tmp_path / "d.json"
    path.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FORMATS["json"], "dumps", boom)
    with pytest.raises(RuntimeError):
        write_dictionary(CLUSTERS, path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]
