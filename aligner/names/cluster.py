"""Group name mentions into clusters of one person / organisation / place.

Evidence, strongest first:

1. reviewer decisions: an imported reviewed dictionary (its memberships and
   canonical forms win) and :class:`ReviewConstraints` (must-link,
   cannot-link, forced canonical form, forced type);
2. string evidence on comparison keys: names are aligned unit by unit (given
   name with given name, family name with family name; particles ignored;
   dropped middle names allowed; initials match their name); two Latin units
   match on equal keys or on a high rapidfuzz ratio, helped when their
   consonant skeletons agree; an Arabic and a Latin unit match through the
   romanizer's candidates or the shape check (:mod:`.translit`).
   Organisations match on their head concept (Front = Jabhat = جبهة) plus
   their proper words; places through the gazetteer;
3. context evidence for borderline string matches: the same role ("Prime
   Minister" = "رئيس الوزراء"), linked quotes (``quote_links``) or shared
   co-occurring names.

Single words (``Lavrov``, ``Rami``, ``Nusra``, ``SOHR``) only *attach* to a
full name: in the same document first (the nearest preceding one when
several fit), across documents only when exactly one cluster fits.
Different types never merge. Output is deterministic.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz.fuzz import ratio

from ..errors import AlignerError
from ..records import NameCluster, NameMention, NameVariant
from ..settings import SETTINGS, Settings
from .lexicon import ORG_ALIASES, ORG_CONCEPTS, ORG_HEADS, ORG_STOP, PLACE_ALIASES, alias_key
from .normalize import (
    Unit,
    arabic_shape,
    clean_form,
    fold_arabic,
    fold_latin,
    form_key,
    name_key,
    name_units,
    script_of,
)
from .translit import cross_unit_score, prefetch

TYPES = ("person", "organization", "place", "other")


@dataclass(frozen=True)
class ClusterParams:
    """Thresholds of the clustering (tuned on the netranslit train split and the seeds; see bench/names.py).

    Build them from the settings with :meth:`from_settings` (the ``names_*``
    fields of :mod:`aligner.settings`); the values are declared there only."""

    merge: float
    """A full-name match at least this good merges on string evidence alone."""
    context: float
    """A full-name match at least this good merges when context agrees (role, quotes, co-occurring names)."""
    attach: float
    """A single word attaches to a full name when its unit matches at least this well."""
    skeleton_bonus: float
    """Added to a Latin unit ratio when the consonant skeletons agree."""
    veto: float
    """Two clusters do not merge if any same-script pair of full names across them scores below this."""

    @classmethod
    def from_settings(cls, settings: Settings = SETTINGS) -> ClusterParams:
        """The ``names_*`` thresholds of ``settings`` (the caller resolves environment overrides)."""
        return cls(merge=settings.names_merge, context=settings.names_context, attach=settings.names_attach,
                   skeleton_bonus=settings.names_skeleton_bonus, veto=settings.names_veto)


DEFAULT_PARAMS = ClusterParams.from_settings(SETTINGS)
"""The thresholds of the declared default settings."""


class ConstraintConflict(AlignerError):
    """Reviewer constraints contradict each other (must-link vs cannot-link)."""

    code = "E012"


# ----------------------------------------------------------- constraints

@dataclass(frozen=True)
class ReviewConstraints:
    """Reviewer decisions that clustering must respect. Forms are matched case-insensitively.

    ``must_link``: pairs of forms that name the same entity.
    ``cannot_link``: pairs of forms that name different entities ("not the same person").
    ``canonical``: (member form, canonical form): the cluster holding the member
    takes that canonical form; later entries win.
    ``types``: (member form, type): the cluster holding the member takes that type.
    """

    must_link: tuple[tuple[str, str], ...] = ()
    cannot_link: tuple[tuple[str, str], ...] = ()
    canonical: tuple[tuple[str, str], ...] = ()
    types: tuple[tuple[str, str], ...] = ()

    def merged(self, other: "ReviewConstraints") -> "ReviewConstraints":
        """Both sets of decisions; ``other``'s canonical/type entries come later (win)."""
        return ReviewConstraints(
            _uniq(self.must_link + other.must_link), _uniq(self.cannot_link + other.cannot_link),
            self.canonical + other.canonical, self.types + other.types,
        )

    def is_empty(self) -> bool:
        return not (self.must_link or self.cannot_link or self.canonical or self.types)


def _uniq(pairs):
    seen, out = set(), []
    for p in pairs:
        k = tuple(p)
        if k not in seen:
            seen.add(k)
            out.append(k)
    return tuple(out)


CONSTRAINTS_VERSION = 1


def constraints_to_json(c: ReviewConstraints) -> dict:
    """A JSON-ready dict (the project store keeps it; nothing is written here)."""
    return {
        "version": CONSTRAINTS_VERSION,
        "must_link": [list(p) for p in c.must_link],
        "cannot_link": [list(p) for p in c.cannot_link],
        "canonical": [list(p) for p in c.canonical],
        "types": [list(p) for p in c.types],
    }


