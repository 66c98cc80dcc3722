"""The reviewer's corrections to the name clusters of a project, with undo/redo.

Every correction is a set of constraints (must-link, cannot-link, canonical
form) saved at once; clusters are recomputed from the mentions and all the
constraints, so a correction survives re-running the extraction.

Corrections supersede each other the way quote decisions do: a later merge of
two spellings replaces an earlier "different" for that pair, and a later split
replaces an earlier "same". So split and merge are inverses, and the stored
constraints never hold a pair twice.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from aligner.errors import AlignerError

from ..i18n import N_, tr
from .common import UndoSteps

Pair = tuple[str, str]


def _key(form: str) -> str:
    from aligner.names.normalize import form_key

    return form_key(form)


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The same key for (a, b) and (b, a), case- and spelling-insensitive like the clustering."""
    ka, kb = _key(a), _key(b)
    return (ka, kb) if ka <= kb else (kb, ka)


def unique_pairs(pairs: Iterable[Pair]) -> tuple[Pair, ...]:
    """``pairs`` without self-pairs and without a pair given twice (in either order); first wins."""
    seen: set[tuple[str, str]] = set()
    out = []
    for a, b in pairs:
        k = pair_key(a, b)
        if k[0] == k[1] or k in seen:
            continue
        seen.add(k)
        out.append((a, b))
    return tuple(out)


def supersede(constraints, *, same: Sequence[Pair] = (), different: Sequence[Pair] = (),
              canonical: Sequence[Pair] = (), not_different: Sequence[Pair] = ()):
    """``constraints`` with new decisions that replace older ones for the same pairs.

    ``same`` pairs drop any cannot-link of that pair, ``different`` pairs
    drop any must-link of that pair, ``not_different`` pairs only drop a
    cannot-link; a new canonical form replaces the old one of its member.
    The result has no duplicate pair.
    """
    same_keys = {pair_key(a, b) for a, b in (*same, *not_different)}
    diff_keys = {pair_key(a, b) for a, b in different}
    must = [p for p in constraints.must_link if pair_key(*p) not in diff_keys] + list(same)
    cannot = [p for p in constraints.cannot_link if pair_key(*p) not in same_keys] + list(different)
    canon = list(constraints.canonical)
    if canonical:
        members = {_key(m) for m, _c in canonical}
        canon = [p for p in canon if _key(p[0]) not in members] + list(canonical)
    return dataclasses.replace(constraints, must_link=unique_pairs(must), cannot_link=unique_pairs(cannot),
                               canonical=tuple(canon))


def detach(constraints, form: str):
    """``constraints`` without the must-links of ``form``; its former partners stay linked together."""
    k = _key(form)
    partners = [b if _key(a) == k else a for a, b in constraints.must_link if k in (_key(a), _key(b))]
    kept = [p for p in constraints.must_link if k not in (_key(p[0]), _key(p[1]))]
    chain = [(partners[0], f) for f in partners[1:]]
    return dataclasses.replace(constraints, must_link=unique_pairs(kept + chain))


class ConstraintsCommand(QUndoCommand):
    """One correction: the constraints before and after (pushed after the save succeeded)."""

    def __init__(self, controller: "NamesController", before, after, label: str):
        super().__init__(tr(label))
        self.controller = controller
        self.before = before
        self.after = after
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self.controller._restore(self.after)

    def undo(self) -> None:
        self.controller._restore(self.before)


