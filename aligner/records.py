"""Small frozen records shared by the CLI, the store, the exporters and the GUI.

Offsets (``start``/``end``) are Python string indexes into the *decoded*
document text (``Document.text``), end exclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

Lang = str  # ISO 639-1: "en", "fr", "ar" (others pass through)
MatchKind = Literal["translation", "variant"]
ReviewStatus = Literal["pending", "confirmed", "rejected", "skipped"]
EntityType = Literal["person", "organization", "place", "other"]
Script = Literal["Latn", "Arab"]


@dataclass(frozen=True)
class MinedPair:
    """One line of ``aligner mine`` output (0-based line indexes)."""

    score: float
    src_index: int
    tgt_index: int
    src_text: str
    tgt_text: str


@dataclass(frozen=True)
class Document:
    """An article as read from disk, boilerplate already marked.

    ``text`` is the full decoded text; offsets of every span point into it.
    ``body`` lists the (start, end) ranges that are article text, i.e. not
    site boilerplate (headers, "Select Page", captions...).
    """

    path: str
    text: str
    lang: Lang
    encoding: str
    sha256: str
    body: tuple[tuple[int, int], ...] = ()
    title: str = ""


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, with its language (detected per paragraph)."""

    doc: str
    index: int
    start: int
    end: int
    text: str
    lang: Lang


@dataclass(frozen=True)
class Quote:
    """Quoted words, or a whole sentence used as an alignment target.

    ``text`` is the quoted words (for a split quote, the parts joined by a
    space); ``start``/``end`` span the quoted words in the document (from the
    first opening mark to the last closing one, exclusive of the marks);
    ``sentence`` is the full sentence(s) holding them, at
    ``sentence_start``/``sentence_end``. ``is_quote`` is False for plain
    sentences offered as targets (an original need not be in quote marks).
    """

    doc: str
    lang: Lang
    text: str
    sentence: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    speaker: str | None = None
    outlet: str | None = None
    is_quote: bool = True
    parts: tuple[tuple[int, int], ...] = ()
    speaker_desc: str | None = None
    """How the text describes the speaker ("a member of the main opposition
    council", "Prime Minister"); set also when ``speaker`` is None."""
    kind: str = "speech"
    """For quotes: ``speech`` (reported speech), ``term`` (a short quote or term in a
    reporting frame: “powerless”, a “pipe dream”), ``title`` (a name or title in
    quote marks) or ``headline`` (a quote in a headline); see
    :data:`aligner.text.quotes.QUOTE_KINDS`. Sentence targets keep ``speech``."""

    def side(self) -> dict:
        """The JSON side used by ``aligner align`` output."""
        return {
            "doc": self.doc,
            "lang": self.lang,
            "text": self.text,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "speaker": self.speaker,
            "quote_kind": self.kind if self.is_quote else None,
        }

    @property
    def key(self) -> tuple[str, int, int]:
        """Stable identity inside a corpus: (doc, start, end)."""
        return (self.doc, self.start, self.end)


@dataclass(frozen=True)
class Candidate:
    """A proposed match of an English quote (source) with a target span.

    ``score`` is calibrated to 0..1. ``features`` holds the raw cues
    (cosine, margin, speaker, numbers, outlet, length, doc_pair) for display;
    ``doc_pair`` (JSON ``doc_pair_score``) is how surely the target's article is
    a source of the quote's English article (0 when the two are not paired);
    ``position`` (JSON ``position_score``, -1..1) whether the target lies where
    the sentence map of the paired articles puts the quote (:mod:`aligner.position`).
    """

    kind: MatchKind
    rank: int
    score: float
    source: Quote
    target: Quote
    features: dict = field(default_factory=dict, compare=False, hash=False)

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "rank": self.rank,
            "score": round(float(self.score), 4),
            "source": self.source.side(),
            "target": self.target.side(),
            "doc_pair_score": (round(float(self.features.get("doc_pair", 0.0)), 4)
                               if self.kind == "translation" else None),
            "position_score": (round(float(self.features.get("position", 0.0)), 4)
                               if self.kind == "translation" else None),
        }


@dataclass(frozen=True)
class Decision:
    """A reviewer's verdict on a candidate; never deleted, only superseded."""

    candidate_id: int
    status: ReviewStatus
    reviewer: str
    time: str  # ISO 8601, UTC
    note: str = ""


@dataclass(frozen=True)
class NameMention:
    """A name of a person/organisation/place as it appears in a document."""

    doc: str
    lang: Lang
    form: str
    start: int
    end: int
    type: EntityType = "person"
    role: str | None = None
    context: str = ""


@dataclass(frozen=True)
class NameVariant:
    form: str
    lang: Lang
    script: Script
    count: int


@dataclass(frozen=True)
class NameCluster:
    """A person/organisation/place and its spellings.

    ``id``: stable identifier (from the reviewed dictionary, else derived from
    type + canonical key). ``evidence``: short human-readable reasons for the
    grouping. ``reviewed``: the canonical form or membership comes from a
    reviewer (imported dictionary or constraints). ``preferred``: (lang, form)
    spelling chosen for a target language (PO msgstr).
    """

    canonical: str
    type: EntityType
    variants: tuple[NameVariant, ...]
    id: str = ""
    evidence: tuple[str, ...] = ()
    reviewed: bool = False
    preferred: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict:
        d = asdict(self)
        d["variants"] = [asdict(v) for v in self.variants]
        return d