def constraints_from_json(d: dict) -> ReviewConstraints:
    """Inverse of :func:`constraints_to_json`. Raises :class:`AlignerError` on a malformed value."""
    if not isinstance(d, dict):
        raise AlignerError("review constraints: expected a JSON object")
    v = d.get("version", CONSTRAINTS_VERSION)
    if not isinstance(v, int) or v > CONSTRAINTS_VERSION:
        raise AlignerError(f"review constraints: version {v!r} is newer than this program understands "
                           f"({CONSTRAINTS_VERSION})")
    out = {}
    for k in ("must_link", "cannot_link", "canonical", "types"):
        raw = d.get(k, [])
        if not isinstance(raw, list):
            raise AlignerError(f"review constraints: '{k}' must be a list of pairs")
        pairs = []
        for i, p in enumerate(raw):
            if not (isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, str) and x.strip()
                                                                         for x in p)):
                raise AlignerError(f"review constraints: '{k}' entry {i} must be a pair of non-empty strings")
            if k == "types" and p[1] not in TYPES:
                raise AlignerError(f"review constraints: type {p[1]!r} in entry {i}; valid: {', '.join(TYPES)}")
            pairs.append((p[0], p[1]))
        out[k] = tuple(pairs)
    return ReviewConstraints(**out)


# -------------------------------------------------------------- analysis

_ROLE_WORDS = {
    "president": "PRESIDENT", "président": "PRESIDENT", "presidente": "PRESIDENT", "الرئيس": "PRESIDENT",
    "prime": "PRIME", "premier": "PRIME", "minister": "MINISTER", "ministre": "MINISTER", "وزير": "MINISTER",
    "الوزير": "MINISTER", "foreign": "FOREIGN", "étrangères": "FOREIGN", "etrangeres": "FOREIGN",
    "الخارجية": "FOREIGN", "director": "DIRECTOR", "directeur": "DIRECTOR", "directrice": "DIRECTOR",
    "مدير": "DIRECTOR", "envoy": "ENVOY", "émissaire": "ENVOY", "emissaire": "ENVOY", "envoyé": "ENVOY",
    "envoye": "ENVOY", "المبعوث": "ENVOY", "مبعوث": "ENVOY", "spokesman": "SPOKESMAN",
    "spokeswoman": "SPOKESMAN", "spokesperson": "SPOKESMAN", "porte-parole": "SPOKESMAN",
    "المتحدث": "SPOKESMAN", "الناطق": "SPOKESMAN", "commander": "COMMANDER", "commandant": "COMMANDER",
    "قائد": "COMMANDER", "القائد": "COMMANDER", "adviser": "ADVISER", "advisor": "ADVISER",
    "conseiller": "ADVISER", "مستشار": "ADVISER", "المستشار": "ADVISER", "head": "HEAD", "chef": "HEAD",
    "chief": "HEAD", "leader": "LEADER", "زعيم": "LEADER", "ambassador": "AMBASSADOR",
    "ambassadeur": "AMBASSADOR", "السفير": "AMBASSADOR", "secretary": "SECRETARY", "secrétaire": "SECRETARY",
    "general": "GENERAL", "général": "GENERAL", "العماد": "GENERAL", "الجنرال": "GENERAL",
    "envoy's": "ENVOY", "member": "MEMBER", "membre": "MEMBER", "عضو": "MEMBER",
}
_ROLE_PHRASES = (("رئيس مجلس الوزراء", {"PRIME", "MINISTER"}), ("رئيس الوزراء", {"PRIME", "MINISTER"}),
                 ("رئيس الحكومة", {"PRIME", "MINISTER"}),
                 ("premier ministre", {"PRIME", "MINISTER"}), ("affaires étrangères", {"FOREIGN"}))
_ROLE_TITLES = frozenset(_ROLE_WORDS.values())


@lru_cache(maxsize=8192)
def role_key(role: str | None) -> frozenset[str]:
    """Language-independent concepts of a role ("Prime Minister" = "رئيس الوزراء")."""
    if not role:
        return frozenset()
    out: set[str] = set()
    low = role.lower()
    for phrase, concepts in _ROLE_PHRASES:
        if phrase in low or phrase in fold_arabic(role):
            out |= concepts
            low = low.replace(phrase, " ")
    for w in re.findall(r"[\w'’-]+", low):
        f = fold_arabic(w) if script_of(w) == "Arab" else w
        c = _ROLE_WORDS.get(w) or _ROLE_WORDS.get(f) or _ROLE_WORDS.get(fold_latin(w))
        if c:
            out.add(c)
            continue
        fk = fold_arabic(w) if script_of(w) == "Arab" else fold_latin(w)
        if fk in ORG_HEADS:
            out.add(ORG_HEADS[fk])
        elif fk in ORG_CONCEPTS:
            out.add(ORG_CONCEPTS[fk])
    if "رئيس" in role and not out & {"PRIME"}:
        out.add("PRESIDENT")
    return frozenset(out)


def same_role(a: frozenset, b: frozenset) -> bool:
    """Roles agree: the smaller set of concepts is inside the other, has 2+ concepts and a title."""
    if not a or not b:
        return False
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    return small <= big and len(small) >= 2 and bool(small & _ROLE_TITLES)


