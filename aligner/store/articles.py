"""Article pairs in the project store: which French/Arabic articles an English one draws on.

Written by each alignment run (:func:`aligner.pipeline.align_paths`), read by
the workbench. A run replaces the pairs of the English articles it aligned;
pairs are identified by the two current document versions.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import ProjectError
from ..pairing import ArticlePair
from ._base import StoreBase
from ._text import dumps, loads, utc_now


class ArticlePairStore(StoreBase):
    """``set_article_pairs`` / ``article_pairs``."""

    def set_article_pairs(self, pairs: Iterable[ArticlePair], *, sources: Iterable[str] = (),
                          run_id: int | None = None) -> int:
        """Store ``pairs``; the earlier pairs of their English articles (and of
        ``sources``, document paths) are replaced. Returns the number stored."""
        pairs = list(pairs)
        with self._write() as c:
            docs = {path: i for i, path in c.execute("SELECT id, path FROM documents WHERE current = 1")}
            now = utc_now()
            scope = {p.source_doc for p in pairs} | set(sources)
            for path in scope:
                if path in docs:
                    c.execute("DELETE FROM article_pairs WHERE source_doc_id = ?", (docs[path],))
            rows = []
            for p in pairs:
                if p.source_doc not in docs or p.target_doc not in docs:
                    raise ProjectError(f"{self.path}: an article pair refers to a document that is not in "
                                       f"the project ({p.source_doc} / {p.target_doc})")
                evidence = {"mutual": p.mutual, "coverage": p.coverage, "names": p.names,
                            "numbers": p.numbers, "outlet": p.outlet, "target_lang": p.target_lang}
                rows.append((docs[p.source_doc], docs[p.target_doc], float(p.score), dumps(evidence),
                             run_id, now))
            c.executemany("INSERT INTO article_pairs(source_doc_id, target_doc_id, score, evidence, run_id, "
                          "updated) VALUES (?, ?, ?, ?, ?, ?)", rows)
            return len(rows)

    def article_pairs(self, source: str | None = None, *, min_score: float = 0.0) -> list[ArticlePair]:
        """Stored pairs (of one English article's path, or all), best first per article."""
        sql = ("SELECT s.path, t.path, a.score, a.evidence FROM article_pairs a "
               "JOIN documents s ON s.id = a.source_doc_id JOIN documents t ON t.id = a.target_doc_id "
               "WHERE s.current = 1 AND t.current = 1 AND a.score >= ?")
        args: list = [min_score]
        if source is not None:
            sql += " AND s.path = ?"
            args.append(source)
        sql += " ORDER BY s.path, a.score DESC, t.path"
        with self._read() as c:
            rows = c.execute(sql, args).fetchall()
        out = []
        for s, t, score, ev in rows:
            e = loads(ev, {}) or {}
            out.append(ArticlePair(source_doc=s, target_doc=t, target_lang=e.get("target_lang", ""),
                                   score=float(score), mutual=int(e.get("mutual", 0)),
                                   coverage=float(e.get("coverage", 0.0)), names=float(e.get("names", 0.0)),
                                   numbers=float(e.get("numbers", 0.0)), outlet=bool(e.get("outlet", False))))
        return out
