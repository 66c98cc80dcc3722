"""Speakers and outlets in English, French and Arabic."""

from __future__ import annotations

import pytest

from aligner.text import outlets
from aligner.text.quotes import extract_quotes
from aligner.text.speakers import find_outlet_in, outlet_language
from aligner.text.sentences import split_sentences
from textfixtures import make_doc

HEAD = "A headline for the test\n\n"


def quotes_of(body: str):
    doc = make_doc(HEAD + body)
    return [q for q in extract_quotes(doc, split_sentences(doc)) if q.kind != "title"]


def one(body: str):
    qs = quotes_of(body)
    assert len(qs) == 1, [q.text for q in qs]
    return qs[0]


@pytest.mark.parametrize("body, speaker", [
    ("“We are ready to advance,” Omar Kassem said on Sunday.", "Omar Kassem"),
    ("“We are ready to advance,” said Omar al Kassem in a meeting with lawmakers.", "Omar al Kassem"),
    ("“We are ready to advance,” the regime’s Prime Minister, Omar al Kassem, said on Sunday.", "Omar al Kassem"),
    ("Prime Minister Omar al-Kassem said the army would “liberate” the city.", "Omar al-Kassem"),
    ("“The truce has collapsed,” said Rami Saleh, director of the Observatory for Human Rights.", "Rami Saleh"),
    ("Rami Saleh, director of the Observatory, said the battle would be “long and difficult”.", "Rami Saleh"),
    ("Observatory Director Rami Saleh told AFP that the battle “will be long.”", "Rami Saleh"),
    ("Military commander in Idlib Abu Ali Karim told reporters: “We will hold the line.”", "Abu Ali Karim"),
    ("According to Hamid Karimi, the deal was “dead on arrival”.", "Hamid Karimi"),
    ("Leila Haddad of the Negotiations Committee also told reporters that the team was “helpless”.", "Leila Haddad"),
    ("De Costa has said the next round needs to “be concrete”.", "De Costa"),
    ("Speaking in Hamburg at the Council of Foreign Ministers, Petrov said it would be “a long process”.", "Petrov"),
    ("The Observatory for Human Rights described the attack as “the most violent ever”.", "Observatory for Human Rights"),
    ("« Le régime a repris les bombardements », a déclaré Basma Kodmani au Journal du Dimanche.", "Basma Kodmani"),
    ("Le ministre des Affaires étrangères Laurent Fabius a affirmé à l'AFP : « Nous ne lâcherons rien. »", "Laurent Fabius"),
    ("« La situation est très grave », estime Rami Abdel Rahmane, directeur de l'Observatoire.", "Rami Abdel Rahmane"),
    ("Selon Basma Kodmani, la mission est « impuissante ».", "Basma Kodmani"),
    ("وقال رئيس الوزراء السوري وائل الحلقي لـ\"الشرق الأوسط\": «نحن مستعدون لتحرير حلب».", "وائل الحلقي"),
    ("وقال مدير المرصد السوري لحقوق الإنسان رامي عبد الرحمن لوكالة فرانس برس إن \"الهدنة انهارت فعليا\".",
     "رامي عبد الرحمن"),
])
def test_named_speaker(body, speaker):
    assert one(body).speaker == speaker


@pytest.mark.parametrize("body, desc", [
    ("“The truce is about to collapse,” said a member of the main opposition council.",
     "a member of the main opposition council"),
    ("A member of the opposition council said the last days had “seen a sharp deterioration.”",
     "A member of the opposition council"),
    ("A leading opposition source in Aleppo told Asharq Al-Awsat: “The new battle pushed them back.”",
     "A leading opposition source in Aleppo"),
    ("Military sources from the Jaish al-Fatah Army told reporters that forces “witnessed a breakdown.”",
     "Military sources from the Jaish al-Fatah Army"),
    ("وأكد مصدر في المعارضة لـ«الشرق الأوسط» أن «الفصائل لن تنسحب من المدينة».", "مصدر في المعارضة"),
])
def test_unnamed_source_has_no_speaker_but_a_description(body, desc):
    q = one(body)
    assert q.speaker is None
    assert q.speaker_desc == desc


@pytest.mark.parametrize("body, outlet", [
    ("Rami Saleh told AFP that the battle “will be long.”", "AFP"),
    ("Leila Haddad told “Journal du Dimanche” that the team was “helpless”.", "Journal du Dimanche"),
    ("Leila Haddad told Journal du Dimanche that the team was “helpless”.", "Journal du Dimanche"),
    ("“The strikes resumed at night,” Reuters quoted the defence ministry.", "Reuters"),
    ("A senior official, in comments to Iran TV, rejected the plan, saying he should stay “as any citizen.”",
     "Iran TV"),
    ("« Nous sommes prêts », a déclaré Basma Kodmani au Journal du Dimanche.", "Journal du Dimanche"),
    ("Laurent Fabius a confié à l'AFP : « Rien n'est joué. »", "AFP"),
    ("وقال الوزير لـ«الشرق الأوسط»: «نحن مستعدون».", "الشرق الأوسط"),
    ("وقال رامي عبد الرحمن لوكالة فرانس برس: «الهدنة انهارت».", "وكالة فرانس برس"),
])
def test_outlet_as_written(body, outlet):
    assert one(body).outlet == outlet


def test_pronoun_resolved_to_single_recent_speaker():
    qs = quotes_of("U.N. adviser Jan Egeland said on Thursday the talks had produced “nothing”.\n\n"
                   "“The member states are poles apart,” he told reporters.")
    assert [q.speaker for q in qs] == ["Jan Egeland", "Jan Egeland"]


