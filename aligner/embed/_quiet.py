"""Silence transformers / sentence-transformers while a model loads (no import of either here)."""

from __future__ import annotations

import contextlib
import logging


@contextlib.contextmanager
def _quiet_loading():
    """Hide transformers' weight-loading bar and sentence-transformers' info lines."""
    loggers = [logging.getLogger(n) for n in ("sentence_transformers", "transformers")]
    levels = [lg.level for lg in loggers]
    bar_was_enabled = None
    try:
        from transformers.utils import logging as hf_logging

        bar_was_enabled = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
    except Exception:
        hf_logging = None
    for lg in loggers:
        lg.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for lg, lv in zip(loggers, levels):
            lg.setLevel(lv)
        if hf_logging is not None and bar_was_enabled:
            hf_logging.enable_progress_bar()
