"""Language identification (en/fr/ar), per paragraph and per span."""

from __future__ import annotations

from aligner.text.langid import detect_language, paragraph_languages, span_language
from textfixtures import make_doc


def test_detect_three_languages():
    assert detect_language("The opposition said the ceasefire was about to collapse.") == "en"
    assert detect_language("L'opposition a déclaré que le cessez-le-feu était sur le point de s'effondrer.") == "fr"
    assert detect_language("قالت المعارضة إن وقف إطلاق النار على وشك الانهيار") == "ar"
    assert detect_language("1234 -- !!") == "und"


def test_arabic_fast_path_with_latin_names():
    assert detect_language("قال لافروف (Lavrov) إن المحادثات ستستأنف في جنيف") == "ar"


def test_paragraph_languages_mixed_document():
    text = ("Talks resume in Geneva\n\n"
            "The minister said on Monday that talks would resume in Geneva next week.\n\n"
            "The opposition has not yet decided whether it will send a delegation to the talks, officials said.\n\n"
            "« Nous ne laisserons jamais tomber Alep, quoi qu'il arrive dans les prochains jours », a-t-il dit.\n\n"
            "وقال الوزير إن المحادثات ستستأنف الأسبوع المقبل في جنيف\n\n"
            "Short.\n")
    doc = make_doc(text)
    langs = [lang for _, _, lang in paragraph_languages(doc.text, doc.body, default=doc.lang)]
    assert langs == ["en", "en", "fr", "ar", doc.lang]
    assert doc.lang == "en"


def test_short_paragraph_inherits_neighbour_when_no_default():
    text = "Le ministre a parlé longuement de la situation à Alep.\n\nOui.\n"
    ranges = [(0, text.index("\n")), (text.index("Oui"), text.index("Oui") + 4)]
    assert [lang for *_, lang in paragraph_languages(text, ranges)] == ["fr", "fr"]


def test_span_language_overrides_only_when_long_and_confident():
    assert span_language("Nous ne laisserons jamais tomber Alep, quoi qu'il arrive demain.", "en") == "fr"
    assert span_language("Journal du Dimanche", "en") == "en"  # too short to override
    assert span_language("The Journal du Dimanche reported that the mission was powerless.", "en") == "en"
    assert span_language("قال الوزير", "en") == "ar"


def test_script_counts_counts_letters_as_is_arabic_letter_does():
    from aligner.text.arabic import is_arabic_letter
    from aligner.text.langid import script_counts

    for text in ["", "1234 -- !!", "Lavrov said", "قال لافروف (Lavrov) ٣ مايو", "ﻻ ﷲ ݐ ࢠ é ß ٣ ـ ً", "e\u0301 ⅻ 中文"]:
        ar = sum(1 for c in text if c.isalpha() and is_arabic_letter(c))
        other = sum(1 for c in text if c.isalpha() and not is_arabic_letter(c))
        assert script_counts(text) == (ar, other), text


def test_detection_is_remembered_not_recomputed(monkeypatch):
    from aligner.text import langid

    calls = []
    real = langid._scores
    monkeypatch.setattr(langid, "_scores", lambda t: calls.append(t) or real(t))
    text = "The delegation will travel to Geneva on Thursday to resume the talks, a spokesman said."
    first = langid.detect_with_confidence(text)
    assert langid.detect_with_confidence(text) == first and first[0] == "en"
    assert len(calls) <= 1  # computed at most once (an earlier test may have seen it)
    monkeypatch.setattr(langid, "CACHE_SIZE", 2)
    for t in ("Le ministre a parlé hier soir à la radio.", "Talks resumed in Geneva yesterday evening."):
        langid.detect_with_confidence(t)
    assert len(langid._detected) <= 2
