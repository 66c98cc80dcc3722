"""Workbench fixtures: offscreen Qt (pytest-qt's session ``qapp``), QSettings in a
temporary folder, the English UI, and a small real project file.
"""

from __future__ import annotations

import pytest

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
    """Replaces widgets.dialogs.Dialogs: records messages, answers from a script.

    It has exactly the public methods of Dialogs, with the same parameters
    (test_dialog_fakes_match_the_real_dialogs), so a renamed or new question fails the tests.
    ``answers[name]`` is the answer of question ``name`` (a value, or a callable given the arguments).
    """

    def __init__(self, parent=None, **answers):
        self.parent = parent
        self.errors: list[tuple[str, str]] = []
        self.details: list[str] = []
        self.infos: list[tuple[str, str]] = []
        self.asked: list[str] = []
        self.answers = answers

    def _answer(self, name, *args):
        self.asked.append(name)
        value = self.answers.get(name)
        return value(*args) if callable(value) else value

    def error(self, title: str, message: str, details: str = "") -> None:
        self.errors.append((title, message))
        self.details.append(details)

    def info(self, title: str, message: str) -> None:
        self.infos.append((title, message))

    def confirm(self, title: str, message: str) -> bool:
        return bool(self._answer("confirm", title, message))

    def reviewer_name(self, default: str) -> str | None:
        return self._answer("reviewer_name", default)

    def copy_path(self, project_path: str) -> str | None:
        return self._answer("copy_path", project_path)

    def open_project_path(self, start_dir: str) -> str | None:
        return self._answer("open_project_path", start_dir)

    def new_project_path(self, start_dir: str) -> str | None:
        return self._answer("new_project_path", start_dir)

    def article_paths(self, start_dir: str) -> list[str]:
        return self._answer("article_paths", start_dir) or []

    def article_folder(self, start_dir: str) -> str | None:
        return self._answer("article_folder", start_dir)

    def export_path(self, start_dir: str) -> tuple[str, str] | None:
        return self._answer("export_path", start_dir)

    def note(self, current: str) -> str | None:
        return self._answer("note", current)

    def manual_link(self, controller):
        return self._answer("manual_link", controller)


@pytest.fixture
def dialogs():
    return ScriptedDialogs()


class FakeModels:
    """Model-cache service (workbench.services.ModelService): ready unless told otherwise;
    build reports progress the way the real one does, ``progress(done, total)``."""

    def __init__(self, ready=True, steps=3):
        self.ready = ready
        self.steps = steps
        self.built = 0

    def cache_ready(self) -> bool:
        return self.ready

    def build_cache(self, *, progress, cancel):
        for i in range(self.steps):
            progress(i + 1, self.steps)
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
