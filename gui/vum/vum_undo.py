"""Undo of VUM changes: a command that writes rows back to their state before or after.

It is a ``gui.common.undo.DoneCommand``: each row must still be as the change (or its undo) left
it, otherwise nothing is written, the user is told why in Danish and the command leaves
the undo stack, as for the register's edits.
"""

from __future__ import annotations

from core.vum.undo import restore_rows, row_state
from gui.common.undo import DoneCommand


def capture(context, keys: list[tuple[str, dict]]) -> list[dict | None]:
    """The current state of each (table, key columns) row, to pass as ``before``."""
    return [row_state(context.db, table, where) for table, where in keys]


class RowsChange(DoneCommand):
    """A change already made in core to some rows of VUM tables, undoable and redoable.

    The change is done before the command is pushed, so the first ``redo`` does nothing.
    """

    def __init__(self, context, text: str, keys: list[tuple[str, dict]], before: list[dict | None]):
        self.keys, self.before = keys, before
        self.after = capture(context, keys)
        super().__init__(context, text, "vum", redo=lambda: self._write(self.after, self.before),
                         undo=lambda: self._write(self.before, self.after))

    def _write(self, states: list[dict | None], expected: list[dict | None]) -> None:
        """Write ``states`` if every row is as ``expected``; all rows or none."""
        restore_rows(self.context.db, self.keys, states, expected)


def push_new_row(context, text: str, table: str, row_id: int) -> None:
    """Put the insertion of row ``row_id`` of ``table`` on the undo stack and tell the screens."""
    context.undo_stack.push(RowsChange(context, text, [(table, {"id": row_id})], [None]))
    context.notify_changed("vum")
