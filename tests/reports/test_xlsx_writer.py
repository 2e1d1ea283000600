"""The xlsx writer: typed cells, formula totals equal to Dispo's figures, print setup,
formula injection and CPR masking, checked by reading the written file back."""

import datetime as dt
import re
from decimal import Decimal

import pytest

from core.reports import DETAIL, SUBTOTAL, TOTAL, Column, Report, ReportTable
from core.reports.xlsx_writer import ReportWriteError, write_report, write_tables
from tests.reports.xlsx_check import evaluate, full_cprs_in, load, xml_parts

CPR_A, CPR_B = "010180-1234", "150395-4321"


def sample_table() -> ReportTable:
    t = ReportTable("Borgere", (
        Column("cpr", "CPR-nr.", "cpr"),
        Column("name", "Navn"),
        Column("start", "Start", "date"),
        Column("count", "Antal", "integer", total="sum"),
        Column("amount", "Beløb", "amount", total="sum"),
        Column("fye", "Helårspersoner", "number", total="sum"),
        Column("price", "Gns. pris", "amount", total="ratio", ratio=("amount", "fye", None)),
        Column("note", "Note"),
    ))
    t.add([CPR_A, "Anna Hansen", dt.date(2026, 2, 1), 2, Decimal("1234.56"), Decimal("0.5"), Decimal("2469.12"), ""])
    t.add([CPR_B, "=HYPERLINK(\"http://x\",\"klik\")", dt.date(2026, 3, 15), 1, Decimal("100.01"),
           Decimal("1"), Decimal("100.01"), "+cmd"])
    t.add(["Gruppe 1 i alt", "", None, 3, Decimal("1334.57"), Decimal("1.5"), Decimal("889.71"), ""], SUBTOTAL)
    t.add(["090909-0909", "@SUM(A1)", dt.date(2026, 12, 31), 4, Decimal("-50.00"), Decimal("0.25"),
           Decimal("-200.00"), f"Flyttet fra {CPR_A} til ny sag"])
    t.add(["Gruppe 2 i alt", "", None, 4, Decimal("-50.00"), Decimal("0.25"), Decimal("-200.00"), ""], SUBTOTAL)
    t.add(["I alt", "", None, 7, Decimal("1284.57"), Decimal("1.75"), Decimal("734.04"), ""], TOTAL)
    t.notes = [f"Note om borger {CPR_B}", "-minus note"]
    return t


def report(table=None) -> Report:
    return Report("Månedsoversigt", 2026, dt.date(2026, 10, 31), "Eksempel Kommune", [table or sample_table()],
                  status="Godkendt")


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "r.xlsx"
    write_report(report(), path)
    return path


def test_numbers_and_dates_are_real_values_and_totals_are_formulas(written):
    ws = load(written)["Borgere"]
    assert [c.value for c in ws[4]] == ["CPR-nr.", "Navn", "Start", "Antal", "Beløb", "Helårspersoner",
                                        "Gns. pris", "Note"]
    assert ws["A5"].value == CPR_A and ws["A5"].data_type == "s"
    assert ws["C5"].value == dt.datetime(2026, 2, 1) and ws["C5"].number_format == "dd-mm-yyyy"
    assert ws["D5"].value == 2 and ws["D5"].number_format == "#,##0"
    assert ws["E5"].value == pytest.approx(1234.56) and ws["E5"].data_type == "n"
    assert ws["E5"].number_format == "#,##0.00"
    assert ws["E7"].value == "=SUBTOTAL(9,E5:E6)"
    assert ws["E10"].value == "=SUBTOTAL(9,E5:E9)"
    assert ws["G10"].value == "=IF(F10=0,0,E10/F10)"
    assert ws["E10"].font.b and ws["A10"].value == "I alt"


def test_formula_totals_equal_the_figures_in_the_table(written):
    table = sample_table()
    ws = load(written)["Borgere"]
    for offset, row in enumerate(table.rows):
        if row.kind == DETAIL:
            continue
        r = 5 + offset
        assert evaluate(ws, f"D{r}") == row.values[3]
        assert evaluate(ws, f"E{r}") == row.values[4]
        assert evaluate(ws, f"F{r}") == row.values[5]
        assert abs(evaluate(ws, f"G{r}") - row.values[6]) < Decimal("0.01")
    # by hand: the total counts each detail row once, not the subtotals again
    assert evaluate(ws, "E10") == Decimal("1284.57") and evaluate(ws, "D10") == 7


def test_text_that_looks_like_a_formula_is_stored_as_text(written):
    ws = load(written)["Borgere"]
    assert ws["B6"].value.startswith("=HYPERLINK") and ws["B6"].data_type == "s"
    assert ws["H6"].value == "+cmd" and ws["H6"].data_type == "s"
    assert ws["B8"].value == "@SUM(A1)" and ws["B8"].data_type == "s"
    assert ws["B6"].quotePrefix and ws["H6"].quotePrefix
    sheet_xml = xml_parts(written)["xl/worksheets/sheet1.xml"]
    formulas = re.findall(r"<f>(.*?)</f>", sheet_xml)
    assert formulas and all(f.startswith(("SUBTOTAL", "IF(")) for f in formulas)
    notes = [ws.cell(r, 1).value for r in range(12, 14)]
    assert notes == [f"Note om borger {CPR_B}", "-minus note"]


def test_sheet_is_set_up_for_screen_and_print(written):
    wb = load(written)
    ws = wb["Borgere"]
    assert ws.freeze_panes == "A5"
    assert ws.auto_filter.ref == "A4:H9"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$4:$4"
    assert ws.oddHeader.left.text == "Månedsoversigt 2026"
    assert ws.oddHeader.right.text == "Pr. 31-10-2026"
    assert ws.oddFooter.right.text == "Side &P af &N"
    assert ws.column_dimensions["B"].width >= 20
    assert wb.properties.title == "Månedsoversigt 2026" and wb.properties.creator == "Dispo"
    assert "Eksempel Kommune" in wb.properties.subject


def test_without_masking_full_cprs_are_kept(written):
    assert full_cprs_in(written)


def test_masking_leaves_no_full_cpr_anywhere_in_the_file(tmp_path):
    table = sample_table()
    table.title = f"Sag {CPR_A}"
    rep = Report(f"Udtræk {CPR_B}", 2026, dt.date(2026, 10, 31), f"Kommune 0101801234", [table])
    path = tmp_path / "masked.xlsx"
    write_report(rep, path, mask_cpr=True)
    assert full_cprs_in(path) == []
    ws = load(path).worksheets[0]
    assert ws["A5"].value == "010180-xxxx"
    assert ws["H8"].value == "Flyttet fra 010180-xxxx til ny sag"
    assert ws.title == "Sag 010180-xxxx"


def test_empty_table_and_duplicate_titles_give_valid_sheets(tmp_path):
    a = ReportTable("Afstemning: [udkast]?", (Column("x", "X"),))
    b = ReportTable("Afstemning: [udkast]?", (Column("x", "X"),))
    path = write_tables([a, b], tmp_path / "e.xlsx", title="Test")
    wb = load(path)
    assert wb.sheetnames == ["Afstemning   udkast", "Afstemning   udkast (2)"]
    assert wb.worksheets[0]["A5"].value == "Ingen rækker"


def test_unwritable_path_is_a_danish_error(tmp_path):
    with pytest.raises(ReportWriteError, match="Kan ikke skrive"):
        write_report(report(), tmp_path / "mangler" / "r.xlsx")
