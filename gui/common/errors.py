"""Errors in the GUI: the user's get a Danish message, a bug gets a copyable report.

``install()`` replaces ``sys.excepthook``, which PySide6 calls for an exception that
escapes a slot or an event handler. The application keeps running either way: the
change that failed was one transaction and has been rolled back by core.
"""

from __future__ import annotations

import logging
import sys
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QLabel, QMessageBox, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from core.errors import from_environment
from core.store.logs import bug_report, log_file, mask_cpr

log = logging.getLogger("dispo.gui")


class BugDialog(QDialog):
    """Says that Dispo hit a bug and shows a report (traceback, CPR masked, no data) to copy."""

    def __init__(self, report: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Der opstod en fejl i Dispo")
        self.setObjectName("bug_dialog")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Dispo stødte på en fejl i programmet. Den ændring, du var i gang med, er ikke gemt; "
            "alt, du gemte før, er i behold, og du kan arbejde videre.\n\n"
            "Kopiér rapporten herunder og send den til den, der vedligeholder Dispo. Den indeholder "
            f"ingen CPR-numre eller andre data. Logfilen ligger i {log_file()}.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setObjectName("bug_report")
        self.report.setMinimumSize(640, 260)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Kopiér rapporten")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())


_open_dialogs: list[QWidget] = []


def _parent() -> QWidget | None:
    app = QApplication.instance()
    return app.activeWindow() if app else None


def show_error(exc: BaseException, parent: QWidget | None = None) -> QWidget:
    """Show ``exc`` to the user: a Danish message for the user's or the environment's
    error, the bug dialog otherwise. Returns the (non-blocking) dialog shown."""
    parent = parent or _parent()
    known = from_environment(exc)
    if known is not None:
        log.info("shown to the user: %s", known)
        box = QMessageBox(QMessageBox.Icon.Warning, "Dispo", mask_cpr(str(known)), QMessageBox.StandardButton.Ok,
                          parent)
        dialog: QWidget = box
    else:
        log.error("unexpected error", exc_info=exc)
        dialog = BugDialog(bug_report(exc), parent)
    _open_dialogs.append(dialog)
    dialog.finished.connect(lambda *_: _open_dialogs.remove(dialog) if dialog in _open_dialogs else None)
    dialog.open()
    return dialog


class _Reporter(QObject):
    """Lives in the GUI thread; an error raised in a worker thread is shown through it."""

    report = Signal(object)


_reporter: _Reporter | None = None


def _show_safely(exc: BaseException) -> None:
    try:
        show_error(exc)
    except Exception:  # showing the error must never raise in turn
        log.exception("could not show an error")


def excepthook(exc_type, exc, tb) -> None:
    """``sys.excepthook`` for the GUI: never ends the application. From a worker thread
    the error is handed to the GUI thread (widgets may only be made there)."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    if _reporter is not None and threading.current_thread() is not threading.main_thread():
        _reporter.report.emit(exc)  # queued to the GUI thread
        return
    _show_safely(exc)


def _thread_excepthook(args) -> None:
    if args.exc_value is not None:
        excepthook(args.exc_type, args.exc_value, args.exc_traceback)


def install() -> None:
    """Route every uncaught exception (GUI thread or worker thread) to ``show_error``."""
    global _reporter
    if _reporter is None:
        _reporter = _Reporter()
        _reporter.report.connect(_show_safely)
    sys.excepthook = excepthook
    threading.excepthook = _thread_excepthook
