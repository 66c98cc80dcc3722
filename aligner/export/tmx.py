"""TMX 1.4 export of aligned pairs, written with translate-toolkit's ``tmxfile``.

Each pair is one ``<tu>``: the English source ``<tuv>`` and the target
``<tuv>`` (fr, ar, or en for English renderings), preceded by the reviewer's
note (``<note>``) and ``<prop type="x-...">`` elements: x-kind, x-score,
x-rank, x-speaker, x-target-speaker, x-outlet, x-source-doc, x-target-doc,
x-offsets ("source=START-END;target=START-END", string offsets into the
documents), x-reviewer, x-confirmed-at, x-candidate-id, x-stale, x-manual.
Props without a value are left out. The file is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime, timezone

from .. import __version__
from ..io.atomic import atomic_write
from ..records import Candidate, Quote


def tmx_date(iso: str | None) -> str | None:
    """ISO 8601 time -> TMX date (YYYYMMDDThhmmssZ, UTC); None if unparsable."""
    if not iso:
        return None
    try:
        t = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return t.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _offsets(source: Quote, target: Quote) -> str:
    return f"source={source.start}-{source.end};target={target.start}-{target.end}"


def _new_store(srclang: str):
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=srclang)
    header = store.document.getroot().find(store.namespaced("header"))
    header.set("creationtool", "aligner")
    header.set("creationtoolversion", __version__)
    header.set("creationdate", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    return store


def _add_pair(store, srclang: str, cand: Candidate, props: list[tuple[str, object]], *,
              note: str = "", tuid: str | None = None, creationid: str | None = None,
              creationdate: str | None = None) -> None:
    from lxml import etree
    from translate.misc.xml_helpers import safely_set_text

    source, target = cand.source, cand.target
    src_lang = source.lang or srclang
    unit = store.addsourceunit(source.text, sourcelang=None if src_lang == srclang else src_lang)
    if target.lang and target.lang != src_lang:
        unit.settarget(target.text, lang=target.lang, append=True)
    else:
        # English renderings of an English quote: settarget() would find the
        # source <tuv> by its language and overwrite it, so add the node directly
        unit.xmlelement.append(unit.createlanguageNode(target.lang or src_lang, target.text, "target"))
    if tuid:
        unit.xmlelement.set("tuid", tuid)
    if creationid:
        unit.xmlelement.set("creationid", creationid)
    if creationdate:
        unit.xmlelement.set("creationdate", creationdate)
    # TMX 1.4: <tu> content is (note | prop)*, tuv+ -> props go before the first tuv
    first_tuv = unit.xmlelement.find(unit.namespaced("tuv"))
    for name, value in props:
        if value is None or value == "":
            continue
        prop = etree.Element(unit.namespaced("prop"))
        prop.set("type", name)
        safely_set_text(prop, str(value))
        first_tuv.addprevious(prop)
    if note and note.strip():
        unit.addnote(note)


def _candidate_props(cand: Candidate) -> list[tuple[str, object]]:
    s, t = cand.source, cand.target
    return [
        ("x-kind", cand.kind),
        ("x-score", f"{float(cand.score):.4f}"),
        ("x-rank", cand.rank),
        ("x-speaker", s.speaker),
        ("x-target-speaker", t.speaker if t.speaker and t.speaker != s.speaker else None),
        ("x-outlet", s.outlet),
        ("x-source-doc", s.doc),
        ("x-target-doc", t.doc),
        ("x-offsets", _offsets(s, t)),
    ]


def _write(store, path: str | os.PathLike) -> None:
    with atomic_write(path, "wb", encoding=None) as f:
        store.serialize(f)


def export_tmx(rows: Iterable, path: str | os.PathLike, srclang: str = "en") -> int:
    """Write reviewed pairs (``aligner.store.CandidateRow``) to ``path`` as TMX; returns the count.

    Usually ``rows = project.confirmed_pairs()``; the decision gives
    x-reviewer, x-confirmed-at and the ``<note>``.
    """
    store = _new_store(srclang)
    n = 0
    for row in rows:
        dec = row.decision
        confirmed_at = getattr(row, "confirmed_at", None) or (
            dec.time if dec is not None and dec.status == "confirmed" else None)
        props = _candidate_props(row.candidate) + [
            ("x-reviewer", dec.reviewer if dec else None),
            ("x-confirmed-at", confirmed_at),
            ("x-candidate-id", row.id),
            ("x-stale", "true" if row.stale else None),
            ("x-manual", "true" if getattr(row, "manual", False) else None),
        ]
        _add_pair(store, srclang, row.candidate, props, note=dec.note if dec else "",
                  tuid=str(row.id), creationid=dec.reviewer if dec else None,
                  creationdate=tmx_date(confirmed_at or (dec.time if dec else None)))
        n += 1
    _write(store, path)
    return n


def export_candidates_tmx(cands: Iterable[Candidate], path: str | os.PathLike, srclang: str = "en") -> int:
    """Write unreviewed aligner candidates (``aligner align --format tmx``); returns the count."""
    store = _new_store(srclang)
    n = 0
    for cand in cands:
        _add_pair(store, srclang, cand, _candidate_props(cand))
        n += 1
    _write(store, path)
    return n
