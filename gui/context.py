"""What every screen shares: the open database, the undo stack and change notifications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from core.storage import open_db


class AppContext(QObject):
    """The open database and the application-wide undo stack.

    Screens read through ``db`` (on the GUI thread, for quick queries) and announce
    changes with ``notify_changed`` so that other screens refresh.
    """

    data_changed = Signal(str)  # which area changed: 'grants', 'providers', 'catalogue', ... or '*'
    database_opened = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.db_path = Path(db_path)
        self.db = open_db(self.db_path)

    def reopen(self, db_path: Path) -> None:
        """Switch to another database file (the old one is closed, undo history cleared)."""
        new_db = open_db(db_path)
        self.db.close()
        self.db = new_db
        self.db_path = Path(db_path)
        self.undo_stack.clear()
        self.database_opened.emit()
        self.data_changed.emit("*")

    def notify_changed(self, area: str) -> None:
        self.data_changed.emit(area)

    def close(self) -> None:
        self.db.close()
