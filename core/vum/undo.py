"""Undo and redo of VUM changes: capture a row as it is, and write it back later."""

from __future__ import annotations

from core import audit
from core.storage import query

TABLES = ("vum_assessments", "vum_allocations", "vum_fixed_budgets", "vum_themes", "settings")


def row_state(db, table: str, where: dict) -> dict | None:
    """The stored row of ``table`` matching ``where`` (its key columns), or ``None``."""
    if table not in TABLES:
        raise ValueError(f"not a VUM table: {table}")
    sql = f"SELECT * FROM {table} WHERE " + " AND ".join(f"[{k}] = ?" for k in where)
    rows = query(db, sql, list(where.values()))
    return rows[0] if rows else None


def restore_row(db, table: str, where: dict, state: dict | None) -> None:
    """Make the row of ``table`` matching ``where`` exactly ``state``; ``None`` deletes it."""
    before = row_state(db, table, where)
    with db.atomic():
        db.execute(f"DELETE FROM {table} WHERE " + " AND ".join(f"[{k}] = ?" for k in where), list(where.values()))
        if state is not None:
            db[table].insert(state)
        audit.record(db, table, where.get("id"), "restore", before, state)
