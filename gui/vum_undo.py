"""Undo of VUM changes: a command that writes rows back to their state before or after."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from core.vum.undo import restore_row, row_state


def capture(context, keys: list[tuple[str, dict]]) -> list[dict | None]:
    """The current state of each (table, key columns) row, to pass as ``before``."""
    return [row_state(context.db, table, where) for table, where in keys]


class RowsChange(QUndoCommand):
    """A change already made in core to some rows of VUM tables, undoable and redoable.

    The change is done before the command is pushed, so the first ``redo`` does nothing.
    """

    def __init__(self, context, text: str, keys: list[tuple[str, dict]], before: list[dict | None]):
        super().__init__(text)
        self.context, self.keys, self.before = context, keys, before
        self.after = capture(context, keys)
        self._done = True

    def _write(self, states: list[dict | None]) -> None:
        with self.context.db.atomic():
            for (table, where), state in zip(self.keys, states):
                restore_row(self.context.db, table, where, state)
        self.context.notify_changed("vum")

    def redo(self) -> None:
        if self._done:
            self._done = False
            return
        self._write(self.after)

    def undo(self) -> None:
        self._write(self.before)


def push_new_row(context, text: str, table: str, row_id: int) -> None:
    """Put the insertion of row ``row_id`` of ``table`` on the undo stack and tell the screens."""
    context.undo_stack.push(RowsChange(context, text, [(table, {"id": row_id})], [None]))
    context.notify_changed("vum")
