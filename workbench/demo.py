"""A small hand-made review project (no model needed): screenshots, tests, trying the app.

    python -m workbench.demo out/demo      # writes out/demo/articles/*.txt and out/demo/demo.aligner

Four short articles written for this purpose: an English report quoting a
French minister and a Syrian opposition negotiator, the French and Arabic
articles holding the originals, and a second English rendering. Candidates
and scores are set by hand so every confidence band appears.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

from aligner.records import Candidate, Document, Quote

EN = """Paris talks open on Syrian aid

PARIS — Foreign ministers gathered in Paris on Monday to discuss humanitarian access to northern Syria.

"We will not accept that aid convoys are blocked at the border" French Foreign Minister Jean-Marc Ayrault told reporters after the meeting.

"The situation in Aleppo is catastrophic and the international community must act now," he added.

Speaking to Al Jazeera, Syrian opposition negotiator Riad Hijab said: "The regime has violated the ceasefire more than two hundred times."

"We are ready to return to Geneva if the bombing stops," Hijab said.

A UN spokesman said that "the next convoy could leave on Thursday."
"""

EN2 = """Ayrault warns over blocked convoys

France's top diplomat said on Monday: "We will not tolerate aid convoys being held up at the border."

He called the situation in Aleppo "catastrophic".
"""

FR = """Ouverture à Paris des discussions sur l'aide à la Syrie

Les ministres des Affaires étrangères se sont réunis lundi à Paris pour discuter de l'accès humanitaire au nord de la Syrie.

« Nous n'accepterons pas que les convois d'aide soient bloqués à la frontière », a déclaré le ministre des Affaires étrangères Jean-Marc Ayrault à l'issue de la réunion.

« La situation à Alep est catastrophique et la communauté internationale doit agir maintenant », a-t-il ajouté.

Selon un porte-parole de l'ONU, le prochain convoi pourrait partir jeudi.
"""

AR = """المعارضة السورية: النظام خرق الهدنة مئات المرات

قال رياض حجاب، المنسق العام للهيئة العليا للمفاوضات، في حديث لقناة الجزيرة: «لقد انتهك النظام وقف إطلاق النار أكثر من مئتي مرة».

وأضاف حجاب: «نحن مستعدون للعودة إلى جنيف إذا توقف القصف».

