"""The audit log: who changed what, when, from what to what."""

from __future__ import annotations

import datetime as dt
import json

from core import cpr as cprs
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


ACTIONS = {"insert": "Oprettet", "update": "Ændret", "delete": "Slettet", "rate": "Ny takst",
           "restore": "Gendannet", "import": "Importeret", "undo": "Fortrudt", "approve": "Godkendt"}
TABLES = {"grants": "Bevilling", "citizens": "Borger", "providers": "Leverandør", "provider_rates": "Leverandørtakst",
          "satser": "Sats", "budgets": "Budget", "postings": "Postering", "batches": "Import",
          "settings": "Indstilling", "database": "Database", "sections": "Paragraf", "accounts": "Konto"}
EXPORT_COLUMNS = [("id", "Nr."), ("at", "Tidspunkt"), ("user", "Bruger"), ("table_name", "Tabel"),
                  ("row_id", "Række"), ("action", "Handling"), ("change", "Ændring"), ("old", "Før (JSON)"),
                  ("new", "Efter (JSON)"), ("batch_id", "Import-nr.")]


def _decode(rows: list[dict]) -> list[dict]:
    for r in rows:
        for key in ("old", "new"):
            try:
                r[key] = json.loads(r[key]) if r[key] else None
            except ValueError:  # written by hand or by an older tool: keep the text
                pass
    return rows


def entries(db, table: str | None = None, row_id: int | None = None, limit: int | None = 1000, *,
            citizen_id: int | None = None, search: str = "") -> list[dict]:
    """Audit rows, newest first.

    Args:
        table, row_id: only one table, or one row of it (a grant: ``"grants", grant_id``).
        citizen_id: everything about one citizen: her own row and every row (grants,
            bookings, ...) whose old or new state names her, deleted grants included.
        search: only rows whose user, table, action or values contain the text.
        limit: at most this many (None: all).
    """
    where, params = [], []
    if table:
        where.append("table_name = ?")
        params.append(table)
    if row_id is not None:
        where.append("row_id = ?")
        params.append(row_id)
    if citizen_id is not None:
        where.append(
            "((table_name = 'citizens' AND row_id = ?)"
            " OR (table_name = 'grants' AND row_id IN (SELECT id FROM grants WHERE citizen_id = ?))"
            " OR (CASE WHEN json_valid(old) THEN json_extract(old, '$.citizen_id') END) = ?"
            " OR (CASE WHEN json_valid(new) THEN json_extract(new, '$.citizen_id') END) = ?)")
        params += [citizen_id] * 4
    if search:
        where.append("(user || ' ' || table_name || ' ' || action || ' ' || coalesce(old, '') || ' ' || "
                     "coalesce(new, '')) LIKE ?")
        params.append(f"%{search}%")
    sql = "SELECT * FROM audit" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return _decode(query(db, sql, params))


def for_grant(db, grant_id: int) -> list[dict]:
    """The history of one grant, newest first."""
    return entries(db, "grants", grant_id, limit=None)


def for_citizen(db, citizen_id: int) -> list[dict]:
    """The history of one citizen across all her grants, newest first."""
    return entries(db, citizen_id=citizen_id, limit=None)


def describe_change(entry: dict) -> str:
    """Danish one-line summary of what changed: ``felt: før → efter; ...``."""
    old, new = entry.get("old"), entry.get("new")
    if not isinstance(old, dict) or not isinstance(new, dict):
        value = new if new is not None else old
        if isinstance(value, dict):
            return ", ".join(f"{k}: {_show(v)}" for k, v in value.items())
        return _show(value)
    parts = []
    for k in dict.fromkeys([*old, *new]):
        if k in old and k in new:
            if old[k] != new[k]:
                parts.append(f"{k}: {_show(old[k])} → {_show(new[k])}")
        elif k in new:
            parts.append(f"{k}: {_show(new[k])}")
        else:
            parts.append(f"{k} (før): {_show(old[k])}")
    return "; ".join(parts)


def _show(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def export(rows: list[dict], path, *, mask_cpr: bool = False) -> int:
    """Write audit rows to ``path`` as .xlsx or .csv (semicolon, UTF-8 with BOM, for Excel).

    Args:
        mask_cpr: show CPR numbers as ``DDMMYY-xxxx``.

    Returns the number of rows written.

    Raises:
        DispoError: an unknown file type, or the file cannot be written.
    """
    import csv
    from pathlib import Path

    from core.errors import DispoError, from_environment
    from core.reports import csv_safe, looks_like_formula

    path = Path(path)
    table = [[_cell(r, key, mask_cpr) for key, _ in EXPORT_COLUMNS] for r in rows]
    headings = [h for _, h in EXPORT_COLUMNS]
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DispoError(f"Revisionssporet kan gemmes som .xlsx eller .csv, ikke '{path.suffix}'")
    try:
        if suffix == ".csv":
            with path.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh, delimiter=";")
                writer.writerow(headings)
                writer.writerows([[csv_safe(value) for value in values] for values in table])
        else:
            from openpyxl import Workbook
            from openpyxl.cell import WriteOnlyCell

            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Revisionsspor")
            ws.append(headings)
            for values in table:
                cells = []
                for value in values:
                    cell = WriteOnlyCell(ws, value)
                    if looks_like_formula(value):
                        cell.data_type = "s"  # text, never a formula
                        cell.quotePrefix = True
                    cells.append(cell)
                ws.append(cells)
            wb.save(path)
    except OSError as ex:
        raise (from_environment(ex) or DispoError(f"'{path}' kan ikke skrives: {ex}")) from ex
    return len(table)


def _cell(row: dict, key: str, mask_cpr: bool):
    if key == "change":
        value = describe_change(row)
    elif key in ("old", "new"):
        value = _json(row[key]) or ""
    elif key == "table_name":
        value = TABLES.get(row[key], row[key])
    elif key == "action":
        value = ACTIONS.get(row[key], row[key])
    else:
        value = row.get(key)
    if mask_cpr and isinstance(value, str):
        value = cprs.mask_all(value)
    return value
