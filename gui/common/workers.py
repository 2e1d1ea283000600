"""The one way to run work off the GUI thread: progress, cancel, the newest request wins,
and every failure handled the same way.

- ``Task(fn)`` runs ``fn(task)`` in the thread pool; ``fn`` may call
  ``task.report(done, total)`` and poll ``task.cancelled()``. The result arrives through
  ``task.signals.done``, progress through ``task.signals.progress``.
- The user's or the environment's error (a ``DispoError``, a locked or full disk) arrives
  as its Danish message through ``task.signals.failed``.
- Anything else is a bug: the bug dialog with its masked report (``gui.common.errors.show_error``,
  which also logs it) opens on the GUI thread, and ``failed`` gets a one-line message, so
  the caller always learns that the work ended.
- ``Runner`` starts tasks of which only the newest counts: starting one cancels the one
  before, whose result is dropped (as is the result of a task cancelled with ``cancel``).
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from core.errors import DispoError, from_environment
from core.store.storage import open_db
from gui.common import errors


def bug_message(ex: BaseException) -> str:
    """The line shown where the work's result was expected, beside the bug dialog."""
    return f"Der opstod en uventet fejl i Dispo ({type(ex).__name__}); se rapporten i fejlvinduet."


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)
    _bug = Signal(object)

    def __init__(self):
        super().__init__()  # made on the GUI thread, so _show_bug runs there (queued)
        self._bug.connect(self._show_bug)

    @Slot(object)
    def _show_bug(self, ex: BaseException) -> None:
        errors.show_error(ex)


class Task(QRunnable):
    """Runs ``fn(task)`` in the thread pool (see the module's docstring)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)  # the Python object owns it; the signals outlive run()

    def cancel(self) -> None:
        """Ask ``fn`` to stop (it polls ``cancelled``); what it still returns is up to the caller."""
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.fn(self)
        except DispoError as ex:
            self._deliver(self.signals.failed, str(ex))
            return
        except Exception as ex:  # noqa: BLE001 - shown on the GUI thread, never lost in this one
            known = from_environment(ex)
            if known is not None:
                self._deliver(self.signals.failed, str(known))
                return
            try:
                self.signals._bug.emit(ex)
            except RuntimeError:  # the receiver is gone (the application is closing)
                pass
            self._deliver(self.signals.failed, bug_message(ex))
            return
        self._deliver(self.signals.done, result)

    def _deliver(self, signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the screen was closed meanwhile: nobody is waiting for the result
            pass

    def start(self) -> "Task":
        QThreadPool.globalInstance().start(self)
        return self


def start(task: Task) -> Task:
    return task.start()


def own_connection(db_path: Path, fn, *args):
    """``fn(db, *args)`` on a connection of its own to ``db_path``, for a worker thread (SQLite
    connections belong to one thread). The window already opened the file fully: checked,
    migrated and backed up."""
    db = open_db(Path(db_path), migrate=False, backup=False, check=False)
    try:
        return fn(db, *args)
    finally:
        db.close()


class Runner(QObject):
    """Runs one task at a time as far as its owner is concerned: ``start`` cancels the task
    before, whose result and error are then dropped; only the newest one's arrive."""

    finished = Signal(object)  # the newest task's result
    failed = Signal(str)
    progress = Signal(int, int)
    running_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._task: Task | None = None
        self.running = False

    def start_task(self, fn) -> Task:
        """Run ``fn(task)``; the newest request wins."""
        self.cancel()
        task = self._task = Task(fn)
        # bound methods of this object (on the GUI thread): Qt queues the calls from the worker
        task.signals.done.connect(self._done)
        task.signals.failed.connect(self._failed)
        task.signals.progress.connect(self._progress)
        self._set_running(True)
        return task.start()

    def start(self, db_path: Path, fn) -> Task:
        """Run ``fn(db)`` on a connection of its own to ``db_path``; the newest request wins."""
        return self.start_task(lambda task: own_connection(db_path, fn))

    def cancel(self) -> None:
        """Forget the running task; its result will be ignored."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        if self.running:
            self._set_running(False)

    def _current(self) -> bool:
        return self._task is not None and self.sender() is self._task.signals

    def _set_running(self, value: bool) -> None:
        self.running = value
        self.running_changed.emit(value)

    @Slot(object)
    def _done(self, result) -> None:
        if self._current():
            self._task = None
            self._set_running(False)
            self.finished.emit(result)

    @Slot(str)
    def _failed(self, message: str) -> None:
        if self._current():
            self._task = None
            self._set_running(False)
            self.failed.emit(message)

    @Slot(int, int)
    def _progress(self, done: int, total: int) -> None:
        if self._current():
            self.progress.emit(done, total)
