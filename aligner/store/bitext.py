"""Whole-text alignments in the project store: article pairs, their beads and the review of beads.

``save_pair`` keeps the two texts (sentence ids, sentences, paragraphs) and
the aligner's beads. Re-aligning the same two files adds a new version of
the pair (the older one stays, marked not current). Reviewers confirm or
reject beads (append-only ``bead_decisions``), and split, merge or re-link
them: an edit never changes or deletes a bead row, it retires the beads it
replaces (``replaced_by``) and adds new ones covering exactly the same
sentences, so every earlier state and decision stays in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..bitext import Bead
from ..errors import ProjectError
from ._base import StoreBase, check_choice
from ._text import dumps, loads, utc_now

BEAD_STATUSES = ("pending", "confirmed", "rejected", "skipped")


@dataclass(frozen=True)
class BitextPairRow:
    """A stored pair of texts. ``src``/``tgt``: ((id, sentence, paragraph), ...)."""

    id: int
    src_path: str
    tgt_path: str
    src_lang: str
    tgt_lang: str
    src: tuple[tuple[int, str, int], ...]
    tgt: tuple[tuple[int, str, int], ...]
    model: str
    created: str
    current: bool

    def text(self, side: str, ids: Sequence[int]) -> str:
        sents = {i: s for i, s, _ in (self.src if side == "src" else self.tgt)}
        return " ".join(sents[i] for i in ids)


@dataclass(frozen=True)
class BeadRow:
    """A live bead of a stored pair, with its review status and texts."""

    id: int
    pair_id: int
    bead: Bead
    status: str
    origin: str
    src_text: str
    tgt_text: str


class BitextStore(StoreBase):
    """``save_pair``, ``bitext_pairs``, ``beads``, ``decide_bead``, ``split_bead``,
    ``merge_beads``, ``relink_beads``, ``confirmed_beads``."""

    # ---------------------------------------------------------------- writing
    def save_pair(self, result, *, model: str = "") -> int:
        """Store a :class:`~aligner.bitext_run.BitextResult`; returns the new pair id."""
        src, tgt = result.src, result.tgt
        now = utc_now()
        with self._write() as c:
            c.execute("UPDATE bitext_pairs SET current = 0 WHERE src_path = ? AND tgt_path = ?",
                      (src.path, tgt.path))
            cur = c.execute(
                "INSERT INTO bitext_pairs(src_path, tgt_path, src_lang, tgt_lang, src_text, tgt_text, model, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (src.path, tgt.path, src.lang, tgt.lang,
                 dumps([[i, s, p] for i, s, p in zip(src.ids, src.sentences, src.paragraphs)]),
                 dumps([[i, s, p] for i, s, p in zip(tgt.ids, tgt.sentences, tgt.paragraphs)]), model, now))
            pair_id = int(cur.lastrowid)
            c.executemany("INSERT INTO beads(pair_id, position, src_ids, tgt_ids, score, origin, created) "
                          "VALUES (?, ?, ?, ?, ?, 'aligner', ?)",
                          [(pair_id, float(k), dumps(list(b.src)), dumps(list(b.tgt)), float(b.score), now)
                           for k, b in enumerate(result.beads)])
            self._audit(c, "bitext.align", {"pair": pair_id, "src": src.path, "tgt": tgt.path,
                                            "beads": len(result.beads), "model": model})
        return pair_id

    def decide_bead(self, bead_id: int, status: str, reviewer: str | None = None) -> None:
        """Append a decision (confirmed, rejected, skipped, pending) for a live bead."""
        check_choice("bead status", status, BEAD_STATUSES)
        with self._write() as c:
            row = c.execute("SELECT replaced_by FROM beads WHERE id = ?", (bead_id,)).fetchone()
            if row is None:
                raise ProjectError(f"{self.path}: no bead with id {bead_id}")
            if row[0] is not None:
                raise ProjectError(f"{self.path}: bead {bead_id} was split, merged or re-linked; "
                                   "review the beads that replaced it")
            c.execute("INSERT INTO bead_decisions(bead_id, status, reviewer, time) VALUES (?, ?, ?, ?)",
                      (bead_id, status, reviewer or self.actor, utc_now()))
            c.execute("UPDATE beads SET status = ? WHERE id = ?", (status, bead_id))
            self._audit(c, "bitext.decide", {"bead": bead_id, "status": status}, reviewer)

    def split_bead(self, bead_id: int, src_at: int, tgt_at: int, reviewer: str | None = None) -> list[int]:
        """Split a bead in two: its first ``src_at`` source and ``tgt_at`` target sentences, then the rest.

        Either part may be empty on one side (a 1-0 or 0-1 bead), not on both.
        Returns the ids of the new beads.
        """
        b = self._live([bead_id])[0]
        if not (0 <= src_at <= len(b.src) and 0 <= tgt_at <= len(b.tgt)):
            raise ProjectError(f"{self.path}: cannot split bead {bead_id} ({b.kind}) at {src_at}/{tgt_at}")
        parts = [Bead(b.src[:src_at], b.tgt[:tgt_at], b.score), Bead(b.src[src_at:], b.tgt[tgt_at:], b.score)]
        if any(not p.src and not p.tgt for p in parts):
            raise ProjectError(f"{self.path}: splitting bead {bead_id} at {src_at}/{tgt_at} leaves an empty part")
        return self._replace([bead_id], parts, "split", reviewer)

    def merge_beads(self, bead_ids: Sequence[int], reviewer: str | None = None) -> int:
        """Merge consecutive beads into one. Returns the new bead's id."""
        beads = self._live(bead_ids)
        merged = Bead(tuple(i for b in beads for i in b.src), tuple(j for b in beads for j in b.tgt),
                      min(b.score for b in beads))
        return self._replace(bead_ids, [merged], "merge", reviewer)[0]

    def relink_beads(self, bead_ids: Sequence[int], new: Sequence[tuple[Sequence[int], Sequence[int]]],
                     reviewer: str | None = None) -> list[int]:
        """Replace consecutive beads by ``new`` ((src ids, tgt ids), ...) covering the same sentences."""
        return self._replace(bead_ids, [Bead(tuple(s), tuple(t), 1.0) for s, t in new], "relink", reviewer)

    # ---------------------------------------------------------------- reading
    def bitext_pairs(self, *, current_only: bool = True) -> list[BitextPairRow]:
        sql = ("SELECT id, src_path, tgt_path, src_lang, tgt_lang, src_text, tgt_text, model, created, current "
               "FROM bitext_pairs" + (" WHERE current = 1" if current_only else "") + " ORDER BY id")
        with self._read() as c:
            rows = c.execute(sql).fetchall()
        return [self._pair(r) for r in rows]

    def bitext_pair(self, pair_id: int) -> BitextPairRow:
        with self._read() as c:
            r = c.execute("SELECT id, src_path, tgt_path, src_lang, tgt_lang, src_text, tgt_text, model, created, "
                          "current FROM bitext_pairs WHERE id = ?", (pair_id,)).fetchone()
        if r is None:
            raise ProjectError(f"{self.path}: no article pair with id {pair_id}")
        return self._pair(r)

    def beads(self, pair_id: int) -> list[BeadRow]:
        """The live beads of a pair in reading order, with status and texts."""
        pair = self.bitext_pair(pair_id)
        with self._read() as c:
            rows = c.execute("SELECT id, src_ids, tgt_ids, score, status, origin FROM beads "
                             "WHERE pair_id = ? AND replaced_by IS NULL ORDER BY position, id", (pair_id,)).fetchall()
        out = []
        for bid, s, t, score, status, origin in rows:
            b = Bead(tuple(loads(s, [])), tuple(loads(t, [])), float(score))
            out.append(BeadRow(bid, pair_id, b, status, origin, pair.text("src", b.src), pair.text("tgt", b.tgt)))
        return out

    def confirmed_beads(self) -> list[tuple[BitextPairRow, BeadRow]]:
        """Confirmed beads with both sides non-empty, of the current pairs, in order."""
        out = []
        for pair in self.bitext_pairs():
            out += [(pair, r) for r in self.beads(pair.id) if r.status == "confirmed" and not r.bead.is_null]
        return out

    # ---------------------------------------------------------------- helpers
    @staticmethod
    def _pair(r) -> BitextPairRow:
        return BitextPairRow(int(r[0]), r[1], r[2], r[3], r[4], tuple(tuple(x) for x in loads(r[5], [])),
                             tuple(tuple(x) for x in loads(r[6], [])), r[7], r[8], bool(r[9]))

    def _live(self, bead_ids: Sequence[int]) -> list[Bead]:
        with self._read() as c:
            rows = {r[0]: r for r in c.execute(
                f"SELECT id, src_ids, tgt_ids, score, replaced_by, pair_id FROM beads WHERE id IN "
                f"({','.join('?' * len(bead_ids))})", list(bead_ids))}
        out = []
        for bid in bead_ids:
            r = rows.get(bid)
            if r is None:
                raise ProjectError(f"{self.path}: no bead with id {bid}")
            if r[4] is not None:
                raise ProjectError(f"{self.path}: bead {bid} was already replaced by an edit")
            out.append(Bead(tuple(loads(r[1], [])), tuple(loads(r[2], [])), float(r[3])))
        if len({rows[b][5] for b in bead_ids}) != 1:
            raise ProjectError(f"{self.path}: beads {list(bead_ids)} belong to different article pairs")
        return out

    def _replace(self, old_ids: Sequence[int], new: Sequence[Bead], origin: str, reviewer: str | None) -> list[int]:
        old = self._live(old_ids)
        src_old = sorted(i for b in old for i in b.src)
        tgt_old = sorted(j for b in old for j in b.tgt)
        src_new = [i for b in new for i in b.src]
        tgt_new = [j for b in new for j in b.tgt]
        if sorted(src_new) != src_old or sorted(tgt_new) != tgt_old:
            raise ProjectError(f"{self.path}: the new beads must cover exactly the sentences of beads "
                               f"{list(old_ids)}")
        if src_new != sorted(src_new) or tgt_new != sorted(tgt_new) or any(not b.src and not b.tgt for b in new):
            raise ProjectError(f"{self.path}: new beads must keep the reading order and not be empty")
        with self._read() as c:
            pair_id = c.execute("SELECT pair_id FROM beads WHERE id = ?", (old_ids[0],)).fetchone()[0]
            pos = [r[0] for r in c.execute(f"SELECT position FROM beads WHERE id IN ({','.join('?' * len(old_ids))})",
                                           list(old_ids))]
            # the new beads share the span up to the next live bead (an earlier split may sit at max + 0.5)
            nxt = c.execute("SELECT min(position) FROM beads WHERE pair_id = ? AND replaced_by IS NULL "
                            "AND position > ?", (pair_id, max(pos))).fetchone()[0]
        live = [r.bead for r in self.beads(pair_id) if r.id not in set(old_ids)]
        _check_contiguous(old, live)
        now = utc_now()
        with self._write() as c:
            self._audit(c, f"bitext.{origin}", {"replaced": list(old_ids),
                                                "new": [[list(b.src), list(b.tgt)] for b in new]}, reviewer)
            edit = c.execute("SELECT max(id) FROM audit").fetchone()[0]
            ids = []
            lo, hi = min(pos), (max(pos) + 1.0 if nxt is None else min(max(pos) + 1.0, float(nxt)))
            for k, b in enumerate(new):
                cur = c.execute("INSERT INTO beads(pair_id, position, src_ids, tgt_ids, score, origin, created) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                                (pair_id, lo + (hi - lo) * k / len(new), dumps(list(b.src)), dumps(list(b.tgt)),
                                 float(b.score), origin, now))
                ids.append(int(cur.lastrowid))
            c.executemany("UPDATE beads SET replaced_by = ? WHERE id = ?", [(edit, i) for i in old_ids])
        return ids


def _check_contiguous(old: list[Bead], others: list[Bead]) -> None:
    """The edited beads must be neighbours: no other bead's sentence lies between theirs."""
    for side in ("src", "tgt"):
        ids = [i for b in old for i in getattr(b, side)]
        if not ids:
            continue
        lo, hi = min(ids), max(ids)
        if any(lo < i < hi for b in others for i in getattr(b, side)):
            raise ProjectError("only neighbouring beads can be merged or re-linked")
