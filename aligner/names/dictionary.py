"""Reviewed name dictionaries: validation, all-or-nothing import, precedence.

A reviewed dictionary is a list of :class:`~aligner.records.NameCluster`
read from any supported format (:mod:`aligner.names.formats`). Importing
checks every entry and reports EACH problem (file, line, what is wrong);
if there is any problem nothing is imported (:class:`DictionaryImportError`).

Precedence (see :func:`aligner.names.cluster.cluster_mentions`): every
mention whose form is a variant of a dictionary cluster goes to that
cluster, which keeps its canonical form, id and type; dictionary clusters
never merge with each other; new spellings can still join them by evidence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import AlignerError
from ..records import NameCluster, NameVariant
from .normalize import clean_form, form_key, script_of

TYPES = ("person", "organization", "place", "other")
SCRIPTS = ("Latn", "Arab")
_LANG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
# lone surrogates (JSON "\ud800") and non-characters cannot be written as UTF-8 or XML
_INVALID_RE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _invalid_char(text: str) -> str | None:
    m = _INVALID_RE.search(text)
    return f"U+{ord(m.group(0)):04X}" if m else None


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an imported dictionary."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class DictionaryImportError(AlignerError):
    """A reviewed dictionary has problems; nothing was imported. ``problems`` lists each one."""

    code = "E011"

    def __init__(self, path: str, problems: Sequence[Problem]):
        self.path = str(path)
        self.problems = list(problems)
        n = len(self.problems)
        head = f"{path}: {n} problem{'s' if n != 1 else ''}, nothing was imported"
        shown = self.problems[:200]
        more = f"\n  ... and {n - len(shown)} more" if n > len(shown) else ""
        super().__init__(head + "".join(f"\n  {p}" for p in shown) + more)


@dataclass
class RawVariant:
    """A variant as read from a file, before validation (values may be wrong)."""

    form: object
    lang: object
    script: object = None
    count: object = 0
    line: int | None = None


@dataclass
class RawCluster:
    """A cluster as read from a file, before validation."""

    canonical: object
    type: object
    variants: list[RawVariant] = field(default_factory=list)
    id: object = ""
    line: int | None = None
    reviewed: object = True
    evidence: object = ()
    preferred: dict = field(default_factory=dict)  # lang -> form


def _count(v: object) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v if v >= 0 else None
    if isinstance(v, str) and re.fullmatch(r"\s*\d+\s*", v):
        return int(v)
    return None


def validate(raw: Sequence[RawCluster], path: str, problems: list[Problem] | None = None) -> list[NameCluster]:
    """Check every entry; return the clusters, or raise :class:`DictionaryImportError` listing every problem.

    ``problems``: problems already found while parsing (reported together).
    """
    problems = list(problems or [])
    out: list[NameCluster] = []
    seen_form: dict[str, tuple[str, int | None]] = {}
    seen_id: dict[str, int | None] = {}
    for rc in raw:
        bad = False

        def err(line, msg):
            nonlocal bad
            bad = True
            problems.append(Problem(path, line, msg))

        canonical = rc.canonical.strip() if isinstance(rc.canonical, str) else None
        if not canonical:
            err(rc.line, "missing canonical form")
        elif _CONTROL_RE.search(canonical):
            err(rc.line, f"canonical form {canonical!r} contains control characters")
        elif _invalid_char(canonical):
            err(rc.line, f"canonical form {canonical!r} contains an invalid character ({_invalid_char(canonical)}, "
                         "a lone surrogate or non-character)")
        typ = rc.type.strip() if isinstance(rc.type, str) else rc.type
        if typ not in TYPES:
            err(rc.line, f"unknown type {typ!r}; valid: {', '.join(TYPES)}")
        cid = rc.id.strip() if isinstance(rc.id, str) else ("" if rc.id is None else None)
        if cid is None:
            err(rc.line, "cluster id must be text")
        elif _invalid_char(cid) or _CONTROL_RE.search(cid):
            err(rc.line, f"cluster id {cid!r} contains an invalid or control character")
            cid = ""
        elif cid:
            if cid in seen_id:
                err(rc.line, f"cluster id {cid!r} used twice (first on line {seen_id[cid]})")
            seen_id[cid] = rc.line
        if not rc.variants:
            err(rc.line, f"cluster {canonical or '?'!r} has no variants")
        variants: dict[tuple[str, str], NameVariant] = {}
        for v in rc.variants:
            # the form is kept exactly as written (outer spaces aside): never cut or rewritten
            form = v.form.strip() if isinstance(v.form, str) and clean_form(v.form) else None
            if not form:
                err(v.line, "empty or missing form")
                continue
            if isinstance(v.form, str) and _CONTROL_RE.search(v.form.strip("\n")):
                err(v.line, f"form {v.form!r} contains control characters")
                continue
            if _invalid_char(form):
                err(v.line, f"form {form!r} contains an invalid character ({_invalid_char(form)}, "
                            "a lone surrogate or non-character)")
                continue
            lang = v.lang.strip() if isinstance(v.lang, str) else None
            if not lang or not _LANG_RE.match(lang):
                err(v.line, f"bad language code {v.lang!r} for {form!r} (use ISO 639-1 such as en, fr, ar)")
                continue
            script = v.script.strip() if isinstance(v.script, str) and v.script.strip() else script_of(form)
            if script not in SCRIPTS:
                err(v.line, f"bad script {v.script!r} for {form!r}; valid: {', '.join(SCRIPTS)}")
                continue
            if script != script_of(form):
                err(v.line, f"script {script!r} does not match the form {form!r} ({script_of(form)})")
                continue
            count = _count(v.count if v.count not in (None, "") else 0)
            if count is None:
                err(v.line, f"bad count {v.count!r} for {form!r} (a whole number >= 0)")
                continue
            fk = form_key(form)
            if fk in seen_form and seen_form[fk][0] != (cid or canonical):
                first = seen_form[fk][1]
                err(v.line, f"form {form!r} is already in another cluster"
                            + (f" (line {first})" if first else ""))
                continue
            seen_form.setdefault(fk, (cid or canonical, v.line))
            key = (form, lang)
            if key in variants:
                err(v.line, f"variant {form!r} ({lang}) listed twice")
                continue
            variants[key] = NameVariant(form, lang, script, count)
        preferred = []
        for lang, form in sorted((rc.preferred or {}).items()):
            if isinstance(form, str) and (_invalid_char(form) or _CONTROL_RE.search(form)):
                err(rc.line, f"preferred form {form!r} ({lang}) contains an invalid or control character")
                continue
            if isinstance(form, str) and form.strip():
                preferred.append((lang, form.strip()))
        evidence = tuple(str(e) for e in rc.evidence) if isinstance(rc.evidence, (list, tuple)) else ()
        if any(_invalid_char(e) for e in evidence):
            err(rc.line, "evidence contains an invalid character (a lone surrogate or non-character)")
        if bad or not canonical or typ not in TYPES:
            continue
        out.append(NameCluster(
            canonical=canonical, type=typ,
            variants=tuple(sorted(variants.values(), key=lambda v: (-v.count, v.lang, v.form.casefold(), v.form))),
            id=cid or "", evidence=evidence, reviewed=bool(rc.reviewed), preferred=tuple(preferred),
        ))
    if problems:
        raise DictionaryImportError(path, problems)
    if not out:
        raise DictionaryImportError(path, [Problem(path, None, "the dictionary holds no clusters")])
    from .cluster import cluster_id  # late: cluster imports records only

    return [c if c.id else _with_id(c, cluster_id(c.type, c.canonical)) for c in out]


def _with_id(c: NameCluster, cid: str) -> NameCluster:
    from dataclasses import replace

    return replace(c, id=cid)


def preferred_form(c: NameCluster, lang: str) -> str:
    """The spelling to use for ``lang``: the reviewed choice, else the most frequent
    variant written in that language (Arabic script for ``ar``), else for English the
    canonical form, else "" (not yet translated)."""
    for lg, form in c.preferred:
        if lg == lang:
            return form
    want_script = "Arab" if lang == "ar" else "Latn"
    cands = [v for v in c.variants if v.lang == lang and v.script == want_script]
    if cands:
        best = sorted(cands, key=lambda v: (-v.count, -len(v.form.split()), v.form.casefold(), v.form))[0]
        return best.form
    if lang == "en" and script_of(c.canonical) == "Latn":
        return c.canonical
    return ""


def with_preferred(c: NameCluster, lang: str | None) -> NameCluster:
    """``c`` with its preferred spelling for ``lang`` recorded (when there is one)."""
    from dataclasses import replace

    if not lang or any(lg == lang for lg, _ in c.preferred):
        return c
    form = preferred_form(c, lang)
    if not form:
        return c
    return replace(c, preferred=tuple(sorted(c.preferred + ((lang, form),))))


def merge_dictionaries(dicts: Iterable[Sequence[NameCluster]]) -> list[NameCluster]:
    """Several reviewed dictionaries as one; on a clash the later one wins (by id, then by form)."""
    by_id: dict[str, NameCluster] = {}
    for d in dicts:
        for c in d:
            forms = {form_key(v.form) for v in c.variants}
            for k in [k for k, old in by_id.items() if k != c.id and forms & {form_key(v.form) for v in old.variants}]:
                del by_id[k]
            by_id[c.id] = c
    return list(by_id.values())
