"""Work that can take more than a blink runs off the GUI thread; its result comes back as a signal.

A job opens its own database connection (core's ``connect``) so that it never shares the
GUI's connection across threads.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import DispoError


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(str)  # a DispoError's Danish message
    crashed = Signal(object)  # any other exception: a bug, re-raised on the GUI thread


class BackgroundJob(QRunnable):
    """Run ``work()`` on the global thread pool.

    ``done`` carries the result, ``failed`` the message of a ``DispoError``. ``cancel``
    makes the job's result be dropped (a running query cannot be interrupted, but nothing
    it returns is used).
    """

    def __init__(self, work: Callable[[], Any]):
        super().__init__()
        self.setAutoDelete(False)  # the Python object owns it; signals outlive run()
        self.signals = _Signals()
        self._work = work
        self.cancelled = False
        self.signals.crashed.connect(self._reraise)

    def run(self) -> None:
        try:
            result = self._work()
        except DispoError as ex:
            if not self.cancelled:
                self.signals.failed.emit(str(ex))
            return
        except Exception as ex:  # noqa: BLE001 - handed to the GUI thread, which raises it
            self.signals.crashed.emit(ex)
            return
        if not self.cancelled:
            self.signals.done.emit(result)

    def cancel(self) -> None:
        self.cancelled = True

    @staticmethod
    def _reraise(ex: Exception) -> None:
        raise ex

    def start(self) -> "BackgroundJob":
        QThreadPool.globalInstance().start(self)
        return self
