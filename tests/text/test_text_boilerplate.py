"""Boilerplate lines, title and paragraphs."""

from __future__ import annotations

from aligner.text.boilerplate import (
    analyse_layout,
    heading_like,
    is_caption_line,
    is_label_line,
    is_site_header,
    split_site_suffix,
)
from textfixtures import make_doc

SITE_ARTICLE = """Middle-east Arab News Opinion | Asharq Al-awsat

Rebels Take “Key Hill” near Hama | ASHARQ AL-AWSAT English Archive 2005 -2017
Select Page
Media ID: 55512345
Caption:

Fighters walking past a destroyed tank in the northern countryside of Hama

“We will keep advancing,” a rebel commander said on Monday.

Another paragraph of the article body follows here.

Photo by: AP (Archive )
Men carry supplies through a damaged street in Douma (AFP Photo/JOHN DOE)
Children play near a checkpoint in Idlib, Syria, March 3, 2016.
Soldiers stand guard at the entrance of the town / John Doe/AFP
Syrian troops patrol the old city on May 2, 2016. (Photos by AFP)
Example World and agencies"""


def _body_texts(doc):
    return [doc.text[s:e] for s, e in doc.body]


def test_site_boilerplate_removed_and_title_kept():
    doc = make_doc(SITE_ARTICLE)
    body = _body_texts(doc)
    assert doc.title == "Rebels Take “Key Hill” near Hama"
    assert body == ["“We will keep advancing,” a rebel commander said on Monday.",
                    "Another paragraph of the article body follows here."]
    joined = "\n".join(body)
    for gone in ("Asharq", "Select Page", "Media ID", "Caption", "Fighters walking", "Photo by",
                 "Men carry", "Children play", "Soldiers stand", "Syrian troops patrol", "agencies"):
        assert gone not in joined


def test_layout_reports_boilerplate_lines():
    lay = analyse_layout(SITE_ARTICLE)
    lines = [SITE_ARTICLE[s:e] for s, e in lay.boilerplate]
    assert "Select Page" in lines and "Media ID: 55512345" in lines
    assert lay.title_span is not None and SITE_ARTICLE[slice(*lay.title_span)].startswith("Rebels Take")


def test_french_and_arabic_labels():
    fr = "Titre de l'article\n\nLégende : des civils à Alep\n\nLe texte commence ici.\n\nCrédit photo : AFP\n\nÀ lire aussi : la trêve\n"
    doc = make_doc(fr)
    assert _body_texts(doc) == ["Le texte commence ici."]
    ar = "عنوان الخبر\n\nالصورة: مدنيون في حلب\n\nقال الوزير إن الهدنة انهارت.\n\nاقرأ أيضا: المعارضة تنتقد الهدنة\n"
    doc = make_doc(ar)
    assert _body_texts(doc) == ["قال الوزير إن الهدنة انهارت."]
    assert doc.title == "عنوان الخبر"


def test_rules_individually():
    assert is_site_header("Middle-east Arab News Opinion | Asharq Al-awsat")
    assert not is_site_header("Russia and Syria | a long war")
    assert is_label_line("Select Page") and is_label_line("Media ID: 1234") and is_label_line("Caption:")
    assert is_label_line("Photo by: AP (Archive )") and is_label_line("Légende : x")
    assert not is_label_line("Select a page from the archive to read more about the war in Syria today.")
    assert is_caption_line("Civilians flee the city (AFP Photo/JOHN DOE)")
    assert is_caption_line("Troops in Aleppo’s eastern district/ George Doe/AFP")
    assert is_caption_line("A man walks out of a crater in the town of Dael, north of Deraa, Syria November 8, 2015.")
    assert not is_caption_line("The deal was signed in Geneva. Talks resume in Vienna, Austria, March 3, 2016.")
    assert not is_caption_line("Reuters reported that the talks failed.")
    assert split_site_suffix("Moscow Wants Aleppo | ASHARQ AL-AWSAT English Archive 2005 -2017") == ("Moscow Wants Aleppo", True)
    assert split_site_suffix("War and peace | a review")[1] is False


def test_no_title_when_first_line_is_a_sentence():
    doc = make_doc("The minister said the talks had failed.\n\nHe left Geneva on Monday.\n")
    assert doc.title == ""
    assert len(doc.body) == 2


def test_headings_and_wrapped_paragraphs():
    wrapped = ("Headline of a wrapped text\n\n"
               "The minister said that the talks in Geneva would resume on\n"
               "Wednesday and that the opposition had agreed to attend the\n"
               "next round without conditions.\n\n"
               "A second paragraph starts here and it is also wrapped at\n"
               "a fixed width like the first one was.\n")
    doc = make_doc(wrapped)
    body = _body_texts(doc)
    assert len(body) == 2
    assert body[0].startswith("The minister") and body[0].endswith("conditions.")
    assert heading_like("About to collapse") and not heading_like("He said it would collapse.")


def test_one_line_per_paragraph_when_not_wrapped():
    doc = make_doc("Title\n\nFirst paragraph is a sentence.\nSecond paragraph is another sentence.\n")
    assert _body_texts(doc) == ["First paragraph is a sentence.", "Second paragraph is another sentence."]
