"""Starting the GUI: the application object, the database to open, the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QSettings, QThreadPool, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import from_environment
from core.resources import resource_path
from core.storage import data_dir, default_db_path
from gui.main_window import MainWindow
from gui.opening import open_context  # noqa: F401 (re-exported)


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


def run_gui(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="dispo")
    parser.add_argument("--db")
    parser.add_argument("--demo", action="store_true")
    args = parser.parse_args(argv)
    app = create_application()
    from core.logs import setup_logging
    from gui import errors

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
    code = app.exec()
    QThreadPool.globalInstance().waitForDone()  # a background load still running ends before we close
    context.close()
    return code
