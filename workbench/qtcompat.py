"""Work-arounds for the installed Qt bindings.

PySide6 6.12.0 returns ``True``/``False`` from ``SignalInstance.emit()`` and
``SignalInstance.disconnect()`` without taking a reference, so every call
drops one reference to the bool singleton. On CPython < 3.12 (where ``True``
and ``False`` are not immortal) a session that emits a few hundred signals
from Python dies with "Fatal Python error: bool_dealloc". We give both
singletons a huge extra reference count once, at import, which is what
CPython >= 3.12 does for them anyway (immortal objects). Harmless if the
bindings are fixed.
"""

from __future__ import annotations

import ctypes
import sys

_EXTRA = 1 << 40
_done = False


def bools_need_protection() -> bool:
    return sys.implementation.name == "cpython" and sys.version_info < (3, 12)


def protect_bool_singletons() -> bool:
    """Make True/False effectively immortal (once per process); True if it acted."""
    global _done
    if _done or not bools_need_protection():
        return False
    for obj in (True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += _EXTRA
    _done = True
    return True


def leaks_bool_on_emit(n: int = 8) -> bool:
    """True when ``Signal.emit()`` drops references to ``True`` (diagnostics/tests)."""
    from PySide6.QtCore import QObject, Signal

    class _Probe(QObject):
        ping = Signal()

    p = _Probe()
    before = sys.getrefcount(True)
    for _ in range(n):
        p.ping.emit()
    return sys.getrefcount(True) < before
