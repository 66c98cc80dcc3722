"""The reviewers' name decisions in the project store.

The current state (which spellings name the same entity, which do not, the
canonical form and type of a cluster) is kept in ``meta`` as the JSON of
:func:`aligner.names.constraints_to_json`; every change is also appended to the
``name_decisions`` table, where a later row for a pair supersedes an earlier
one and nothing is rewritten.
"""

from __future__ import annotations

import unicodedata

from ._base import StoreBase
from ._text import dumps, loads, utc_now


class NameDecisionStore(StoreBase):
    """``name_constraints``, ``set_name_constraints`` and the ``name_decisions`` log."""

    def name_constraints(self) -> dict | None:
        """The reviewers' name-cluster decisions (JSON data of
        :func:`aligner.names.constraints_to_json`), or None if there are none."""
        raw = self.meta().get("names_constraints")
        return loads(raw, None) if raw else None

    def set_name_constraints(self, data: dict, actor: str | None = None) -> None:
        """Make ``data`` the reviewers' name decisions; audited, and logged append-only.

        Each pair or member whose decision changed gets one row in ``name_decisions``
        (same, different, unlinked, canonical, type): a later row for a pair
        supersedes an earlier one, nothing is rewritten. ``meta`` keeps the
        resulting state, without a pair given twice.
        """
        data = _dedupe_constraints(data)
        text = dumps(data)
        with self._write() as c:
            raw = c.execute("SELECT value FROM meta WHERE key = 'names_constraints'").fetchone()
            before = _dedupe_constraints(loads(raw[0], {}) if raw else {})
            now = utc_now()
            rows = [(kind, a, b, actor or self.actor, now) for kind, a, b in _name_changes(before, data)]
            c.executemany("INSERT INTO name_decisions(kind, form_a, form_b, reviewer, time) "
                          "VALUES (?, ?, ?, ?, ?)", rows)
            c.execute("INSERT INTO meta(key, value) VALUES ('names_constraints', ?) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (text,))
            self._audit(c, "names.constraints", {"size": len(text), "decisions": len(rows)}, actor)

    def name_decisions(self) -> list[dict]:
        """The name decisions, oldest first: {id, kind, form_a, form_b, reviewer, time}."""
        with self._read() as c:
            rows = c.execute("SELECT id, kind, form_a, form_b, reviewer, time FROM name_decisions "
                             "ORDER BY id").fetchall()
        return [dict(zip(("id", "kind", "form_a", "form_b", "reviewer", "time"), r)) for r in rows]


def _form_id(form: str) -> str:
    return " ".join(unicodedata.normalize("NFC", form).split()).casefold()


def _pair_id(a: str, b: str) -> tuple[str, str]:
    x, y = _form_id(a), _form_id(b)
    return (x, y) if x <= y else (y, x)


def _dedupe_constraints(data: dict) -> dict:
    """``data`` with each pair once (either order), the later of "same"/"different" for a pair
    winning, and one canonical form / type per member (the last)."""
    out = dict(data)
    last: dict[tuple[str, str], tuple[str, list]] = {}
    for kind in ("must_link", "cannot_link"):
        for a, b in data.get(kind, []):
            k = _pair_id(a, b)
            if k[0] != k[1]:
                last.pop(k, None)
                last[k] = (kind, [a, b])
    for kind in ("must_link", "cannot_link"):
        if kind in data or any(v[0] == kind for v in last.values()):
            out[kind] = [pair for kd, pair in last.values() if kd == kind]
    for kind in ("canonical", "types"):
        if kind in data:
            members: dict[str, list] = {}
            for m, v in data[kind]:
                members.pop(_form_id(m), None)
                members[_form_id(m)] = [m, v]
            out[kind] = list(members.values())
    return out


def _name_changes(before: dict, after: dict) -> list[tuple[str, str, str]]:
    """(kind, form_a, form_b) rows that turn the decisions ``before`` into ``after``."""
    def pairs(d):
        res = {}
        for kind, label in (("must_link", "same"), ("cannot_link", "different")):
            for a, b in d.get(kind, []):
                res[_pair_id(a, b)] = (label, a, b)
        return res

    def members(d, kind):
        return {_form_id(m): (m, v) for m, v in d.get(kind, [])}

    rows = []
    old, new = pairs(before), pairs(after)
    for k, (label, a, b) in new.items():
        if old.get(k, ("",))[0] != label:
            rows.append((label, a, b))
    for k, (_label, a, b) in old.items():
        if k not in new:
            rows.append(("unlinked", a, b))
    for kind, label in (("canonical", "canonical"), ("types", "type")):
        o, n = members(before, kind), members(after, kind)
        for k, (m, v) in n.items():
            if o.get(k, (None, None))[1] != v:
                rows.append((label, m, v))
        for k, (m, _v) in o.items():
            if k not in n:
                rows.append((label, m, ""))
    return rows
