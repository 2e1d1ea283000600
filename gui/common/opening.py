"""Opening a database in the GUI: asking where a decision is the user's (a stale lock,
a damaged file), used at start-up (``gui.app``) and by Filer → Åbn (``gui.main_window``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from core.store import backup
from core.errors import CorruptDatabaseError
from core.store.locking import acquire, is_stale
from gui.common.context import AppContext


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
