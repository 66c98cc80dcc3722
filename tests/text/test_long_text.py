"""Issue 15, Medium: long paragraphs go through bounded windows, offsets stay exact.

pysbd and lingua cost time that grows faster than the text they are given;
these tests check what they are given (never more than a window), and that
windowing changes no sentence. Time itself is measured in bench/long_text.py.
"""

from __future__ import annotations

import hashlib

import pytest

from aligner.records import Document
from aligner.text import langid, sentences
from aligner.text.sentences import WINDOW_CHARS, split_paragraph, split_sentences

SENTS = [
    "The U.S. envoy met Dr. Smith in Geneva on Monday.",
    "“We will never accept a peace of graveyards in Syria,” Jean-Marc Ayrault said.",
    "Talks resumed at 3 p.m. after a break of 2.5 hours.",
    "Mr. Lavrov said the truce was holding, according to the A.F.P. news agency.",
    "Nobody expected the vote to pass.",
]
FR = ["Le ministre a déclaré que la trêve tenait.", "« Nous n’abandonnerons jamais le Liban », a-t-il dit.",
      "M. Lavrov a parlé au téléphone avec John Kerry."]
AR = ["قال الوزير إن الهدنة قائمة.", "وأضاف: «لن نتخلى عن لبنان أبداً».", "هل ستستأنف المحادثات؟"]


def long_paragraph(parts: list[str], n_chars: int) -> str:
    out, i = [], 0
    while sum(len(x) + 1 for x in out) < n_chars:
        out.append(parts[i % len(parts)])
        i += 1
    return " ".join(out)


def doc_of(text: str, lang: str) -> Document:
    return Document(path="long.txt", text=text, lang=lang, encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest(), body=((0, len(text)),))


@pytest.mark.parametrize("lang,parts", [("en", SENTS), ("fr", FR), ("ar", AR)])
def test_windows_give_the_same_sentences_as_one_pass(lang, parts):
    text = long_paragraph(parts, 4 * WINDOW_CHARS + 123)
    one = split_paragraph(text, lang, window=10**9)
    for w in (WINDOW_CHARS, 700):
        assert split_paragraph(text, lang, window=w) == one


@pytest.mark.parametrize("lang,parts", [("en", SENTS), ("ar", AR)])
def test_offsets_are_exact_and_cover_the_paragraph(lang, parts):
    text = long_paragraph(parts, 5 * WINDOW_CHARS)
    doc = doc_of(text, lang)
    sents = split_sentences(doc)
    assert len(sents) > 5 * WINDOW_CHARS / 120
    for s in sents:
        assert doc.text[s.start:s.end] == s.text
    assert [s.start for s in sents] == sorted(s.start for s in sents)
    assert all(a.end <= b.start for a, b in zip(sents, sents[1:]))
    assert "".join(text[s.start:s.end] for s in sents).replace(" ", "") == text.replace(" ", "")


def test_pysbd_never_sees_more_than_a_window(monkeypatch):
    """The quadratic part gets bounded input: fails when a paragraph goes to pysbd whole."""
    seen: list[int] = []
    real = sentences._segmenter

    class Spy:
        def __init__(self, inner):
            self.inner = inner

        def segment(self, text):
            seen.append(len(text))
            return self.inner.segment(text)

    monkeypatch.setattr(sentences, "_segmenter", lambda lang: Spy(real(lang)))
    text = long_paragraph(SENTS, 20 * WINDOW_CHARS)
    split_sentences(doc_of(text, "en"))
    assert seen and max(seen) <= WINDOW_CHARS
    assert sum(seen) < 1.3 * len(text)  # overlap between windows is small: linear work


def test_a_very_long_word_is_cut_into_bounded_pieces(monkeypatch):
    seen: list[int] = []
    real_scores = langid._scores
    monkeypatch.setattr(langid, "_scores", lambda t: seen.append(len(t)) or real_scores(t))
    word = "x" * (3 * WINDOW_CHARS + 17)
    text = f"He said {word} and left."
    spans = split_paragraph(text, "en")
    assert all(e - s <= WINDOW_CHARS for s, e in spans)
    assert "".join(text[s:e] for s, e in spans).replace(" ", "") == text.replace(" ", "")
    split_sentences(doc_of(text, "en"))
    assert seen and max(seen) <= langid.SAMPLE_CHARS


def test_language_of_a_huge_paragraph_is_judged_on_a_bounded_sample(monkeypatch):
    seen: list[int] = []
    real_scores = langid._scores
    monkeypatch.setattr(langid, "_scores", lambda t: seen.append(len(t)) or real_scores(t))
    text = long_paragraph(FR, 200_000)
    assert langid.detect_language(text) == "fr"
    assert max(seen) <= langid.SAMPLE_CHARS
    mixed = long_paragraph(SENTS, 100_000) + " " + long_paragraph(AR, 300_000)
    assert langid.detect_language(mixed) == "ar"


def _resolve_work(n: int) -> tuple[int, list]:
    """Calls of ``paragraph_of`` made by speakers.resolve on ``n`` attributions in one paragraph."""
    from aligner.text.speakers import Attribution, Mention, resolve

    calls = 0

    def paragraph_of(pos: int) -> int:
        nonlocal calls
        calls += 1
        return 0

    items = []
    for i in range(n):
        kind = ("person", "pron", "def", "org")[i % 4]
        items.append(Attribution(verb_pos=10 * i, speaker=f"Person {i // 4}" if kind in ("person", "org") else None,
                                 desc="the minister" if kind == "person" else None, kind=kind,
                                 head="minister" if kind == "def" else None))
    mentions = [Mention(pos=10 * i + 5, name=f"Person {i}", title="minister") for i in range(0, n, 8)]
    out = resolve(items, paragraph_of, mentions)
    return calls, out


def test_speaker_resolution_is_linear_in_one_huge_paragraph():
    """Pronouns and descriptions look back through an index, not the whole document."""
    small, out_small = _resolve_work(2000)
    big, out_big = _resolve_work(4000)
    assert 0 < small and big <= 2.2 * small  # linear (quadratic would be about 4x)
    assert out_big[1].speaker == "Person 0"  # "he" after Person 0 is Person 0
    assert out_big[-3].speaker == f"Person {(4000 - 4) // 4}"
