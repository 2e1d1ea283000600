"""The quarterly overview (Ringsted layout) against figures worked out by hand."""

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from core.reports import DETAIL, EXTRA, SUBTOTAL, TOTAL
from core.reports.quarterly import build_quarterly
from core.reports.xlsx_writer import write_report
from tests.reports.conftest import recalc_with_libreoffice
from tests.reports.xlsx_check import evaluate, load

AS_OF = dt.date(2026, 10, 31)
D = Decimal

# Worked out by hand from the small register (2026 has 90/91/92 days in Q1/Q2/Q3):
# § 108: Anna 1000/døgn all year; Bo 1500/døgn from 1 June; Carl's place is sold -> left out.
# § 85: Anna 10 h/week at 350 = 500/day from 15 Feb to 31 Jul (45, 91, 31 days).
# § 104: Dorte 3 days/week at 700 = 300/day until 31 Mar (90 days).
EXPECTED = {
    "§ 108": ([1, 2, 2], [D("90000.00"), D("136000.00"), D("230000.00")], D("364800.00")),
    "§ 85": ([1, 1, 0], [D("22500.00"), D("45500.00"), D("15500.00")], D("167000.00")),
    "§ 104": ([1, 0, 0], [D("27000.00"), D("0.00"), D("0.00")], D("108000.00")),
    "§ 107": ([0, 0, 0], [D("0.00")] * 3, D("0.00")),
}


def by_label(table):
    return {r.values[0]: r for r in table.rows}


def test_rows_groups_and_figures(small_db):
    report = build_quarterly(small_db, 2026, AS_OF)
    table = report.tables[0]
    labels = [(r.values[0], r.kind) for r in table.rows]
    assert labels == [
        ("§ 107", DETAIL), ("§ 108", DETAIL), ("Botilbud i alt", SUBTOTAL),
        ("§ 103", DETAIL), ("§ 104", DETAIL), ("Dagtilbud i alt", SUBTOTAL),
        ("§ 96", DETAIL), ("Hjælperordninger i alt", SUBTOTAL),
        ("§ 85", DETAIL), ("§ 97", DETAIL), ("Personlig støtte og ledsagerordninger i alt", SUBTOTAL),
        ("I alt", TOTAL), ("Unikke CPR-numre", EXTRA)]
    rows = by_label(table)
    for label, (counts, costs, yearly) in EXPECTED.items():
        v = rows[label].values
        assert [v[2], v[4], v[6]] == counts, label
        assert [v[3], v[5], v[7]] == costs, label
        assert v[8] is None and v[9] is None  # December has not ended by 31 October
        assert v[10] == sum(costs)
        assert v[12] == yearly
    total = rows["I alt"].values
    assert [total[2], total[4], total[6]] == [3, 3, 2]
    assert [total[3], total[5], total[7]] == [D("139500.00"), D("181500.00"), D("245500.00")]
    assert total[10] == D("566500.00") and total[12] == D("283250.00")
    # Anna has two sections but is one person: the section counts add to 3 in March, persons are 2
    unique = rows["Unikke CPR-numre"].values
    assert [unique[2], unique[4], unique[6], unique[8]] == [2, 2, 2, None]


def test_full_year_shows_december(small_db):
    table = build_quarterly(small_db, 2026).tables[0]
    v = by_label(table)["§ 108"].values
    assert v[8] == 2 and v[9] == D("92000.00") + D("138000.00")


def test_workbook_formulas_give_the_same_totals(small_db, tmp_path):
    report = build_quarterly(small_db, 2026, AS_OF)
    path = write_report(report, tmp_path / "kvartal.xlsx")
    ws = load(path).active
    table = report.tables[0]
    for offset, row in enumerate(table.rows):
        if row.kind not in (SUBTOTAL, TOTAL):
            continue
        r = 5 + offset
        assert ws[f"D{r}"].data_type == "f"
        for ci, letter in ((2, "C"), (3, "D"), (5, "F"), (7, "H"), (10, "K")):
            assert evaluate(ws, f"{letter}{r}") == row.values[ci]
        assert abs(evaluate(ws, f"M{r}") - row.values[12]) < D("0.01")


def test_libreoffice_recalculates_the_totals(small_db, tmp_path):
    report = build_quarterly(small_db, 2026, AS_OF)
    path = write_report(report, tmp_path / "kvartal.xlsx")
    recalculated = recalc_with_libreoffice(path, tmp_path)
    ws = openpyxl.load_workbook(recalculated, data_only=True).active
    total_row = 5 + [r.kind for r in report.tables[0].rows].index(TOTAL)
    assert ws[f"A{total_row}"].value == "I alt"
    assert ws[f"K{total_row}"].value == pytest.approx(566500.00, abs=0.005)
    assert ws[f"D{total_row}"].value == pytest.approx(139500.00, abs=0.005)
    assert ws[f"C{total_row}"].value == 3
    assert ws[f"M{total_row}"].value == pytest.approx(283250.00, abs=0.005)