@dataclass(frozen=True)
class NameInfo:
    """What clustering compares about one form of a given type."""

    form: str
    type: str
    script: str
    units: tuple[Unit, ...]          # person units, or the proper words of an organisation
    heads: frozenset = frozenset()   # organisation head concepts (FRONT, ARMY...)
    concepts: frozenset = frozenset()  # organisation content concepts (SYRIA, HUMANRIGHTS...)
    alias: str | None = None         # canonical of a known organisation / place
    acronym: str | None = None       # "SOHR"
    initials: str = ""               # initials of an organisation's capitalised words
    short: bool = False              # one name unit / acronym: attaches, never merges alone

    @property
    def bare(self) -> bool:
        """Only an organisation head ("the Observatory", "المرصد"): a reference, not a name."""
        return self.type == "organization" and bool(self.heads) and not self.units and not self.concepts \
            and not self.alias and not self.acronym


def _org_word_class(text: str) -> tuple[str, str | None]:
    f = fold_arabic(text, soft=True) if script_of(text) == "Arab" else fold_latin(text)
    cands = [f]
    if script_of(text) == "Arab":
        if not f.startswith("ال"):
            cands.append("ال" + f)
        elif len(f) > 3:
            cands.append(f[2:])
        if f.startswith("ل") and len(f) > 3:
            cands.append("ال" + f[1:])
    for c in cands:
        if c in ORG_HEADS:
            return "head", ORG_HEADS[c]
    for c in cands:
        if c in ORG_CONCEPTS:
            return "concept", ORG_CONCEPTS[c]
    if f in ORG_STOP or f in {"the", "of", "for", "and"}:
        return "stop", None
    return "proper", None


_INITIAL_STOP = frozenset({"of", "for", "the", "and", "de", "des", "du", "la", "le", "les", "et", "pour", "in",
                           "on", "to", "al", "el", "l", "d"})


def org_initials(form: str) -> str:
    """Initials of an organisation's words, small words and elided articles skipped:
    "Syrian Observatory for Human Rights" -> SOHR, "Haut Comité des négociations" -> HCN."""
    out = []
    for w in re.split(r"[\s\-]+", fold_latin(form)):
        w = re.sub(r"^(?:l|d|qu)'", "", w).strip("'.,()")
        if not w or w in _INITIAL_STOP:
            continue
        out.append(w[0])
    return "".join(out).upper()


@lru_cache(maxsize=65536)
def analyse(form: str, type: str) -> NameInfo:
    """Comparable parts of ``form`` read as a name of ``type``."""
    form = clean_form(form)
    script = script_of(form)
    key = alias_key(form)
    if type == "place":
        return NameInfo(form, type, script, name_units(form), alias=PLACE_ALIASES.get(key))
    if type == "organization":
        alias = ORG_ALIASES.get(key)
        raw = form.replace(".", "")
        if alias is None and raw.isupper() and raw.isalpha() and 2 <= len(raw) <= 6 and script == "Latn":
            return NameInfo(form, type, script, (), acronym=raw, short=True)
        heads, concepts, propers = set(), set(), []
        for u in name_units(form):
            words = u.text.split()
            if u.kind == "name" and len(words) == 1:
                cls, concept = _org_word_class(u.text)
                if cls == "head":
                    heads.add(concept)
                    continue
                if cls == "concept":
                    concepts.add(concept)
                    continue
                if cls == "stop":
                    continue
            propers.append(u)
        ini = org_initials(form) if script == "Latn" else ""
        short = alias is None and ((not heads and not concepts and len(propers) == 1)
                                   or (not propers and not concepts and bool(heads)))
        return NameInfo(form, type, script, tuple(propers), frozenset(heads), frozenset(concepts), alias,
                        None, ini, short)
    units = tuple(u for u in name_units(form))
    core = [u for u in units if u.kind != "initial"]
    return NameInfo(form, type, script, units, short=len(core) <= 1)


# --------------------------------------------------------------- scoring

def _latin_sim(a: Unit, b: Unit, bonus: float) -> float:
    if a.kind != b.kind:
        if "initial" in (a.kind, b.kind):
            i, o = (a, b) if a.kind == "initial" else (b, a)
            return 0.9 if o.kind == "name" and o.key.startswith(i.key) else 0.0
        return 0.0
    if a.key == b.key:
        return 1.0
    if a.kind == "initial":
        return 0.0
    r = ratio(a.key, b.key) / 100.0
    ea, eb = a.key[-1:], b.key[-1:]
    final_vowels_differ = ea != eb and ea in "aiu" and eb in "aiu"  # Franco / Franca
    if a.skel and a.skel == b.skel and not final_vowels_differ:
        r = min(1.0, r + bonus)
    return r


def _arabic_sim(a: Unit, b: Unit, bonus: float) -> float:
    if a.kind != b.kind:
        return 0.0
    if a.key == b.key:
        return 1.0
    r = ratio(a.key, b.key) / 100.0
    sa, sb = arabic_shape(a.key), arabic_shape(b.key)
    if sa[0] and sa[0] == sb[0]:
        r = min(1.0, r + bonus)
    return r


