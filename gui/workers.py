"""Running core work off the GUI thread, with progress and a cancel flag."""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import DispoError


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int)


class Task(QRunnable):
    """Runs ``fn(task)`` in the thread pool; ``fn`` may call ``task.report(done, total)`` and poll
    ``task.cancelled()``. The result arrives through ``signals.done``, a Danish error message
    (``DispoError``) through ``signals.failed``; anything else is a bug and is re-raised there.
    """

    def __init__(self, fn):
        super().__init__()
        self.fn = fn
        self.signals = _Signals()
        self._cancel = threading.Event()
        self.setAutoDelete(False)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, done: int, total: int) -> None:
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            result = self.fn(self)
        except DispoError as ex:
            self.signals.failed.emit(str(ex))
            return
        except Exception:  # a bug: show it rather than lose it in a worker thread
            self.signals.failed.emit("Der skete en uventet fejl:\n" + traceback.format_exc(limit=5))
            return
        self.signals.done.emit(result)


def start(task: Task) -> Task:
    QThreadPool.globalInstance().start(task)
    return task
