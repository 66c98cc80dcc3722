"""Reading files: encodings, HTML, Markdown, bad input, folders."""

from __future__ import annotations

import hashlib

import pytest

from aligner.errors import InputFileError
from aligner.text.reader import (
    decode_bytes,
    html_to_text,
    markdown_to_text,
    plausibility,
    read_document,
    read_paths,
)

ARABIC = (
    "الحلقي يعد بمعركة حلب\n\n"
    "وقال رئيس الوزراء وائل الحلقي لـ\"الشرق الأوسط\": «نحن مستعدون لتحرير حلب». "
    "وأضاف أن القوات ستتقدم قريبا، وهل يمكن وقفها؟ لا.\n"
)
FRENCH = (
    "Syrie : une trêve « impuissante »\n\n"
    "« Le régime a repris les bombardements », a déclaré Basma Kodmani au Journal du Dimanche. "
    "Elle a ajouté que l'Élysée était « préoccupé » et que la trêve était à l'agonie.\n"
)
ENGLISH = "Talks stall in Geneva\n\n“We are not optimistic,” the spokesman said.\n"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("cp1256", "windows-1256"),
])
def test_arabic_encodings(tmp_path, encoding, expected):
    p = tmp_path / "ar.txt"
    p.write_bytes(ARABIC.encode(encoding))
    doc = read_document(p)
    assert doc.encoding == expected
    assert doc.text == ARABIC
    assert doc.lang == "ar"
    assert doc.title == "الحلقي يعد بمعركة حلب"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-16", "utf-16"),
    ("cp1252", "windows-1252"),
    ("latin-1", "windows-1252"),  # identical bytes for these letters; 1252 is the superset
])
def test_french_encodings(tmp_path, encoding, expected):
    p = tmp_path / "fr.txt"
    p.write_bytes(FRENCH.encode(encoding))
    doc = read_document(p)
    assert doc.encoding == expected
    assert doc.text == FRENCH
    assert doc.lang == "fr"


def test_cp1252_curly_quotes_kept(tmp_path):
    text = "Titre\n\n“Nous partons”, a dit M. Dupont – voilà tout… Ça suffit.\n"
    p = tmp_path / "q.txt"
    p.write_bytes(text.encode("cp1252"))
    doc = read_document(p)
    assert doc.encoding == "windows-1252"
    assert "“Nous partons”" in doc.text and "–" in doc.text and "…" in doc.text


def test_wrong_code_page_is_not_chosen():
    # Arabic bytes read as Windows-1252 would give Latin gibberish: must pick 1256
    text, enc = decode_bytes("قال الوزير إن المفاوضات انتهت".encode("cp1256"))
    assert enc == "windows-1256" and text.startswith("قال")
    # French bytes read as Windows-1256 would put Arabic letters into words: must pick 1252
    text, enc = decode_bytes("État, Élysée, À Paris, Ça".encode("cp1252"))
    assert enc == "windows-1252" and text.startswith("État")


def test_plausibility_scores():
    assert plausibility("Le président a déclaré à l'Élysée") == 1.0
    assert plausibility("قال الوزير إن المفاوضات".encode("cp1256").decode("cp1252")) < 0.5
    assert plausibility("État, Élysée, À Paris".encode("cp1252").decode("cp1256")) < 0.5


def test_line_endings_and_quotes_preserved(tmp_path):
    raw = 'Title line\r\n\r\n"Straight" and “curly” and « guillemets »\rnext\r\n'
    p = tmp_path / "crlf.txt"
    p.write_bytes(raw.encode("utf-8"))
    doc = read_document(p)
    assert "\r" not in doc.text
    assert doc.text == 'Title line\n\n"Straight" and “curly” and « guillemets »\nnext\n'
    assert doc.sha256 == hashlib.sha256(raw.encode("utf-8")).hexdigest()


def test_html_visible_text(tmp_path):
    html = """<!DOCTYPE html><html><head><title>Site</title><style>p{color:red}</style>
    <script>var s = "<p>hidden</p>";</script></head><body>
    <header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
    <article><h1>Aleppo &amp; the &ldquo;truce&rdquo;</h1>
    <p>&ldquo;We are ready,&rdquo; said   <b>Wael</b> al Halqi.</p>
    <figure><img src="x.jpg"><figcaption>Civilians flee the city</figcaption></figure>
    <p>Le ministre a d&eacute;clar&eacute; : &laquo;&#8239;Non&#8239;&raquo;</p>
    <aside>Read more about Syria</aside></article>
    <footer>Copyright 2016 Example</footer></body></html>"""
    p = tmp_path / "a.html"
    p.write_text(html, encoding="utf-8")
    doc = read_document(p)
    assert doc.text == ("Aleppo & the “truce”\n\n“We are ready,” said Wael al Halqi.\n\n"
                        "Le ministre a déclaré : «\u202fNon\u202f»")
    assert doc.title == "Aleppo & the “truce”"
    for hidden in ("hidden", "Home", "Civilians", "Read more", "Copyright", "color"):
        assert hidden not in doc.text
    assert [doc.text[s:e] for s, e in doc.body][0].startswith("“We are ready")