def unit_sim(a: Unit, b: Unit, params: ClusterParams = DEFAULT_PARAMS) -> float:
    """Similarity in [0, 1] of two name units, in any scripts."""
    if a.script == "Latn" and b.script == "Latn":
        return _latin_sim(a, b, params.skeleton_bonus)
    if a.script == "Arab" and b.script == "Arab":
        return _arabic_sim(a, b, params.skeleton_bonus)
    ar, la = (a, b) if a.script == "Arab" else (b, a)
    return cross_unit_score(ar, la, lambda x, y: _latin_sim(x, y, params.skeleton_bonus))


@dataclass(frozen=True)
class Match:
    score: float
    full: bool       # both are full names (merge) vs a single word against a full name (attach)
    reason: str = ""


NO_MATCH = Match(0.0, True, "")


def _align_propers(small: Sequence[Unit], big: Sequence[Unit], params: ClusterParams) -> list[float]:
    """Best one-to-one scores of each unit of ``small`` against ``big`` (greedy, deterministic)."""
    used: set[int] = set()
    scores = []
    for u in small:
        best, bi = 0.0, -1
        for j, v in enumerate(big):
            if j in used:
                continue
            s = unit_sim(u, v, params)
            if s > best:
                best, bi = s, j
        if bi >= 0:
            used.add(bi)
        scores.append(best)
    return scores


def compare(a: NameInfo, b: NameInfo, params: ClusterParams = DEFAULT_PARAMS) -> Match:
    """How well two names fit one entity (see :class:`Match`)."""
    if a.type != b.type:
        return NO_MATCH
    if a.type == "person" or a.type == "other":
        return _compare_persons(a, b, params)
    if a.type == "organization":
        return _compare_orgs(a, b, params)
    # places
    if a.alias and b.alias:
        return Match(1.0 if a.alias == b.alias else 0.0, True, "gazetteer")
    if a.alias or b.alias:
        return NO_MATCH
    ua, ub = a.units, b.units
    if len(ua) != len(ub) or not ua:
        return NO_MATCH
    return Match(min(unit_sim(x, y, params) for x, y in zip(ua, ub, strict=True)), True, "place spelling")


def _compare_persons(a: NameInfo, b: NameInfo, params: ClusterParams) -> Match:
    ua = [u for u in a.units]
    ub = [u for u in b.units]
    ca = [u for u in ua if u.kind != "initial"]
    cb = [u for u in ub if u.kind != "initial"]
    if not ca or not cb:
        return NO_MATCH
    if len(ca) >= 2 and len(cb) >= 2:
        sf = unit_sim(ua[0], ub[0], params)
        sl = unit_sim(ua[-1], ub[-1], params)
        scores = [sf, sl]
        if len(ua) == len(ub) and len(ua) >= 3:
            scores += [unit_sim(x, y, params) for x, y in zip(ua[1:-1], ub[1:-1], strict=True)]
        return Match(min(scores), True, "given+family")
    if len(ca) == 1 and len(cb) == 1:
        return Match(unit_sim(ca[0], cb[0], params), not a.short and not b.short, "single word")
    single, full = (ca[0], cb) if len(ca) == 1 else (cb[0], ca)
    s_fam = unit_sim(single, full[-1], params)
    s_giv = 0.95 * unit_sim(single, full[0], params)
    return Match(max(s_fam, s_giv), False, "family name" if s_fam >= s_giv else "given name")


def _compare_orgs(a: NameInfo, b: NameInfo, params: ClusterParams) -> Match:
    if a.alias and b.alias:
        return Match(1.0 if a.alias == b.alias else 0.0, True, "known alias")
    if a.acronym or b.acronym:
        if a.acronym and b.acronym:
            return Match(1.0 if a.acronym == b.acronym else 0.0, False, "acronym")
        acr, other = (a, b) if a.acronym else (b, a)
        if other.initials and len(other.initials) >= 2 and other.initials == acr.acronym:
            return Match(0.9, False, "acronym")
        return NO_MATCH
    if a.heads == b.heads and a.concepts == b.concepts and len(a.units) == len(b.units):
        if not a.units:
            return Match(1.0 if (a.heads or a.concepts) else 0.0, True, "same head and words")
        return Match(min(_align_propers(a.units, b.units, params)), True, "head + proper words")
    if a.units and len(a.units) == len(b.units):
        # the head or a descriptive word dropped: "Ahrar al-Sham" / "Harakat Ahrar al-Sham al-Islamiya"
        (sm, bg) = (a, b) if len(a.heads) + len(a.concepts) <= len(b.heads) + len(b.concepts) else (b, a)
        if sm.heads <= bg.heads and sm.concepts <= bg.concepts:
            return Match(0.95 * min(_align_propers(a.units, b.units, params)), True, "name without its head")
        return NO_MATCH
    # a bare head ("the Observatory", "المرصد") refers to a name with that head
    for small, big in ((a, b), (b, a)):
        if not small.units and not small.concepts and small.heads and small.heads <= big.heads and \
                (big.units or big.concepts):
            return Match(0.9, False, "bare head")
    # one inside the other ("Nusra" in "Nusra Front", "Al-Zanki" in "Noureddine Al-Zanki Movement")
    for small, big in ((a, b), (b, a)):
        if small.heads <= big.heads and small.concepts <= big.concepts and 1 <= len(small.units) <= len(big.units):
            return Match(min(_align_propers(small.units, big.units, params)), False, "part of the name")
    return NO_MATCH


