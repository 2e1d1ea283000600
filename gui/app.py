"""Starting the GUI: the application object, the database to open, the main window."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QThreadPool, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from core.errors import CorruptDatabaseError, from_environment
from core.resources import resource_path
from core.storage import data_dir, default_db_path


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


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


def choose_db_path(db: str | None, demo: bool) -> Path:
    if demo:
        return demo_db_path()
    if db:
        return Path(db)
    last = QSettings().value("last_database")
    return Path(last) if last else default_db_path()


def _ask(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def open_context(path: Path, parent: QWidget | None = None, context=None):
    """Open ``path`` the way a user expects, asking where a decision is hers.

    - another Dispo writes to it: say who, and open it read-only;
    - a crashed Dispo left its lock: ask whether to take the lock over (else read-only);
    - the file is damaged: offer to restore the newest backup (it is backed up first).

    With ``context`` the existing context switches to the file (``reopen``); otherwise a new
    ``AppContext`` is returned. Raises DispoError when the file cannot be opened at all.
    """
    from core.locking import is_stale
    from gui.context import AppContext

    def _open(take_over: bool = False):
        if context is None:
            return AppContext(path, take_over=take_over)
        context.reopen(path, take_over=take_over)
        return context

    try:
        opened = _open()
    except CorruptDatabaseError as ex:
        latest = getattr(ex, "latest_backup", None)
        if latest is None or not _ask(parent, "Databasen er beskadiget",
                                      f"{ex}\n\nVil du gendanne sikkerhedskopien fra "
                                      f"{latest.created:%d-%m-%Y %H:%M} nu? Den beskadigede fil gemmes først."):
            raise
        from core import backup
        from core.locking import acquire

        with acquire(path):
            backup.restore(path, latest.path)
        opened = _open()
    session = opened.session
    if session.readonly and session.holder is not None and is_stale(session.holder):
        if _ask(parent, "Databasen er låst", f"{session.readonly_reason}\n\nVil du overtage låsen og arbejde "
                                             "videre i databasen? Svar nej for kun at læse i den."):
            opened = _open(take_over=True)
    elif session.readonly:
        QMessageBox.information(parent, "Databasen er skrivebeskyttet", session.readonly_reason or "")
    return opened


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
    from core.logs import setup_logging
    from gui import errors
    from gui.main_window import MainWindow

    setup_logging()
    errors.install()
    path = choose_db_path(args.db, args.demo)
    try:
        context = open_context(path)
        if args.demo:
            from core.demo import build_demo

            build_demo(context.db)
    except Exception as ex:
        known = from_environment(ex)
        if known is None:
            raise
        QMessageBox.critical(None, "Dispo kan ikke starte", str(known))
        return 1
    QSettings().setValue("last_database", str(path))
    window = MainWindow(context)
    window.show()
    code = 0 if app.property("dispo_terminated") else app.exec()
    QThreadPool.globalInstance().waitForDone()  # a background load still running ends before we close
    context.close()
    return code
