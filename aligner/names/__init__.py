"""Name variants: find names in articles, normalise and compare spellings across
English, French and Arabic, cluster them, and read/write reviewed dictionaries.

Core API (pure: records in, records out; no file IO except the lazily loaded
romanizer resources):

* :func:`extract_mentions` (one document) / :func:`extract_corpus` (all, with
  the single-word pass) -> ``list[NameMention]``
* :func:`cluster_mentions` (mentions, constraints, reviewed dictionary, quote
  links) -> ``list[NameCluster]``; :func:`cluster_forms` for bare spellings
* :func:`build_dictionary` = both
* :class:`ReviewConstraints` + :func:`constraints_to_json` / :func:`constraints_from_json`
* :func:`quote_links` turns aligned quote pairs into mention links
* comparison helpers: :func:`analyse`, :func:`compare`, :func:`name_key`,
  :func:`name_units`, :func:`romanize`
* formats: :mod:`aligner.names.formats` (JSON, CSV, PO, TBX; atomic writes,
  all-or-nothing imports)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from ..records import Document, NameCluster, NameMention, Quote
from .cluster import (
    ClusterParams,
    ConstraintConflict,
    ReviewConstraints,
    analyse,
    choose_canonical,
    cluster_forms,
    cluster_id,
    cluster_mentions,
    compare,
    constraints_from_json,
    constraints_to_json,
    role_key,
)
from .dictionary import DictionaryImportError, Problem, preferred_form
from .mentions import extract_corpus, extract_mentions
from .normalize import clean_form, form_key, name_key, name_units, script_of
from .translit import romanize


@lru_cache(maxsize=65536)
def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two person names across spellings and scripts
    (Bassma Kodmani ~ Basmah Qadamani ~ بسمة قضماني; a surname alone matches
    the full name). Used by the quote aligner's speaker cue."""
    return float(compare(analyse(a, "person"), analyse(b, "person")).score)


def build_dictionary(
    docs: Sequence[Document],
    *,
    constraints: ReviewConstraints | None = None,
    dictionary: Sequence[NameCluster] = (),
    links: Iterable[tuple[NameMention, NameMention]] = (),
    params: ClusterParams | None = None,
) -> list[NameCluster]:
    """Mentions of ``docs`` clustered (see :func:`cluster_mentions`)."""
    mentions = extract_corpus(docs)
    kw = {"params": params} if params else {}
    return cluster_mentions(mentions, constraints=constraints, dictionary=dictionary, quote_links=links, **kw)


def quote_links(pairs: Iterable[tuple[Quote, Quote]], mentions: Sequence[NameMention]
                ) -> list[tuple[NameMention, NameMention]]:
    """Mention pairs for aligned quotes: the speaker of each side, found among the
    mentions of its document (the mention whose form is, or ends, the speaker
    string, nearest before the quote). Pairs whose speakers are not found are skipped."""
    by_doc: dict[str, list[NameMention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc, []).append(m)

    def find(q: Quote) -> NameMention | None:
        if not q.speaker:
            return None
        sk = form_key(q.speaker)
        cands = [m for m in by_doc.get(q.doc, []) if m.type == "person"
                 and (form_key(m.form) == sk or sk.endswith(form_key(m.form)) or form_key(m.form).endswith(sk))]
        if not cands:
            return None
        before = [m for m in cands if m.start <= q.sentence_end]
        pool = before or cands
        return min(pool, key=lambda m: (abs(q.start - m.start), m.start))

    out = []
    for a, b in pairs:
        ma, mb = find(a), find(b)
        if ma is not None and mb is not None and ma != mb:
            out.append((ma, mb))
    return out


def mentions_by_cluster(clusters: Sequence[NameCluster], mentions: Iterable[NameMention]
                        ) -> dict[str, list[NameMention]]:
    """The mentions behind each cluster (by cluster id), in document/text order: a mention
    belongs to the cluster listing its form (case-insensitive) for its type. For the review view."""
    where: dict[tuple[str, str], str] = {}
    for c in clusters:
        for v in c.variants:
            where.setdefault((form_key(v.form), c.type), c.id)
    out: dict[str, list[NameMention]] = {c.id: [] for c in clusters}
    for m in sorted(mentions, key=lambda m: (m.doc, m.start, m.end)):
        cid = where.get((form_key(m.form), m.type))
        if cid is not None:
            out[cid].append(m)
    return out


__all__ = [
    "ClusterParams", "ConstraintConflict", "DictionaryImportError", "Problem", "ReviewConstraints",
    "analyse", "build_dictionary", "choose_canonical", "clean_form", "cluster_forms", "cluster_id",
    "cluster_mentions", "compare", "constraints_from_json", "constraints_to_json", "extract_corpus",
    "extract_mentions", "form_key", "mentions_by_cluster", "name_key", "name_units", "preferred_form", "quote_links", "role_key",
    "romanize", "script_of",
]
