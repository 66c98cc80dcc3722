"""Errors from the core, told in the UI language: a human sentence, the technical text as details.

Every :class:`aligner.errors.AlignerError` carries a stable code (E001…, listed
once in ``aligner.errors.ERROR_CODES``). :data:`ERROR_SENTENCES` gives each code a sentence a translator can act on;
the core's own English message (file names, SQLite's text) goes behind the
"Details" button of the error dialog.
"""

from __future__ import annotations

import sqlite3

from aligner.errors import AlignerError

from .i18n import N_, tr

ERROR_SENTENCES = {
    "E000": N_("Something went wrong in the aligner."),
    "E001": N_("A file could not be read. The details name the file and the problem."),
    "E002": N_("A value was not one of the choices the program knows."),
    "E003": N_("The sentence-embedding model is not available on this computer. Install it with "
               "\u201caligner model install\u201d, then try again."),
    "E004": N_("The project file could not be used. It may be damaged, locked by another program, "
               "read-only, or made by a newer version of the workbench."),
    "E005": N_("The aligner received data of the wrong shape. This is a bug; please report it with the details."),
    "E006": N_("The file cannot be written there: it is one of the articles, the project itself or a device, "
               "or the folder is read-only. Choose another name or folder."),
    "E010": N_("The alignment was cancelled. What was saved is kept."),
    "E011": N_("The name dictionary could not be read."),
    "E012": N_("These corrections contradict each other: two spellings cannot be both the same person and "
               "different people. Undo one of them first."),
    "E014": N_("One of the two texts has no sentence to align. Check that you chose the right files."),
    "E020": N_("The batch engine could not start: Ray is not installed, the cluster cannot be reached, or "
               "its work folder is in use by another run."),
    "E021": N_("Some input files could not be processed. The others were finished; the details name the "
               "files that failed and say how to continue without redoing the finished work."),
}
"""Code -> sentence (marked for translation). Unknown codes fall back to E000's sentence."""

_SPECIFIC = (
    # (code, words in the core's message, sentence): a closer sentence for a frequent case
    ("E004", ("locked",), N_("The project is open in another program. Close it there, then try again.")),
    ("E004", ("damaged", "malformed", "corrupt"),
     N_("The project file is damaged. Open one of its daily backups, in the \u201c.backups\u201d folder "
        "beside it (File \u2192 Open project\u2026).")),
    ("E004", ("no such project file",), N_("There is no project file at this place.")),
    ("E004", ("newer",), N_("This project was made by a newer version of the workbench. Update the "
                            "workbench to open it.")),
    ("E004", ("read-only",), N_("The project file or its folder is read-only. Copy the project somewhere "
                                "you can write, or change the permissions.")),
    ("E004", ("not an aligner project", "not a sqlite", "is empty"),
     N_("This file is not an alignment project.")),
)


def describe_error(error: BaseException | str) -> tuple[str, str]:
    """(sentence in the UI language, technical details) for an error or a message."""
    if isinstance(error, str):
        return error, ""
    if isinstance(error, AlignerError):
        low = error.message.lower()
        for code, words, sentence in _SPECIFIC:
            if error.code == code and any(w in low for w in words):
                return tr(sentence), str(error)
        return tr(ERROR_SENTENCES.get(error.code, ERROR_SENTENCES["E000"])), str(error)
    if isinstance(error, sqlite3.Error):
        return tr(ERROR_SENTENCES["E004"]), f"{type(error).__name__}: {error}"
    return tr("Something went wrong. Your decisions are saved."), f"{type(error).__name__}: {error}"
