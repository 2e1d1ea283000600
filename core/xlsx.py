"""A small, safe xlsx writer for everything Dispo hands out as a spreadsheet.

Safe: a text starting with ``=``, ``+``, ``-`` or ``@`` is written as text, never as a
formula (CSV/formula injection). Every sheet gets a bold frozen header row, an
autofilter and column widths that fit the content.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.errors import DispoError

FORMULA_STARTS = ("=", "+", "-", "@")
MAX_WIDTH = 60


@dataclass
class SheetData:
    """One sheet to write: a title (the sheet's name), headers and rows of plain values."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    number_formats: dict[int, str] = field(default_factory=dict)  # column index -> Excel number format


def _cell(ws, value):
    from openpyxl.cell.cell import Cell

    if isinstance(value, Decimal):
        value = float(value)
    cell = Cell(ws, value=None)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # stored as a string: openpyxl would otherwise write '=..' as a formula
    else:
        cell.value = value
    if isinstance(value, dt.date):
        cell.number_format = "DD-MM-YYYY"
    return cell


def write_workbook(path: str | Path, sheets: list[SheetData]) -> Path:
    """Write the sheets to ``path`` (xlsx).

    Raises:
        DispoError: the file cannot be written (folder missing, file open in Excel).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    for data in sheets:
        ws = wb.create_sheet(_safe_title(data.title))
        ws.append([_cell(ws, h) for h in data.headers])
        for c in ws[1]:
            c.font = Font(bold=True)
        widths = [len(str(h)) for h in data.headers]
        for row in data.rows:
            cells = [_cell(ws, v) for v in row]
            for i, c in enumerate(cells):
                if i in data.number_formats:
                    c.number_format = data.number_formats[i]
                if i < len(widths):
                    widths[i] = max(widths[i], len(str(row[i])) if row[i] is not None else 0)
            ws.append(cells)
        ws.freeze_panes = "A2"
        if data.headers:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(data.headers))}{max(1, len(data.rows) + 1)}"
        for i, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(MAX_WIDTH, max(8, w + 2))
    try:
        wb.save(path)
    except OSError as ex:
        raise DispoError(f"Filen '{path.name}' kan ikke gemmes: {ex.strerror or ex}") from ex
    return path


def _safe_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return (title.strip() or "Ark")[:31]
