"""Undoable edits: every change made from the GUI goes onto the context's undo stack.

The change itself is made first, through core, so that a validation error reaches the
dialog before anything is pushed. The pushed command then only knows how to undo it and
how to redo it again.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtGui import QUndoCommand
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from core.errors import DispoError
from core.register.edits import make_grant_edit, redo_grant_edit, undo_grant_edit

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

    def _run(self, step: Callable[[], None], verb: str) -> None:
        try:
            step()
        except DispoError as ex:  # e.g. a provider that meanwhile got grants
            # Nothing was changed (core rolled back). Marked obsolete, the command is taken off
            # the stack by QUndoStack instead of counting as undone (or redone).
            self.setObsolete(True)
            cannot_undo(f"«{self.text()}» kan ikke {verb}: {ex}\n\n"
                        "Ændringen er fjernet fra listen over ændringer, der kan fortrydes.")
        self.context.notify_changed(self.area)

    def redo(self) -> None:
        if self._first:  # pushing: the change was made already
            self._first = False
            return
        self._run(self._redo, "gentages")

    def undo(self) -> None:
        self._run(self._undo, "fortrydes")


def cannot_undo(message: str) -> QMessageBox:
    """Tell the user (without blocking) that an undo or redo could not be made."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Kan ikke fortrydes", message, QMessageBox.StandardButton.Ok,
                      QApplication.activeWindow())
    box.setObjectName("cannot_undo")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


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

    A new grant for a CPR number not seen before also created its citizen: undo removes
    her too, and redo brings both back with the same ids.

    Returns:
        The grant's id.

    Raises:
        DispoError: from ``change``; nothing is pushed then.
    """
    edit = make_grant_edit(context.db, change, grant_id)
    push_done(context, text, "grants", lambda: redo_grant_edit(context.db, edit),
              lambda: undo_grant_edit(context.db, edit))
    return edit.grant_id
