"""Tab-separated values with a header row, one pair per line.

Columns: kind, rank, score, source_doc, source_speaker, source_text,
target_doc, target_lang, target_speaker, target_text. Tabs and line breaks
inside a field (``\\t \\n \\r \\v \\f``, U+001C–U+001E, U+0085, U+2028,
U+2029) become one space, so every pair stays on one line; nothing else is
changed.
"""

from __future__ import annotations

import re
from typing import ClassVar

from ...errors import InputFileError
from ...records import Candidate, Quote
from .base import PairRecord, decode_utf8

_TSV_BREAKERS = re.compile(r"[\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]+")

_SURROGATE = re.compile("[\ud800-\udfff]")

HEADER = ("kind", "rank", "score", "source_doc", "source_speaker", "source_text",
          "target_doc", "target_lang", "target_speaker", "target_text")


def tsv_field(text: str | None) -> str:
    """``text`` with tabs and line breaks replaced by single spaces."""
    return _SURROGATE.sub("\ufffd", _TSV_BREAKERS.sub(" ", text or ""))


def _side(doc: str, lang: str, text: str, speaker: str) -> Quote:
    return Quote(doc=doc, lang=lang, text=text, sentence=text, start=0, end=0, sentence_start=0,
                 sentence_end=0, speaker=speaker or None)


class TsvFormat:
    name: ClassVar[str] = "tsv"
    extensions: ClassVar[tuple[str, ...]] = ("tsv", "tab")
    readable: ClassVar[bool] = True

    def dumps(self, pairs: list[PairRecord], *, srclang: str = "en") -> bytes:
        rows = ["\t".join(HEADER) + "\n"]
        for p in pairs:
            c = p.candidate
            s, t = c.source, c.target
            rows.append("\t".join((
                c.kind, str(c.rank), f"{c.score:.4f}", tsv_field(s.doc), tsv_field(s.speaker),
                tsv_field(s.text), tsv_field(t.doc), tsv_field(t.lang), tsv_field(t.speaker),
                tsv_field(t.text))) + "\n")
        return "".join(rows).encode("utf-8")

    def loads(self, data: bytes, path: str) -> list[PairRecord]:
        text = decode_utf8(data, path)
        lines = text.split("\n")
        if not lines or tuple(lines[0].rstrip("\r").split("\t")) != HEADER:
            raise InputFileError(path, "line 1: expected the header " + " ".join(HEADER))
        out = []
        for n, line in enumerate(lines[1:], 2):
            if not line:
                continue
            f = line.rstrip("\r").split("\t")
            if len(f) != len(HEADER):
                raise InputFileError(path, f"line {n}: {len(f)} columns, expected {len(HEADER)}")
            try:
                cand = Candidate(kind=f[0], rank=int(f[1]), score=float(f[2]),
                                 source=_side(f[3], "en", f[5], f[4]),
                                 target=_side(f[6], f[7], f[9], f[8]))
            except ValueError as e:
                raise InputFileError(path, f"line {n}: {e}") from None
            out.append(PairRecord(candidate=cand))
        return out
