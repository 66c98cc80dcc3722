"""Workbench fixtures: offscreen Qt (pytest-qt's session ``qapp``), QSettings in a
temporary folder, the English UI, and a small real project file.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

pytest.importorskip("PySide6")
pytest.importorskip("pytestqt")

from PySide6.QtCore import QCoreApplication, QSettings  # noqa: E402

ORG = "alignment-workbench-tests"


@pytest.fixture(autouse=True)
def _isolated_settings(qapp, tmp_path):
    """Every test gets its own settings folder and starts in English."""
    from workbench import i18n

    QCoreApplication.setOrganizationName(ORG)
    QCoreApplication.setApplicationName("workbench")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "settings"))
    i18n.set_language("en")
    i18n.apply_to_application(qapp, "en")
    yield
    i18n.set_language("en")
    i18n.apply_to_application(qapp, "en")


@pytest.fixture
def prefs():
    from workbench.settings import Preferences

    p = Preferences(QSettings(QSettings.IniFormat, QSettings.UserScope, ORG, "workbench"))
    p.reviewer = "tester"
    return p


@pytest.fixture
def project_path(tmp_path):
    """A real project file built with the store API from hand-made articles."""
    from workbench.demo import build_demo_project

    path = tmp_path / "review.aligner"
    build_demo_project(path, tmp_path / "articles").close()
    return path


@pytest.fixture
def project(project_path):
    from aligner.store import Project

    p = Project.open(project_path, actor="tester")
    yield p
    p.close()


class ScriptedDialogs:
    """Replaces widgets.dialogs.Dialogs: records messages, answers from a script."""

    def __init__(self, parent=None, **answers):
        self.parent = parent
        self.errors: list[tuple[str, str]] = []
        self.infos: list[tuple[str, str]] = []
        self.answers = answers

    def error(self, title, message):
        self.errors.append((title, message))

    def info(self, title, message):
        self.infos.append((title, message))

    def confirm(self, title, message):
        return self.answers.get("confirm", False)

    def __getattr__(self, name):
        if name in ("answers",):
            raise AttributeError(name)
        value = self.answers.get(name)
        return lambda *a, **k: value(*a, **k) if callable(value) else value


@pytest.fixture
def dialogs():
    return ScriptedDialogs()


class FakeModels:
    """Model-cache service: ready unless told otherwise; build reports progress."""

    def __init__(self, ready=True, steps=3):
        self.ready = ready
        self.steps = steps
        self.built = 0

    def cache_ready(self):
        return self.ready

    def build_cache(self, *, progress, cancel):
        for i in range(self.steps):
            progress(i + 1, self.steps, "converting")
        self.ready = True
        self.built += 1
        return "built"


@pytest.fixture
def fake_models():
    return FakeModels()


@pytest.fixture
def make_window(qtbot, prefs, dialogs, fake_models):
    """``make_window(alignment=None)`` -> a shown MainWindow with scripted dialogs."""
    from workbench.widgets.main_window import MainWindow

    def make(**kw):
        kw.setdefault("models", fake_models)
        w = MainWindow(prefs, dialogs=dialogs, **kw)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitExposed(w)
        return w

    return make
