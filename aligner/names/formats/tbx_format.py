"""TBX via translate-toolkit (``translate.storage.tbx``): one ``termEntry`` per cluster
(``id`` = cluster id), one ``langSet`` per language holding that language's spellings
as terms. Concept-level ``descrip`` elements hold the type and canonical form; each
term carries ``termNote``s for its script and count, and the preferred spelling of a
language is marked ``administrativeStatus = preferredTerm-admn-sts``.
"""

from __future__ import annotations

from collections import defaultdict

from lxml import etree
from translate.storage import tbx

from ...records import NameCluster
from ..dictionary import DictionaryImportError, Problem, RawCluster, RawVariant, validate
from .base import decode

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PREFERRED = "preferredTerm-admn-sts"


def _sub(parent, tag, text=None, **attrs):
    el = etree.SubElement(parent, tag, **attrs)
    if text is not None:
        el.text = text
    return el


class TbxFormat:
    name = "tbx"
    extensions = ("tbx",)

    def dumps(self, clusters: list[NameCluster], *, lang: str | None = None) -> bytes:
        store = tbx.tbxfile(sourcelanguage="en")
        for c in clusters:
            unit = tbx.tbxunit(None)
            entry = unit.xmlelement
            entry.set("id", c.id)
            _sub(entry, "descrip", c.type, type="subjectField")
            _sub(entry, "descrip", c.canonical, type="x-canonical")
            if c.reviewed:
                _sub(entry, "descrip", "yes", type="x-reviewed")
            for e in c.evidence:
                _sub(entry, "note", e, type="x-evidence")
            pref = dict(c.preferred)
            by_lang = defaultdict(list)
            for v in c.variants:
                by_lang[v.lang].append(v)
            for lg in sorted(by_lang):
                ls = _sub(entry, "langSet")
                ls.set(XML_LANG, lg)
                for v in by_lang[lg]:
                    tig = _sub(ls, "tig")
                    _sub(tig, "term", v.form)
                    _sub(tig, "termNote", v.script, type="x-script")
                    _sub(tig, "termNote", str(v.count), type="x-count")
                    if pref.get(lg) == v.form:
                        _sub(tig, "termNote", PREFERRED, type="administrativeStatus")
            store.addunit(unit)
        return bytes(store)

    def loads(self, data: bytes, path: str) -> list[NameCluster]:
        """Terms holding an unresolved entity (``&xxe;``) or markup are refused,
        never shortened."""
        text, problems = decode(data, path)
        if text is None:
            raise DictionaryImportError(path, problems)
        try:
            store = tbx.tbxfile.parsestring(data)
        except etree.XMLSyntaxError as e:
            raise DictionaryImportError(path, [Problem(path, e.lineno, f"not valid XML: {e.msg}")]) from None
        except Exception as e:  # not a TBX document at all
            raise DictionaryImportError(path, [Problem(path, None, f"not a TBX file: {e}")]) from None
        raw = []
        for unit in store.units:
            entry = unit.xmlelement
            ln = entry.sourceline
            typ = canonical = None
            reviewed = False
            evidence = []
            for d in entry:
                tag = etree.QName(d).localname if isinstance(d.tag, str) else ""
                if tag == "descrip" and d.get("type") == "subjectField":
                    typ = (d.text or "").strip()
                elif tag == "descrip" and d.get("type") == "x-canonical":
                    canonical = _plain(d, path, problems)
                elif tag == "descrip" and d.get("type") == "x-reviewed":
                    reviewed = (d.text or "").strip() == "yes"
                elif tag == "note" and d.get("type") == "x-evidence":
                    evidence.append(d.text or "")
            variants = []
            preferred = {}
            for ls in entry.iter("{*}langSet", "langSet"):
                lg = ls.get(XML_LANG) or ls.get("lang")
                for tig in ls.iter("{*}tig", "tig", "{*}ntig", "ntig"):
                    term = next(tig.iter("{*}term", "term"), None)
                    form = _plain(term, path, problems) if term is not None else None
                    script = None
                    count = 0
                    for note in tig.iter("{*}termNote", "termNote"):
                        t = note.get("type")
                        if t == "x-script":
                            script = (note.text or "").strip()
                        elif t == "x-count":
                            count = (note.text or "").strip()
                        elif t == "administrativeStatus" and (note.text or "").strip() == PREFERRED and form:
                            preferred[lg] = form
                    variants.append(RawVariant(form, lg, script, count, tig.sourceline))
            if canonical is None:
                firsts = [v.form for v in variants if isinstance(v.form, str) and v.lang == "en"] or \
                         [v.form for v in variants if isinstance(v.form, str)]
                canonical = firsts[0] if firsts else None
            raw.append(RawCluster(canonical, typ or "other", variants, entry.get("id") or "", ln, reviewed or True,
                                  evidence, preferred))
        return validate(raw, path, problems)


def _plain(el, path: str, problems: list) -> str | None:
    """The text of ``el`` when it is plain text; else a problem (an entity
    reference such as ``&xxe;`` or markup inside would otherwise be dropped)."""
    kids = list(el)
    if not kids:
        return el.text or ""
    bad = []
    for k in kids:
        if isinstance(k, etree._Entity):
            bad.append(f"the entity reference &{k.name}; (not resolved; write the characters themselves)")
        elif isinstance(k.tag, str):
            bad.append(f"markup <{etree.QName(k).localname}>")
    if not bad:  # comments / processing instructions only
        return "".join([el.text or ""] + [k.tail or "" for k in kids])
    whole = (el.text or "") + "".join(
        (f"&{k.name};" if isinstance(k, etree._Entity) else "") + (k.tail or "") for k in kids)
    problems.append(Problem(path, el.sourceline, f"{whole.strip()!r} contains {', '.join(bad)}; nothing was imported"))
    return None
