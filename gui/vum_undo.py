"""Undo of VUM changes: a command that writes a row back to its state before or after."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from core.vum.undo import restore_row, row_state


class RowChange(QUndoCommand):
    """A change already made in core (one row of a VUM table), undoable and redoable.

    The change is done before the command is pushed, so the first ``redo`` does nothing.
    """

    def __init__(self, context, text: str, table: str, where: dict, before: dict | None, area: str = "vum"):
        super().__init__(text)
        self.context, self.table, self.where, self.before, self.area = context, table, where, before, area
        self.after = row_state(context.db, table, where)
        self._done = True

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        restore_row(self.context.db, self.table, self.where, self.after)
        self.context.notify_changed(self.area)

    def undo(self) -> None:
        restore_row(self.context.db, self.table, self.where, self.before)
        self.context.notify_changed(self.area)


def push_new_row(context, text: str, table: str, row_id: int) -> None:
    """Put the insertion of row ``row_id`` of ``table`` on the undo stack and tell the screens."""
    context.undo_stack.push(RowChange(context, text, table, {"id": row_id}, None))
    context.notify_changed("vum")