def test_html_br_and_legacy_charset(tmp_path):
    html = '<html><head><meta charset="windows-1256"></head><body><p>قال الوزير<br>إن الهدنة انهارت</p></body></html>'
    p = tmp_path / "b.htm"
    p.write_bytes(html.encode("cp1256"))
    doc = read_document(p)
    assert doc.encoding == "windows-1256"
    assert doc.text == "قال الوزير\nإن الهدنة انهارت"


def test_markdown_stripped_lightly():
    md = ("# Aleppo: the \"truce\" *collapses*\n\n"
          "**Basmah Qadamani** told [Journal du Dimanche](https://example.org/a_(b)) the mission was “powerless”.\n\n"
          "> “We are not optimistic,” the spokesman said.\n\n"
          "- a snake_case_word stays _emphasised_\n![photo](img.png)\n---\n"
          "See `code` and a [ref][1].\n\n[1]: http://example.com\n")
    text = markdown_to_text(md)
    assert text.splitlines()[0] == 'Aleppo: the "truce" collapses'
    assert "Basmah Qadamani told Journal du Dimanche the mission was “powerless”." in text
    assert "“We are not optimistic,” the spokesman said." in text
    assert "a snake_case_word stays emphasised" in text
    assert "See code and a ref." in text
    for gone in ("](", "img.png", "**", "# ", "http://example.com", "---"):
        assert gone not in text


def test_markdown_file(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("# Title here\n\n“Quoted words,” she said.\n", encoding="utf-8")
    doc = read_document(p)
    assert doc.title == "Title here"
    assert doc.text == "Title here\n\n“Quoted words,” she said.\n"


def test_html_to_text_entities_and_whitespace():
    assert html_to_text("<p>a&nbsp;b &lt;c&gt;\n   d</p><p>e</p>") == "a\xa0b <c> d\n\ne"


# --------------------------------------------------------------------------- bad input

def _problem(path, **kw) -> str:
    with pytest.raises(InputFileError) as ei:
        read_document(path, **kw)
    assert ei.value.path == str(path)
    return ei.value.problem


def test_missing_file(tmp_path):
    assert _problem(tmp_path / "nope.txt") == "file not found"


def test_folder_given_as_file(tmp_path):
    assert "folder" in _problem(tmp_path)


def test_empty_file(tmp_path):
    p = tmp_path / "e.txt"
    p.write_bytes(b"")
    assert _problem(p) == "file is empty"


def test_blank_file(tmp_path):
    p = tmp_path / "b.txt"
    p.write_bytes(b" \n\n\t\n")
    assert "blank" in _problem(p)


def test_binary_file(tmp_path):
    p = tmp_path / "bin.txt"
    p.write_bytes(bytes(range(256)) * 20)
    assert "binary" in _problem(p)


def test_pdf_named_txt(tmp_path):
    p = tmp_path / "doc.txt"
    p.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    assert "PDF" in _problem(p)


def test_huge_file(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"word " * 100)
    problem = _problem(p, max_bytes=100)
    assert "too large" in problem and "100" in problem


def test_undecodable_file(tmp_path):
    p = tmp_path / "sjis.txt"
    p.write_bytes("こんにちは世界、これはテストです。日本語の文章。".encode("shift_jis"))
    problem = _problem(p)
    assert "encoding" in problem and "UTF-8" in problem


def test_html_without_text(tmp_path):
    p = tmp_path / "x.html"
    p.write_text("<html><body><script>1</script></body></html>", encoding="utf-8")
    assert "no text" in _problem(p)


def test_read_paths_folder_sorted_filtered_and_errors(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b.txt").write_text("Headline B\n\nBody of b, a full sentence.\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("# Headline A\n\nBody of a, a full sentence.\n", encoding="utf-8")
    (tmp_path / "sub" / "c.htm").write_text("<p>Body of c, a full sentence.</p>", encoding="utf-8")
    (tmp_path / "sub" / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".hidden" / "x.txt").write_text("hidden", encoding="utf-8")
    other = tmp_path / "other.pdf"
    docs, errors = read_paths([str(tmp_path), str(other), str(tmp_path / "missing.txt"), str(tmp_path / "b.txt")])
    names = [d.path.rsplit("/", 1)[-1] for d in docs]
    assert names == ["a.md", "b.txt", "c.htm"]  # sorted, recursed, filtered, no duplicate b.txt
    problems = {e.path.rsplit("/", 1)[-1]: e.problem for e in errors}
    assert problems["empty.txt"] == "file is empty"
    assert problems["missing.txt"] == "file not found"
    assert problems["other.pdf"] == "file not found"


def test_read_paths_unsupported_explicit_file(tmp_path):
    p = tmp_path / "a.pdf"
    p.write_bytes(b"%PDF-1.4")
    docs, errors = read_paths([str(p)])
    assert docs == [] and len(errors) == 1 and "unsupported file type" in errors[0].problem


def test_read_paths_empty_folder(tmp_path):
    docs, errors = read_paths([str(tmp_path)])
    assert docs == [] and "contains no" in errors[0].problem


def test_read_paths_max_bytes(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\n\nSome words here.\n", encoding="utf-8")
    docs, errors = read_paths([str(tmp_path)], max_bytes=5)
    assert docs == [] and "too large" in errors[0].problem
