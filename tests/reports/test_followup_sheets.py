"""The monthly overview's follow-up sheets (Afstemning, Belægning), the approval status and
the validation report."""

import datetime as dt
from decimal import Decimal

from core.followup import approval, reconcile, validation
from core.reports import SUBTOTAL, TOTAL
from core.reports.xlsx_writer import write_report
from tests.reports.xlsx_check import evaluate, load

AS_OF = dt.date(2026, 10, 31)


def test_occupancy_sheet_against_hand_counts(small_db, tmp_path):
    from core.reports.followup_sheets import occupancy_sheet

    table = occupancy_sheet(small_db, 2026)
    rows = [r for r in table.rows if r.values[0] == "Bostedet"]
    january = rows[0].values
    # Bostedet, 10 places: Anna and Carl (sold to Nabo Kommune) live there all January (31 + 31);
    # Dorte's day offer, 3 days a week, is 3/5 of a place on January's 22 weekdays = 13,2;
    # 75,2 / 310 = 24,26 % -> 24,3 %
    assert january[1:7] == ("januar", 10, 310, Decimal("75.20"), 31, Decimal("24.3") / 100)
    assert january[8] == Decimal("62000.00")  # Carl's 31 days at 2.000 kr. are income
    year = next(r for r in table.rows if r.kind == SUBTOTAL and r.values[0] == "Bostedet i alt").values
    # Anna 365 + Bo 214 (from 1 June) + Carl 365 + Dorte 3/5 on the 64 weekdays of Jan-Mar (22 + 20 + 22)
    # = 38,4, of 3.650 place-days
    assert year[3:6] == (3650, Decimal("982.40"), 365)
    assert year[6] == Decimal("982.40") / Decimal(3650)
    ws = load(write_report(_report([table]), tmp_path / "b.xlsx")).active
    r = 5 + table.rows.index(next(x for x in table.rows if x.values[0] == "Bostedet i alt"))
    assert evaluate(ws, f"E{r}") == Decimal("982.40")
    assert abs(evaluate(ws, f"G{r}") - Decimal("982.40") / Decimal(3650)) < Decimal("1e-9")


def test_reconciliation_sheet_totals_and_posting_without_grant(small_db, tmp_path):
    from core.reports.followup_sheets import reconciliation_sheet

    small_db["postings"].insert_all([
        {"date": "2026-03-15", "account": "5.38.50", "amount_ore": 3_100_000, "cpr": "010180-1234"},
        {"date": "2026-04-01", "account": "5.38.50", "amount_ore": 123_456, "cpr": "040404-4444"},
    ])
    table = reconciliation_sheet(small_db, 2026, AS_OF)
    stranger = next(r for r in table.rows if r.values[0] == "040404-4444")
    assert stranger.values[table.index("booked")] == Decimal("1234.56")
    rows = reconcile.reconcile(small_db, 2026, AS_OF)
    total = table.rows[-1]
    assert total.kind == TOTAL
    assert total.values[table.index("booked")] == sum(Decimal(r.booked) for r in rows) / 100
    ws = load(write_report(_report([table]), tmp_path / "a.xlsx")).active
    letter = chr(65 + table.index("difference"))
    assert evaluate(ws, f"{letter}{4 + len(table.rows)}") == total.values[table.index("difference")]


def test_approval_status_in_the_report_header(small_db):
    from core.reports.followup_sheets import approval_status

    assert approval_status(small_db, 2026, AS_OF) == "Ikke godkendt"
    approval.approve_month(small_db, 2026, 10, reason="Prøve")
    status = approval_status(small_db, 2026, AS_OF)
    assert status.startswith("Oktober godkendt ") and " af " in status


def test_validation_report_counts_every_finding(small_db, tmp_path):
    from core.reports.validation_report import build_validation

    findings = validation.validate(small_db, AS_OF)
    report = build_validation(small_db, 2026, AS_OF)
    summary, details = report.tables
    assert summary.rows[-1].values[2] == len(findings)
    assert len(details.rows) == len(findings) + 1
    ws = load(write_report(report, tmp_path / "v.xlsx", mask_cpr=True))["Oversigt"]
    assert evaluate(ws, f"C{4 + len(summary.rows)}") == len(findings)


def _report(tables):
    from core.reports import Report

    return Report("Test", 2026, AS_OF, "Testby Kommune", tables)
