"""One contract for every aligned-pair format (aligner.export.formats) × en/fr/ar targets.

Round trip through the format's reader, well-formed XML, one line per pair
for line formats, and hostile text: ``&``, ``<``, ``]]>``, quotes, control
characters, bidi marks, newlines, tabs, lone surrogates.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from aligner.errors import ChoiceError, OutputFileError
from aligner.export.formats import FORMATS, format_for_path, get_format, read_pairs, write_pairs
from aligner.export.formats.base import PairRecord, xml_safe
from aligner.export.formats.tsv import tsv_field
from aligner.records import Candidate, Decision, Quote

HOSTILE = 'Tom & Jerry <b>bold</b> ]]> "q" \'a\' tab\there\nline2 \x0b\x01 bell\x07 end'
TARGETS = {
    "en": "Another rendering: we <never> give up & ]]> \x0c done",
    "fr": "« Nous n’abandonnerons <jamais> le Liban & ]]> » \x1f fin",
    "ar": "قال الوزير: «لَنْ نَتَخَلَّى \u200fعن لبنان & <أبداً> ]]>» \x0b",
}


def quote(doc: str, lang: str, text: str, start: int, speaker: str | None) -> Quote:
    return Quote(doc=doc, lang=lang, text=text, sentence=text, start=start, end=start + len(text),
                 sentence_start=start, sentence_end=start + len(text), speaker=speaker)


def records(lang: str, reviewed: bool) -> list[PairRecord]:
    src = quote("in/en & <a>.txt", "en", HOSTILE, 10, "Le Drian [/x] & <Co>")
    tgt = quote(f"in/{lang}.txt", lang, TARGETS[lang], 3, "الوزير" if lang == "ar" else "M. <X>")
    kind = "variant" if lang == "en" else "translation"
    out = []
    for rank, score in ((1, 0.91234), (2, 0.5)):
        cand = Candidate(kind, rank, score, src, tgt)
        if reviewed:
            dec = Decision(candidate_id=rank, status="confirmed", reviewer="bo\x0bb & <c>",
                           time="2026-11-30T10:00:00+00:00", note="checked ]]> & <audio>\x01")
            out.append(PairRecord(candidate=cand, decision=dec, id=rank, confirmed_at=dec.time, reviewed=True))
        else:
            out.append(PairRecord(candidate=cand))
    return out


@pytest.mark.parametrize("reviewed", [False, True], ids=["align", "export"])
@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_contract(fmt, lang, reviewed, tmp_path):
    f = get_format(fmt)
    recs = records(lang, reviewed)
    out = tmp_path / f"pairs.{f.extensions[0]}"
    assert write_pairs(recs, out, fmt) == len(recs)
    data = out.read_bytes()
    data.decode("utf-8")  # always valid UTF-8
    if fmt != "tmx":  # TMX's header carries the creation time
        assert data == f.dumps(recs)

    if fmt == "tmx":
        root = etree.fromstring(data)  # well-formed XML
        assert root.tag == "tmx"
        assert b"]]>" not in data and b"]]&gt;" in data and b"&amp;" in data and b"&lt;b&gt;" in data
        assert not any(b in data for b in (b"\x01", b"\x07", b"\x0b", b"\x0c", b"\x1f"))
    if fmt in ("tsv", "jsonl"):
        lines = data.decode("utf-8").split("\n")
        assert lines[-1] == ""
        assert len(lines) - 1 == len(recs) + (fmt == "tsv")  # one line per pair (+ header)
    if fmt == "jsonl":
        for line in data.decode("utf-8").splitlines():
            json.loads(line)

    if not f.readable:
        return
    back = read_pairs(out)
    assert len(back) == len(recs)
    for a, b in zip(recs, back):
        ca, cb = a.candidate, b.candidate
        assert (cb.kind, cb.rank) == (ca.kind, ca.rank)
        assert cb.score == pytest.approx(ca.score, abs=5e-5)
        assert cb.target.lang == lang and cb.source.lang == "en"
        if fmt == "jsonl":
            assert cb.to_json() == ca.to_json()  # exact, control characters and all
            if reviewed:
                assert (b.decision.reviewer, b.decision.time, b.decision.note) == \
                       (a.decision.reviewer, a.decision.time, a.decision.note)
            else:
                assert b.decision is None and not b.reviewed
        elif fmt == "tsv":
            for side_a, side_b in ((ca.source, cb.source), (ca.target, cb.target)):
                assert side_b.text == tsv_field(side_a.text)
                assert side_b.doc == tsv_field(side_a.doc)
                assert (side_b.speaker or "") == tsv_field(side_a.speaker)
        elif fmt == "tmx":
            for side_a, side_b in ((ca.source, cb.source), (ca.target, cb.target)):
                assert side_b.text == xml_safe(side_a.text)  # control characters made visible, rest exact
                assert side_b.doc == side_a.doc
                assert (side_b.start, side_b.end) == (side_a.start, side_a.end)
            assert cb.source.speaker == ca.source.speaker
            if reviewed:
                assert b.decision.reviewer == xml_safe(a.decision.reviewer)
                assert b.decision.note == xml_safe(a.decision.note)
                assert b.id == a.id and b.confirmed_at == a.confirmed_at


def test_xml_safe_makes_control_characters_visible_and_keeps_the_rest():
    assert xml_safe("a\x0bb\x01c\td\ne") == "a\u240bb\u2401c\td\ne"
    assert xml_safe("x\ud800y") == "x\ufffdy"
    assert xml_safe("« & < ]]> »") == "« & < ]]> »"


def test_lone_surrogate_stays_readable_utf8_in_every_format(tmp_path):
    src = quote("a.txt", "en", "bad \ud800 text", 0, None)
    recs = [PairRecord(candidate=Candidate("variant", 1, 0.5, src, src))]
    for fmt in FORMATS:
        out = tmp_path / f"p.{get_format(fmt).extensions[0]}"
        write_pairs(recs, out, fmt)
        out.read_bytes().decode("utf-8")
    assert read_pairs(tmp_path / "p.jsonl")[0].candidate.source.text == "bad \ud800 text"


def test_registry_lists_choices_and_goes_through_the_checked_writer(tmp_path):
    with pytest.raises(ChoiceError, match="jsonl, tmx, tsv"):
        get_format("xml")
    assert format_for_path("x.TMX").name == "tmx" and format_for_path("y.ndjson").name == "jsonl"
    with pytest.raises(ChoiceError):
        format_for_path("z.txt")
    proj = tmp_path / "p.aligner"
    proj.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    with pytest.raises(OutputFileError, match="project"):
        write_pairs([], proj, "jsonl", project=proj)
    import os

    os.mkfifo(tmp_path / "fifo.tmx")
    with pytest.raises(OutputFileError, match="not a regular file"):
        write_pairs([], tmp_path / "fifo.tmx")


def test_bad_files_are_named_with_their_line(tmp_path):
    from aligner.errors import InputFileError

    (tmp_path / "bad.jsonl").write_text('{"kind": "variant"}\n')
    with pytest.raises(InputFileError, match="bad.jsonl: line 1"):
        read_pairs(tmp_path / "bad.jsonl")
    (tmp_path / "bad.tsv").write_text("not a header\n")
    with pytest.raises(InputFileError, match="bad.tsv: line 1"):
        read_pairs(tmp_path / "bad.tsv")
    (tmp_path / "bad.tmx").write_text("<tmx><body><tu>")
    with pytest.raises(InputFileError, match="bad.tmx: is not valid TMX"):
        read_pairs(tmp_path / "bad.tmx")
