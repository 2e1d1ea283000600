"""Starting the GUI: the application object, the database to open, the main window."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import DispoError
from core.storage import data_dir, default_db_path


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication([sys.argv[0], *(argv or [])])
    app.setOrganizationName("Dispo")
    app.setApplicationName("Dispo")
    return app


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
    from gui.context import AppContext
    from gui.main_window import MainWindow

    path = choose_db_path(args.db, args.demo)
    try:
        context = AppContext(path)
        if args.demo:
            from core.demo import build_demo

            build_demo(context.db)
    except DispoError as ex:
        QMessageBox.critical(None, "Dispo kan ikke starte", str(ex))
        return 1
    QSettings().setValue("last_database", str(path))
    window = MainWindow(context)
    window.show()
    code = app.exec()
    QThreadPool.globalInstance().waitForDone()  # a background load still running ends before we close
    context.close()
    return code
