"""What every dictionary format provides."""

from __future__ import annotations

from typing import ClassVar, Protocol

from ...records import NameCluster
from ..dictionary import Problem


class DictionaryFormat(Protocol):
    name: ClassVar[str]
    extensions: ClassVar[tuple[str, ...]]

    def dumps(self, clusters: list[NameCluster], *, lang: str | None = None) -> bytes:
        """The file content. ``lang``: target language (PO: the msgstr language)."""
        ...

    def loads(self, data: bytes, path: str) -> list[NameCluster]:
        """Parse and validate; raise DictionaryImportError listing every problem."""
        ...


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text (BOM accepted) or a problem naming the line of the first bad byte."""
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [Problem(path, line, f"not valid UTF-8 (bad byte 0x{data[e.start]:02x}); save it as UTF-8")]
