"""Drive the real main window with thousands of real key presses (run in a child process).

    python tests/workbench/soak_driver.py PROJECT N_KEYS

Builds the real :class:`workbench.widgets.main_window.MainWindow` on the
offscreen platform, opens PROJECT and sends N_KEYS key presses (J, K, Y, N
and Ctrl+Z in a fixed mix) through ``QTest.keyClick`` to the focused widget,
as a reviewer's keyboard would. Prints one JSON line with the reference
counts of ``None``, ``True`` and ``False`` after a warm-up and at the end,
how many decisions were written and how many undo steps were pushed. A binding that drops references on
every signal emit aborts this process (``Fatal Python error: none_dealloc``)
or shows a falling count.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile


def main(project: str, n_keys: int) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    # beside the project, in the test's own temporary folder (not left behind in /tmp)
    settings_dir = tempfile.mkdtemp(prefix="soak-settings-", dir=os.path.dirname(os.path.abspath(project)))
    QCoreApplication.setOrganizationName("alignment-workbench-soak")
    QCoreApplication.setApplicationName("workbench")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, settings_dir)
    app = QApplication([sys.argv[0]])

    from workbench import i18n
    from workbench.settings import Preferences
    from workbench.widgets.main_window import MainWindow

    i18n.set_language("en")
    prefs = Preferences()
    prefs.reviewer = "soak"
    from workbench.app import ConsoleDialogs

    # the real window; its modal questions ("link this quote by hand?") are answered "no"
    w = MainWindow(prefs, check_model=False, dialogs=ConsoleDialogs())
    w.resize(1280, 720)
    w.show()
    w.activateWindow()
    if not w.open_project(project):
        print(json.dumps({"error": "cannot open"}), flush=True)
        return 2
    # QUndoStack.push() of a Python command leaves at most one reference to None behind
    # (PySide6 6.10 and 6.11 alike): harmless, a count that rises cannot reach zero, but not
    # flat, so the pushes are counted
    pushes = [0]
    stack_push = w.review.undo_stack.push

    def counting_push(cmd):
        pushes[0] += 1
        stack_push(cmd)

    w.review.undo_stack.push = counting_push
    w.queue_table.setFocus()
    for _ in range(3):
        app.processEvents()

    keys = [(Qt.Key_J, Qt.NoModifier), (Qt.Key_Y, Qt.NoModifier), (Qt.Key_K, Qt.NoModifier),
            (Qt.Key_N, Qt.NoModifier), (Qt.Key_Z, Qt.ControlModifier), (Qt.Key_J, Qt.NoModifier),
            (Qt.Key_Y, Qt.NoModifier), (Qt.Key_Z, Qt.ControlModifier), (Qt.Key_K, Qt.NoModifier)]

    def press(n: int) -> None:
        for i in range(n):
            key, mod = keys[i % len(keys)]
            target = QApplication.focusWidget() or w
            QTest.keyClick(target, key, mod)
            if i % 50 == 0:
                app.processEvents()

    def counts() -> dict:
        app.processEvents()
        return {"None": sys.getrefcount(None), "True": sys.getrefcount(True),
                "False": sys.getrefcount(False)}

    warm = max(200, n_keys // 10)
    press(warm)
    before = counts()
    pushes_before = pushes[0]
    press(n_keys)
    after = counts()
    w.close()
    import sqlite3

    con = sqlite3.connect(project)
    n_decisions = con.execute("SELECT COUNT(*) FROM decisions").fetchone()[0]
    con.close()
    print(json.dumps({"before": before, "after": after, "keys": warm + n_keys,
                      "decisions": n_decisions, "undo_pushes": pushes[0] - pushes_before}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2])))