def test_pronoun_resolved_within_paragraph_and_quoted_as_saying():
    qs = quotes_of("Prime Minister Omar Kassem said that lawmakers discussed plans to “liberate” the city.\n\n"
                   "\"We are preparing an operation,\" he was quoted as saying.")
    assert [q.speaker for q in qs] == ["Omar Kassem", "Omar Kassem"]


def test_ambiguous_pronoun_is_not_resolved():
    qs = quotes_of("Omar Kassem said the talks failed, while Leila Haddad said they would resume.\n\n"
                   "“We will see next week,” he said.")
    assert qs[-1].speaker is None


def test_pronoun_for_unnamed_source_stays_unnamed():
    q = quotes_of("The opposition military source told Asharq Al-Awsat that the battle would go on. "
                  "“Air strikes cannot stop us,” he said.")[0]
    assert q.speaker is None and q.speaker_desc == "The opposition military source"
    assert q.outlet == "Asharq Al-Awsat"  # inherited from the clause it refers back to


def test_definite_description_resolved_to_titled_person():
    qs = quotes_of("However, the comments of Russia’s Foreign Minister Sergei Petrov revealed that Moscow "
                   "wanted “the entire city”.\n\n"
                   "The Russian foreign minister said rebels who stay would be treated “as terrorists”.")
    assert [q.speaker for q in qs] == ["Sergei Petrov", "Sergei Petrov"]


def test_definite_description_ambiguous_stays_none():
    qs = quotes_of("Foreign Minister Sergei Petrov met Defence Minister Ivan Orlov in Moscow.\n\n"
                   "The minister said the plan was “final”.")
    assert qs[0].speaker is None and qs[0].speaker_desc == "The minister"


def test_previous_sentence_ending_with_said_gives_the_speaker():
    qs = quotes_of("“The strikes are back,” said Mohamed Rasheed. A regime forces source said.\n\n"
                   "\"The battles are raging because armed groups joined the attack.\"")
    assert qs[0].speaker == "Mohamed Rasheed"
    assert qs[1].speaker is None and qs[1].speaker_desc == "A regime forces source"


def test_french_pronoun_and_incise():
    qs = quotes_of("Le ministre des Affaires étrangères Laurent Fabius a affirmé à l'AFP : « Nous ne lâcherons rien. » "
                   "Il a ajouté : « La France restera mobilisée. »\n\n"
                   "« Nous sommes prêts, a-t-il dit, à reprendre les négociations. »")
    assert [q.speaker for q in qs] == ["Laurent Fabius"] * 3
    assert qs[0].outlet == "AFP" and qs[1].outlet == "AFP" and qs[2].outlet is None


def test_arabic_implicit_subject_resolved():
    qs = quotes_of("وقال رئيس الوزراء وائل الحلقي لـ\"الشرق الأوسط\": «نحن مستعدون». وأضاف: «لن نسمح بخرق الهدنة».")
    assert [q.speaker for q in qs] == ["وائل الحلقي", "وائل الحلقي"]
    assert qs[0].outlet == "الشرق الأوسط" and outlet_language(qs[0].outlet) == "ar"


def test_arabic_according_to_and_definite_source():
    qs = quotes_of("ووفقا للوزير وائل الحلقي، فإن «الهدنة انتهت».\n\n"
                   "وأكد مصدر في المعارضة أن «الفصائل باقية». وقال المصدر: «لن ننسحب».")
    assert qs[0].speaker == "وائل الحلقي"
    assert qs[1].speaker is None and qs[1].speaker_desc == "مصدر في المعارضة"
    assert qs[2].speaker is None and qs[2].speaker_desc == "المصدر"


def test_find_outlet_in_clauses():
    assert find_outlet_in("told Asharq Al-Awsat that", "en") == "Asharq Al-Awsat"
    assert find_outlet_in("he told reporters", "en") is None
    assert find_outlet_in("Kerry told Lavrov that", "en") is None
    assert find_outlet_in("a déclaré au Journal du Dimanche", "fr") == "Journal du Dimanche"
    assert find_outlet_in('لـ"الشرق الأوسط"', "ar") == "الشرق الأوسط"
    assert find_outlet_in("لوكالة فرانس برس إن", "ar") == "وكالة فرانس برس"


@pytest.mark.parametrize("name, lang", [
    ("Asharq Al-Awsat", "ar"), ("ASHARQ AL-AWSAT", "ar"), ("الشرق الأوسط", "ar"), ("Al-Arabiya", "ar"),
    ("SANA", "ar"), ("Al-Watan", "ar"), ("Al Jazeera", "ar"), ("Al Jazeera English", "en"),
    ("Journal du Dimanche", "fr"), ("Le JDD", "fr"), ("Le Monde", "fr"), ("Le Figaro", "fr"),
    ("France 24", "fr"), ("AFP", "fr"), ("وكالة فرانس برس", "fr"), ("Agence France-Presse", "fr"),
    ("Reuters", "en"), ("رويترز", "en"), ("AP", "en"), ("Associated Press", "en"),
    ("Iran TV", None), ("Sham Network", None), ("", None), (None, None),
])
def test_outlet_language(name, lang):
    assert outlet_language(name) == lang


def test_outlet_table_is_extensible(monkeypatch):
    extra = outlets.OUTLETS + (outlets.Outlet("Example Gazette", "fr", ("Gazette d'Exemple",)),)
    monkeypatch.setattr(outlets, "OUTLETS", extra)
    monkeypatch.setattr(outlets, "_INDEX", outlets._build_index())
    assert outlets.outlet_language("la Gazette d'Exemple") == "fr"
