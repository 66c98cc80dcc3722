"""What every pair format provides, and the record it reads and writes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from ...errors import InputFileError
from ...records import Candidate, Decision


@dataclass(frozen=True)
class PairRecord:
    """One aligned pair as exported: the candidate and, for pairs from a
    project (``reviewed``), its latest decision and bookkeeping."""

    candidate: Candidate
    decision: Decision | None = None
    id: int | None = None
    stale: bool = False
    manual: bool = False
    confirmed_at: str | None = None
    reviewed: bool = False
    """True for pairs taken from a project (JSONL then carries ``"decision"``)."""

    @classmethod
    def of(cls, item) -> PairRecord:
        """A record from a :class:`Candidate` (``aligner align`` output) or a
        stored ``CandidateRow`` (``project.confirmed_pairs()``)."""
        if isinstance(item, PairRecord):
            return item
        if isinstance(item, Candidate):
            return cls(candidate=item)
        return cls(candidate=item.candidate, decision=item.decision, id=item.id,
                   stale=bool(getattr(item, "stale", False)), manual=bool(getattr(item, "manual", False)),
                   confirmed_at=getattr(item, "confirmed_at", None), reviewed=True)


def records(items: Iterable) -> list[PairRecord]:
    return [PairRecord.of(x) for x in items]


class PairFormat(Protocol):
    """A file format for aligned pairs.

    ``dumps`` gives the whole file; ``loads`` (only where ``readable``) parses
    one back, raising :class:`~aligner.errors.InputFileError` naming the file
    and line on bad input.
    """

    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]
    readable: ClassVar[bool]

    def dumps(self, pairs: list[PairRecord], *, srclang: str = "en") -> bytes: ...

    def loads(self, data: bytes, path: str) -> list[PairRecord]: ...


# XML 1.0 allows only tab, LF, CR below 0x20, and no surrogates or U+FFFE/U+FFFF
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with characters XML 1.0 cannot carry made visible: C0 controls
    become their Unicode control pictures (``\\x0b`` -> ``␋``), lone
    surrogates and non-characters U+FFFD. Everything else is kept exactly."""
    if not _XML_BAD.search(text):
        return text

    def sub(m: re.Match) -> str:
        c = ord(m.group(0))
        return chr(0x2400 + c) if c < 0x20 else "\ufffd"

    return _XML_BAD.sub(sub, text)


def decode_utf8(data: bytes, path: str) -> str:
    """UTF-8 text (BOM accepted), or InputFileError naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise InputFileError(path, f"is not valid UTF-8 (line {line})") from None
