"""Work that can take more than a blink runs off the GUI thread; its result comes back as a signal.

``BackgroundJob`` is ``gui.common.workers.Task`` for a ``work()`` without arguments whose result
is dropped once the job is cancelled. A job opens its own database connection (core's
``connect``) so that it never shares the GUI's connection across threads.
"""

from __future__ import annotations

from typing import Any, Callable

from gui.common.workers import Task


class BackgroundJob(Task):
    """Run ``work()`` on the global thread pool: ``signals.done`` carries the result,
    ``signals.failed`` the Danish message of an error (a bug also opens the bug dialog).
    After ``cancel`` nothing arrives (a running query cannot be interrupted, but nothing
    it returns is used)."""

    def __init__(self, work: Callable[[], Any]):
        super().__init__(lambda task: work())

    def _deliver(self, signal, value) -> None:
        if not self.cancelled():
            super()._deliver(signal, value)
