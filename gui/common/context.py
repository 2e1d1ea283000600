"""What every screen shares: the open database, the undo stack and change notifications."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QAbstractItemView, QApplication

from core.errors import ReadOnlyError
from core.store import backup
from core.store.locking import Session, open_session, read_lock
from core.store.storage import open_db
from gui.common.models import cpr_masking, show_cpr


class AppContext(QObject):
    """The open database and the application-wide undo stack.

    Screens read through ``db`` (on the GUI thread, for quick queries) and announce
    changes with ``notify_changed`` so that other screens refresh.

    The database is opened as its one writer (``core.store.locking``). When another Dispo
    already writes to it, ``readonly`` is true and ``readonly_reason`` says who has it:
    screens disable their editing actions (and SQLite refuses any write anyway).
    """

    data_changed = Signal(str)  # which area changed: 'grants', 'providers', 'catalogue', ... or '*'
    database_opened = Signal()
    cpr_masking_changed = Signal(bool)

    MASK_SETTING = "privacy/mask_cpr"

    def __init__(self, db_path: Path, parent: QObject | None = None, *, take_over: bool = False):
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        self.session = open_session(db_path, take_over=take_over)
        self.db_path = Path(db_path)
        self.db = self.session.db
        cpr_masking.masked = self.cpr_masked
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(60_000)
        self._lock_timer.timeout.connect(self.check_lock)
        self._lock_timer.start()

    def check_lock(self) -> bool:
        """Make sure this Dispo still holds the writer lock; if another Dispo took it over
        (this one was taken for crashed, e.g. after a long sleep on a network share),
        continue read-only rather than as a second writer. Returns whether it is still ours."""
        lock = self.session.lock
        if lock is None or lock.still_ours:
            return lock is not None
        holder = read_lock(self.db_path)
        who = holder.describe() if holder else "en anden Dispo"
        self.db.close()
        lock.release()
        self.session = Session(open_db(self.db_path, readonly=True), self.db_path, None,
                               f"Låsen på databasen er overtaget af {who}. Dispo fortsætter skrivebeskyttet; "
                               "åbn databasen igen, når den anden er færdig.", holder)
        self.db = self.session.db
        self._database_switched()
        return False

    @property
    def readonly(self) -> bool:
        return self.session.readonly

    @property
    def readonly_reason(self) -> str | None:
        return self.session.readonly_reason

    def reopen(self, db_path: Path, *, take_over: bool = False) -> None:
        """Switch to another database file (the old one is closed, undo history cleared)."""
        new_session = open_session(db_path, take_over=take_over)
        self.session.close()
        self.session = new_session
        self.db = new_session.db
        self.db_path = Path(db_path)
        self._database_switched()

    def restore(self, backup_file: Path) -> dict:
        """Replace the open database with a backup (keeping the writer lock); the current
        state is backed up first, so the restore can be undone by restoring that."""
        if self.readonly:
            raise ReadOnlyError(self.readonly_reason or "Databasen er åbnet skrivebeskyttet")
        self.db.close()
        try:
            result = backup.restore(self.db_path, backup_file)
        finally:
            self.db = self.session.db = open_db(self.db_path)
        self._database_switched()
        return result

    @property
    def cpr_masked(self) -> bool:
        """Whether CPR numbers are shown as ``DDMMYY-xxxx`` (the user's choice, remembered)."""
        return QSettings().value(self.MASK_SETTING, False, type=bool)

    def set_cpr_masked(self, masked: bool) -> None:
        """Mask or show CPR numbers everywhere, at once: tables mask when they are painted, so
        every open table is repainted; labels follow ``cpr_masking_changed``."""
        QSettings().setValue(self.MASK_SETTING, bool(masked))
        cpr_masking.masked = bool(masked)
        self.cpr_masking_changed.emit(bool(masked))
        for window in QApplication.topLevelWidgets():
            for view in window.findChildren(QAbstractItemView):
                view.viewport().update()
        self.data_changed.emit("*")

    @staticmethod
    def show_cpr(text: str) -> str:
        """A CPR number (or a text holding some) as the screens should show it now."""
        return show_cpr(text)

    def _database_switched(self) -> None:
        """Another file (or the same file restored) is open: undo history no longer applies."""
        self.undo_stack.clear()
        self.database_opened.emit()
        self.data_changed.emit("*")

    def notify_changed(self, area: str) -> None:
        self.data_changed.emit(area)

    def close(self) -> None:
        self._lock_timer.stop()
        self.session.close()
