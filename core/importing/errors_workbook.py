"""The error workbook: the rejected rows, as they were, with the reason next to them.

She fixes the cells in the workbook and imports it again: the original columns come
first under their original headers, so the same mapping applies; the reasons follow.
"""

from __future__ import annotations

from pathlib import Path

from core.importing.parsers import text
from core.reports.xlsx import SheetData, write_workbook


def _clean(value):
    """A cell as it can be written: control characters (allowed in CSV, not in xlsx) removed."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_error_workbook(path: Path, plan, rejected: list[dict]) -> Path:
    """One sheet per source sheet with rejected rows (original cells + 'Fejl' columns), and a sheet
    'Ikke brugte kolonner' listing the columns the import did not use (CPR numbers masked)."""
    by_row: dict[tuple[str, int], list[dict]] = {}
    for r in rejected:
        by_row.setdefault((r["sheet"], r["row"]), []).append(r)
    sheets = []
    for sp in plan.sheets:
        t = sp.table
        rows = []
        cells_by_row = dict(t.rows)
        for (sheet, row), problems in sorted(by_row.items(), key=lambda x: (x[0][0], x[0][1])):
            if sheet != t.sheet:
                continue
            cells = cells_by_row.get(row, [])
            rows.append([row] + [_clean(c) for c in cells] + [
                _clean("; ".join(f"{p['column']}: {p['reason']}" if p["column"] else p["reason"] for p in problems)),
                _clean("; ".join(text(p["value"]) for p in problems))])
        if rows:
            sheets.append(SheetData(t.sheet, ["Række i filen"] + [_clean(h) for h in t.headers] + ["Fejl", "Værdi"],
                                    rows))
    if not sheets:
        sheets.append(SheetData("Fejl", ["Række i filen", "Fejl"], []))
    # nothing dropped silently: the columns no field took, and why one may matter
    unused = plan.unused_columns()
    if unused:
        hints = {(w["sheet"], w["column"]): w["warning"] for w in plan.column_warnings()}
        sheets.append(SheetData("Ikke brugte kolonner", ["Ark", "Kolonne", "Eksempler", "Bemærkning"], [
            [_clean(u["sheet"]), _clean(u["column"]), _clean(", ".join(u["samples"])),
             _clean(hints.get((u["sheet"], u["column"]), ""))] for u in unused]))
    return write_workbook(path, sheets)
