"""Builders for store tests: a small real corpus in a real project file."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import pytest

from aligner.records import Candidate, Document, Quote
from aligner.store import Project

EN = ('Le Drian told reporters: "We will not abandon Lebanon." '
      'Later, the minister added: "The reforms must start now." '
      'A spokesman said: "Talks continue."')
EN2 = 'France\'s foreign minister said "we shall not abandon Lebanon" on Monday.'
FR = ("Le ministre a déclaré : « Nous n'abandonnerons pas le Liban. » "
      "Il a ajouté : « Les réformes doivent commencer maintenant. »")
AR = "وقال الوزير: «لَنْ نَتَخَلَّى عَنْ لُبْنَانَ». وأضاف أن الإصلاحات يجب أن تبدأ الآن."


def make_doc(path: str, text: str, lang: str, **kw) -> Document:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(path=path, text=text, lang=lang, encoding="utf-8", sha256=sha, **kw)


def quote_of(doc: Document, needle: str, *, speaker: str | None = None, is_quote: bool = True,
             outlet: str | None = None, **kw) -> Quote:
    """The Quote of ``needle`` in ``doc``; a quote's sentence runs from the previous
    sentence end to just after its closing mark, a plain span is its own sentence."""
    start = doc.text.index(needle)
    end = start + len(needle)
    if is_quote:
        prev = max(doc.text.rfind(mark, 0, start) for mark in ('." ', ".» ", " » "))
        s_start = prev + 3 if prev >= 0 else 0
        s_end = min(len(doc.text), end + 1)
    else:
        s_start, s_end = start, end
    return Quote(doc=doc.path, lang=doc.lang, text=needle, sentence=doc.text[s_start:s_end],
                 start=start, end=end, sentence_start=s_start, sentence_end=s_end, speaker=speaker,
                 outlet=outlet, is_quote=is_quote, **kw)


@dataclass
class Corpus:
    docs: dict[str, Document]
    doc_ids: dict[str, int]
    quotes: dict[str, Quote]          # name -> Quote
    span_ids: dict[str, int] = field(default_factory=dict)

    def cand(self, src: str, tgt: str, kind: str = "translation", rank: int = 1, score: float = 0.8,
             **features) -> Candidate:
        return Candidate(kind=kind, rank=rank, score=score, source=self.quotes[src],
                         target=self.quotes[tgt], features=dict(features))

    def default_candidates(self) -> list[Candidate]:
        """Three English sources; French, Arabic and English-variant targets."""
        return [
            self.cand("abandon", "fr_abandon", rank=1, score=0.91),
            self.cand("abandon", "fr_reforms", rank=2, score=0.40),
            self.cand("abandon", "ar_abandon", rank=1, score=0.88),
            self.cand("abandon", "en2_abandon", kind="variant", rank=1, score=0.95),
            self.cand("reforms", "fr_reforms", rank=1, score=0.86),
            self.cand("reforms", "ar_reforms", rank=1, score=0.70),
            self.cand("talks", "fr_reforms", rank=1, score=0.20),
        ]


def build_corpus(p: Project) -> Corpus:
    docs = {
        "en": make_doc("news/en_lorient.txt", EN, "en", title="Le Drian in Beirut"),
        "en2": make_doc("news/en_france24.txt", EN2, "en"),
        "fr": make_doc("news/fr_lemonde.txt", FR, "fr"),
        "ar": make_doc("news/ar_annahar.txt", AR, "ar"),
    }
    doc_ids = {k: p.add_document(d)[0] for k, d in docs.items()}
    quotes = {
        "abandon": quote_of(docs["en"], "We will not abandon Lebanon.", speaker="Jean-Yves Le Drian",
                            outlet="L'Orient Today"),
        "reforms": quote_of(docs["en"], "The reforms must start now.", speaker="Jean-Yves Le Drian"),
        "talks": quote_of(docs["en"], "Talks continue.", speaker="A spokesman",
                          speaker_desc="a spokesman of the ministry"),
        "en2_abandon": quote_of(docs["en2"], "we shall not abandon Lebanon", speaker="Le Drian"),
        "fr_abandon": quote_of(docs["fr"], "Nous n'abandonnerons pas le Liban.", speaker="Le ministre"),
        "fr_reforms": quote_of(docs["fr"], "Les réformes doivent commencer maintenant."),
        "ar_abandon": quote_of(docs["ar"], "لَنْ نَتَخَلَّى عَنْ لُبْنَانَ", speaker="الوزير"),
        "ar_reforms": quote_of(docs["ar"], "وأضاف أن الإصلاحات يجب أن تبدأ الآن.", is_quote=False),
    }
    corpus = Corpus(docs=docs, doc_ids=doc_ids, quotes=quotes)
    by_doc: dict[str, list[str]] = {}
    for name, q in quotes.items():
        key = next(k for k, d in docs.items() if d.path == q.doc)
        by_doc.setdefault(key, []).append(name)
    for key, names in by_doc.items():
        ids = p.set_spans(doc_ids[key], [quotes[n] for n in names])
        corpus.span_ids.update(zip(names, ids))
    return corpus


@pytest.fixture
def project_path(tmp_path):
    return tmp_path / "review.aligner"


@pytest.fixture
def project(project_path):
    p = Project.open(project_path, create=True, actor="tester")
    yield p
    p.close()


@pytest.fixture
def corpus(project) -> Corpus:
    return build_corpus(project)


@pytest.fixture
def helpers():
    """The builders above, for tests that need more than the default corpus."""

    class H:
        make_doc = staticmethod(make_doc)
        quote_of = staticmethod(quote_of)
        build_corpus = staticmethod(build_corpus)

    return H