# -------------------------------------------------------------- clustering

@dataclass
class _Node:
    idx: int
    form: str            # cleaned form (first seen spelling with this key)
    fkey: str            # form_key
    type: str
    doc: str | None      # None for full names (shared across documents)
    info: NameInfo
    mentions: list = field(default_factory=list)

    @property
    def short(self) -> bool:
        return self.info.short


class _UF:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, x: int) -> int:
        while self.p[x] != x:
            self.p[x] = self.p[self.p[x]]
            x = self.p[x]
        return x

    def union(self, a: int, b: int) -> int:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if rb < ra:
            ra, rb = rb, ra
        self.p[rb] = ra
        return ra


def _block_keys(info: NameInfo) -> set[str]:
    keys: set[str] = set()
    if info.alias:
        keys.add("alias:" + info.alias)
    for u in info.units:
        if u.kind == "initial":
            continue
        if u.skel and len(u.skel) >= 2:
            keys.add("s:" + u.skel)
        else:
            keys.add("k:" + u.key[:3])
        if u.script == "Arab":
            from .translit import candidate_units  # lazy: romanizer only when Arabic is present
            txt = u.text.split(" ", 1)[1] if u.kind in {"abd", "abu"} and " " in u.text else u.text
            for cu in candidate_units(txt)[:5]:
                keys.add("s:" + cu.skel if len(cu.skel) >= 2 else "k:" + cu.key[:3])
    if not info.units and (info.heads or info.concepts):
        keys.add("h:" + ",".join(sorted(info.heads | info.concepts)))
    return keys


