"""Sentence splitting with exact offsets."""

from __future__ import annotations

from dataclasses import replace

from aligner.settings import SETTINGS
from aligner.text.sentences import split_paragraph, split_sentences
from textfixtures import make_doc


def _check_offsets(doc, sents):
    for i, s in enumerate(sents):
        assert doc.text[s.start:s.end] == s.text
        assert s.index == i and s.doc == doc.path
        assert any(a <= s.start and s.end <= b for a, b in doc.body)


def test_english_sentences_and_quotes_not_split():
    doc = make_doc("Headline here\n\n"
                   "The U.S. envoy arrived in Geneva on Monday. “We were ready. But now we wait,” "
                   "the source said. “Are you sure?” he asked. Talks resume Wednesday.\n")
    sents = split_sentences(doc)
    _check_offsets(doc, sents)
    assert [s.text for s in sents] == [
        "The U.S. envoy arrived in Geneva on Monday.",
        "“We were ready. But now we wait,” the source said.",
        "“Are you sure?” he asked.",
        "Talks resume Wednesday.",
    ]
    assert all(s.lang == "en" for s in sents)


def test_boilerplate_and_title_are_not_sentences():
    doc = make_doc("A headline | Asharq Al-Awsat English Archive\nSelect Page\n\nOnly this is body text.\n")
    assert [s.text for s in split_sentences(doc)] == ["Only this is body text."]


def test_french_sentences():
    doc = make_doc("Titre\n\n« Nous ne sommes pas optimistes », a déclaré M. Dupont au Journal du Dimanche. "
                   "Il a ajouté : « La trêve est morte. » Voilà !\n")
    sents = split_sentences(doc)
    _check_offsets(doc, sents)
    assert sents[0].text.endswith("au Journal du Dimanche.")
    assert sents[1].text.startswith("Il a ajouté : « La trêve est morte. »") and sents[-1].text.endswith("Voilà !")
    assert all(s.lang == "fr" for s in sents)


def test_arabic_rules():
    para = "قال الوزير، في مؤتمر صحافي، إن الهدنة انهارت. هل يمكن إنقاذها؟ لا أعتقد ذلك! وصل د. محمد الساعة 3.5 مساء؛ ثم غادر."
    spans = split_paragraph(para, "ar")
    texts = [para[a:b] for a, b in spans]
    assert texts == ["قال الوزير، في مؤتمر صحافي، إن الهدنة انهارت.", "هل يمكن إنقاذها؟", "لا أعتقد ذلك!",
                     "وصل د. محمد الساعة 3.5 مساء؛ ثم غادر."]
    with_semicolon = split_paragraph(para, "ar", settings=replace(SETTINGS, arabic_semicolon_ends_sentence=True))
    assert [para[a:b] for a, b in with_semicolon][-2:] == ["وصل د. محمد الساعة 3.5 مساء؛", "ثم غادر."]


def test_arabic_quote_kept_whole():
    para = "وقال الحلقي: «نحن مستعدون. هل هذا واضح؟ نعم». وأضاف أن القوات ستتقدم."
    texts = [para[a:b] for a, b in split_paragraph(para, "ar")]
    assert texts == ["وقال الحلقي: «نحن مستعدون. هل هذا واضح؟ نعم».", "وأضاف أن القوات ستتقدم."]


def test_stray_closing_mark_glued_to_previous_sentence():
    para = "“We were planning to advance. Now we hold,” the source said, adding that fighting continued.”"
    texts = [para[a:b] for a, b in split_paragraph(para, "en")]
    assert texts == [para]


def test_sentence_language_per_paragraph_and_long_french_sentence():
    doc = make_doc("Headline\n\nThe minister spoke to the press in Paris on Monday afternoon. "
                   "Nous ne laisserons jamais tomber Alep, quoi qu'il arrive dans les prochains jours.\n\n"
                   "وقال الوزير إن المحادثات ستستأنف الأسبوع المقبل.\n")
    sents = split_sentences(doc)
    _check_offsets(doc, sents)
    assert [s.lang for s in sents] == ["en", "fr", "ar"]


# one-sentence paragraphs skip pysbd: the fast path must give what pysbd gives
ONE_SENTENCE_CASES = [
    ("He left on Monday", "en"), ("  He left on Monday.  ", "en"), ("Did he leave?", "en"),
    ("Pourquoi ?", "fr"), ("Il n'est pas là, dit-on!", "fr"), ("l'homme est là", "fr"),
    ("The 3,500 delegates voted at 10 am", "en"),
]
NOT_ONE_SENTENCE = [
    ("He left. She stayed.", "en"), ("Mr. Smith left", "en"), ("Options: a) red b) blue", "en"),
    ('"Find a few pieces you can praise" Mario says.', "en"), ("'He is very capable.'", "en"),
    ("It ends… or not", "en"), ("Voici la liste ; elle est longue", "fr"), ("first\rsecond", "en"),
    ("« Non », dit-il.", "fr"), ("", "en"), (".", "en"),
]


def test_single_sentence_fast_path_agrees_with_pysbd():
    import pysbd

    from aligner.text.sentences import single_sentence

    for text, lang in ONE_SENTENCE_CASES:
        span = single_sentence(text)
        assert span is not None, text
        pieces = [p.strip() for p in pysbd.Segmenter(language=lang, clean=False).segment(text) if p.strip()]
        assert pieces == [text[span[0]:span[1]]], (text, pieces)
        assert split_paragraph(text, lang) == [span]
    for text, lang in NOT_ONE_SENTENCE:
        assert single_sentence(text) is None, text
