"""A project with reviewed pairs whose texts stress XML and JSON: Arabic (RTL,
tashkeel, bidi marks), French, and & < > " ' in the English source."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest

from aligner.records import Candidate, Document, Quote
from aligner.store import Project

EN = ('The minister said: "We won\'t <ever> abandon Lebanon & its people — "never"." '
      "Then: 'Reforms now.'\nA second line.")
FR = "Le ministre : « Nous n'abandonnerons <jamais> le Liban & son peuple. »"
AR = "قال الوزير: «لَنْ نَتَخَلَّى أبداً عن لبنان \u200fوشعبه» – "  # RLM inside, trailing space
EN2 = 'Another outlet: "we will never abandon Lebanon".'


def _doc(path: str, text: str, lang: str) -> Document:
    return Document(path=path, text=text, lang=lang, encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest())


def _span(doc: Document, needle: str, *, is_quote: bool = True, speaker: str | None = None,
          outlet: str | None = None) -> Quote:
    start = doc.text.index(needle)
    end = start + len(needle)
    return Quote(doc=doc.path, lang=doc.lang, text=needle, sentence=needle, start=start, end=end,
                 sentence_start=start, sentence_end=end, speaker=speaker, outlet=outlet, is_quote=is_quote)


@dataclass
class Reviewed:
    path: object
    ids: dict[str, int]          # name -> candidate id
    confirmed: set[str]          # names expected in the export
    texts: dict[str, tuple[str, str]]  # name -> (source text, target text)


def build_reviewed(path) -> Reviewed:
    en, fr, ar, en2 = (_doc("in/en.txt", EN, "en"), _doc("in/fr.txt", FR, "fr"),
                       _doc("in/ar.txt", AR, "ar"), _doc("in/en2.txt", EN2, "en"))
    src = _span(en, EN[EN.index("We won't"):EN.index('."') + 1], speaker="Jean-Yves Le Drian",
                outlet="L'Orient <Today> & Co")
    src2 = _span(en, "Reforms now.", speaker=None)
    t_fr = _span(fr, FR[FR.index("Nous"):FR.index(" »")], speaker="Le ministre")
    t_ar = _span(ar, AR[AR.index("لَنْ"):AR.index("»")], speaker="الوزير")
    t_ar_sentence = _span(ar, AR, is_quote=False)  # whole line, with its trailing space
    t_en2 = _span(en2, "we will never abandon Lebanon")
    t_multi = _span(en, "Then: 'Reforms now.'\nA second line.", is_quote=False)
    cands = {
        "fr": Candidate("translation", 1, 0.91234, src, t_fr, {"cosine": 0.9}),
        "ar": Candidate("translation", 1, 0.88, src, t_ar),
        "ar_sentence": Candidate("translation", 2, 0.5, src, t_ar_sentence),
        "variant": Candidate("variant", 1, 0.97, src, t_en2),
        "multi": Candidate("variant", 1, 0.3, src2, t_multi),
    }
    with Project.open(path, create=True) as p:
        for d in (en, fr, ar, en2):
            doc_id, _ = p.add_document(d)
            p.set_spans(doc_id, [q for q in (src, src2, t_fr, t_ar, t_ar_sentence, t_en2, t_multi) if q.doc == d.path])
        ids = dict(zip(cands, p.upsert_candidates(list(cands.values()))))
        p.decide(ids["fr"], "confirmed", "Amal", 'checked <against> the "original" & \'audio\'')
        p.decide(ids["ar"], "skipped", "Amal")
        p.decide(ids["ar"], "confirmed", "Karim", "تمت المراجعة")
        p.decide(ids["ar_sentence"], "rejected", "Karim")
        p.decide(ids["variant"], "confirmed", "Amal")
        p.decide(ids["multi"], "confirmed", "Amal", "two lines")
        # a re-run drops the French match: it stays exported (stale but confirmed)
        p.upsert_candidates([cands["ar"], cands["ar_sentence"], cands["variant"]])
    return Reviewed(path=path, ids=ids, confirmed={"fr", "ar", "variant", "multi"},
                    texts={k: (c.source.text, c.target.text) for k, c in cands.items()})


@pytest.fixture
def reviewed(tmp_path) -> Reviewed:
    return build_reviewed(tmp_path / "reviewed.aligner")


@pytest.fixture
def rows(reviewed):
    with Project.open(reviewed.path) as p:
        return p.confirmed_pairs()