def cluster_mentions(
    mentions: Sequence[NameMention],
    *,
    constraints: ReviewConstraints | None = None,
    dictionary: Sequence[NameCluster] = (),
    quote_links: Iterable[tuple[NameMention, NameMention]] = (),
    params: ClusterParams | None = None,
    singles_are_full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[NameCluster]:
    """Cluster ``mentions`` (see the module doc).

    ``dictionary``: reviewed clusters; every mention whose form is one of a
    dictionary cluster's variants goes to that cluster, which keeps its
    canonical form, id and type; its unseen variants are kept with count 0.
    ``quote_links``: pairs of mentions whose quotes were aligned (the same
    speaker, written two ways); borderline matches between them merge.
    ``singles_are_full``: treat one-word names as full names (used to cluster
    lists of single-token spellings, e.g. the benchmarks).
    Raises :class:`ConstraintConflict` when must-links join a cannot-link pair.
    """
    constraints = constraints or ReviewConstraints()
    params = params or DEFAULT_PARAMS
    # input order must not matter
    mentions = sorted(mentions, key=lambda m: (m.doc, m.start, m.end, m.form, m.type, m.lang, m.role or ""))
    # ---- nodes
    nodes: list[_Node] = []
    index: dict[tuple, int] = {}
    forced_type = {form_key(f): t for f, t in constraints.types}
    dict_of_form: dict[str, int] = {}
    for d, dc in enumerate(dictionary):
        for v in dc.variants:
            dict_of_form.setdefault(form_key(v.form), d)
    for m in mentions:
        form = clean_form(m.form)
        if not form:
            continue
        fk = form_key(form)
        typ = forced_type.get(fk, m.type if m.type in TYPES else "other")
        if fk in dict_of_form:
            typ = dictionary[dict_of_form[fk]].type
        info = analyse(form, typ)
        if singles_are_full and info.short and not info.acronym:
            info = replace(info, short=False)
        doc = m.doc if info.short else None
        key = (fk, typ, doc)
        if key not in index:
            index[key] = len(nodes)
            nodes.append(_Node(len(nodes), form, fk, typ, doc, info))
        nodes[index[key]].mentions.append(m)
    # dictionary variants never seen still need nodes (to keep the reviewed cluster whole)
    for d, dc in enumerate(dictionary):
        for v in dc.variants:
            fk = form_key(v.form)
            if not any(k[0] == fk for k in index):
                info = analyse(v.form, dc.type)
                key = (fk, dc.type, None)
                index[key] = len(nodes)
                nodes.append(_Node(len(nodes), clean_form(v.form), fk, dc.type, None, replace(info, short=False)))
    prefetch(u.text.split(" ", 1)[1] if u.kind in {"abd", "abu"} and " " in u.text else u.text
             for n in nodes for u in n.info.units if u.script == "Arab")
    uf = _UF(len(nodes))
    evidence: dict[int, list[str]] = defaultdict(list)
    by_form: dict[str, list[int]] = defaultdict(list)      # form -> nodes (any type; for constraints)
    by_form_type: dict[tuple, list[int]] = defaultdict(list)  # (form, type) -> nodes
    for n in nodes:
        by_form[n.fkey].append(n.idx)
        by_form_type[(n.fkey, n.type)].append(n.idx)
    root_forms: dict[int, set[str]] = {n.idx: {n.fkey} for n in nodes}
    root_dict: dict[int, int | None] = {n.idx: dict_of_form.get(n.fkey) for n in nodes}
    cannot: dict[str, set[str]] = defaultdict(set)
    for a, b in constraints.cannot_link:
        ka, kb = form_key(a), form_key(b)
        cannot[ka].add(kb)
        cannot[kb].add(ka)

    def can_merge(ra: int, rb: int) -> bool:
        if ra == rb:
            return True
        if nodes[ra].type != nodes[rb].type:
            return False
        da, db = root_dict[ra], root_dict[rb]
        if da is not None and db is not None and da != db:
            return False
        fa, fb = root_forms[ra], root_forms[rb]
        small, big = (fa, fb) if len(fa) <= len(fb) else (fb, fa)
        return not any(cannot[f] & big for f in small)

    def union(a: int, b: int, why: str | None = None) -> int:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return ra
        r = uf.union(ra, rb)
        o = rb if r == ra else ra
        root_forms[r] |= root_forms.pop(o)
        root_dict[r] = root_dict[r] if root_dict[r] is not None else root_dict.get(o)
        root_dict.pop(o, None)
        evidence[r].extend(evidence.pop(o, []))
        if why:
            evidence[r].append(why)
        return r

    # ---- 1. same full name = same entity; dictionary clusters; must-links
    same: dict[tuple, int] = {}
    for n in nodes:
        if n.short:
            continue
        k = (n.type, name_key(n.form) if n.type != "organization" or not n.info.alias else "alias:" + n.info.alias)
        if k in same:
            union(same[k], n.idx)
        else:
            same[k] = n.idx
    for d in range(len(dictionary)):
        members = [n.idx for n in nodes if dict_of_form.get(n.fkey) == d]
        for x in members[1:]:
            union(members[0], x, None)
    for a, b in constraints.must_link:
        ia, ib = by_form.get(form_key(a), []), by_form.get(form_key(b), [])
        for x in ia[:1]:
            for y in ib:
                union(x, y, f"reviewer: {a} = {b}")
        for y in ia[1:]:
            union(ia[0], y)
    for a, b in constraints.cannot_link:
        for x in by_form.get(form_key(a), []):
            for y in by_form.get(form_key(b), []):
                if uf.find(x) == uf.find(y):
                    raise ConstraintConflict(
                        f"review decisions conflict: {a!r} and {b!r} are marked as different, but "
                        "must-link decisions (or the reviewed dictionary) put them together")

    # ---- context
    link_pairs: set[frozenset] = set()
    node_of_mention: dict[tuple, int] = {}
    for n in nodes:
        for m in n.mentions:
            node_of_mention[(m.doc, m.start, m.end)] = n.idx
    for x, y in quote_links:
        a = node_of_mention.get((x.doc, x.start, x.end))
        b = node_of_mention.get((y.doc, y.start, y.end))
        if a is None:
            a = next(iter(by_form.get(form_key(x.form), [])), None)
        if b is None:
            b = next(iter(by_form.get(form_key(y.form), [])), None)
        if a is not None and b is not None and a != b:
            link_pairs.add(frozenset((a, b)))
    roles: dict[int, set] = defaultdict(set)
    docs_of: dict[int, set] = defaultdict(set)
    for n in nodes:
        for m in n.mentions:
            rk = role_key(m.role)
            if rk:
                roles[n.idx].add(rk)
            docs_of[n.idx].add(m.doc)
    names_in_doc: dict[str, set] = defaultdict(set)
    for n in nodes:
        if not n.short and n.type != "place":
            for d in docs_of[n.idx]:
                names_in_doc[d].add(uf.find(n.idx))

    def context(a: int, b: int) -> str:
        if frozenset((a, b)) in link_pairs:
            return "aligned quotes"
        for ra_ in roles[a]:
            for rb_ in roles[b]:
                if same_role(ra_, rb_):
                    return "same role"
        ca = set().union(*(names_in_doc[d] for d in docs_of[a])) if docs_of[a] else set()
        cb = set().union(*(names_in_doc[d] for d in docs_of[b])) if docs_of[b] else set()
        common = {uf.find(x) for x in ca} & {uf.find(x) for x in cb}
        common -= {uf.find(a), uf.find(b)}
        if len(common) >= 2 and not (docs_of[a] & docs_of[b]):
            return "co-occurring names"
        return ""

    # ---- 2. full names: pairwise evidence with blocking
    full_nodes = [n for n in nodes if not n.short]
    reps: dict[tuple, _Node] = {}
    for n in full_nodes:  # one representative per distinct (type, form key)
        reps.setdefault((n.type, n.fkey), n)
    rep_list = sorted(reps.values(), key=lambda n: n.idx)
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, n in enumerate(rep_list):
        for k in _block_keys(n.info):
            blocks[(n.type, k)].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) > 400:  # a hopelessly common key: skip (other keys still block)
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                pairs.add((members[x], members[y]))
    scored = []
    total = len(pairs)
    for done, (x, y) in enumerate(sorted(pairs)):
        a, b = rep_list[x], rep_list[y]
        mt = compare(a.info, b.info, params)
        if mt.full and mt.score >= params.context:
            scored.append((-mt.score, a.idx, b.idx, mt))
        if progress and done % 500 == 0:
            progress(done, total)
    scored.sort(key=lambda t: (t[0], t[1], t[2]))
    full_of_root: dict[int, list[int]] = defaultdict(list)
    for n in rep_list:
        full_of_root[uf.find(n.idx)].append(n.idx)

    def veto(ra: int, rb: int, pair: tuple[int, int]) -> bool:
        """Complete-link guard: every other same-script pair across the two clusters must fit too."""
        for x in full_of_root[ra]:
            for y in full_of_root[rb]:
                if {x, y} == set(pair):
                    continue
                a, b = nodes[x], nodes[y]
                if a.info.script != b.info.script:
                    continue
                if compare(a.info, b.info, params).score < params.veto:
                    return True
        return False

    for neg, a, b, mt in scored:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb or not can_merge(ra, rb):
            continue
        why = ""
        if mt.score >= params.merge:
            why = f"spelling {mt.score:.2f}"
        else:
            c = context(a, b)
            if not c:
                continue
            why = f"spelling {mt.score:.2f} + {c}"
        if veto(ra, rb, (a, b)):
            continue
        r = union(ra, rb, f"{nodes[a].form} ~ {nodes[b].form}: {why}")
        o = rb if r == ra else ra
        full_of_root[r] = full_of_root[r] + full_of_root.pop(o, [])

    # ---- 3. single words attach to full names
    first_pos: dict[int, int] = {n.idx: min((m.start for m in n.mentions), default=0) for n in nodes}
    full_by_doc: dict[str, list[_Node]] = defaultdict(list)
    for n in full_nodes:
        for d in docs_of[n.idx]:
            full_by_doc[d].append(n)
    shorts = sorted((n for n in nodes if n.short), key=lambda n: (n.doc or "", first_pos[n.idx], n.fkey))
    leftovers: list[_Node] = []
    for n in shorts:
        target = None
        why = ""
        for pair in sorted(link_pairs, key=sorted):
            if n.idx in pair:
                other = nodes[next(iter(pair - {n.idx}))]
                if not other.short and compare(n.info, other.info, params).score >= params.context:
                    target, why = other.idx, "aligned quotes"
                    break
        if target is None:
            cands = []
            for f in full_by_doc.get(n.doc or "", []):
                mt = compare(n.info, f.info, params)
                if mt.score >= params.attach:
                    cands.append((f, mt))
            roots = {uf.find(f.idx) for f, _ in cands if can_merge(uf.find(f.idx), uf.find(n.idx))}
            if len(roots) == 1:
                f, mt = next((f, mt) for f, mt in cands if uf.find(f.idx) in roots)
                target, why = f.idx, f"same document ({mt.reason})"
            elif len(roots) > 1:
                # the nearest full mention before the word, else after it
                pos = first_pos[n.idx]
                best = None
                for f, _mt in cands:
                    if uf.find(f.idx) not in roots:
                        continue
                    before = [m.start for m in f.mentions if m.doc == n.doc and m.start < pos]
                    after = [m.start for m in f.mentions if m.doc == n.doc and m.start >= pos]
                    k = (0, pos - max(before)) if before else (1, min(after) - pos if after else 10 ** 9)
                    if best is None or k < best[0]:
                        best = (k, f.idx)
                if best:
                    target, why = best[1], "same document, nearest full name"
            else:
                cands = []
                for f in rep_list:
                    mt = compare(n.info, f.info, params)
                    if mt.score >= params.attach:
                        cands.append(f)
                roots = {uf.find(f.idx) for f in cands}
                if len(roots) == 1:
                    r = next(iter(roots))
                    if can_merge(r, uf.find(n.idx)):
                        target, why = cands[0].idx, "only fitting name in the corpus"
        if target is not None and can_merge(uf.find(target), uf.find(n.idx)):
            union(target, n.idx, f"{n.form} -> {nodes[target].form}: {why}")
        else:
            leftovers.append(n)
    # unattached single words: the same word is one entity; a bare head that refers to
    # nothing in its document ("the Observatory" alone) is not a name and is dropped
    dropped = {n.idx for n in leftovers if n.info.bare}
    same_short: dict[tuple, int] = {}
    for n in leftovers:
        if n.idx in dropped:
            continue
        k = (n.type, n.fkey)
        if k in same_short:
            if can_merge(uf.find(same_short[k]), uf.find(n.idx)):
                union(same_short[k], n.idx)
        else:
            same_short[k] = n.idx

    # ---- 4. one form, one cluster: the one holding most of its mentions
    assign = {n.idx: uf.find(n.idx) for n in nodes}
    for _fk, idxs in sorted(by_form_type.items()):
        weight: Counter = Counter()
        for i in idxs:
            weight[assign[i]] += max(1, len(nodes[i].mentions))
        if len(weight) > 1:
            best = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
            for i in idxs:
                assign[i] = best

    # ---- 5. build the clusters
    groups: dict[int, list[_Node]] = defaultdict(list)
    for n in nodes:
        if n.idx not in dropped:
            groups[assign[n.idx]].append(n)
    canon_force: dict[str, str] = {}
    for member, canon in constraints.canonical:
        canon_force[form_key(member)] = canon
    clusters = []
    for r, members in groups.items():
        clusters.append(_build(members, evidence.get(r, []), dictionary, dict_of_form, canon_force, forced_type))
    clusters.sort(key=_order)
    if progress:
        progress(total, total)
    return clusters


