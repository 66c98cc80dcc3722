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
    "E020": "EngineError: the batch engine cannot run (Ray missing, cluster unreachable, work folder in use)",
    "E021": "ShardFailures: some input files failed; the others were done (their shards kept with --work-dir)",
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


class EngineError(AlignerError):
    """The compute engine cannot run: Ray missing, cluster unreachable, work folder unusable."""

    code = "E020"


class ShardFailures(AlignerError):
    """Some input files failed while the others were processed.

    ``failures``: (file, problem) pairs; the shards of every other file are
    finished. ``work_dir``: the kept work folder (``--work-dir``) holding
    them, so a rerun with ``--resume`` does only what failed; None when the
    work was in a temporary folder (the message then says so, and how to
    keep the shards next time).
    """

    code = "E021"

    def __init__(self, failures: list[tuple[str, str]], done: int, total: int, *,
                 work_dir: str | None = None):
        lines = "\n".join(f"  {path}: {problem}" for path, problem in failures)
        many = "s" if len(failures) != 1 else ""
        if work_dir is not None:
            what = (f"{done} of {total} shards done and kept in {work_dir}; fix the files and "
                    f"rerun with the same --work-dir and --resume")
        else:
            what = (f"{done} of {total} shards were done, in a temporary folder now removed; "
                    f"fix the files and run again (add --work-dir DIR to keep finished shards, "
                    f"then --resume continues from them)")
        super().__init__(f"{len(failures)} input file{many} failed ({what}):\n{lines}")
        self.failures = list(failures)
        self.work_dir = work_dir