وأكد أن الوضع الإنساني في حلب كارثي.
"""


@dataclass(frozen=True)
class Article:
    name: str
    lang: str
    text: str


ARTICLES = (
    Article("en_paris_talks.txt", "en", EN),
    Article("en_ayrault_convoys.txt", "en", EN2),
    Article("fr_discussions_paris.txt", "fr", FR),
    Article("ar_hijab_hudna.txt", "ar", AR),
)


def _span(doc: str, lang: str, text: str, words: str, sentence: str, *, speaker=None, outlet=None,
          is_quote=True) -> Quote:
    s0 = text.index(sentence)
    w0 = text.index(words, s0) if is_quote else s0
    return Quote(doc=doc, lang=lang, text=words if is_quote else sentence, sentence=sentence,
                 start=w0, end=w0 + len(words) if is_quote else s0 + len(sentence),
                 sentence_start=s0, sentence_end=s0 + len(sentence), speaker=speaker, outlet=outlet,
                 is_quote=is_quote)


def _paragraph(text: str, needle: str) -> str:
    for para in text.split("\n"):
        if needle in para:
            return para.strip()
    raise ValueError(needle)


def build_spans(paths: dict[str, str]) -> tuple[dict[str, list[Quote]], list[tuple]]:
    """Quotes and target sentences per article, and (source, target, kind, score, features) links."""
    en, en2, fr, ar = (paths[a.name] for a in ARTICLES)
    ayrault, hijab = "Jean-Marc Ayrault", "Riad Hijab"

    def q(doc, lang, text, words, speaker=None, outlet=None):
        return _span(doc, lang, text, words, _paragraph(text, words), speaker=speaker, outlet=outlet)

    def s(doc, lang, text, needle, speaker=None):
        return _span(doc, lang, text, "", _paragraph(text, needle), speaker=speaker, is_quote=False)

    e1 = q(en, "en", EN, "We will not accept that aid convoys are blocked at the border", ayrault)
    e2 = q(en, "en", EN, "The situation in Aleppo is catastrophic and the international community must act now",
           ayrault)
    e3 = q(en, "en", EN, "The regime has violated the ceasefire more than two hundred times.", hijab, "Al Jazeera")
    e4 = q(en, "en", EN, "We are ready to return to Geneva if the bombing stops", hijab)
    e5 = q(en, "en", EN, "the next convoy could leave on Thursday.", "UN spokesman")
    v1 = q(en2, "en", EN2, "We will not tolerate aid convoys being held up at the border.", ayrault)
    v2 = q(en2, "en", EN2, "catastrophic", ayrault)
    f1 = q(fr, "fr", FR, "Nous n'accepterons pas que les convois d'aide soient bloqués à la frontière", ayrault)
    f2 = q(fr, "fr", FR, "La situation à Alep est catastrophique et la communauté internationale doit agir "
           "maintenant", ayrault)
    f3 = s(fr, "fr", FR, "le prochain convoi pourrait partir jeudi")
    f0 = s(fr, "fr", FR, "Les ministres des Affaires étrangères se sont réunis")
    a1 = q(ar, "ar", AR, "لقد انتهك النظام وقف إطلاق النار أكثر من مئتي مرة", "رياض حجاب", "الجزيرة")
    a2 = q(ar, "ar", AR, "نحن مستعدون للعودة إلى جنيف إذا توقف القصف", "رياض حجاب")
    a3 = s(ar, "ar", AR, "الوضع الإنساني في حلب كارثي")

    spans = {en: [e1, e2, e3, e4, e5], en2: [v1, v2], fr: [f0, f1, f2, f3], ar: [a1, a2, a3]}
    links = [
        (e1, f1, "translation", 0.93, {"cos": 0.91, "margin": 1.21, "speaker": 1, "numbers": 0}),
        (e1, f2, "translation", 0.41, {"cos": 0.62, "margin": 0.98, "speaker": 1, "numbers": 0}),
        (e1, v1, "variant", 0.86, {"cos": 0.94, "margin": 1.15, "speaker": 1, "numbers": 0}),
        (e2, f2, "translation", 0.88, {"cos": 0.9, "margin": 1.18, "speaker": 1, "numbers": 0}),
        (e2, a3, "translation", 0.62, {"cos": 0.74, "margin": 1.04, "speaker": 0, "numbers": 0}),
        (e2, f1, "translation", 0.35, {"cos": 0.58, "margin": 0.97, "speaker": 1, "numbers": 0}),
        (e2, v2, "variant", 0.55, {"cos": 0.69, "margin": 1.02, "speaker": 1, "numbers": 0}),
        (e3, a1, "translation", 0.91, {"cos": 0.88, "margin": 1.22, "speaker": 1, "numbers": 1}),
        (e3, a2, "translation", 0.44, {"cos": 0.6, "margin": 0.99, "speaker": 1, "numbers": 0}),
        (e4, a2, "translation", 0.84, {"cos": 0.87, "margin": 1.16, "speaker": 1, "numbers": 0}),
        (e4, a1, "translation", 0.38, {"cos": 0.57, "margin": 0.96, "speaker": 1, "numbers": 0}),
        (e5, f3, "translation", 0.71, {"cos": 0.83, "margin": 1.09, "speaker": 0, "numbers": 0}),
        (e5, f0, "translation", 0.22, {"cos": 0.49, "margin": 0.93, "speaker": 0, "numbers": 0}),
    ]
    return spans, links


def write_articles(folder: Path) -> dict[str, str]:
    """Write the articles as UTF-8 files; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for a in ARTICLES:
        p = folder / a.name
        p.write_text(a.text, encoding="utf-8")
        out[a.name] = str(p.resolve())
    return out


def build_demo_project(project_path: str | Path, articles_dir: str | Path | None = None):
    """Create (or refresh) the demo project; returns the open Project (close it)."""
    from aligner.store import Project

    project_path = Path(project_path)
    folder = Path(articles_dir) if articles_dir else project_path.parent / "articles"
    paths = write_articles(folder)
    p = Project.open(project_path, create=True, actor="demo")
    spans, links = build_spans(paths)
    by_name = {a.name: a for a in ARTICLES}
    for name, path in paths.items():
        a = by_name[name]
        doc = Document(path=path, text=a.text, lang=a.lang, encoding="utf-8",
                       sha256=hashlib.sha256(a.text.encode("utf-8")).hexdigest(), title=a.text.split("\n")[0])
        doc_id, _ = p.add_document(doc)
        p.set_spans(doc_id, spans[path])
    cands = []
    rank: dict[tuple, int] = {}
    for src, tgt, kind, score, feats in links:
        r = rank.get((src.key, kind), 0) + 1
        rank[(src.key, kind)] = r
        cands.append(Candidate(kind=kind, rank=r, score=score, source=src, target=tgt, features=feats))
    p.upsert_candidates(cands)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    folder = Path(argv[0] if argv else "out/demo")
    p = build_demo_project(folder / "demo.aligner", folder / "articles")
    done, total = p.progress()
    print(f"{p.path}: {total} quotes, {done} reviewed")
    p.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
