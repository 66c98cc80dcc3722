"""The review desktop app (PySide6): ``workbench [PROJECT]``.

Thin Qt models (:mod:`workbench.models`), actions in controllers testable
without widgets (:mod:`workbench.controllers`), long work on worker threads
(:mod:`workbench.workers`), UI strings translated with gettext catalogues
(:mod:`workbench.i18n`).
"""

from aligner import __version__
