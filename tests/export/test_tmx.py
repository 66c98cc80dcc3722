"""TMX export: parses back with translate-toolkit, texts and props intact."""

from __future__ import annotations

import pytest
from translate.storage.tmx import tmxfile

from aligner.export import export_candidates_tmx, export_tmx
from aligner.export.tmx import tmx_date

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def parse(path) -> tmxfile:
    with open(path, "rb") as f:
        return tmxfile(f)


def props(unit) -> dict[str, str]:
    return {p.get("type"): p.text for p in unit.xmlelement.iterchildren("prop")}


def tuvs(unit) -> list[tuple[str, str]]:
    return [(tuv.get(XML_LANG), unit.getNodeText(tuv)) for tuv in unit.getlanguageNodes()]


def test_round_trip_texts_langs_and_props(reviewed, rows, tmp_path):
    out = tmp_path / "out" / "pairs.tmx"
    assert export_tmx(rows, out) == len(reviewed.confirmed) == len(rows)
    store = parse(out)
    header = store.document.getroot().find("header")
    assert header.get("srclang") == "en" and store.sourcelanguage == "en"
    assert header.get("creationtool") == "aligner"
    units = store.units
    assert len(units) == len(rows)
    by_id = {int(u.getid()): u for u in units}
    assert set(by_id) == {reviewed.ids[n] for n in reviewed.confirmed}
    lang_of = {"fr": "fr", "ar": "ar", "variant": "en", "multi": "en"}
    for name in reviewed.confirmed:
        unit = by_id[reviewed.ids[name]]
        source, target = reviewed.texts[name]
        assert tuvs(unit) == [("en", source), (lang_of[name], target)]  # exact, incl. RLM, newline, spaces
        assert unit.source == source
    assert by_id[reviewed.ids["fr"]].gettarget("fr") == reviewed.texts["fr"][1]
    assert by_id[reviewed.ids["ar"]].gettarget("ar") == reviewed.texts["ar"][1]


def test_props_and_notes(reviewed, rows, tmp_path):
    out = tmp_path / "pairs.tmx"
    export_tmx(rows, out)
    by_id = {int(u.getid()): u for u in parse(out).units}
    row = {r.id: r for r in rows}

    fr = by_id[reviewed.ids["fr"]]
    p = props(fr)
    r = row[reviewed.ids["fr"]]
    src, tgt = r.candidate.source, r.candidate.target
    assert p["x-kind"] == "translation"
    assert float(p["x-score"]) == pytest.approx(0.9123, abs=1e-4)
    assert p["x-speaker"] == "Jean-Yves Le Drian"
    assert p["x-target-speaker"] == "Le ministre"
    assert p["x-outlet"] == "L'Orient <Today> & Co"
    assert p["x-source-doc"] == "in/en.txt" and p["x-target-doc"] == "in/fr.txt"
    assert p["x-offsets"] == f"source={src.start}-{src.end};target={tgt.start}-{tgt.end}"
    assert p["x-reviewer"] == "Amal"
    assert p["x-confirmed-at"] == r.decision.time
    assert p["x-stale"] == "true"  # dropped by the re-run, still confirmed
    assert fr.getnotes() == 'checked <against> the "original" & \'audio\''
    assert fr.xmlelement.get("creationid") == "Amal"
    assert fr.xmlelement.get("creationdate") == tmx_date(r.decision.time)

    ar = by_id[reviewed.ids["ar"]]
    p = props(ar)
    assert p["x-reviewer"] == "Karim" and "x-stale" not in p
    assert ar.getnotes() == "تمت المراجعة"
    multi = by_id[reviewed.ids["multi"]]
    assert "x-speaker" not in props(multi)  # unknown speaker: prop left out, not empty
    assert props(by_id[reviewed.ids["variant"]])["x-kind"] == "variant"


def test_tu_children_follow_the_dtd_order(rows, tmp_path):
    """TMX 1.4: <tu> holds (note | prop)* then tuv+."""
    out = tmp_path / "pairs.tmx"
    export_tmx(rows, out)
    for unit in parse(out).units:
        tags = [child.tag for child in unit.xmlelement]
        first_tuv = tags.index("tuv")
        assert set(tags[:first_tuv]) <= {"note", "prop"} and set(tags[first_tuv:]) == {"tuv"}
        assert len(tags) - first_tuv == 2


def test_special_characters_are_escaped_in_the_file(rows, tmp_path):
    out = tmp_path / "pairs.tmx"
    export_tmx(rows, out)
    raw = out.read_text(encoding="utf-8")
    assert "&lt;ever&gt;" in raw and "&amp; its people" in raw
    assert "<ever>" not in raw
    assert "لَنْ نَتَخَلَّى" in raw  # Arabic kept as UTF-8 text, not character references


def test_confirmed_at_is_the_confirming_decision(reviewed, tmp_path):
    from aligner.store import Project

    with Project.open(reviewed.path) as p:
        first = p.decisions(reviewed.ids["variant"])[-1].time
        p.set_note(reviewed.ids["variant"], "a later note", "Karim")
        rows = p.confirmed_pairs()
    out = tmp_path / "pairs.tmx"
    export_tmx(rows, out)
    unit = next(u for u in parse(out).units if int(u.getid()) == reviewed.ids["variant"])
    assert props(unit)["x-confirmed-at"] == first
    assert props(unit)["x-reviewer"] == "Karim" and unit.getnotes() == "a later note"


def test_empty_export_is_a_valid_tmx(tmp_path):
    out = tmp_path / "empty.tmx"
    assert export_tmx([], out) == 0
    store = parse(out)
    assert store.units == [] and store.sourcelanguage == "en"


def test_failed_export_leaves_the_old_file(rows, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    out = folder / "pairs.tmx"
    out.write_bytes(b"previous export")

    class Boom:
        def __getattr__(self, name):
            raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        export_tmx([*rows, Boom()], out)
    assert out.read_bytes() == b"previous export"
    assert [p.name for p in folder.iterdir()] == ["pairs.tmx"]  # no temp file left


def test_unreviewed_candidates_export(rows, tmp_path):
    cands = [r.candidate for r in rows]
    out = tmp_path / "cands.tmx"
    assert export_candidates_tmx(cands, out) == len(cands)
    units = parse(out).units
    assert [u.source for u in units] == [c.source.text for c in cands]
    assert all("x-reviewer" not in props(u) and "x-score" in props(u) for u in units)


def test_tmx_date():
    assert tmx_date("2024-05-01T12:03:04.567Z") == "20240501T120304Z"
    assert tmx_date("2024-05-01T14:03:04+02:00") == "20240501T120304Z"
    assert tmx_date("yesterday") is None and tmx_date(None) is None
