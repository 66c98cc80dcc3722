"""The Sources tab: article pairs from a real project file in a real (offscreen) widget."""

from __future__ import annotations

import hashlib

from PySide6.QtCore import Qt

from aligner.pairing import ArticlePair
from aligner.records import Document
from aligner.store import Project


def _doc(path, text, lang):
    return Document(path=path, text=text, lang=lang, encoding="utf-8",
                    sha256=hashlib.sha256(text.encode()).hexdigest())


def test_sources_tab_lists_pairs_best_first(qtbot, tmp_path):
    from workbench.widgets.article_pairs import ArticlePairsView

    with Project.open(tmp_path / "p.aligner", create=True) as p:
        for path, text, lang in (("/a/en.txt", "He said: “We stay.”", "en"), ("/a/fr.txt", "« Nous restons. »", "fr"),
                                 ("/a/ar.txt", "«سنبقى».", "ar")):
            p.add_document(_doc(path, text, lang))
        p.set_article_pairs([
            ArticlePair("/a/en.txt", "/a/ar.txt", "ar", 0.62, 2, 0.5, 0.0, 0.0, False),
            ArticlePair("/a/en.txt", "/a/fr.txt", "fr", 0.97, 5, 0.9, 0.6, 0.0, True),
])
        view = ArticlePairsView()
        qtbot.addWidget(view)
        assert view.empty.isVisibleTo(view) and not view.table.isVisibleTo(view)
        view.set_project(p)
    m = view.model
    assert m.rowCount() == 2 and view.table.isVisibleTo(view)
    cells = [[m.data(m.index(r, c), Qt.DisplayRole) for c in range(m.columnCount())] for r in range(2)]
    assert cells[0][:4] == ["en.txt", "fr.txt", "fr", "0.97"]
    assert "5 sentence pairs" in cells[0][4] and "outlet named" in cells[0][4]
    assert cells[1][:4] == ["en.txt", "ar.txt", "ar", "0.62"]
    view.clear_project()
    assert m.rowCount() == 0
