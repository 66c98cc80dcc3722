"""Quote extraction: marks, spans, speech or not, split and unbalanced quotes."""

from __future__ import annotations

import pytest

from aligner.text.quotes import extract_quotes, pair_marks, sentence_spans
from aligner.text.sentences import split_sentences
from textfixtures import make_doc

HEAD = "A headline for the test\n\n"


def quotes_of(body: str):
    doc = make_doc(HEAD + body)
    qs = extract_quotes(doc, split_sentences(doc))
    for q in qs:
        # offsets: each part is exact, the sentence slice is exact, text joins the parts
        assert " ".join(doc.text[a:b] for a, b in (q.parts or ((q.start, q.end),))) == q.text
        assert doc.text[q.sentence_start:q.sentence_end] == q.sentence
        assert q.sentence_start <= q.start < q.end <= q.sentence_end
        assert q.is_quote and q.doc == doc.path
    return doc, qs


def texts(qs):
    return [q.text for q in qs]


@pytest.mark.parametrize("body, expected", [
    ("“We are ready to talk,” the minister said.", "We are ready to talk"),
    ('"We are ready to talk," the minister said.', "We are ready to talk"),
    ("« Nous sommes prêts », a dit le ministre.", "Nous sommes prêts"),
    ("«\u202fNous sommes prêts\u202f», a dit le ministre.", "Nous sommes prêts"),
    ("«\u00a0Nous sommes prêts\u00a0», a dit le ministre.", "Nous sommes prêts"),
    ("وقال الوزير: «نحن مستعدون للحوار».", "نحن مستعدون للحوار"),
    ('وقال الوزير: "نحن مستعدون للحوار".', "نحن مستعدون للحوار"),
    ("The minister said ‘we are ready to talk’ on Monday.", "we are ready to talk"),
])
def test_mark_styles(body, expected):
    _, qs = quotes_of(body)
    assert texts(qs) == [expected]


def test_apostrophes_are_not_quotes():
    _, qs = quotes_of("Assad’s forces and the rebels’ positions were shelled, the army’s statement said.")
    assert qs == []


def test_nested_quote_stays_inside():
    _, qs = quotes_of("“He told me ‘never again’ and left,” the witness said.")
    assert texts(qs) == ["He told me ‘never again’ and left"]


def test_quote_over_several_sentences_is_one_quote():
    doc, qs = quotes_of("“We were planning to lift the siege. But now we can take the whole city,” "
                        "the source said. Fighting continued.")
    assert texts(qs) == ["We were planning to lift the siege. But now we can take the whole city"]
    assert qs[0].sentence.endswith("the source said.")


def test_quote_spanning_two_sentences_covers_both():
    body = "The envoy said: “The talks failed. We leave tomorrow. Nothing is settled.”"
    doc = make_doc(HEAD + body)
    sents = split_sentences(doc)
    qs = extract_quotes(doc, sents)
    assert len(qs) == 1
    q = qs[0]
    covered = [s for s in sents if s.start < q.end and q.start < s.end]
    assert q.sentence_start == covered[0].start and q.sentence_end == covered[-1].end


def test_split_quote_is_one_quote_with_parts():
    doc, qs = quotes_of("“We will not accept,” he said, “any delay in the talks.”")
    assert len(qs) == 1
    q = qs[0]
    assert q.text == "We will not accept any delay in the talks."
    assert len(q.parts) == 2
    assert [doc.text[a:b] for a, b in q.parts] == ["We will not accept", "any delay in the talks."]


def test_two_quotes_with_sentence_between_are_not_merged():
    _, qs = quotes_of("“We will not accept this,” he said. “The talks are over.”")
    assert texts(qs) == ["We will not accept this", "The talks are over."]


def test_french_incise_inside_guillemets():
    doc, qs = quotes_of("Le ministre Laurent Fabius est arrivé lundi.\n\n"
                        "« Nous sommes prêts, a-t-il dit, à reprendre les négociations. »")
    assert texts(qs) == ["Nous sommes prêts à reprendre les négociations."]
    assert len(qs[0].parts) == 2


def test_closing_mark_typed_for_an_opening_mark():
    _, qs = quotes_of("On the other hand, the coalition’s envoy told Asharq Al-Awsat” we are not hopeful "
                      "about the next round of talks.”")
    assert texts(qs) == ["we are not hopeful about the next round of talks."]
    assert qs[0].outlet == "Asharq Al-Awsat"


def test_stray_closing_mark_alone_is_ignored():
    _, qs = quotes_of("“We will advance,” the source said, adding that battles were raging near the academy.”")
    assert texts(qs) == ["We will advance"]


def test_unclosed_quote_runs_to_paragraph_end():
    _, qs = quotes_of("The adviser said the minister had asked “the rebels to leave the city before Friday.\n\n"
                      "Officials declined to comment.")
    assert texts(qs) == ["the rebels to leave the city before Friday."]


def test_quote_continued_over_paragraphs():
    body = ("Karim Nassar, an adviser to the president, said the minister had asked \"the rebels to leave.\n\n"
            "\"We ask them: \"Who gave you the right? Who decided?'\"\n\n"
            "\"From our point of view the city stays under state control. That is a red line.\"\n\n"
            "Officials declined to comment.")
    doc, qs = quotes_of(body)
    assert len(qs) == 1
    q = qs[0]
    assert len(q.parts) == 3
    assert q.text.startswith("the rebels to leave. We ask them:")
    assert q.text.endswith("That is a red line.")
    assert q.speaker == "Karim Nassar"


def test_short_quotes_inside_a_sentence():
    doc, qs = quotes_of("The monitoring team was “helpless” and the talks produced “nothing”, he noted.")
    assert texts(qs) == ["helpless", "nothing"]
    for q in qs:
        assert q.sentence.startswith("The monitoring team") and q.sentence.endswith("he noted.")


