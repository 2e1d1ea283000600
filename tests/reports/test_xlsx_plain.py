"""``core.reports.xlsx``: plain sheets (headings in row 1) through the one report writer."""

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DispoError
from core.reports.xlsx import SheetData, write_workbook
from tests.reports.xlsx_check import load


def test_plain_sheet_keeps_values_typed_and_text_safe(tmp_path):
    sheet = SheetData("Ark: 1", ["Række i filen", "CPR", "Takst", "Start", "Fejl"], [
        [5, "010180-1234", Decimal("12.5"), dt.date(2026, 1, 2), "=HYPERLINK(\"x\")"],
        [6, None, "abc", None, "+cmd"],
    ])
    ws = load(write_workbook(tmp_path / "fejl.xlsx", [sheet])).active
    assert ws.title == "Ark  1"
    assert [c.value for c in ws[1]] == ["Række i filen", "CPR", "Takst", "Start", "Fejl"]
    assert ws["A2"].value == 5 and ws["C2"].value == 12.5 and ws["C3"].value == "abc"
    assert ws["D2"].value == dt.datetime(2026, 1, 2) and ws["D2"].number_format == "dd-mm-yyyy"
    assert ws["E2"].data_type == "s" and ws["E3"].value == "+cmd" and ws["E3"].data_type == "s"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:E3"


def test_missing_folder_is_a_danish_error(tmp_path):
    with pytest.raises(DispoError, match="findes ikke"):
        write_workbook(tmp_path / "nej" / "fejl.xlsx", [SheetData("Fejl", ["Fejl"], [])])
