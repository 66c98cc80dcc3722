"""PO (gettext) via polib: one catalogue per target language.

Each cluster is one entry: ``msgctxt`` = cluster id, ``msgid`` = canonical form,
``msgstr`` = the preferred spelling for the catalogue's language (empty when
there is none yet: the translator fills it in). Extracted comments (``#.``)
carry the machine-readable data: ``type: person`` and one
``variant: <lang> <script> <count> <form>`` line per variant; translator
comments (``#``) carry the evidence. The header declares ``Language`` and
UTF-8. On import a non-empty msgstr becomes the preferred spelling for that
language (and a variant when it was not one).
"""

from __future__ import annotations

import re

import polib

from ... import __version__ as _aligner_version
from ...records import NameCluster
from ..dictionary import DictionaryImportError, Problem, RawCluster, RawVariant, preferred_form, validate
from ..normalize import form_key, script_of
from .base import decode

_VARIANT_RE = re.compile(r"^variant:\s*(\S+)\s+(\S+)\s+(\S+)\s+(.+)$")


def _suggest_latin(c: NameCluster) -> str:
    """A Latin spelling for a cluster known only in Arabic script (romanizer top 1), or ""."""
    if any(v.script == "Latn" for v in c.variants):
        return ""
    arabic = [v for v in c.variants if v.script == "Arab"]
    if not arabic or c.type not in ("person", "other"):
        return ""
    best = sorted(arabic, key=lambda v: (-len(v.form.split()), -v.count, v.form))[0]
    try:
        from ..translit import romanize

        cands = romanize(best.form, top_k=1)
    except Exception:  # the romanizer is optional here
        return ""
    return cands[0][0] if cands else ""


class PoFormat:
    name = "po"
    extensions = ("po", "pot")

    def dumps(self, clusters: list[NameCluster], *, lang: str | None = None) -> bytes:
        if not lang:
            from ...errors import AlignerError

            raise AlignerError("a PO catalogue needs a target language (--lang fr, ar or en): "
                               "one catalogue is written per language")
        po = polib.POFile(wrapwidth=0)
        po.metadata = {
            "Project-Id-Version": "alignment-workbench name dictionary",
            "Language": lang,
            "MIME-Version": "1.0",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "X-Generator": f"aligner {_aligner_version}",
        }
        po.header = f"Name variants: canonical form -> preferred spelling in '{lang}'."
        for c in clusters:
            comment = [f"type: {c.type}"] + [f"variant: {v.lang} {v.script} {v.count} {v.form}" for v in c.variants]
            comment += [f"preferred: {lg} {form}" for lg, form in c.preferred if lg != lang]
            if c.reviewed:
                comment.append("reviewed: yes")
            msgstr = preferred_form(c, lang)
            flags = []
            tcomment = [f"evidence: {e}" for e in c.evidence]
            if not msgstr and lang != "ar":
                suggestion = _suggest_latin(c)
                if suggestion:
                    msgstr, flags = suggestion, ["fuzzy"]
                    tcomment.append("suggested by the Arabic romanizer: check it and remove the fuzzy flag")
            po.append(polib.POEntry(
                msgctxt=c.id, msgid=c.canonical, msgstr=msgstr, flags=flags,
                comment="\n".join(comment), tcomment="\n".join(tcomment),
            ))
        return str(po).encode("utf-8")

    def loads(self, data: bytes, path: str) -> list[NameCluster]:
        text, problems = decode(data, path)
        if text is None:
            raise DictionaryImportError(path, problems)
        try:
            po = polib.pofile(text, wrapwidth=0)
        except (OSError, ValueError) as e:
            m = re.search(r"line (\d+)", str(e))
            raise DictionaryImportError(path, [Problem(path, int(m.group(1)) if m else None,
                                                       f"not a valid PO file: {e}")]) from None
        lang = (po.metadata.get("Language") or "").strip()
        if not lang:
            problems.append(Problem(path, 1, "the PO header has no 'Language' (the msgstr language)"))
        raw = []
        for e in po:
            if e.obsolete or not e.msgid:
                continue
            ln = e.linenum
            typ = None
            variants = []
            preferred = {}
            reviewed = False
            for cl in (e.comment or "").splitlines():
                cl = cl.strip()
                if cl.startswith("type:"):
                    typ = cl[5:].strip()
                elif cl.startswith("variant:"):
                    m = _VARIANT_RE.match(cl)
                    if not m:
                        problems.append(Problem(path, ln, f"bad variant comment {cl!r} "
                                                          "(expected 'variant: <lang> <script> <count> <form>')"))
                        continue
                    variants.append(RawVariant(m.group(4), m.group(1), m.group(2), m.group(3), ln))
                elif cl.startswith("preferred:"):
                    parts = cl[10:].strip().split(" ", 1)
                    if len(parts) == 2:
                        preferred[parts[0]] = parts[1]
                elif cl.startswith("reviewed:"):
                    reviewed = cl[9:].strip().lower() in {"yes", "true", "1"}
            if typ is None:
                problems.append(Problem(path, ln, f"entry {e.msgid!r} has no '#. type: ...' comment"))
            evidence = [t[9:].strip() for t in (e.tcomment or "").splitlines() if t.startswith("evidence:")]
            if e.msgstr.strip() and lang and not e.fuzzy:  # a fuzzy msgstr is an unchecked suggestion
                preferred[lang] = e.msgstr.strip()
                if form_key(e.msgstr) not in {form_key(v.form) for v in variants if isinstance(v.form, str)}:
                    variants.append(RawVariant(e.msgstr.strip(), lang, script_of(e.msgstr), 0, ln))
            raw.append(RawCluster(e.msgid, typ, variants, e.msgctxt or "", ln, True, evidence,
                                  preferred))
        return validate(raw, path, problems)