def _order(c: NameCluster) -> tuple:
    total = sum(v.count for v in c.variants)
    return (TYPES.index(c.type) if c.type in TYPES else 9, -total, c.canonical.casefold(), c.id)


def cluster_id(type: str, canonical: str) -> str:
    """Stable id of a cluster from its type and canonical name key."""
    h = hashlib.sha1(f"{type}\x1f{name_key(canonical) or form_key(canonical)}".encode()).hexdigest()
    return f"{type[:3]}-{h[:10]}"


def _is_full_form(form: str, type: str) -> bool:
    info = analyse(form, type)
    return not info.short and not info.acronym


def choose_canonical(variants: Sequence[NameVariant], type: str) -> str:
    """Most frequent full English Latin form; then any full Latin form; then any form.

    Ties: more name units, then longer, then alphabetical (deterministic).
    """
    if not variants:
        return ""

    def rank(v: NameVariant):
        units = len(name_units(v.form))
        shouting = v.form.isupper() and len(v.form) > 6
        return (-v.count, shouting, -units, -len(v.form), v.form.casefold(), v.form)

    tiers = [
        [v for v in variants if v.lang == "en" and v.script == "Latn" and _is_full_form(v.form, type)],
        [v for v in variants if v.script == "Latn" and _is_full_form(v.form, type)],
        [v for v in variants if _is_full_form(v.form, type)],
        list(variants),
    ]
    for t in tiers:
        if t:
            return sorted(t, key=rank)[0].form
    return variants[0].form


