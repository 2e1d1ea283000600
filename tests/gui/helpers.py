"""Helpers of the GUI tests: reading SQLite directly and typing into dialogs like a user."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


@contextmanager
def app_context(path: Path):
    """An ``AppContext`` on the database file ``path``, closed (its undo history first) at the end."""
    from gui.common.context import AppContext

    ctx = AppContext(path)
    try:
        yield ctx
    finally:
        ctx.undo_stack.clear()
        ctx.close()


def count(db, sql: str, params=()) -> int:
    """The first column of the first row of a query (a count, straight from SQLite)."""
    return db.execute(sql, params).fetchone()[0]


def fill(qtbot, dialog, **values) -> None:
    """Type into the dialog's fields like a user; combo boxes get the item with that data or text."""
    for key, value in values.items():
        widget = dialog.fields[key]
        if hasattr(widget, "findData"):
            index = widget.findData(value)
            widget.setCurrentIndex(index if index >= 0 else widget.findText(value))
        else:
            widget.clear()
            qtbot.keyClicks(widget, value)


def add_grant(db, cpr: str, name: str, *, section: str = "§ 108", provider: str = "Botilbuddet Skovbrynet",
              rate: str = "1000", start: str = "2026-01-01", **more) -> int:
    """A grant made directly through core (not the GUI), for tests that need a known one."""
    from core.register.grants import create_grant

    return create_grant(db, {"cpr": cpr, "name": name, "section": section, "provider": provider, "rate": rate,
                             "start": start, **more})


def warnings_shown() -> list[str]:
    """The texts of the "cannot undo" warnings open now."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    return [w.text() for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.objectName() == "cannot_undo" and w.isVisible()]


def close_warnings() -> None:
    """Close the "cannot undo" warnings, so that each test sees only its own."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.objectName() == "cannot_undo":
            w.close()


def active_window(qtbot, context):
    """The main window on ``context``, shown and active (so its keyboard shortcuts work)."""
    from gui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window
