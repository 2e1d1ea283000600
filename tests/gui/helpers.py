"""Helpers of the GUI tests: reading SQLite directly and typing into dialogs like a user."""

from __future__ import annotations


def count(db, sql: str, params=()) -> int:
    """The first column of the first row of a query (a count, straight from SQLite)."""
    return db.execute(sql, params).fetchone()[0]


def fill(qtbot, dialog, **values) -> None:
    """Type into the dialog's fields like a user; combo boxes get the item with that data or text."""
    for key, value in values.items():
        widget = dialog.fields[key]
        if hasattr(widget, "findData"):
            index = widget.findData(value)
            widget.setCurrentIndex(index if index >= 0 else widget.findText(value))
        else:
            widget.clear()
            qtbot.keyClicks(widget, value)