@pytest.mark.parametrize("body", [
    "Leila Haddad also told “Le Figaro” that the team was ready.",
    "Extremists plan a new group named “Desert Lions” to rival the others.",
    "Reporters read the “Weekly Review” about the war.",
    "With the envoy due, the “cessation of hostilities agreement” came under strain.",
    "The minister also criticised the so-called “safe zones” plan.",
    "Le quotidien « Le Monde » a publié une enquête.",
    "The Assembly considered the item entitled “Financing of the hybrid operation in Darfur”.",
    "The “Human rights resolution” was adopted.",
    "ويسعى متشددون إلى تأسيس تنظيم \"طالبان الشام\" في سوريا.",
    "وقال الوزير لـ«الشرق الأوسط» إن المحادثات فشلت.",
])
def test_names_titles_and_terms_are_kept_with_their_kind(body):
    _, qs = quotes_of(body)
    assert len(qs) == 1 and qs[0].kind in ("title", "term")


@pytest.mark.parametrize("body, text, kind", [
    ("Pelosi calls Kavanaugh “hysterical” after the hearing.", "hysterical", "term"),
    ("Ri says it's a \"pipe dream\" that the talks resume.", "pipe dream", "term"),
    ("The driver remains in a \"stable\" condition.", "stable", "term"),
    ("He did not get the \"corresponding measures\" he was seeking.", "corresponding measures", "term"),
    ("The paper “Le Monde” ran the story.", "Le Monde", "title"),
    ("“We are ready to talk to anyone, anywhere,” the minister said.",
     "We are ready to talk to anyone, anywhere", "speech"),
])
def test_quote_kinds(body, text, kind):
    _, qs = quotes_of(body)
    assert [(q.text, q.kind) for q in qs] == [(text, kind)]


@pytest.mark.parametrize("body, expected", [
    # the paragraph starts inside a quote opened in the paragraph before (no mark there)
    ("She spoke for an hour.\n\nI lost my sister and her friend on the way there,\" Armand Versace said.",
     ["I lost my sister and her friend on the way there"]),
    ("The coach was blunt.\n\nWe really need this win now.\"", ["We really need this win now."]),
    # a possessive typed with a double mark is no quote
    ("It was only following Jobs\" death that a copy was found.", []),
])
def test_paragraph_that_starts_inside_a_quote(body, expected):
    _, qs = quotes_of(body)
    assert texts(qs) == expected


def test_name_quote_next_to_real_quote():
    _, qs = quotes_of("Leila Haddad of the Negotiations Committee also told “Le Figaro” that the team was “helpless”.")
    assert [(q.text, q.kind) for q in qs] == [("Le Figaro", "title"), ("helpless", "term")]
    assert qs[1].speaker == "Leila Haddad" and qs[1].outlet == "Le Figaro"


def test_heading_quotes_are_headlines():
    doc, qs = quotes_of("Iran rejects US “precondition”\n\nThe talks went on.")
    assert [(q.text, q.kind) for q in qs] == [("precondition", "headline")]


def test_title_line_quotes_are_headlines_and_the_title_is_a_target():
    doc = make_doc("Pelosi calls Kavanaugh “hysterical”\n\nThe speaker said so on Friday.")
    qs = extract_quotes(doc)
    assert [(q.text, q.kind, q.sentence) for q in qs] == [
        ("hysterical", "headline", "Pelosi calls Kavanaugh “hysterical”")]
    assert sentence_spans(doc)[0].text == "Pelosi calls Kavanaugh “hysterical”"


def test_quote_language_detected_on_long_french_quote_in_english():
    _, qs = quotes_of("The minister told Le Monde: « Nous ne laisserons jamais tomber Alep, quoi qu'il arrive "
                      "dans les prochains jours. »")
    assert len(qs) == 1 and qs[0].lang == "fr"


def test_pair_marks_reversed_curly_quotes_in_arabic():
    text = "وقال الوزير: ”نحن مستعدون للحوار“ أمس."
    spans = pair_marks(text, 0, len(text), "ar")
    assert [text[s.cstart:s.cend] for s in spans] == ["نحن مستعدون للحوار"]


def test_sentence_spans_are_every_body_sentence():
    doc = make_doc(HEAD + "Lavrov said the talks would resume. The weather was cold.\n\n"
                          "“We are ready,” he said.")
    sents = split_sentences(doc)
    spans = sentence_spans(doc, sents)
    assert [s.text for s in spans] == [HEAD.strip()] + [s.text for s in sents]  # the title first
    assert all(not s.is_quote and s.sentence == s.text for s in spans)
    assert [s.speaker for s in spans] == [None, "Lavrov", None, "Lavrov"]


def test_default_sentences_argument():
    doc = make_doc(HEAD + "“We are ready,” said Omar Kassem.")
    assert extract_quotes(doc) == extract_quotes(doc, split_sentences(doc))
    assert len(sentence_spans(doc)) == 2  # the title and the sentence


def test_random_mark_soup_keeps_offsets_exact():
    import random

    pieces = ["“", "”", '"', "«", "»", "‘", "’", " ", " ", "he said", "said X", ",", ".", "?", "word",
              "Name Here", "\n", "\n\n", "قال", "الوزير", "؟", "a déclaré", "\u202f", "told AFP", ":", "the source"]
    rnd = random.Random(7)
    checked = 0
    for _ in range(300):
        body = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 50)))
        if not body.strip():
            continue
        doc, qs = quotes_of(body)  # asserts the offset invariants
        checked += len(qs)
        for q in qs:
            assert q.text == q.text.strip() and q.text
    assert checked > 50
