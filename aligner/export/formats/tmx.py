"""TMX 1.4, written and read with translate-toolkit's ``tmxfile``.

Each pair is one ``<tu>``: the English source ``<tuv>`` and the target
``<tuv>`` (fr, ar, or en for English renderings), preceded by the reviewer's
note (``<note>``) and ``<prop type="x-...">`` elements: x-kind, x-score,
x-rank, x-speaker, x-target-speaker, x-outlet, x-source-doc, x-target-doc,
x-offsets ("source=START-END;target=START-END", string offsets into the
documents), and for reviewed pairs x-reviewer, x-confirmed-at,
x-candidate-id, x-stale, x-manual. Props without a value are left out.

XML escapes ``&``, ``<``, ``>`` (so ``]]>`` is safe). Characters XML 1.0
cannot carry are made visible, never dropped: C0 control characters become
their control pictures (``\\x0b`` -> ``␋``), lone surrogates U+FFFD
(:func:`~aligner.export.formats.base.xml_safe`).
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from typing import ClassVar

from ... import __version__
from ...errors import InputFileError
from ...records import Candidate, Decision, Quote
from .base import PairRecord, xml_safe

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


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


def _new_store(srclang: str):
    from translate.storage.tmx import tmxfile

    store = tmxfile(sourcelanguage=srclang)
    header = store.document.getroot().find(store.namespaced("header"))
    header.set("creationtool", "aligner")
    header.set("creationtoolversion", __version__)
    header.set("creationdate", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ"))
    return store


def _props(rec: PairRecord) -> list[tuple[str, object]]:
    cand = rec.candidate
    s, t = cand.source, cand.target
    props: list[tuple[str, object]] = [
        ("x-kind", cand.kind),
        ("x-score", f"{float(cand.score):.4f}"),
        ("x-rank", cand.rank),
        ("x-speaker", s.speaker),
        ("x-target-speaker", t.speaker if t.speaker and t.speaker != s.speaker else None),
        ("x-outlet", s.outlet),
        ("x-source-doc", s.doc),
        ("x-target-doc", t.doc),
        ("x-offsets", f"source={s.start}-{s.end};target={t.start}-{t.end}"),
    ]
    if rec.reviewed:
        dec = rec.decision
        props += [
            ("x-reviewer", dec.reviewer if dec else None),
            ("x-confirmed-at", _confirmed_at(rec)),
            ("x-candidate-id", rec.id),
            ("x-stale", "true" if rec.stale else None),
            ("x-manual", "true" if rec.manual else None),
        ]
    return props


def _confirmed_at(rec: PairRecord) -> str | None:
    dec = rec.decision
    return rec.confirmed_at or (dec.time if dec is not None and dec.status == "confirmed" else None)


def add_props(unit, props) -> None:
    """Add ``<prop type=name>value</prop>`` to a unit (values None or "" left out).

    TMX 1.4: ``<tu>`` content is (note | prop)*, tuv+, so props go before the first tuv.
    """
    from lxml import etree

    first_tuv = unit.xmlelement.find(unit.namespaced("tuv"))
    for name, value in props:
        if value is None or value == "":
            continue
        prop = etree.Element(unit.namespaced("prop"))
        prop.set("type", name)
        prop.text = xml_safe(str(value))
        first_tuv.addprevious(prop)


def _add(store, srclang: str, rec: PairRecord) -> None:
    cand, dec = rec.candidate, rec.decision
    source, target = cand.source, cand.target
    src_lang = source.lang or srclang
    unit = store.addsourceunit(xml_safe(source.text), sourcelang=None if src_lang == srclang else src_lang)
    if target.lang and target.lang != src_lang:
        unit.settarget(xml_safe(target.text), lang=target.lang, append=True)
    else:
        # English renderings of an English quote: settarget() would find the
        # source <tuv> by its language and overwrite it, so add the node directly
        unit.xmlelement.append(unit.createlanguageNode(target.lang or src_lang, xml_safe(target.text), "target"))
    attrs = {}
    if rec.reviewed:
        attrs = {"tuid": str(rec.id) if rec.id is not None else None,
                 "creationid": dec.reviewer if dec else None,
                 "creationdate": tmx_date(_confirmed_at(rec) or (dec.time if dec else None))}
    for k, v in attrs.items():
        if v:
            unit.xmlelement.set(k, xml_safe(v))
    add_props(unit, _props(rec))
    note = dec.note if (rec.reviewed and dec) else ""
    if note and note.strip():
        unit.addnote(xml_safe(note))


def _quote(doc: str | None, lang: str, text: str, span: str | None, speaker: str | None) -> Quote:
    start = end = 0
    if span:
        a, _, b = span.partition("-")
        start, end = int(a), int(b)
    return Quote(doc=doc or "", lang=lang, text=text, sentence=text, start=start, end=end,
                 sentence_start=start, sentence_end=end, speaker=speaker)


class TmxFormat:
    name: ClassVar[str] = "tmx"
    extensions: ClassVar[tuple[str, ...]] = ("tmx",)
    readable: ClassVar[bool] = True

    def dumps(self, pairs: list[PairRecord], *, srclang: str = "en") -> bytes:
        store = _new_store(srclang)
        for rec in pairs:
            _add(store, srclang, rec)
        buf = io.BytesIO()
        store.serialize(buf)
        return buf.getvalue()

    def loads(self, data: bytes, path: str) -> list[PairRecord]:
        from lxml import etree
        from translate.storage.tmx import tmxfile

        try:
            store = tmxfile(io.BytesIO(data))
        except etree.XMLSyntaxError as e:
            raise InputFileError(path, f"is not valid TMX (line {e.lineno}: {e.msg})") from None
        except Exception as e:  # translate-toolkit raises bare errors on odd input
            raise InputFileError(path, f"is not valid TMX ({type(e).__name__}: {e})") from None
        out = []
        for unit in store.units:
            props = {p.get("type"): p.text or "" for p in unit.xmlelement.iterchildren(unit.namespaced("prop"))}
            tuvs = [(tuv.get(XML_LANG), unit.getNodeText(tuv) or "") for tuv in unit.getlanguageNodes()]
            if len(tuvs) < 2:
                raise InputFileError(path, f"unit {unit.getid() or len(out) + 1} has {len(tuvs)} language(s), "
                                     "expected a source and a target")
            offs = dict(part.split("=", 1) for part in props.get("x-offsets", "").split(";") if "=" in part)
            try:
                speaker = props.get("x-speaker") or None
                cand = Candidate(
                    kind=props.get("x-kind", "translation"), rank=int(props.get("x-rank", 1)),
                    score=float(props.get("x-score", 0)),
                    source=_quote(props.get("x-source-doc"), tuvs[0][0], tuvs[0][1], offs.get("source"), speaker),
                    target=_quote(props.get("x-target-doc"), tuvs[1][0], tuvs[1][1], offs.get("target"),
                                  props.get("x-target-speaker") or speaker))
            except ValueError as e:
                raise InputFileError(path, f"unit {unit.getid()}: bad property ({e})") from None
            reviewed = "x-reviewer" in props or "x-candidate-id" in props
            notes = unit.getnotes() if reviewed else ""
            dec = (Decision(candidate_id=int(props.get("x-candidate-id") or 0), status="confirmed",
                            reviewer=props.get("x-reviewer", ""), time=props.get("x-confirmed-at", ""),
                            note=notes or "") if "x-reviewer" in props else None)
            out.append(PairRecord(candidate=cand, decision=dec,
                                  id=int(props["x-candidate-id"]) if props.get("x-candidate-id") else None,
                                  stale=props.get("x-stale") == "true", manual=props.get("x-manual") == "true",
                                  confirmed_at=props.get("x-confirmed-at") or None, reviewed=reviewed))
        return out
