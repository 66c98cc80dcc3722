"""JSON: ``{"version": 1, "clusters": [{"id", "canonical", "type", "reviewed", "evidence",
"preferred": {lang: form}, "variants": [{"form", "lang", "script", "count"}]}]}``.

Import reports line numbers for each bad cluster/variant (positions are kept while parsing).
"""

from __future__ import annotations

import json
from json.decoder import JSONObject  # type: ignore[attr-defined]
from json.scanner import py_make_scanner  # type: ignore[attr-defined]

from ...records import NameCluster
from ..dictionary import DictionaryImportError, Problem, RawCluster, RawVariant, validate, with_preferred
from .base import decode

VERSION = 1


def cluster_json(c: NameCluster) -> dict:
    return {
        "id": c.id,
        "canonical": c.canonical,
        "type": c.type,
        "reviewed": c.reviewed,
        "preferred": {lang: form for lang, form in c.preferred},
        "evidence": list(c.evidence),
        "variants": [{"form": v.form, "lang": v.lang, "script": v.script, "count": v.count} for v in c.variants],
    }


class _PosDict(dict):
    pos = 0


class _Decoder(json.JSONDecoder):
    """A decoder whose objects remember where they start (for line numbers)."""

    def __init__(self):
        super().__init__()

        def parse_object(s_and_end, *args):
            s, end = s_and_end
            obj, new_end = JSONObject(s_and_end, *args)
            d = _PosDict(obj)
            d.pos = end - 1
            return d, new_end

        self.parse_object = parse_object
        self.scan_once = py_make_scanner(self)


class JsonFormat:
    name = "json"
    extensions = ("json",)

    def dumps(self, clusters: list[NameCluster], *, lang: str | None = None) -> bytes:
        doc = {"version": VERSION, "clusters": [cluster_json(with_preferred(c, lang)) for c in clusters]}
        if lang:
            doc["target_lang"] = lang
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def loads(self, data: bytes, path: str) -> list[NameCluster]:
        text, problems = decode(data, path)
        if text is None:
            raise DictionaryImportError(path, problems)
        try:
            doc = _Decoder().decode(text)
        except json.JSONDecodeError as e:
            problem = Problem(path, e.lineno, f"not valid JSON: {e.msg} (column {e.colno})")
            raise DictionaryImportError(path, [problem]) from None

        def line(o) -> int | None:
            return text.count("\n", 0, o.pos) + 1 if isinstance(o, _PosDict) else None

        if isinstance(doc, dict):
            v = doc.get("version", VERSION)
            if not isinstance(v, int) or v > VERSION:
                raise DictionaryImportError(path, [Problem(path, 1, f"version {v!r} is newer than this program "
                                                                    f"understands ({VERSION})")])
            items = doc.get("clusters")
        else:
            items = doc  # a bare list of clusters is accepted too
        if not isinstance(items, list):
            raise DictionaryImportError(path, [Problem(path, 1, 'expected {"clusters": [...]} or a list of clusters')])
        raw = []
        for c in items:
            if not isinstance(c, dict):
                problems.append(Problem(path, None, f"a cluster must be an object, got {type(c).__name__}"))
                continue
            variants = []
            vs = c.get("variants", [])
            if not isinstance(vs, list):
                problems.append(Problem(path, line(c), "'variants' must be a list"))
                vs = []
            for v in vs:
                if isinstance(v, str):  # a bare spelling: language and script guessed
                    v = {"form": v, "lang": None}
                if not isinstance(v, dict):
                    problems.append(Problem(path, line(c), "a variant must be an object or a string"))
                    continue
                lang = v.get("lang")
                if lang is None and isinstance(v.get("form"), str):
                    from ..normalize import script_of
                    lang = "ar" if script_of(v["form"]) == "Arab" else "und"
                variants.append(RawVariant(v.get("form"), lang, v.get("script"), v.get("count", 0), line(v)))
            pref = c.get("preferred") or {}
            if not isinstance(pref, dict):
                problems.append(Problem(path, line(c), "'preferred' must be an object {lang: form}"))
                pref = {}
            raw.append(RawCluster(c.get("canonical"), c.get("type"), variants, c.get("id", ""), line(c),
                                  True, c.get("evidence", ()), pref))
        return validate(raw, path, problems)
