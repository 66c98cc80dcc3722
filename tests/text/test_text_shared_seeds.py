"""Checks on the five real seed articles in ../shared/seeds (opt-in: -m shared)."""

from __future__ import annotations

import pytest

from aligner.text.quotes import extract_quotes, sentence_spans
from aligner.text.reader import read_document, read_paths
from aligner.text.sentences import split_sentences

pytestmark = pytest.mark.shared


def _load(seeds_dir, prefix):
    path = next(seeds_dir.glob(f"{prefix}_*.txt"))
    doc = read_document(path)
    sents = split_sentences(doc)
    return doc, sents, extract_quotes(doc, sents)


def _find(quotes, needle):
    found = [q for q in quotes if needle in q.text]
    assert found, f"no quote containing {needle!r}: {[q.text[:40] for q in quotes]}"
    return found[0]


def test_all_seeds_read_cleanly(seeds_dir):
    docs, errors = read_paths([str(seeds_dir)])
    assert errors == [] and len(docs) == 5
    for doc in docs:
        assert doc.lang == "en" and doc.encoding == "utf-8" and doc.title
        sents = split_sentences(doc)
        for s in sents:
            assert doc.text[s.start:s.end] == s.text
        assert len(sentence_spans(doc, sents)) == len(sents) + 1  # and the title


BOILERPLATE = ("Middle-east Arab News Opinion", "ASHARQ AL-AWSAT", "Select Page", "Media ID", "Caption:",
               "Photo by:", "(AFP Photo/", "(Photos by AFP)", "TRTWorld and agencies", "George Ourfalian/AFP",
               "Cicilians and paramedics", "Residents inspect a damaged site", "A man walks out of a crater",
               "Wael Nader al-Halqi meets")


def test_boilerplate_excluded_from_body(seeds_dir):
    for path in sorted(seeds_dir.glob("*.txt")):
        doc = read_document(path)
        body = "\n".join(doc.text[s:e] for s, e in doc.body)
        for line in BOILERPLATE:
            assert line not in body, (path.name, line)
        assert "ASHARQ" not in doc.title


def test_unbalanced_quote_in_000(seeds_dir):
    _, _, qs = _load(seeds_dir, "000")
    q = _find(qs, "we are not optimistic")
    assert q.text == "we are not optimistic about the coming round of talks."
    assert q.speaker is None or "spokesman" in q.speaker
    assert q.outlet == "Asharq Al-Awsat"


def test_powerless_with_speaker_and_outlet(seeds_dir):
    for prefix, names in (("000", {"Basmah Qadamani"}), ("001", {"Bassma Kodmani"})):
        _, _, qs = _load(seeds_dir, prefix)
        q = [q for q in qs if q.text == "powerless" and q.kind != "headline"]
        assert len(q) == 1
        assert q[0].speaker in names and q[0].outlet == "Journal du Dimanche"
        assert "powerless" in q[0].sentence and q[0].sentence != q[0].text


def test_halqi_quotes(seeds_dir):
    _, _, qs0 = _load(seeds_dir, "000")
    assert _find(qs0, "Syrian regime’s government forces").speaker == "Wael al Halqi"
    assert _find(qs0, "We, together with our Russian partners").speaker == "Wael al Halqi"
    _, _, qs1 = _load(seeds_dir, "001")
    assert _find(qs1, "liberate").speaker == "Wael al-Halqi"
    assert _find(qs1, "We, together with our Russian partners").speaker == "Wael al-Halqi"


def test_velayati_multi_paragraph_quote(seeds_dir):
    doc, _, qs = _load(seeds_dir, "001")
    q = _find(qs, "Iran to help so that Bashar Assad leaves")
    assert len(q.parts) == 3
    assert "What does this have to do with you?" in q.text
    assert q.text.endswith("is a red line for us.")
    assert q.speaker == "Ali Akbar Velayati"
    assert q.sentence.count("\n\n") == 2  # the sentence span covers the three paragraphs


def test_names_and_titles_not_speech(seeds_dir):
    kinds = {}
    for prefix in ("000", "001", "002", "003", "004"):
        kinds.update({q.text: q.kind for q in _load(seeds_dir, prefix)[2]})
    assert {name: kinds[name] for name in (
        "Journal du Dimanche", "Taliban Asham", "One-Week Truce", "Post-Aleppo",
        "cessation of hostilities agreement", "precondition", "powerless")} == {
        "Journal du Dimanche": "title", "Taliban Asham": "title", "One-Week Truce": "headline",
        "Post-Aleppo": "headline", "cessation of hostilities agreement": "term", "precondition": "headline",
        "powerless": "term"}


def test_rami_abdel_rahman_told_afp(seeds_dir):
    _, _, qs = _load(seeds_dir, "002")
    q = _find(qs, "will be a long and difficult")
    assert q.speaker == "Rami Abdel Rahman" and q.outlet == "AFP"


def test_quote_counts(seeds_dir):
    counts = {p: len([q for q in _load(seeds_dir, p)[2] if q.kind == "speech"])
              for p in ("000", "001", "002", "003", "004")}
    assert counts == {"000": 7, "001": 10, "002": 8, "003": 3, "004": 2}
