"""Whole-text alignment from files: read two texts, embed, align (:mod:`aligner.bitext`).

The edge between files and the core, shared by the CLI (``aligner
bitext``), the project store and the workbench. A :class:`BitextSide` is
one text as a list of sentences with their 0-based ids (sentence number,
or line number with ``lines=True``) and paragraph numbers.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .bitext import Bead, BitextInputError, BitextParams, OverlapVecs, align_texts, mean_overlaps, overlap_texts
from .embed.protocol import Encoder

StageProgress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BitextSide:
    """One text to align.

    ``sentences``: the texts to align, in order; ``ids``: the id reported
    for each (sentence index, or 0-based line number in ``--lines`` mode,
    where blank lines are not sentences); ``paragraphs``: paragraph number
    of each sentence; ``lang``: "en", "fr", "ar", another ISO code, or "und".
    """

    path: str
    sentences: tuple[str, ...]
    ids: tuple[int, ...]
    paragraphs: tuple[int, ...]
    lang: str


@dataclass(frozen=True)
class BitextResult:
    src: BitextSide
    tgt: BitextSide
    beads: tuple[Bead, ...]
    """Beads with ``src``/``tgt`` given as the sides' ids (not positions)."""

    def texts(self, bead: Bead) -> tuple[str, str]:
        """The source and target text of a bead (sentences joined by a space)."""
        spos = {i: k for k, i in enumerate(self.src.ids)}
        tpos = {i: k for k, i in enumerate(self.tgt.ids)}
        return (" ".join(self.src.sentences[spos[i]] for i in bead.src),
                " ".join(self.tgt.sentences[tpos[j]] for j in bead.tgt))

    def rows(self) -> list[tuple[Bead, str, str]]:
        """Every bead with its two texts, in order."""
        spos = {i: k for k, i in enumerate(self.src.ids)}
        tpos = {i: k for k, i in enumerate(self.tgt.ids)}
        return [(b, " ".join(self.src.sentences[spos[i]] for i in b.src),
                 " ".join(self.tgt.sentences[tpos[j]] for j in b.tgt)) for b in self.beads]


def read_side(path: str | os.PathLike, *, lines: bool = False, lang: str | None = None,
              settings=None) -> BitextSide:
    """Read one side: an article (any format ``align`` reads), or one sentence per line.

    Raises :class:`~aligner.errors.InputFileError` naming the file when it
    cannot be read or holds no sentence.
    """
    from .errors import InputFileError

    name = str(path)
    if lines:
        from .io.lines import read_lines
        from .text.langid import detect_language

        raw = read_lines(path)
        sents, ids, paras, para = [], [], [], 0
        for k, line in enumerate(raw):
            if not line.strip():
                para += 1
                continue
            sents.append(line.strip())
            ids.append(k)
            paras.append(para)
        guessed = detect_language(" ".join(sents[:200]))
    else:
        from .settings import SETTINGS
        from .text.reader import read_document
        from .text.sentences import paragraph_of, split_sentences

        doc = read_document(path)
        sentences = split_sentences(doc, settings=settings or SETTINGS)
        sents = [s.text.strip() for s in sentences]
        ids = list(range(len(sents)))
        paras = [paragraph_of(doc, s.start) for s in sentences]
        guessed = doc.lang
    if not sents:
        raise InputFileError(name, "has no sentence to align")
    return BitextSide(name, tuple(sents), tuple(ids), tuple(paras), lang or guessed)


def side_from_sentences(sentences: Sequence[str], *, path: str = "<text>", lang: str = "und",
                        paragraphs: Sequence[int] | None = None) -> BitextSide:
    """A side from sentences already split (ids 0..n-1)."""
    sents = tuple(s.strip() for s in sentences)
    if not sents:
        raise BitextInputError(f"{path}: has no sentence to align")
    return BitextSide(path, sents, tuple(range(len(sents))),
                      tuple(paragraphs) if paragraphs is not None else (0,) * len(sents), lang)


def embed_side(side: BitextSide, encoder: Encoder, *, progress=None, fast: bool = False) -> OverlapVecs:
    """Embed a side's sentences and their 2- and 3-sentence runs.

    ``fast``: embed the sentences only and make the runs' vectors by
    averaging (a third of the model work, somewhat less accurate).
    """
    if fast:
        vecs = encoder.encode(list(side.sentences), progress=progress)
        return mean_overlaps(vecs, side.sentences, paragraphs=side.paragraphs)
    flat = encoder.encode(overlap_texts(side.sentences), progress=progress)
    return OverlapVecs.from_flat(flat, side.sentences, paragraphs=side.paragraphs)


def align_sides(src: BitextSide, tgt: BitextSide, encoder: Encoder, *, params: BitextParams = BitextParams(),
                progress: StageProgress | None = None, fast: bool = False,
                overlaps: str | None = None) -> BitextResult:
    """Embed both sides and align them. Beads carry the sides' ids.

    ``overlaps``: which runs of 2–3 sentences are embedded, "needed" (the
    default: the sentences, then the runs around the uncertain beads),
    "all" or "none" (see :func:`aligner.bitext.align_texts`); ``fast=True``
    is ``overlaps="none"``. Progress stages: "embed" (sentences, or all texts
    with "all"), "runs" (the runs re-examined), "bitext" (the alignment).
    """
    for side in (src, tgt):
        if not side.sentences:
            raise BitextInputError(f"{side.path}: has no sentence to align")
    mode = overlaps or ("none" if fast else "needed")

    beads = align_texts(src.sentences, tgt.sentences, encoder.encode, params,
                        src_paragraphs=src.paragraphs, tgt_paragraphs=tgt.paragraphs,
                        overlaps=mode, progress=progress, encode_progress=True)
    mapped = tuple(Bead(tuple(src.ids[i] for i in b.src), tuple(tgt.ids[j] for j in b.tgt), b.score)
                   for b in beads)
    return BitextResult(src, tgt, mapped)
