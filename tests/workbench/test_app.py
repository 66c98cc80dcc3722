"""The `workbench` command and the typed preferences."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QSettings

from workbench.settings import Preferences, Setting

pytestmark = pytest.mark.gui


def _run(args, tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", WORKBENCH_SKIP_MODEL_CHECK="1",
               XDG_CONFIG_HOME=str(tmp_path / "config"))
    return subprocess.run([sys.executable, "-m", "workbench", *args], capture_output=True, text=True,
                          env=env, timeout=300)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screenshot_command(project_path, tmp_path, lang):
    from PySide6.QtGui import QImage

    out = tmp_path / f"shot_{lang}.png"
    r = _run(["--screenshot", str(out), str(project_path), "--lang", lang, "--size", "1200x800",
              "--quote", "3"], tmp_path)
    assert r.returncode == 0, r.stderr
    img = QImage(str(out))
    assert (img.width(), img.height()) == (1200, 800)


def test_screenshot_of_a_missing_project_fails_clearly(tmp_path):
    r = _run(["--screenshot", str(tmp_path / "x.png"), str(tmp_path / "nope.aligner")], tmp_path)
    assert r.returncode == 2
    assert "nope.aligner" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "nope.aligner").exists()


def test_help_lists_the_options(tmp_path):
    r = _run(["--help"], tmp_path)
    assert r.returncode == 0
    for opt in ("--lang", "--screenshot", "--reviewer", "--new"):
        assert opt in r.stdout


def test_preferences_are_typed_and_persisted(tmp_path):
    path = str(tmp_path / "prefs.ini")
    p = Preferences(QSettings(path, QSettings.IniFormat))
    assert p.language == "" and p.advance_after_decision is True and p.window_geometry == b""
    p.language = "ar"
    p.advance_after_decision = False
    p.window_geometry = b"\x00\x01binary\xff"
    p.text_point_size = 13
    p.remember_project("/a.aligner")
    p.remember_project("/b.aligner")
    p.remember_project("/a.aligner")
    again = Preferences(QSettings(path, QSettings.IniFormat))
    assert again.language == "ar"
    assert again.advance_after_decision is False
    assert again.window_geometry == b"\x00\x01binary\xff"
    assert again.text_point_size == 13
    assert again.recent_projects == ["/a.aligner", "/b.aligner"]
    assert again.last_project == "/a.aligner"


def test_every_preference_is_declared_once_with_a_default():
    settings = Preferences.all()
    keys = [s.key for s in settings]
    assert len(keys) == len(set(keys))
    for s in settings:
        assert isinstance(s, Setting)
        assert s.type is not bytes or s.default == b""
        assert isinstance(s.default, s.type)


def test_bad_stored_values_fall_back_to_defaults(tmp_path):
    path = str(tmp_path / "prefs.ini")
    qs = QSettings(path, QSettings.IniFormat)
    qs.setValue("ui/text_point_size", "large")
    qs.sync()
    assert Preferences(QSettings(path, QSettings.IniFormat)).text_point_size == 0


def test_switching_language_rebuilds_the_window_on_the_same_quote(qapp, qtbot, prefs, project_path):
    from PySide6.QtCore import Qt

    from workbench import i18n
    from workbench.app import WindowManager

    manager = WindowManager(qapp, prefs, check_model=False)
    old = manager.create(str(project_path))
    qtbot.addWidget(old)
    old.show()
    old.review.select_row(2)
    span = old.review.current_span_id
    old.findChild(object, "action_lang_ar").trigger()
    new = manager.window
    qtbot.addWidget(new)
    assert new is not old
    assert i18n.current_language() == "ar" and prefs.language == "ar"
    assert qapp.layoutDirection() == Qt.RightToLeft
    assert new.actions_by_name["confirm"].text() == i18n.tr("Confirm") != "Confirm"
    assert new.review is not None and new.review.current_span_id == span
    assert old.project is None  # closed cleanly


@pytest.mark.parametrize("fake", ["scripted", "console"])
def test_dialog_fakes_match_the_real_dialogs(fake, dialogs):
    """The test fake and the batch-mode dialogs offer exactly the questions of the real Dialogs,
    with the same parameters, so a renamed or new question fails here instead of answering None."""
    import inspect

    from workbench.app import ConsoleDialogs
    from workbench.widgets.dialogs import Dialogs

    other = type(dialogs) if fake == "scripted" else ConsoleDialogs  # the fixture's ScriptedDialogs

    def api(cls):
        return {name: [p.name for p in inspect.signature(f).parameters.values()]
                for name, f in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}

    assert api(other) == api(Dialogs)
    assert not hasattr(other, "__getattr__") or other.__getattr__ is object.__getattribute__


def test_service_fake_and_real_services_match_their_protocols(fake_models):
    """The model-service fake and both real services offer exactly the methods of their protocols
    (workbench.services), with the same parameters: a drifted fake fails here, not in the app."""
    import inspect

    from workbench.services import AlignmentService, CoreAlignmentService, CoreModelService, ModelService

    def api(cls):
        return {name: [p.name for p in inspect.signature(f).parameters.values()]
                for name, f in inspect.getmembers(cls, inspect.isfunction) if not name.startswith("_")}

    assert api(type(fake_models)) == api(ModelService)  # the fake: exactly the contract
    for real, protocol in ((CoreModelService, ModelService), (CoreAlignmentService, AlignmentService)):
        assert api(protocol).items() <= api(real).items()  # the real ones: at least the contract
