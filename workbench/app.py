"""``workbench [PROJECT]``: start the review app.

    workbench                          # reopens the last project
    workbench demo.aligner --lang ar   # Arabic UI, right to left
    workbench --new new.aligner        # create a project
    workbench --screenshot shot.png demo.aligner [--lang ar] [--size 1500x920] [--tab names|link]

Test hook: with ``WORKBENCH_TEST_AUTOCONFIRM=N`` the app confirms the first
candidate of N pending quotes once the project is open, printing
``ACK <candidate id>`` (flushed) after each decision has been committed,
then ``READY`` and keeps running (used by the crash test).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from pathlib import Path

from . import __version__

log = logging.getLogger("workbench")


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="workbench",
        description="Review English quotes against their French and Arabic originals.")
    ap.add_argument("project", nargs="?", help="project file (*.aligner); default: the last one")
    ap.add_argument("--new", action="store_true", help="create the project if it does not exist")
    ap.add_argument("--lang", choices=["en", "fr", "ar"], help="UI language (default: setting, else system)")
    ap.add_argument("--reviewer", help="name recorded with your decisions (saved for next time)")
    ap.add_argument("--screenshot", metavar="FILE",
                    help="render the main window to a PNG file and exit")
    ap.add_argument("--size", default="1500x920", help="window size for --screenshot (WxH)")
    ap.add_argument("--quote", type=int, default=1, metavar="N",
                    help="queue row (1 = first) selected for --screenshot")
    ap.add_argument("--candidate", type=int, default=1, metavar="N",
                    help="candidate (1 = first) selected for --screenshot")
    ap.add_argument("--tab", choices=["review", "names", "link"], default="review",
                    help="what --screenshot shows: the Review tab, the Names tab or the Link-by-hand dialog")
    ap.add_argument("--version", action="version", version=f"workbench {__version__}")
    return ap


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise SystemExit(f"workbench: --size must look like 1500x920, not {text!r}") from None
    return max(w, 320), max(h, 240)


def create_application(argv: list[str]):
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from .settings import APPLICATION, ORGANIZATION

    app = QApplication.instance()
    if app is None:
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
        app = QApplication(argv)
    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationName(APPLICATION)
    QSettings.setDefaultFormat(QSettings.IniFormat)
    app.setApplicationDisplayName("Alignment Workbench")
    return app


def setup_language(app, prefs, option: str | None) -> str:
    from . import i18n

    lang = i18n.set_language(i18n.resolve_language(option, prefs.language))
    i18n.apply_to_application(app, lang)
    return lang


class WindowManager:
    """Owns the main window; rebuilds it when the UI language changes."""

    def __init__(self, app, prefs, *, check_model: bool = True, settings=None):
        self.app = app
        self.prefs = prefs
        self.settings = settings  # aligner.settings.Settings, resolved once in main()
        self.check_model = check_model
        self.window = None
        self.dialogs_factory = None

    def create(self, project: str | None, *, create: bool = False):
        from .widgets.main_window import MainWindow

        w = MainWindow(self.prefs, check_model=self.check_model, settings=self.settings)
        if self.dialogs_factory is not None:
            w.dialogs = self.dialogs_factory(w)
        w.language_requested.connect(self.switch_language)
        self.window = w
        if project:
            w.open_project(project, create=create)
        return w

    def switch_language(self, code: str) -> None:
        old = self.window
        project = str(old.project.path) if old.project is not None else None
        span = old.review.current_span_id if old.review is not None else None
        setup_language(self.app, self.prefs, code or None)
        old.close()  # saves the layout and closes the project
        new = self.create(project)
        if span is not None and new.review is not None:
            new.review.select_span(span)
        new.show()
        old.deleteLater()


class ConsoleDialogs:
    """Dialogs for batch runs (--screenshot): messages go to stderr, every question is cancelled.

    The same methods as :class:`workbench.widgets.dialogs.Dialogs` (a test checks it)."""

    def __init__(self, parent=None):
        self.parent = parent

    def error(self, title: str, message: str, details: str = "") -> None:
        print(f"workbench: {title}: {message}" + (f" ({details})" if details else ""), file=sys.stderr)

    def info(self, title: str, message: str) -> None:
        print(f"workbench: {title}: {message}", file=sys.stderr)

    def confirm(self, title: str, message: str) -> bool:
        return False

    def reviewer_name(self, default: str) -> str | None:
        return None

    def copy_path(self, project_path: str) -> str | None:
        return None

    def open_project_path(self, start_dir: str) -> str | None:
        return None

    def new_project_path(self, start_dir: str) -> str | None:
        return None

    def article_paths(self, start_dir: str) -> list[str]:
        return []

    def article_folder(self, start_dir: str) -> str | None:
        return None

    def export_path(self, start_dir: str) -> tuple[str, str] | None:
        return None

    def note(self, current: str) -> str | None:
        return None

    def manual_link(self, controller):
        return None


def install_excepthook(window_getter) -> None:
    """Unexpected errors: log them and show a dialog; decisions are already saved."""

    def hook(etype, value, tb):
        text = "".join(traceback.format_exception(etype, value, tb))
        log.error("unexpected error:\n%s", text)
        sys.stderr.write(text)
        w = window_getter()
        if w is not None:
            from .i18n import tr

            try:
                w.dialogs.error(tr("Unexpected error"), tr("Something went wrong. Your decisions are saved."),
                                text)
            except Exception:
                pass

    sys.excepthook = hook


def take_screenshot(window, path: str, size: tuple[int, int], quote: int = 1, candidate: int = 1,
                    tab: str = "review") -> bool:
    """Select a quote (1 = first) and one of its candidates, render the window to ``path``."""
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtWidgets import QApplication

    window.resize(*size)
    if window.review is not None:
        window.review.clear_filter()
        window.review.select_row(quote - 1)
        window.review.select_candidate(candidate - 1)
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    if window.review is not None:  # scroll positions settle after the first layout
        window._on_current_quote(window.review.row)
        window._on_candidate_selected(window.review.cand_row)
        QApplication.processEvents()
    names = window.names_view
    if tab == "names":
        window.tabs.setCurrentWidget(names)
        names.load()
        deadline = QDeadlineTimer(120_000)
        while names.job is not None and not deadline.hasExpired():
            QApplication.processEvents()
            names.runner.wait(20)
        QApplication.processEvents()
        if names.model.rowCount():
            names.select_cluster(0)
        for _ in range(3):
            QApplication.processEvents()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if tab == "link" and window.review is not None:
        from .widgets.dialogs import ManualLinkDialog

        dlg = ManualLinkDialog(window.review, window)
        dlg.show()
        for _ in range(5):
            QApplication.processEvents()
        ok = dlg.grab().save(path, "PNG")
        dlg.close()
        return ok
    return window.grab().save(path, "PNG")


def run_autoconfirm(window, n: int) -> None:
    def ack(cid: int) -> None:
        print(f"ACK {cid}", flush=True)

    done = window.review.auto_confirm(n, ack) if window.review is not None else 0
    print(f"READY {done}", flush=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("WORKBENCH_LOG", "WARNING"))

    app = create_application([sys.argv[0], *argv])
    from PySide6.QtCore import QTimer

    from .settings import Preferences

    prefs = Preferences()
    if args.reviewer:
        prefs.reviewer = args.reviewer
    setup_language(app, prefs, args.lang)

    project = args.project
    if project is None and not args.screenshot:
        last = prefs.last_project
        project = last if last and Path(last).exists() else None

    from aligner.errors import AlignerError
    from aligner.settings import Settings

    try:
        settings = Settings.from_env()  # the ALIGNER_* overrides, read once here and passed down
    except AlignerError as e:
        print(f"workbench: {e}", file=sys.stderr)
        return 2
    manager = WindowManager(app, prefs, check_model=not args.screenshot and
                            not os.environ.get("WORKBENCH_SKIP_MODEL_CHECK"), settings=settings)
    install_excepthook(lambda: manager.window)
    if args.screenshot:
        manager.dialogs_factory = ConsoleDialogs  # no modal dialog in batch mode
    window = manager.create(project, create=args.new)

    if args.screenshot:
        if window.project is None:
            print(f"workbench: cannot open {project!r} for the screenshot", file=sys.stderr)
            return 2
        ok = take_screenshot(window, args.screenshot, parse_size(args.size), args.quote, args.candidate,
                             args.tab)
        window.close()
        print(args.screenshot if ok else "workbench: the screenshot could not be written",
              file=sys.stdout if ok else sys.stderr)
        return 0 if ok else 1

    window.show()
    n = os.environ.get("WORKBENCH_TEST_AUTOCONFIRM")
    if n:
        QTimer.singleShot(0, lambda: run_autoconfirm(window, int(n)))
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
