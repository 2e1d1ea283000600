"""Undo and redo of VUM changes: capture a row as it is, and write it back later."""

from __future__ import annotations

from core.store import audit
from core.errors import DispoError
from core.store.storage import query

_UNCHECKED = object()
TABLES = ("vum_assessments", "vum_allocations", "vum_fixed_budgets", "vum_themes", "settings")


def row_state(db, table: str, where: dict) -> dict | None:
    """The stored row of ``table`` matching ``where`` (its key columns), or ``None``."""
    if table not in TABLES:
        raise ValueError(f"not a VUM table: {table}")
    sql = f"SELECT * FROM {table} WHERE " + " AND ".join(f"[{k}] = ?" for k in where)
    rows = query(db, sql, list(where.values()))
    return rows[0] if rows else None


def restore_row(db, table: str, where: dict, state: dict | None, *, expected=_UNCHECKED) -> None:
    """Make the row of ``table`` matching ``where`` exactly ``state``; ``None`` deletes it.

    ``expected``: the state the row must be in now (what the change being undone or redone
    left), so that an undo never silently reverts a later change.

    Raises:
        DispoError: when the row is not in the ``expected`` state; nothing is written.
    """
    before = row_state(db, table, where)
    if expected is not _UNCHECKED and before != expected:
        raise DispoError("VUM-oplysningerne er ændret siden (fx i et andet vindue eller af en import), "
                         "så ændringen kan ikke længere fortrydes eller gentages")
    with db.atomic():
        db.execute(f"DELETE FROM {table} WHERE " + " AND ".join(f"[{k}] = ?" for k in where), list(where.values()))
        if state is not None:
            db[table].insert(state)
        audit.record(db, table, where.get("id"), "restore", before, state)


def restore_rows(db, keys: list[tuple[str, dict]], states: list[dict | None], expected: list[dict | None]) -> None:
    """Write each (table, key columns) row of ``keys`` back to its state in ``states``, if each
    is now as in ``expected``: all rows or none (one transaction).

    Raises:
        DispoError: a row is no longer as expected; nothing is written.
    """
    with db.atomic():
        for (table, where), state, now in zip(keys, states, expected, strict=True):
            restore_row(db, table, where, state, expected=now)
