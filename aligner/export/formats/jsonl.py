"""JSON Lines: one object per pair, UTF-8, ``\\n``-terminated.

The object is the ``aligner align`` shape of the candidate
(``{"kind", "rank", "score", "source": {...}, "target": {...}}``); pairs
from a project add ``"decision": {"reviewer", "time", "note"}`` (null if
never decided). Text is kept exactly: readable UTF-8, except characters
UTF-8 cannot carry (lone surrogates), which are ``\\uXXXX`` escapes.
"""

from __future__ import annotations

import json
from typing import ClassVar

from ...errors import InputFileError
from ...records import Candidate, Decision, Quote
from .base import PairRecord, decode_utf8

_SIDE = ("doc", "lang", "text", "sentence", "start", "end", "speaker")


def pair_json(rec: PairRecord) -> dict:
    obj = rec.candidate.to_json()
    if rec.reviewed:
        dec = rec.decision
        obj["decision"] = ({"reviewer": dec.reviewer, "time": dec.time, "note": dec.note}
                           if dec is not None else None)
    return obj


def json_line(obj: dict) -> str:
    line = json.dumps(obj, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: escape that line
        line = json.dumps(obj, ensure_ascii=True)
    return line + "\n"


def _quote(side: dict) -> Quote:
    return Quote(doc=str(side["doc"]), lang=str(side["lang"]), text=str(side["text"]),
                 sentence=str(side.get("sentence") or side["text"]), start=int(side["start"]),
                 end=int(side["end"]), sentence_start=int(side["start"]), sentence_end=int(side["end"]),
                 speaker=side.get("speaker"))


class JsonlFormat:
    name: ClassVar[str] = "jsonl"
    extensions: ClassVar[tuple[str, ...]] = ("jsonl", "ndjson")
    readable: ClassVar[bool] = True

    def dumps(self, pairs: list[PairRecord], *, srclang: str = "en") -> bytes:
        return "".join(json_line(pair_json(p)) for p in pairs).encode("utf-8")

    def loads(self, data: bytes, path: str) -> list[PairRecord]:
        text = decode_utf8(data, path)
        out = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                cand = Candidate(kind=obj["kind"], rank=int(obj["rank"]), score=float(obj["score"]),
                                 source=_quote(obj["source"]), target=_quote(obj["target"]))
                dec = obj.get("decision")
                decision = (Decision(candidate_id=0, status="confirmed", reviewer=dec["reviewer"],
                                     time=dec["time"], note=dec.get("note") or "")
                            if isinstance(dec, dict) else None)
            except (ValueError, KeyError, TypeError) as e:
                raise InputFileError(path, f"line {n}: not an aligned pair ({type(e).__name__}: {e})") from None
            out.append(PairRecord(candidate=cand, decision=decision, reviewed="decision" in obj))
        return out
