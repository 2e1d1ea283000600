"""The VUM allocation report (Thisted table) against hand-computed hours and kroner."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from core.register import providers
from core.reports import EXTRA, TOTAL
from core.reports.vum_report import build_vum
from core.reports.xlsx_writer import write_report
from tests.reports.conftest import add
from tests.reports.xlsx_check import evaluate, full_cprs_in, load

# 2026 hourly price 412 kr. (shipped catalogue); norms D = 25.5, B = 6.5 hours per week;
# Finn lives there from 1 June: 214 of 365 days; Gud is category F with 42 individual hours.
HOURS_PER_WEEK = Fraction(255, 10) + Fraction(65, 10) * Fraction(214, 365) + 42
KR_PER_YEAR = HOURS_PER_WEEK * 52 * 412


@pytest.fixture
def vum_db(db):
    db["settings"].upsert({"key": "municipality", "value": "Testby Kommune"}, pk="key")
    providers.create_provider(db, "Lærkehuset", "egen", places=6)
    add(db, "060606-6066", "Eva Ege", "§ 108", "1000", "01-01-2025", provider="Lærkehuset", vum_category="D")
    add(db, "070707-7077", "Finn Fisk", "§ 108", "1000", "01-06-2026", provider="Lærkehuset", vum_category="B")
    add(db, "080808-8088", "Gud Gran", "§ 108", "1000", "01-01-2026", provider="Lærkehuset", vum_category="F",
        vum_hours="42")
    return db


def near(value, expected: Fraction, places=Decimal("0.005")) -> bool:
    return abs(Decimal(str(value)) - Decimal(expected.numerator) / Decimal(expected.denominator)) <= places


def test_thisted_table_per_facility(vum_db, tmp_path):
    report = build_vum(vum_db, 2026)
    assert [t.title for t in report.tables] == ["Alle tilbud", "Lærkehuset"]
    table = report.tables[1]
    names = [r.values[1] for r in table.rows if r.kind not in (TOTAL, EXTRA)]
    assert names == ["Eva Ege", "Finn Fisk", "Gud Gran"]
    eva = table.rows[0].values
    assert eva[table.index("cat_D")] == "x" and eva[table.index("cat_A")] is None
    assert "Individuelt 42,00 timer" in table.rows[2].values[table.index("note")]

    path = write_report(report, tmp_path / "vum.xlsx", mask_cpr=True)
    assert full_cprs_in(path) == []
    ws = load(path)["Lærkehuset"]
    total, per_year = 5 + 3, 5 + 4
    assert ws[f"A{total}"].value == "I alt pr. uge"
    hours, kr_week = table.index("hours_per_week") + 1, table.index("kr_per_week") + 1
    letter = lambda i: chr(64 + i)  # noqa: E731
    assert near(evaluate(ws, f"{letter(hours)}{total}"), HOURS_PER_WEEK)
    assert near(evaluate(ws, f"{letter(kr_week)}{total}"), HOURS_PER_WEEK * 412)
    assert evaluate(ws, f"{letter(table.index('cat_D') + 1)}{total}") == 1
    assert evaluate(ws, f"{letter(table.index('cat_B') + 1)}{total}") == 1
    assert evaluate(ws, f"{letter(table.index('cat_A') + 1)}{total}") == 0
    assert near(ws[f"{letter(kr_week)}{per_year}"].value, KR_PER_YEAR)
    assert near(ws[f"{letter(hours)}{per_year}"].value, HOURS_PER_WEEK * 52)


def test_across_facilities(vum_db, tmp_path):
    providers.update_provider(vum_db, providers.find_by_name(vum_db, "Lærkehuset").id, fixed_budget_ore=150_000_000)
    report = build_vum(vum_db, 2026, dt.date(2026, 10, 31))
    summary = report.tables[0]
    row = summary.rows[0].values
    assert row[0] == "Lærkehuset"
    assert row[summary.index("count_B")] == Decimal("0.5863013699")  # 214 / 365
    assert near(row[summary.index("kr_per_year")], KR_PER_YEAR)
    assert near(row[summary.index("difference")], Fraction(1_500_000) - KR_PER_YEAR, Decimal("0.01"))
    ws = load(write_report(report, tmp_path / "v.xlsx"))["Alle tilbud"]
    assert near(evaluate(ws, f"{chr(65 + summary.index('kr_per_year'))}6"), KR_PER_YEAR)
