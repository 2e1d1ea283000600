"""Undoable edits: every change made from the GUI goes onto the context's undo stack.

The change itself is made first, through core, so that a validation error reaches the
dialog before anything is pushed. The pushed command then only knows how to undo it and
how to redo it again.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QMessageBox

from core.errors import DispoError
from core.grants import grant_state, restore_grant_state

log = logging.getLogger(__name__)


class DoneCommand(QUndoCommand):
    """A change already made; ``undo`` and ``redo`` are functions that revert and repeat it.

    After either, ``context.notify_changed(area)`` tells the screens to refresh.
    """

    def __init__(self, context, text: str, area: str, redo: Callable[[], None], undo: Callable[[], None]):
        super().__init__(text)
        self.context = context
        self.area = area
        self._redo, self._undo = redo, undo
        self._first = True

    def _run(self, step: Callable[[], None]) -> None:
        try:
            step()
        except DispoError as ex:  # e.g. a provider that meanwhile got grants
            QMessageBox.warning(None, "Kan ikke fortrydes", str(ex))
        self.context.notify_changed(self.area)

    def redo(self) -> None:
        if self._first:  # pushing: the change was made already
            self._first = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)


def push_done(context, text: str, area: str, redo: Callable[[], None], undo: Callable[[], None]) -> None:
    """Put a change that was just made on the undo stack and announce it."""
    context.undo_stack.push(DoneCommand(context, text, area, redo, undo))
    context.notify_changed(area)


def push_field_changes(context, text: str, area: str, record, values: dict, initial: dict,
                       update: Callable[..., None]) -> None:
    """Save the fields a dialog changed through ``update(**fields)`` (core) and push the change.

    Args:
        record: the record as it was; undo writes its values of the changed fields back.
        values, initial: the dialog's values now and when it opened.
    """
    changed = {k: v for k, v in values.items() if v != initial[k]}
    if not changed:
        return
    before = {k: getattr(record, k) for k in changed}
    update(**changed)
    push_done(context, text, area, lambda: update(**changed), lambda: update(**before))


def edit_grant(context, text: str, change: Callable[[], int | None], grant_id: int | None = None) -> int:
    """Make a change to one grant through core and push it as an undoable command.

    Args:
        change: calls core; returns the new grant's id when it creates one.
        grant_id: the grant changed (``None`` when ``change`` creates it).

    Returns:
        The grant's id.

    Raises:
        DispoError: from ``change``; nothing is pushed then.
    """
    db = context.db
    before = grant_state(db, grant_id) if grant_id is not None else None
    created = change()
    gid = grant_id if grant_id is not None else created
    after = grant_state(db, gid)
    push_done(context, text, "grants",
              lambda: restore_grant_state(context.db, gid, after),
              lambda: restore_grant_state(context.db, gid, before))
    return gid
