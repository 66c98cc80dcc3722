"""Progress callbacks of the core and the names of the alignment job's stages.

Long operations take a callback and call it as they go; the CLI draws rich
progress bars from it, the workbench a progress dialog.
"""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[int, int], None]
"""progress(done, total): one long operation (encoding, converting a model, clustering)."""

StageProgress = Callable[[str, int, int], None]
"""progress(stage, done, total): the alignment job; ``stage`` is a key of STAGE_LABELS."""

STAGE_LABELS = {
    "read": "Reading articles",
    "extract": "Finding quotes",
    "embed": "Computing sentence embeddings",
    "align": "Matching quotes",
    "save": "Saving",
    "bitext": "Aligning sentences",
    "runs": "Embedding runs of sentences around uncertain beads",
}
"""The alignment job's stages, in order, with what progress bars call them (CLI and workbench)."""