class NamesController(UndoSteps, QObject):
    """Name clusters of a project and the reviewer's corrections to them.

    ``clusters_reset(list[NameCluster])``; ``undo_stack`` (QUndoStack) holds
    the corrections of this session.
    """

    clusters_reset = Signal(list)
    message = Signal(str)

    def __init__(self, project, reviewer: str, parent: QObject | None = None, settings=None):
        super().__init__(parent)
        from aligner.names.cluster import ClusterParams, ReviewConstraints, constraints_from_json
        from aligner.settings import SETTINGS

        self.project = project
        self.reviewer = reviewer or "reviewer"
        self.params = ClusterParams.from_settings(settings or SETTINGS)
        self.mentions: list = []
        self.clusters: list = []
        data = project.name_constraints()
        self.constraints = constraints_from_json(data) if data else ReviewConstraints()
        self.undo_stack = QUndoStack(self)
        self._step_error: BaseException | None = None

    # ------------------------------------------------------------------ data

    def set_mentions(self, mentions) -> None:
        self.mentions = list(mentions)
        self.recluster()

    def _cluster(self, constraints) -> list:
        """Clusters under ``constraints``; a cluster touched by a correction is marked reviewed."""
        from aligner.names.cluster import cluster_mentions

        clusters = list(cluster_mentions(self.mentions, constraints=constraints, params=self.params))
        touched = {_key(f) for p in (*constraints.must_link, *constraints.cannot_link, *constraints.canonical)
                   for f in p}
        return [c if c.reviewed or not any(_key(v.form) in touched for v in c.variants)
                else dataclasses.replace(c, reviewed=True) for c in clusters]

    def recluster(self) -> None:
        self.clusters = self._cluster(self.constraints)
        self.clusters_reset.emit(list(self.clusters))

    def index_of_form(self, form: str) -> int:
        key = _key(form)
        for i, c in enumerate(self.clusters):
            if any(_key(v.form) == key for v in c.variants):
                return i
        return -1

    def mentions_of(self, variant) -> list:
        """Mentions written exactly as ``variant`` (same form and language), in corpus order."""
        from aligner.names.normalize import clean_form

        return [m for m in self.mentions if clean_form(m.form) == variant.form and m.lang == variant.lang]

    # ------------------------------------------------------------------ corrections

    def _save(self, constraints) -> None:
        from aligner.names.cluster import constraints_to_json

        self.project.set_name_constraints(constraints_to_json(constraints), self.reviewer)

    def _change(self, new, label: str) -> None:
        # fails with ConstraintConflict (an AlignerError) before anything is saved
        clusters = self._cluster(new)
        self._save(new)
        before = self.constraints
        self.constraints = new
        self.clusters = clusters
        self.clusters_reset.emit(list(clusters))
        self.undo_stack.push(ConstraintsCommand(self, before, new, label))

    def _restore(self, constraints) -> None:
        try:
            self._save(constraints)
            self.constraints = constraints
            self.recluster()
        except Exception as e:  # must not cross the C++ undo stack; raised by undo()/redo()
            self._step_error = e

    def _forms(self, index: int) -> list[str]:
        return list(dict.fromkeys(v.form for v in self.clusters[index].variants))

    def merge(self, a: int, b: int) -> None:
        """Clusters ``a`` and ``b`` name the same entity (replaces an earlier "different")."""
        if a == b:
            return
        fa, fb = self._forms(a), self._forms(b)
        # every spelling of both is linked to one anchor, so string evidence cannot pull one out again
        forms = list(dict.fromkeys(fa + fb))
        same = [(forms[0], f) for f in forms[1:]]
        new = supersede(self.constraints, same=same, not_different=[(x, y) for x in fa for y in fb])
        self._change(new, N_("Merge"))

    def split(self, index: int, forms: Sequence[str]) -> None:
        """Move exactly ``forms`` out of cluster ``index`` into a cluster of their own."""
        all_forms = self._forms(index)
        moved = [f for f in dict.fromkeys(forms) if f in all_forms]
        rest = [f for f in all_forms if f not in moved]
        if not moved or not rest:
            raise AlignerError(tr("Select some, but not all, of the spellings to split them off."))
        same = [(moved[0], f) for f in moved[1:]] + [(rest[0], f) for f in rest[1:]]
        different = [(m, r) for m in moved for r in rest]
        self._change(supersede(self.constraints, same=same, different=different), N_("Split"))

    def not_same(self, form_a: str, form_b: str) -> None:
        """``form_a`` and ``form_b`` name different entities (replaces an earlier "same").

        ``form_b`` leaves every must-link it had (the spellings it tied together
        stay tied to each other), so no chain of earlier merges holds it to ``form_a``.
        """
        if pair_key(form_a, form_b)[0] == pair_key(form_a, form_b)[1]:
            return
        self._change(supersede(detach(self.constraints, form_b), different=[(form_a, form_b)]),
                     N_("Not the same"))

    def set_canonical(self, index: int, form: str) -> None:
        c = self.clusters[index]
        self._change(supersede(self.constraints, canonical=[(c.variants[0].form, form)]),
                     N_("Set canonical name"))
