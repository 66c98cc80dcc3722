"""Words and small rules every controller and widget shares (no Qt)."""

from __future__ import annotations

from pathlib import Path

from aligner.review import STATUSES, quote_status  # noqa: F401 - the one rule, re-exported for the widgets

from ..i18n import N_

STATUS_LABELS = {
    "pending": N_("pending"),
    "confirmed": N_("confirmed"),
    "rejected": N_("rejected"),
    "skipped": N_("skipped"),
}
KIND_LABELS = {"translation": N_("translation"), "variant": N_("other rendering")}


def fold(text: str | None) -> str:
    """Case-, accent- and Arabic-diacritic-insensitive form of ``text`` (the store's search folding)."""
    from aligner.store import normalise_search

    return normalise_search(text)


def doc_label(path: str) -> str:
    return Path(path).name or path


class UndoSteps:
    """Undo/redo for a controller whose ``undo_stack`` (a QUndoStack) runs its steps: an error
    raised inside a step is kept in ``_step_error`` (QUndoStack swallows it) and raised
    again here, after the stack has moved."""

    undo_stack: object
    _step_error: BaseException | None = None

    def undo(self) -> bool:
        if not self.undo_stack.canUndo():
            return False
        self.undo_stack.undo()
        self._raise_step_error()
        return True

    def redo(self) -> bool:
        if not self.undo_stack.canRedo():
            return False
        self.undo_stack.redo()
        self._raise_step_error()
        return True

    def _raise_step_error(self) -> None:
        e, self._step_error = self._step_error, None
        if e is not None:
            raise e