def _build(members: list[_Node], evidence: list[str], dictionary: Sequence[NameCluster],
           dict_of_form: dict[str, int], canon_force: dict[str, str], forced_type: dict[str, str]) -> NameCluster:
    counts: Counter = Counter()
    for n in members:
        for m in n.mentions:
            form = clean_form(m.form)
            counts[(form, m.lang or "und", script_of(form))] += 1
    dict_ids = sorted({dict_of_form[n.fkey] for n in members if n.fkey in dict_of_form})
    dc = dictionary[dict_ids[0]] if dict_ids else None
    if dc is not None:
        seen = {form_key(f) for f, _l, _s in counts}
        for v in dc.variants:
            if form_key(v.form) not in seen:
                counts[(clean_form(v.form), v.lang, v.script)] += 0
    variants = tuple(sorted(
        (NameVariant(f, lang, s, c) for (f, lang, s), c in counts.items()),
        key=lambda v: (-v.count, v.lang, v.form.casefold(), v.form),
    ))
    types = Counter(n.type for n in members for _ in (n.mentions or [None]))
    typ = sorted(types.items(), key=lambda kv: (-kv[1], TYPES.index(kv[0]) if kv[0] in TYPES else 9))[0][0]
    reviewed = False
    for n in members:
        if n.fkey in forced_type:
            typ, reviewed = forced_type[n.fkey], True
    canonical = None
    cid = ""
    preferred: tuple = ()
    if dc is not None:
        canonical, typ, reviewed, cid, preferred = dc.canonical, dc.type, True, dc.id, dc.preferred
        evidence = ["reviewed dictionary"] + evidence
    forced = [canon_force[n.fkey] for n in sorted(members, key=lambda n: n.idx) if n.fkey in canon_force]
    if forced:
        canonical, reviewed = forced[-1], True
    if not canonical:
        canonical = choose_canonical(variants, typ)
    return NameCluster(
        canonical=canonical,
        type=typ,
        variants=variants,
        id=cid or cluster_id(typ, canonical),
        evidence=tuple(dict.fromkeys(evidence))[:12],
        reviewed=reviewed,
        preferred=preferred,
    )


def cluster_forms(forms: Sequence[str], type: str = "person", *, params: ClusterParams | None = None,
                  lang: str = "en") -> list[list[str]]:
    """Cluster bare spellings (no documents): every form counts as a full name.

    Returns the groups of input forms, each sorted, groups sorted by first form.
    """
    ms = [NameMention(doc="", lang=lang, form=f, start=i, end=i + 1, type=type) for i, f in enumerate(forms)]
    clusters = cluster_mentions(ms, params=params, singles_are_full=True)
    where = {v.form: i for i, c in enumerate(clusters) for v in c.variants}
    groups: dict[int, set[str]] = defaultdict(set)
    for f in forms:
        i = where.get(clean_form(f))
        if i is not None:
            groups[i].add(f)
    return sorted(sorted(g) for g in groups.values())

