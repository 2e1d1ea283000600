"""Plain sheets of values for spreadsheets Dispo hands out to be read back (the import's
error workbook): a thin front of the one xlsx writer, ``core.reports.xlsx_writer``.

Same safety as every report: a text starting with ``=``, ``+``, ``-`` or ``@`` is
written as text, never as a formula; the headings are in row 1 (frozen, with an
autofilter), so the workbook can be imported again with the same mapping.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from core.reports import Column, ReportTable
from core.reports.xlsx_writer import FORMULA_STARTS, write_tables

__all__ = ["FORMULA_STARTS", "SheetData", "write_workbook"]

_KINDS_BY_FORMAT = {"0": "integer", "#,##0": "integer", "0.00": "number", "#,##0.00": "amount", "0%": "percent",
                    "0.0%": "percent", "DD-MM-YYYY": "date", "dd-mm-yyyy": "date"}


@dataclass
class SheetData:
    """One sheet to write: a title (the sheet's name), headers and rows of plain values."""

    title: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    number_formats: dict[int, str] = field(default_factory=dict)  # column index -> Excel number format


def _kind(values: list, number_format: str | None) -> str:
    """A column kind from an explicit number format, else from the values it holds."""
    if number_format in _KINDS_BY_FORMAT:
        return _KINDS_BY_FORMAT[number_format]
    present = [v for v in values if v is not None and v != ""]
    if present and all(isinstance(v, dt.date) for v in present):
        return "date"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "integer"
    if present and all(isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


def _table(data: SheetData) -> ReportTable:
    columns = []
    for i, heading in enumerate(data.headers):
        values = [row[i] if i < len(row) else None for row in data.rows]
        kind = _kind(values, data.number_formats.get(i))
        width = min(60, max(8, len(str(heading)) + 2, *(len(str(v)) + 2 for v in values if v is not None)))
        columns.append(Column(f"c{i}", str(heading), kind, width))
    table = ReportTable(data.title, tuple(columns))
    for row in data.rows:
        table.add((list(row) + [None] * len(columns))[:len(columns)])
    return table


def write_workbook(path: str | Path, sheets: list[SheetData]) -> Path:
    """Write the sheets to ``path`` (xlsx), headings in row 1.

    Raises:
        DispoError: the file cannot be written (folder missing, file open in Excel).
    """
    return write_tables([_table(s) for s in sheets], path, plain=True)
