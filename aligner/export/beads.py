"""Bead files (``aligner bitext``): JSONL, TSV and TMX, one bead per line / unit, in text order.

* JSONL: ``{"src": [i, ...], "tgt": [j, ...], "score": 0.93, "src_text": "...", "tgt_text": "..."}``
  (0-based sentence or line ids; a 1-0 / 0-1 bead has an empty list on one side);
* TSV: ``src_ids<TAB>tgt_ids<TAB>score<TAB>src_text<TAB>tgt_text`` with
  comma-separated ids (tabs and line breaks inside texts become spaces);
* TMX: one ``<tu>`` per bead with both sides non-empty, languages set,
  with ``x-kind`` (e.g. 1-2), ``x-score``, ``x-src-ids``/``x-tgt-ids`` and
  the two file names as props.

Rows are ``(bead, src_text, tgt_text)`` tuples (:meth:`BitextResult.rows`).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence

from ..bitext import Bead
from ..errors import ChoiceError
from .formats.base import xml_safe

BEAD_FORMATS = ("jsonl", "tsv", "tmx")

Row = tuple[Bead, str, str]


def bead_json(bead: Bead, src_text: str, tgt_text: str) -> dict:
    return {"src": list(bead.src), "tgt": list(bead.tgt), "score": round(float(bead.score), 4),
            "src_text": src_text, "tgt_text": tgt_text}


def _clean(s: str) -> str:
    return s.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def dumps_beads(rows: Iterable[Row], fmt: str, *, srclang: str = "und", tgtlang: str = "und",
                src_doc: str | None = None, tgt_doc: str | None = None) -> bytes:
    """The whole bead file in ``fmt`` (jsonl, tsv or tmx) as UTF-8 bytes."""
    rows = list(rows)
    if fmt == "jsonl":
        return "".join(json.dumps(bead_json(*r), ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if fmt == "tsv":
        return "".join(
            f"{','.join(map(str, b.src))}\t{','.join(map(str, b.tgt))}\t{b.score:.4f}\t{_clean(s)}\t{_clean(t)}\n"
            for b, s, t in rows).encode("utf-8")
    if fmt == "tmx":
        from .formats.tmx import _new_store

        store = _new_store(srclang)
        add_beads(store, rows, srclang=srclang, tgtlang=tgtlang, src_doc=src_doc, tgt_doc=tgt_doc)
        buf = io.BytesIO()
        store.serialize(buf)
        return buf.getvalue()
    raise ChoiceError("bead format", fmt, BEAD_FORMATS)


def add_beads(store, rows: Sequence[Row], *, srclang: str, tgtlang: str, src_doc: str | None = None,
              tgt_doc: str | None = None, extra_props: Sequence[tuple[str, str]] = ()) -> int:
    """Add one ``<tu>`` per non-null bead to a translate-toolkit ``tmxfile``; returns how many."""
    from .formats.tmx import add_props

    n = 0
    for bead, s, t in rows:
        if bead.is_null:
            continue
        unit = store.addsourceunit(xml_safe(s), sourcelang=None if srclang == store.sourcelanguage else srclang)
        if tgtlang != srclang:
            unit.settarget(xml_safe(t), lang=tgtlang, append=True)
        else:  # same language on both sides: settarget() would overwrite the source <tuv>
            unit.xmlelement.append(unit.createlanguageNode(tgtlang, xml_safe(t), "target"))
        add_props(unit, [("x-kind", bead.kind), ("x-score", f"{bead.score:.4f}"),
                         ("x-src-ids", ",".join(map(str, bead.src))), ("x-tgt-ids", ",".join(map(str, bead.tgt))),
                         ("x-source-doc", src_doc), ("x-target-doc", tgt_doc), *extra_props])
        n += 1
    return n


def write_tmx_with_beads(pair_rows, bead_rows, out) -> tuple[int, int]:
    """One TMX with the confirmed quote pairs and the confirmed beads (``aligner export --tmx``).

    ``pair_rows``: stored rows (``project.confirmed_pairs()``); ``bead_rows``:
    ``project.confirmed_beads()``; ``out``: a checked :class:`~aligner.io.output.Output`.
    Returns (pairs written, beads written).
    """
    from .formats.base import records
    from .formats.tmx import _add, _new_store

    recs = records(pair_rows)
    store = _new_store("en")
    for rec in recs:
        _add(store, "en", rec)
    nb = 0
    for pair, row in bead_rows:
        nb += add_beads(store, [(row.bead, row.src_text, row.tgt_text)], srclang=pair.src_lang,
                        tgtlang=pair.tgt_lang, src_doc=pair.src_path, tgt_doc=pair.tgt_path,
                        extra_props=[("x-bead-id", str(row.id))])
    buf = io.BytesIO()
    store.serialize(buf)
    out.write_bytes(buf.getvalue())
    return len(recs), nb
