"""What the workbench does, without widgets.

* :mod:`.review`: the review session (queue, candidates, decisions, undo);
* :mod:`.names`: corrections to the name clusters (merge, split, undo);
* :mod:`.project`: opening a project, what is not aligned yet, names found;
* :mod:`.export`: the confirmed pairs written to a file;
* :mod:`.common`: labels and small rules shared by all of them.
"""

from .common import KIND_LABELS, STATUS_LABELS, STATUSES, doc_label, fold, quote_status
from .export import EXPORT_FORMATS, ExportFormat, export_confirmed
from .names import NamesController
from .project import AlignmentState, alignment_state, find_mentions, open_project
from .review import QueueFilter, ReviewController

__all__ = [
    "EXPORT_FORMATS", "KIND_LABELS", "STATUSES", "STATUS_LABELS", "AlignmentState", "ExportFormat",
    "NamesController", "QueueFilter", "ReviewController", "alignment_state", "doc_label", "export_confirmed",
    "find_mentions", "fold", "open_project", "quote_status",
]
