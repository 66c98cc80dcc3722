"""The review desktop app (PySide6): ``workbench [PROJECT]``.

Thin Qt models (:mod:`workbench.models`), actions in controllers testable
without widgets (:mod:`workbench.controllers`), long work on worker threads
(:mod:`workbench.workers`), UI strings translated with gettext catalogues
(:mod:`workbench.i18n`).
"""

try:
    from aligner import __version__
except ImportError:  # pragma: no cover
    __version__ = "0"

from .qtcompat import protect_bool_singletons as _protect_bools

_protect_bools()  # PySide6 6.12 drops a reference to True on every Signal.emit()
