"""Starting the GUI: the application object, the database to open, the main window."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QThreadPool, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.register.demo import build_demo
from core.store import settings
from core.errors import from_environment
from core.store.logs import setup_logging
from core.resources import resource_path
from core.store.storage import data_dir, last_database, remember_database
from gui.common import errors
from gui.common.first_run import DEMO, FirstRunWizard, apply_choice, needs_first_run
from gui.main_window import MainWindow
from gui.common.opening import open_context  # noqa: F401 (re-exported)
from gui.store.settings_dialog import apply_font_size


def demo_db_path() -> Path:
    """The demo municipality's own file in the data folder (created with the folder)."""
    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "demo.sqlite"


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setOrganizationName("Dispo")
    app.setApplicationName("Dispo")
    app.setWindowIcon(QIcon(str(resource_path("dispo.png"))))
    install_danish(app)
    return app


def install_danish(app: QApplication) -> None:
    """Danish for Qt's own texts (Yes/No buttons, file dialogs, context menus) and formats."""
    QLocale.setDefault(QLocale(QLocale.Language.Danish, QLocale.Country.Denmark))
    if app.property("dispo_danish"):
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in ("qtbase_da", "qt_da"):
        translator = QTranslator(app)
        if translator.load(name, folder):
            app.installTranslator(translator)
    app.setProperty("dispo_danish", True)


def choose_db_path(db: str | None, demo: bool) -> Path | None:
    """The database to open: the demo, the ``--db`` file, or the one she used last (None the
    first time: then the first-run guide asks)."""
    if demo:
        return demo_db_path()
    if db:
        return Path(db)
    return last_database()


def quit_on_terminate(app: QApplication) -> None:
    """Close Dispo as Filer → Afslut does when it is asked to stop (SIGTERM: the bootstrap
    command was stopped or the session logs out; SIGHUP: the terminal it was started from was
    closed), so its lock is released.

    The request may come before the event loop runs (while the database opens): it is kept
    as the property ``dispo_terminated``, which ``run_gui`` checks before ``exec``. Python
    sees a signal only when it runs, so a timer lets it run twice a second.
    """
    if os.name != "posix":
        return

    def stop(*_) -> None:
        app.setProperty("dispo_terminated", True)
        QTimer.singleShot(0, app, lambda: (app.closeAllWindows(), app.quit()))

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    tick = QTimer(app)
    tick.timeout.connect(lambda: None)
    tick.start(500)


def run_gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dispo")
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args(argv)
    app = create_application()
    quit_on_terminate(app)
    setup_logging()
    errors.install()
    path = choose_db_path(args.db, args.demo)
    next_step = None
    try:
        context = open_context(path) if path is not None and (path.exists() or args.demo) else None
        if args.demo:
            build_demo(context.db)
        elif context is None or needs_first_run(context):
            gone = last_database(existing=False) if path is None else None
            if gone is not None:
                QMessageBox.information(None, "Databasen findes ikke", f"Databasen fra sidst, '{gone}', findes ikke "
                                        "lige nu. Ligger den på et netværksdrev, så tjek at drevet er forbundet. "
                                        "Vælg den eller en anden database i guiden.")
            context, next_step = first_run(context, path, suggested=gone)
            if context is None:
                return 0  # she left the guide: nothing was set up
    except Exception as ex:
        known = from_environment(ex)
        if known is None:
            raise
        QMessageBox.critical(None, "Dispo kan ikke starte", str(known))
        return 1
    if not args.demo and context.db_path != demo_db_path():
        remember_database(context.db_path)
    apply_font_size(settings.get(context.db, "ui.font_size"))
    window = MainWindow(context)
    window.show()
    if next_step == "import":
        window.open_import()
    code = 0 if app.property("dispo_terminated") else app.exec()
    QThreadPool.globalInstance().waitForDone()  # a background load still running ends before we close
    context.close()
    return code


def first_run(context, path: Path | None, suggested: Path | None = None):
    """Show the first-run guide; returns the context to work in (None when she cancelled) and
    what to do first ('import', 'demo' or 'empty').

    With ``context`` (an opened database without a municipality) or a ``--db`` path the guide
    sets up that file; otherwise she chooses a new or an existing one.
    """
    fixed = context.db_path if context is not None else path
    wizard = FirstRunWizard(fixed_path=fixed, suggested_path=suggested)
    if wizard.exec() != FirstRunWizard.DialogCode.Accepted:
        if context is not None:
            context.close()
        return None, None
    choice = wizard.choice()
    if context is None:
        context = open_context(choice.path)
    apply_choice(context.db, choice)
    if choice.next_step == DEMO:  # hers is ready for next time; now the demo
        remember_database(context.db_path)
        context.reopen(demo_db_path())
        if not settings.is_set(context.db, "municipality"):
            build_demo(context.db)
    return context, choice.next_step
