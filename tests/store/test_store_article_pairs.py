"""Article pairs kept in the project file (real SQLite)."""

from __future__ import annotations

import pytest

from aligner.errors import ProjectError
from aligner.pairing import ArticlePair
from aligner.store import Project

EN, FR, AR = "He said: “We will stay.”", "Il a dit : « Nous resterons. »", "وقال: «سنبقى»."


def _pair(src, tgt, score, lang="fr"):
    return ArticlePair(source_doc=src, target_doc=tgt, target_lang=lang, score=score, mutual=4,
                       coverage=0.8, names=0.5, numbers=0.0, outlet=True)


def test_pairs_survive_reopen_and_a_run_replaces_an_articles_pairs(tmp_path, helpers):
    make_doc = helpers.make_doc
    path = tmp_path / "p.aligner"
    with Project.open(path, create=True) as p:
        for d in (make_doc("en.txt", EN, "en"), make_doc("fr.txt", FR, "fr"), make_doc("ar.txt", AR, "ar")):
            p.add_document(d)
        assert p.set_article_pairs([_pair("en.txt", "fr.txt", 0.97), _pair("en.txt", "ar.txt", 0.2, "ar")]) == 2
    with Project.open(path) as p:
        got = p.article_pairs("en.txt")
        assert [(a.target_doc, a.score, a.target_lang, a.mutual, a.outlet) for a in got] == [
            ("fr.txt", 0.97, "fr", 4, True), ("ar.txt", 0.2, "ar", 4, True)]
        assert [a.target_doc for a in p.article_pairs(min_score=0.5)] == ["fr.txt"]
        p.set_article_pairs([], sources=["en.txt"])  # a new run found none
        assert p.article_pairs() == []


def test_pair_with_unknown_document_is_refused_and_nothing_written(tmp_path, helpers):
    make_doc = helpers.make_doc
    with Project.open(tmp_path / "p.aligner", create=True) as p:
        p.add_document(make_doc("en.txt", EN, "en"))
        with pytest.raises(ProjectError, match="not in the project"):
            p.set_article_pairs([_pair("en.txt", "missing.txt", 0.9)])
        assert p.article_pairs() == []
