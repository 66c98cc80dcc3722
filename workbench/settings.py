"""Every workbench preference, declared once with its type and default.

Values live in QSettings (organisation ``alignment-workbench``, application
``workbench``). Tests point QSettings at a temporary directory with
``QSettings.setPath`` + ``QSettings.setDefaultFormat(IniFormat)``.

    prefs = Preferences()
    prefs.language            # -> str
    prefs.language = "fr"     # written at once
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from aligner.settings import parse_as

ORGANIZATION = "alignment-workbench"
APPLICATION = "workbench"

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A preference: QSettings key, Python type and default."""

    key: str
    type: type
    default: T
    doc: str = ""

    def __set_name__(self, owner, name):  # keep the attribute name for listings
        object.__setattr__(self, "name", name)

    def __get__(self, obj: "Preferences | None", owner=None):
        if obj is None:
            return self
        return obj.get(self)

    def __set__(self, obj: "Preferences", value) -> None:
        obj.set(self, value)


def _default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers)
        return "reviewer"


class Preferences:
    """Typed access to QSettings. One attribute per preference."""

    language = Setting("ui/language", str, "", "UI language: '' = system locale, en, fr or ar.")
    reviewer = Setting("review/reviewer", str, "", "Name recorded with decisions; '' = login name.")
    last_project = Setting("project/last", str, "", "Project reopened at start when none is given.")
    recent_projects = Setting("project/recent", list, [], "Most recent first.")
    advance_after_decision = Setting("review/advance", bool, True,
                                     "Move to the next pending quote after confirm/skip.")
    text_point_size = Setting("ui/text_point_size", int, 0, "Article font size; 0 = system.")
    window_geometry = Setting("window/geometry", bytes, b"")
    window_state = Setting("window/state", bytes, b"")
    splitter_main = Setting("window/splitter_main", bytes, b"")
    splitter_right = Setting("window/splitter_right", bytes, b"")
    splitter_texts = Setting("window/splitter_texts", bytes, b"")
    queue_header = Setting("window/queue_header", bytes, b"")
    candidate_header = Setting("window/candidate_header", bytes, b"")
    last_directory = Setting("ui/last_directory", str, "", "Start folder of file dialogs.")

    MAX_RECENT = 8

    def __init__(self, qsettings: QSettings | None = None):
        # the default format (the app and the tests choose IniFormat), user scope
        self._qs = qsettings or QSettings(QSettings.defaultFormat(), QSettings.UserScope,
                                          ORGANIZATION, APPLICATION)

    @classmethod
    def all(cls) -> list[Setting]:
        return [v for v in vars(cls).values() if isinstance(v, Setting)]

    @property
    def qsettings(self) -> QSettings:
        return self._qs

    def get(self, s: Setting[T]) -> T:
        raw = self._qs.value(s.key, None)
        if raw is None:
            return s.default
        try:
            return _convert(raw, s.type, s.default)
        except (TypeError, ValueError):
            return s.default

    def set(self, s: Setting, value: Any) -> None:
        if s.type is bytes:
            value = QByteArray(bytes(value))
        elif s.type is list:
            value = list(value)
        elif s.type is bool:
            value = bool(value)
        else:
            value = s.type(value)
        self._qs.setValue(s.key, value)
        self._qs.sync()

    def reset(self, s: Setting) -> None:
        self._qs.remove(s.key)

    def effective_reviewer(self) -> str:
        return self.reviewer.strip() or _default_reviewer()

    def remember_project(self, path: str) -> None:
        recent = [p for p in self.recent_projects if p != path]
        self.recent_projects = [path, *recent][: self.MAX_RECENT]
        self.last_project = path


def _convert(raw: Any, typ: type, default: Any) -> Any:
    if typ is bytes:
        if isinstance(raw, QByteArray):
            return bytes(raw.data())
        if isinstance(raw, (bytes, bytearray)):
            return bytes(raw)
        return default
    if typ is bool:
        if isinstance(raw, str):
            return parse_as(raw, bool)
        return bool(raw)
    if typ is list:
        if raw in ("", None):
            return []
        if isinstance(raw, str):  # a one-element list read back from an INI file
            return [raw]
        return [str(x) for x in raw]
    return typ(raw)
