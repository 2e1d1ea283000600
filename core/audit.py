"""The audit log: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt
import json

from core.storage import current_user, query


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def record(db, table: str, row_id: int | None, action: str, old: dict | None, new: dict | None,
           batch_id: int | None = None) -> None:
    """Write one audit row; call inside the transaction that makes the change."""
    db.execute(
        "INSERT INTO audit (at, user, table_name, row_id, action, old, new, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [now(), current_user(), table, row_id, action, _json(old), _json(new), batch_id],
    )


def entries(db, table: str | None = None, row_id: int | None = None, limit: int = 1000) -> list[dict]:
    """Newest first; optionally only one table, or one row of it."""
    where, params = [], []
    if table:
        where.append("table_name = ?")
        params.append(table)
    if row_id is not None:
        where.append("row_id = ?")
        params.append(row_id)
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
    rows = query(db, sql, [*params, limit])
    for r in rows:
        r["old"] = json.loads(r["old"]) if r["old"] else None
        r["new"] = json.loads(r["new"]) if r["new"] else None
    return rows
