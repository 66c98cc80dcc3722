"""The alignment job: documents -> spans -> embeddings -> candidates.

Shared by ``aligner align`` and the workbench. Pure orchestration: files are
read through :mod:`aligner.text.reader`, the project (if any) is the only
place anything is written, and progress is reported through a callback.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .align import align, query_text, target_text, through_sentence
from .embed.protocol import Encoder
from .errors import AlignerError, DimensionError, InputFileError
from .pairing import ArticlePair
from .progress import ProgressFn, StageProgress
from .records import Candidate, Document, Quote
from .settings import SETTINGS, Settings

TARGET_LANGS = ("fr", "ar")
ALIGN_STEPS = ("pair", "quotes", "words", "variants")
"""The steps of the ``align`` stage, reported as ``progress("align", step index, len(ALIGN_STEPS))``:
article pairing, quote alignment, word spans of short quotes, English variants."""


class Cancelled(AlignerError):
    code = "E010"

    def __init__(self) -> None:
        super().__init__("the alignment was cancelled; decisions and documents already saved are kept")


@dataclass(frozen=True)
class DocSpans:
    """A document with its quotes and sentence targets (incl. 2-sentence windows)."""

    doc: Document
    quotes: tuple[Quote, ...]
    sentences: tuple[Quote, ...]


@dataclass
class AlignResult:
    candidates: list[Candidate]
    documents: list[Document]
    errors: list[InputFileError] = field(default_factory=list)
    stats: dict = field(default_factory=dict)
    article_pairs: list[ArticlePair] = field(default_factory=list)
    """Which French/Arabic articles each English article draws on (best first)."""


def prepare_document(doc: Document, settings: Settings = SETTINGS) -> DocSpans:
    """Split ``doc`` into sentences, extract its quotes, build sentence targets.

    Sentence targets include each sentence and each pair of consecutive
    sentences of one paragraph, so an English quote whose original runs over
    two sentences can match both at once. ``settings``: language detection
    (``langid_*``) and sentence splitting (``arabic_semicolon_ends_sentence``).
    """
    from .text.quotes import quotes_and_sentences
    from .text.sentences import split_sentences

    sents = split_sentences(doc, settings=settings)
    found, singles = quotes_and_sentences(doc, sents, settings=settings)
    quotes = tuple(found)
    windows = []
    for a, b in zip(singles, singles[1:]):
        gap = doc.text[a.sentence_end:b.sentence_start]
        if "\n" in gap or a.lang != b.lang:
            continue
        text = doc.text[a.sentence_start:b.sentence_end]
        windows.append(Quote(doc=a.doc, lang=a.lang, text=text, sentence=text,
                             start=a.sentence_start, end=b.sentence_end,
                             sentence_start=a.sentence_start, sentence_end=b.sentence_end,
                             speaker=a.speaker or b.speaker, outlet=a.outlet or b.outlet,
                             is_quote=False))
    return DocSpans(doc=doc, quotes=quotes, sentences=tuple(singles + windows))


def outlet_language(outlet: str | None) -> str | None:
    if not outlet:
        return None
    from .text.outlets import outlet_language as lookup

    return lookup(outlet)


class EmbeddingSource:
    """Embeds texts once: asks the project's embedding cache first, then the encoder.

    Vectors are cached under ``encoder.embedding_key`` where the encoder has
    one (model id plus the text normalisations it applies), else ``encoder.name``.
    """

    def __init__(self, encoder: Encoder, project=None):
        self.encoder = encoder
        self.project = project

    @property
    def cache_key(self) -> str:
        return getattr(self.encoder, "embedding_key", self.encoder.name)

    def embed(self, texts: Sequence[str], progress: ProgressFn | None = None) -> np.ndarray:
        """texts: n strings -> (n, dim) float32, L2-normalised rows, C-contiguous.

        With a project, cached rows are read from it and only the other
        (distinct) texts are encoded, then stored; each text is encoded once.
        """
        texts = list(texts)
        dim = self.encoder.dim
        if not texts:
            return np.zeros((0, dim), dtype=np.float32)
        if self.project is None:
            vectors, missing = np.zeros((len(texts), dim), dtype=np.float32), list(range(len(texts)))
        else:
            vectors, missing = self.project.get_embeddings(self.cache_key, texts, dim=dim)
        if not missing:
            if progress is not None:
                progress(len(texts), len(texts))
            return np.ascontiguousarray(vectors)
        todo = list(dict.fromkeys(texts[i] for i in missing))
        new = np.ascontiguousarray(self.encoder.encode(todo, progress=progress), dtype=np.float32)
        if new.shape != (len(todo), dim):
            raise DimensionError(f"encoder {self.encoder.name} returned shape {new.shape}, "
                                 f"expected {(len(todo), dim)}")
        if self.project is not None:
            self.project.put_embeddings(self.cache_key, todo, new)
        row = {t: j for j, t in enumerate(todo)}
        vectors[missing] = new[[row[texts[i]] for i in missing]]
        return np.ascontiguousarray(vectors)


def source_quotes(docs: Sequence[DocSpans]) -> list[Quote]:
    """The English quotes of English documents: what the aligner finds matches for."""
    return [q for d in docs if d.doc.lang == "en" for q in d.quotes if q.lang == "en"]


def single_sentences(d: "DocSpans") -> list[Quote]:
    """The one-sentence targets of ``d`` (not the two-sentence windows).

    A window starts where its first sentence starts and ends later, so a
    target is a window when a shorter target starts at the same place.
    """
    shortest: dict[int, int] = {}
    for t in d.sentences:
        shortest[t.start] = min(shortest.get(t.start, t.end), t.end)
    return [t for t in d.sentences if t.end == shortest[t.start]]


def article_sides(docs: Sequence[DocSpans], targets: Sequence[Quote], tgt_vecs: np.ndarray,
                  en_sents: Sequence[Quote], en_vecs: np.ndarray, sources: Sequence[Quote]):
    """The articles as :mod:`aligner.pairing` sees them: (English sides, French/Arabic sides).

    Only one-sentence targets are used. tgt_vecs: (len(targets), dim) and
    en_vecs: (len(en_sents), dim) float32.
    """
    from .pairing import ArticleSide

    outlets: dict[str, set[str]] = {}
    for q in sources:
        lang = outlet_language(q.outlet)
        if lang:
            outlets.setdefault(q.doc, set()).add(lang)

    def sides(spans: Sequence[Quote], vecs: np.ndarray, single) -> list[ArticleSide]:
        rows: dict[str, list[int]] = {}
        langs: dict[str, str] = {}
        for n, t in enumerate(spans):
            if single(t):
                rows.setdefault(t.doc, []).append(n)
                langs.setdefault(t.doc, t.lang)
        return [ArticleSide(doc=doc, lang=langs[doc], texts=tuple(spans[n].text for n in idx),
                            vecs=np.ascontiguousarray(vecs[idx]),
                            outlet_langs=frozenset(outlets.get(doc, ())))
                for doc, idx in rows.items()]

    singles = {id(t) for d in docs for t in single_sentences(d)}
    return sides(en_sents, en_vecs, lambda t: True), sides(targets, tgt_vecs, lambda t: id(t) in singles)


def article_pairs(docs: Sequence[DocSpans], targets: Sequence[Quote], tgt_vecs: np.ndarray,
                  en_sents: Sequence[Quote], en_vecs: np.ndarray, sources: Sequence[Quote],
                  settings: Settings) -> list[ArticlePair]:
    """Pair the English articles with the French/Arabic ones (see :func:`article_sides`)."""
    from .pairing import pair_articles

    english, foreign = article_sides(docs, targets, tgt_vecs, en_sents, en_vecs, sources)
    return pair_articles(english, foreign, settings=settings)


def article_positions(docs: Sequence[DocSpans], targets: Sequence[Quote], tgt_vecs: np.ndarray,
                      en_sents: Sequence[Quote], en_vecs: np.ndarray, pairs: Sequence[ArticlePair],
                      settings: Settings) -> dict:
    """Monotone sentence maps of the article pairs scoring at least ``settings.pair_candidates_min``
    (:func:`aligner.position.article_maps`, from the one-sentence vectors already embedded)."""
    from .position import article_maps

    singles = {id(t) for d in docs for t in single_sentences(d)}
    idx = [j for j, t in enumerate(targets) if id(t) in singles]
    return article_maps(en_sents, en_vecs, [targets[j] for j in idx], tgt_vecs[idx],
                        [(p.source_doc, p.target_doc) for p in pairs if p.score >= settings.pair_candidates_min],
                        settings=settings)


def align_by_language(sources: Sequence[Quote], src_vecs: np.ndarray, targets: Sequence[Quote],
                      tgt_vecs: np.ndarray, *, top_k: int, settings: Settings, **kw) -> list[Candidate]:
    """Translation candidates against each target language on its own, then merged.

    The margin's neighbourhoods are per language pair, as in ``aligner mine``:
    where an English sentence has both a French and an Arabic translation in
    the input, neither should lower the other's margin. The merged list keeps
    the ``top_k`` best per source quote, ranked again 1..n.
    tgt_vecs: (len(targets), dim) float32.
    """
    from dataclasses import replace

    out: list[Candidate] = []
    for lang in sorted({t.lang for t in targets}):
        idx = [j for j, t in enumerate(targets) if t.lang == lang]
        out += align(sources, src_vecs, [targets[j] for j in idx], np.ascontiguousarray(tgt_vecs[idx]),
                     kind="translation", top_k=top_k, settings=settings, **kw)
    by_source: dict[tuple, list[Candidate]] = {}
    for c in out:
        by_source.setdefault(c.source.key, []).append(c)
    merged = []
    for group in by_source.values():
        group.sort(key=lambda c: -c.score)
        merged += [replace(c, rank=r) for r, c in enumerate(group[:top_k], start=1)]
    return merged


def word_spans(cands: list[Candidate], token_vectors, settings: Settings) -> list[Candidate]:
    """Short quotes land on the words: the target of a translation candidate whose
    source quote is matched through its sentence (under
    ``settings.align_short_quote_words`` words, or a term, title or headline,
    :func:`aligner.align.through_sentence`) becomes the words of its sentence that render the quote (:mod:`aligner.wordalign`);
    ``sentence``/``sentence_start``/``sentence_end`` keep the whole sentence. Done for
    rank-1 candidates and those at or over the default threshold (what is shown)."""
    from dataclasses import replace

    from .wordalign import project_quotes

    todo = [n for n, c in enumerate(cands)
            if c.kind == "translation" and not c.target.is_quote
            and (c.rank == 1 or c.score >= settings.align_threshold)
            and through_sentence(c.source, settings.align_short_quote_words)]
    triples = [(cands[n].source.sentence,
                (cands[n].source.start - cands[n].source.sentence_start,
                 cands[n].source.end - cands[n].source.sentence_start),
                cands[n].target.sentence) for n in todo]
    out = list(cands)
    for n, span in zip(todo, project_quotes(triples, token_vectors)):
        if span is None:
            continue
        t = out[n].target
        a, b = t.sentence_start + span[0], t.sentence_start + span[1]
        out[n] = replace(out[n], target=replace(t, text=t.sentence[span[0]:span[1]], start=a, end=b))
    return out


def spans_to_embed(docs: Sequence[DocSpans], settings: Settings):
    """(sources, targets, English single sentences) of an alignment job."""
    sources = source_quotes(docs)
    targets = [t for d in docs for t in (*d.quotes, *d.sentences) if t.lang in TARGET_LANGS]
    en_sents = [t for d in docs if d.doc.lang == "en" for t in single_sentences(d) if t.lang == "en"]
    return sources, targets, en_sents


def align_spans(
    docs: Sequence[DocSpans],
    embedder: EmbeddingSource,
    *,
    top_k: int = 3,
    min_score: float | None = None,
    settings: Settings = SETTINGS,
    progress: StageProgress | None = None,
) -> tuple[list[Candidate], list[ArticlePair], dict]:
    """Align the English quotes of ``docs`` with fr/ar spans and other English quotes.

    Articles are paired first (:mod:`aligner.pairing`): which French/Arabic
    articles each English article draws on; that evidence enters every
    translation candidate's score. Returns the candidates (both kinds), the
    article pairs and statistics.
    """
    sources, targets, en_sents = spans_to_embed(docs, settings)
    short = settings.align_short_quote_words
    q_texts = [query_text(q, short) for q in sources]
    t_texts = [target_text(t) for t in targets]
    e_texts = [t.text for t in en_sents]

    def emb_progress(done: int, total: int) -> None:
        if progress:
            progress("embed", done, total)

    all_vecs = embedder.embed(q_texts + t_texts + e_texts, progress=emb_progress)
    src_vecs = np.ascontiguousarray(all_vecs[: len(q_texts)])
    tgt_vecs = np.ascontiguousarray(all_vecs[len(q_texts):len(q_texts) + len(t_texts)])
    en_vecs = np.ascontiguousarray(all_vecs[len(q_texts) + len(t_texts):])
    def step(name: str) -> None:
        if progress:
            progress("align", ALIGN_STEPS.index(name), len(ALIGN_STEPS))

    step("pair")
    pairs = article_pairs(docs, targets, tgt_vecs, en_sents, en_vecs, sources, settings)
    step("quotes")
    outlets = [outlet_language(q.outlet) for q in sources]
    positions = article_positions(docs, targets, tgt_vecs, en_sents, en_vecs, pairs, settings)
    cands = align_by_language(sources, src_vecs, targets, tgt_vecs, outlet_langs=outlets,
                              doc_pairs={(p.source_doc, p.target_doc): p.score for p in pairs},
                              positions=positions,
                              top_k=top_k, min_score=min_score, settings=settings)
    step("words")
    if settings.align_word_spans and hasattr(embedder.encoder, "token_vectors"):
        cands = word_spans(cands, embedder.encoder.token_vectors, settings)
    step("variants")
    # English renderings of what was said: names, titles and headlines are left out
    said = [n for n, q in enumerate(sources) if q.kind in ("speech", "term")]
    v_src = [sources[n] for n in said]
    v_vecs = np.ascontiguousarray(src_vecs[said])
    cands += align(v_src, v_vecs, v_src, v_vecs, kind="variant",
                   top_k=top_k, min_score=min_score, settings=settings)
    if progress:
        progress("align", len(ALIGN_STEPS), len(ALIGN_STEPS))
    stats = {
        "documents": len(docs),
        "source_quotes": len(sources),
        "targets": len(targets),
        "translation_candidates": sum(1 for c in cands if c.kind == "translation"),
        "variant_candidates": sum(1 for c in cands if c.kind == "variant"),
        "article_pairs": sum(1 for p in pairs if p.score >= 0.5),
    }
    return cands, pairs, stats


def align_paths(
    paths: Sequence[str],
    encoder: Encoder,
    *,
    project=None,
    top_k: int = 3,
    min_score: float | None = None,
    settings: Settings = SETTINGS,
    progress: StageProgress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> AlignResult:
    """Read ``paths`` (files or folders), align, and (with a project) save.

    Files that cannot be read are reported in ``AlignResult.errors``; the
    rest of the batch still runs. With a project, documents already in it are
    aligned too, only new texts are embedded, and candidates are upserted
    without touching any review decision.
    """
    from .text.reader import read_paths

    def step(stage: str, done: int, total: int) -> None:
        if cancel is not None and cancel():
            raise Cancelled()
        if progress:
            progress(stage, done, total)

    docs, errors = read_paths(list(paths), max_bytes=settings.max_file_bytes)
    step("read", len(docs), len(docs))

    prepared: list[DocSpans] = []
    if project is not None:
        for n, doc in enumerate(docs, 1):
            doc_id, is_new = project.add_document(doc)
            if is_new or not project.spans(doc_id):
                ds = prepare_document(doc, settings)
                project.set_spans(doc_id, [*ds.quotes, *ds.sentences])
            step("extract", n, len(docs))
        prepared = project_doc_spans(project)
    else:
        for n, doc in enumerate(docs, 1):
            prepared.append(prepare_document(doc, settings))
            step("extract", n, len(docs))

    embedder = EmbeddingSource(encoder, project)
    run_id = project.start_run(encoder.name, {"top_k": top_k, "min_score": min_score}) if project else None
    try:
        cands, pairs, stats = align_spans(prepared, embedder, top_k=top_k, min_score=min_score,
                                          settings=settings, progress=step)
        stats["unreadable_files"] = len(errors)
        if project is not None:
            step("save", 0, 1)
            project.upsert_candidates(cands, run_id=run_id, replace_sources=source_quotes(prepared))
            project.set_article_pairs(pairs, sources=[d.doc.path for d in prepared if d.doc.lang == "en"],
                                      run_id=run_id)
            project.finish_run(run_id, stats)
            step("save", 1, 1)
    except BaseException as e:  # Ctrl-C, cancel, an error: the run is recorded as interrupted
        if run_id is not None:
            try:
                project.interrupt_run(run_id, "cancelled" if isinstance(e, (Cancelled, KeyboardInterrupt))
                                      else f"failed: {type(e).__name__}")
            except Exception:  # the project itself failed: the next open marks it
                pass
        raise
    return AlignResult(candidates=cands, documents=[d.doc for d in prepared], errors=errors, stats=stats,
                       article_pairs=pairs)


def project_doc_spans(project) -> list[DocSpans]:
    """Every current document of the project with its stored spans."""
    out = []
    for row in project.documents():
        doc = project.document(row.id)
        spans = [s.quote for s in project.spans(row.id)]
        out.append(DocSpans(doc=doc, quotes=tuple(s for s in spans if s.is_quote),
                            sentences=tuple(s for s in spans if not s.is_quote)))
    return out
