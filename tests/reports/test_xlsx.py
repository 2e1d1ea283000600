"""The safe xlsx writer: text that looks like a formula stays text; header frozen and filtered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from core.errors import DispoError
from core.reports.xlsx import SheetData, write_workbook


def test_formula_like_text_is_written_as_text(tmp_path):
    path = write_workbook(tmp_path / "a.xlsx", [SheetData("Ark: 1/2", ["Tekst", "Beløb", "Dato"], [
        ["=SUM(A1:A2)", Decimal("12.50"), dt.date(2026, 3, 1)], ["+45 1234", -3, None], ["-x", 0, None],
        ["@cmd", 1, None]])])
    wb = load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.title == "Ark  1 2"
    assert [ws.cell(r, 1).data_type for r in range(2, 6)] == ["s"] * 4
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:C5"
    assert ws.column_dimensions["A"].width >= len("=SUM(A1:A2)")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "=SUM(A1:A2)" and rows[1][1] == 12.5 and rows[4][0] == "@cmd"


def test_unwritable_path_is_a_danish_error(tmp_path):
    with pytest.raises(DispoError, match="a.xlsx"):
        write_workbook(tmp_path / "mangler" / "a.xlsx", [SheetData("A", ["x"], [])])
