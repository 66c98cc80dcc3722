"""Exceptions with stable codes and messages a translator can act on.

Every error the CLI or the GUI shows derives from :class:`AlignerError`.
Library code raises these; only the edges (CLI, GUI) print them.
"""

from __future__ import annotations

from collections.abc import Iterable

ERROR_CODES: dict[str, str] = {
    "E000": "AlignerError: any other error of the core",
    "E001": "InputFileError: a file given by the user cannot be used",
    "E002": "ChoiceError: a value is not one of the valid choices",
    "E003": "ModelNotAvailable: the embedding model cannot be loaded offline",
    "E004": "ProjectError: the project file is missing, damaged, locked or newer",
    "E005": "DimensionError: arrays of the wrong shape, dtype or layout",
    "E006": "OutputFileError: an output must not be written (an input, the project, a device, a read-only folder)",
    "E010": "Cancelled (aligner.pipeline): the alignment was cancelled",
    "E011": "DictionaryImportError (aligner.names.dictionary): a reviewed dictionary has problems",
    "E012": "ConstraintConflict (aligner.names.cluster): reviewer name decisions contradict each other",
    "E014": "BitextInputError (aligner.bitext): one of the two texts of a whole-text alignment cannot be aligned",
}
"""Every error code, once: code -> "ExceptionClass: meaning". Each class's
``code`` comes from here; ``tests/test_errors.py`` checks the two agree and
that no code is used twice."""


class AlignerError(Exception):
    """Base class. ``code`` is stable (E001…) and shown with the message."""

    code = "E000"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InputFileError(AlignerError):
    """A file given by the user cannot be used. Names the file and the problem."""

    code = "E001"

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class ChoiceError(AlignerError, ValueError):
    """A value is not one of the valid choices; the message lists them."""

    code = "E002"

    def __init__(self, what: str, value: object, choices: Iterable[object]):
        choices = list(choices)
        listed = ", ".join(repr(c) if not isinstance(c, str) else c for c in choices)
        super().__init__(f"unknown {what} {value!r}; valid choices: {listed}")
        self.what = what
        self.value = value
        self.choices = choices


class ModelNotAvailable(AlignerError):
    """The embedding model cannot be loaded offline. Says what to do."""

    code = "E003"


class ProjectError(AlignerError):
    """The project file is missing, corrupt, locked or from a newer version."""

    code = "E004"


class DimensionError(AlignerError, ValueError):
    """Arrays handed to the core have the wrong shape, dtype or layout."""

    code = "E005"


class OutputFileError(InputFileError):
    """An output the user named cannot (or must not) be written: it is one of
    the inputs or the project, a device or FIFO, or its folder is read-only.
    Nothing was written."""

    code = "E006"
