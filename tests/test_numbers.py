"""Issue 14, "Numbers she can sign": one test per finding, each figure worked by hand.

The register used by most tests (2026, not a leap year):

- Anna 010180-1234, § 108 at Privat ApS, 1.000 kr./døgn all year: 365.000,00
- Bo   020280-2345, § 108 at Privat ApS, 3.000 kr./døgn all year: 1.095.000,00 (46 on Jan 1:
  § 176 refund with the 2022 thresholds: 25 % × (1.095.000 − 860.000) = 58.750,00)
- Carl 030380-3456, § 107 at Privat ApS, 1.000 kr./døgn 1 Jan – 10 Apr (31+28+31+10 = 100 days):
  100.000,00; 100/365 full-year equivalents

Budgets 2026: 5.38.50 400.000 kr. with 1 budgeted full-year equivalent; 5.38.52 200.000 kr.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from core.followup import approval, validation
from core.register import budgets
from core.store import settings
from core.errors import DispoError
from core.followup.forecast import forecast
from core.register.grants import create_grant
from core.register.providers import create_provider
from tests.conftest import run_cli

D = Decimal
AS_OF = dt.date(2026, 10, 31)


def grant(db, **fields) -> int:
    data = {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn", "rate": "1000",
            "start": "2026-01-01"}
    data.update(fields)
    return create_grant(db, data)


@pytest.fixture
def ndb(db):
    settings.set_value(db, "municipality", "Testrup Kommune")
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=30)
    create_provider(db, "Eget Bo", "egen", places=4, occupancy_target="95", invoice_lag_days=30)
    grant(db)
    grant(db, cpr="020280-2345", rate="3000")
    grant(db, cpr="030380-3456", section="§ 107", end="2026-04-10")
    budgets.set_budget(db, 2026, "5.38.50", "400000", full_year_equivalents="1")
    budgets.set_budget(db, 2026, "5.38.52", "200000")
    return db


def counts(db) -> dict:
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]
            for t in ("grants", "budgets", "approvals", "satser", "refund_budgets", "audit")}


# ------------------------------------------------------------------ 1. the own municipality

def test_1_sold_places_without_the_own_municipality_are_named_and_with_it_are_income(db, db_path):
    create_provider(db, "Eget Bo", "egen", places=4)
    grant(db, provider="Eget Bo", paying_municipality="Nabo Kommune", acting_municipality="Nabo Kommune")
    result = forecast(db, 2026, AS_OF, by="account")
    # not set: the place cannot be told from an own one, and the forecast says so
    assert any("Egen kommune er ikke angivet" in w for w in result.warnings)
    assert result.total.expected_outturn == D("365000.00")
    db.close()
    r = run_cli("forecast", "--year", 2026, "--as-of", "2026-10-31", "--json", db=db_path)
    assert any("Egen kommune" in w for w in json.loads(r.stdout)["warnings"])
    for command in ("refund", "occupancy"):
        r = run_cli(command, "--year", 2026, "--json", db=db_path)
        assert any("Egen kommune" in w for w in json.loads(r.stdout)["warnings"]), command
    assert run_cli("settings", "set", "municipality", "Testrup Kommune", db=db_path).returncode == 0
    data = json.loads(run_cli("forecast", "--year", 2026, "--as-of", "2026-10-31", "--json", db=db_path).stdout)
    # set: the place is sold, income of 365 × 1.000, and no warning
    assert data["total"]["expected_outturn"] == -365000.00
    assert not any("Egen kommune" in w for w in data["warnings"])
    occ = json.loads(run_cli("occupancy", "--year", 2026, "--json", db=db_path).stdout)["rows"]
    assert occ[0]["sold"] == 31.0  # all of January's 31 days sold


# ------------------------------------------------------------------ 2. the overview's bottom line

def test_2_the_overview_has_drift_i_alt_separate_lines_and_a_grand_total_that_does_not_mislead(ndb):
    result = forecast(ndb, 2026, AS_OF, by="account")
    total, grand = result.total, result.grand_total
    # operating: 365.000 + 1.095.000 + 100.000 = 1.560.000 against 600.000 of budget
    assert (total.expected_outturn, total.budget, total.deviation) == (D("1560000.00"), D("600000.00"),
                                                                        D("960000.00"))
    assert total.volume_effect + total.price_effect == total.deviation
    refund = next(line for line in result.lines if "refusion" in line.name)
    assert refund.expected_outturn == D("-58750.00") and refund.budget is None and refund.deviation is None
    # the refund has no budget, so the grand total has no complete budget: it shows neither a
    # budget nor a deviation (600.000 against 1.501.250 would read 901.250, 960.000 would not add up)
    assert grand.expected_outturn == D("1501250.00") and grand.budget is None and grand.deviation is None


def test_2_effects_add_up_on_every_line_and_the_refund_budget_is_settable(ndb, db_path):
    ndb.close()
    assert run_cli("budget", "set", "--year", 2026, "--refund", "50.000", db=db_path).returncode == 0
    data = json.loads(run_cli("forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "account", "--json",
                              db=db_path).stdout)
    for row in data["rows"]:
        if row["deviation"] is not None:
            assert row["volume_effect"] + row["price_effect"] == pytest.approx(row["deviation"], abs=0.001)
    # 5.38.50: 2 actual vs 1 budgeted full-year equivalent at 400.000 = 400.000 volume; the rest is price
    row = next(r for r in data["rows"] if r["account"] == "5.38.50")
    assert (row["volume_effect"], row["price_effect"]) == (400000.00, 660000.00)
    t = data["total"]
    assert t["volume_effect"] + t["price_effect"] == pytest.approx(t["deviation"], abs=0.001)
    refund = next(line for line in data["lines"] if "refusion" in line["name"])
    # the refund budget is income: −50.000; expected −58.750 is 8.750 better than budget
    assert (refund["budget"], refund["deviation"], refund["volume_effect"]) == (-50000.00, -8750.00, None)
    assert data["grand_total"]["deviation"] == 960000.00 - 8750.00
    assert run_cli("budget", "set", "--year", 2026, "--refund", "mange", db=db_path).returncode == 1


def test_2_refund_and_average_price_are_the_same_figure_everywhere(ndb, db_path, tmp_path):
    from core.reports.monthly import build_monthly
    from core.reports.xlsx_writer import write_report
    from tests.reports.xlsx_check import evaluate, load

    report = build_monthly(ndb, 2026, AS_OF)
    overview = report.tables[0]
    col = {k: overview.index(k) for k in ("account", "text", "expected_outturn", "average_price", "deviation",
                                          "volume_effect", "price_effect")}
    by_label = {(r.values[col["account"]] or r.values[col["text"]]): r for r in overview.rows}
    refund_sheet = next(t for t in report.tables if t.title == "Refusion")
    sheet_total = refund_sheet.rows[-1].values[refund_sheet.index("refund")]
    line = by_label["Forventet refusion (§ 176)"].values[col["expected_outturn"]]
    assert line == -sheet_total == D("-58750.00")
    ndb.close()
    cli = json.loads(run_cli("refund", "--year", 2026, "--as-of", "2026-10-31", "--json", db=db_path).stdout)
    assert cli["total"] == 58750.00
    # Carl: 100.000 kr. over 100/365 full-year equivalents = 365.000,00 (not 100.000 / 0,27 = 370.370,37)
    assert by_label["5.38.52 i alt"].values[col["average_price"]] == D("365000.00")
    ws = load(write_report(report, tmp_path / "m.xlsx"))["Oversigt"]
    r = 5 + overview.rows.index(by_label["5.38.52 i alt"])
    letter = chr(65 + col["average_price"])
    assert evaluate(ws, f"{letter}{r}") == D("365000.00")
    drift = by_label["Drift i alt"].values
    assert drift[col["volume_effect"]] + drift[col["price_effect"]] == drift[col["deviation"]]
    assert by_label["I alt"].values[col["volume_effect"]] is None


def test_2_the_demo_summary_counts_what_the_database_holds(db):
    from core.register.demo import build_demo

    made = build_demo(db)
    assert made["citizens"] == db.execute("SELECT COUNT(*) FROM citizens").fetchone()[0]
    assert made["grants"] == db.execute("SELECT COUNT(*) FROM grants").fetchone()[0]


# ------------------------------------------------------------------ 3. budgets

def test_3_a_level_without_a_budget_shows_none_and_sections_break_an_account_down(ndb):
    grant(ndb, cpr="040480-4567", section="§ 85", unit="time", rate="500", quantity="2", quantity_per="uge")
    by_section = forecast(ndb, 2026, AS_OF, by="section")
    rows = {r.section: r for r in by_section.rows}
    # § 85 (5.32.33) has no budget: none shown, never 0
    assert rows["§ 85"].budget is None and rows["§ 85"].deviation is None
    # the budgets are on the accounts, each of whose grants all have one section: the account is
    # the section, so § 108 has 5.38.50's 400.000 (deviation 365.000 + 1.095.000 − 400.000 =
    # 1.060.000) and § 107 5.38.52's 200.000 (100.000 − 200.000); nothing is left unallocated
    assert (rows["§ 108"].budget, rows["§ 108"].deviation) == (D("400000.00"), D("1060000.00"))
    assert (rows["§ 107"].budget, rows["§ 107"].deviation) == (D("200000.00"), D("-100000.00"))
    assert all(r.name != "Ikke fordelt på paragraf" for r in by_section.rows)
    # "Drift i alt" is the area's, the same figure as at the account level (600.000)
    assert by_section.total == forecast(ndb, 2026, AS_OF, by="account").total
    assert by_section.total.budget == D("600000.00")
    # a second section on 5.38.50 (no section budgets): its 400.000 stays on the account, on the
    # line "Ikke fordelt på paragraf" (expected 0, its deviation 0 − 400.000), so the lines add up
    grant(ndb, cpr="050580-5678", section="§ 107", account="5.38.50", rate="100", end="2026-01-10")
    by_section = forecast(ndb, 2026, AS_OF, by="section")
    rows = {r.section: r for r in by_section.rows}
    assert rows["§ 108"].budget is None and rows["§ 107"].budget is None  # § 107 is on two accounts now
    rest = next(r for r in by_section.rows if r.name == "Ikke fordelt på paragraf")
    assert (rest.budget, rest.expected_outturn, rest.deviation) == (D("600000.00"), D("0.00"), D("-600000.00"))
    assert by_section.total.budget == D("600000.00")
    # a section budget breaks 5.38.50's 400.000 down: the account keeps 400.000 (not 700.000)
    budgets.set_budget(ndb, 2026, "5.38.50", "300000", section="§ 108")
    by_account = {r.account: r for r in forecast(ndb, 2026, AS_OF, by="account").rows}
    assert by_account["5.38.50"].budget == D("400000.00")
    section = next(r for r in forecast(ndb, 2026, AS_OF, by="section").rows if r.section == "§ 108")
    assert (section.budget, section.deviation) == (D("300000.00"), D("1160000.00"))  # 1.460.000 − 300.000
    mismatch = [f for f in validation.validate(ndb, AS_OF) if f.rule == "budget_mismatch"]
    assert len(mismatch) == 1 and "5.38.50" in mismatch[0].message and mismatch[0].severity == "fejl"
    # an account with only section budgets has their sum
    budgets.set_budget(ndb, 2026, "5.38.53", "70000", section="§ 97")
    budgets.set_budget(ndb, 2026, "5.38.53", "30000", section="§ 98")
    by_account = {r.account: r for r in forecast(ndb, 2026, AS_OF, by="account").rows}
    assert by_account["5.38.53"].budget == D("100000.00")


def test_3_the_screen_says_no_budget_instead_of_zero(qtbot, ndb, db_path):
    from gui.followup.followup_screen import summary

    grant(ndb, cpr="040480-4567", section="§ 85", unit="time", rate="500", quantity="2", quantity_per="uge")
    row = next(r for r in forecast(ndb, 2026, AS_OF, by="section").rows if r.section == "§ 85")  # no budget
    assert row.budget is None and "budget" not in summary(row)


# ------------------------------------------------------------------ 4. yearly values

def test_4_a_figure_on_an_earlier_years_values_names_that_year(ndb, db_path):
    from core.followup.refund import thresholds

    assert thresholds(ndb, 2026).year == 2022
    assert any("tærskelværdierne for 2022" in w for w in forecast(ndb, 2026, AS_OF).warnings)
    missing = [f for f in validation.validate(ndb, AS_OF) if f.rule == "sats_missing"]
    assert {"refund_t1", "refund_t2", "refund_t3"} <= {f.message.split("(")[-1].split(")")[0] for f in missing}
    # the thresholds are errors (the year's refund is built on them); pa_hourly_rate, unused, a warning
    assert all(f.severity == ("fejl" if "refund_t" in f.message else "advarsel") for f in missing)
    before = counts(ndb)
    ndb.close()
    data = json.loads(run_cli("refund", "--year", 2026, "--json", db=db_path).stdout)
    assert data["thresholds_year"] == 2022
    r = run_cli("satser", "set", "--year", 2026, "refund_t1", "ikke et tal", db=db_path)
    assert r.returncode == 1 and "ikke et tal" in r.stderr
    from core.store.storage import open_db
    with open_db(db_path) as again:
        assert counts(again) == before
    for name, value in (("refund_t1", "900.000"), ("refund_t2", "1.700.000"), ("refund_t3", "2.200.000")):
        assert run_cli("satser", "set", "--year", 2026, name, value, db=db_path).returncode == 0
    data = json.loads(run_cli("refund", "--year", 2026, "--json", db=db_path).stdout)
    # Bo: 25 % × (1.095.000 − 900.000) = 48.750
    assert data["thresholds_year"] == 2026 and data["total"] == 48750.00 and not data["warnings"]


# ------------------------------------------------------------------ 5. approval

def test_5_approval_shows_checks_needs_a_reason_and_refuses_a_month_not_ended(ndb, db_path):
    found = approval.checks(ndb, 2026, 3, today=dt.date(2026, 4, 5))
    kinds = {c.kind for c in found}
    # no postings at all, and the 2022 thresholds are used for 2026 (validation errors)
    assert {"validation", "no_bookings", "bookings_end"} <= kinds and "not_ended" not in kinds
    before = counts(ndb)
    with pytest.raises(DispoError, match="begrundelse"):
        approval.approve_month(ndb, 2026, 3, today=dt.date(2026, 4, 5))
    with pytest.raises(DispoError, match="ikke slut"):
        approval.approve_month(ndb, 2026, 4, reason="Alligevel", today=dt.date(2026, 4, 30))
    assert counts(ndb) == before
    approval_id = approval.approve_month(ndb, 2026, 3, reason="Fakturaerne kommer senere",
                                         today=dt.date(2026, 4, 5))
    assert approval.snapshot(ndb, approval_id).reason == "Fakturaerne kommer senere"
    logged = json.loads(ndb.execute("SELECT new FROM audit WHERE table_name = 'approvals' AND action = 'approve'")
                        .fetchone()[0])
    assert logged["reason"] == "Fakturaerne kommer senere" and logged["checks"]
    ndb.close()
    r = run_cli("approve", "--year", 2026, "--month", 5, db=db_path)
    assert r.returncode == 1 and "begrundelse" in r.stderr
    r = run_cli("approve", "--year", 2200, "--month", 6, "--reason", "Fremtiden", db=db_path)
    assert r.returncode == 1 and "ikke slut" in r.stderr
    r = run_cli("approve", "--year", 2026, "--month", 5, "--reason", "Kendt", "--json", db=db_path)
    assert r.returncode == 0 and json.loads(r.stdout)["reason"] == "Kendt"


# ------------------------------------------------------------------ 6. booked split and occupancy

def test_6_expense_postings_go_to_expense_grants_and_income_postings_to_sold_places(ndb):
    expense = grant(ndb, cpr="040480-4567")                       # 1.000 a day, Privat ApS, 5.38.50
    sold = grant(ndb, cpr="040480-4567", provider="Eget Bo", rate="2000", paying_municipality="Nabo Kommune")
    ndb["postings"].insert_all([
        {"date": "2026-01-31", "account": "5.38.50", "art": "4.0", "amount_ore": 3_100_000, "cpr": "040480-4567"},
        {"date": "2026-01-31", "account": "5.38.50", "art": "7.8", "amount_ore": -6_200_000, "cpr": "040480-4567"},
    ])
    rows = {r.grant_id: r for r in forecast(ndb, 2026, dt.date(2026, 1, 31)).rows}
    assert rows[expense].booked_to_date == D("31000.00")
    assert rows[sold].booked_to_date == D("-62000.00")


def test_6_occupancy_counts_a_citizen_once_a_day_and_a_day_offer_as_q_over_5(ndb):
    from core.followup.occupancy import occupancy

    grant(ndb, cpr="050580-5678", provider="Eget Bo")                                  # all year
    grant(ndb, cpr="050580-5678", provider="Eget Bo", section="§ 107", end="2026-01-10")  # same days: once
    grant(ndb, cpr="060680-6789", provider="Eget Bo", section="§ 104", unit="dag", quantity="3",
          quantity_per="uge", rate="700")
    jan = next(m for m in occupancy(ndb, 2026) if m.provider == "Eget Bo" and m.month == 1)
    # 31 place-days + 3/5 of a place on January 2026's 22 weekdays (13,2) = 44,2 of 4 × 31 = 124
    assert (jan.capacity, jan.occupied) == (124, D("44.20"))
    assert jan.occupancy == D("35.6")  # 44,2 / 124 = 35,65 % -> 35,6 % (35,645… rounds down)


# ------------------------------------------------------------------ 7. colours

def test_7_overspend_is_the_warning_and_underspend_is_not(qtbot, ndb, tmp_path):
    from core.reports.monthly import LEGEND, build_monthly
    from core.reports.xlsx_writer import write_report
    from gui.common.followup_common import Column
    from gui.common.models import RecordModel
    from PySide6.QtCore import Qt
    from tests.reports.xlsx_check import load

    report = build_monthly(ndb, 2026, AS_OF)
    overview = report.tables[0]
    assert LEGEND in overview.notes and "Mindreforbrug er ikke markeret" in LEGEND
    ws = load(write_report(report, tmp_path / "m.xlsx"))["Oversigt"]
    dev = overview.index("deviation")
    by_label = {r.values[0]: i for i, r in enumerate(overview.rows)}
    over = ws.cell(5 + by_label["5.38.50 i alt"], dev + 1)    # 1.460.000 − 400.000: over budget
    under = ws.cell(5 + by_label["5.38.52 i alt"], dev + 1)   # 100.000 − 200.000: under budget
    assert over.font.color is not None and over.font.color.rgb.endswith("B00020")
    assert under.font.color is None or not str(under.font.color.rgb).endswith("B00020")

    model = RecordModel([Column("budget", "Budget", "kr"), Column("deviation", "Afvigelse", "kr", warn=True)],
                        tooltips=True)
    model.set_records([{"budget": D("-5"), "deviation": D("-100")}, {"budget": D("5"), "deviation": D("100")}])
    colour = lambda row, column: model.data(model.index(row, column), Qt.ItemDataRole.ForegroundRole)
    assert colour(0, 0) is None and colour(0, 1) is None      # negative numbers are not a warning
    assert colour(1, 1) is not None and colour(1, 0) is None  # an overspend is


# ------------------------------------------------------------------ 8. one place per rule

@hsettings(max_examples=200, deadline=None)
@given(num=st.integers(-10**9, 10**9), den=st.integers(1, 10**6))
def test_8_rounding_to_ore_is_one_rule_half_away_from_zero(num, den):
    from core.money import kr, round_half_away, to_ore

    value = Fraction(num, den)
    assert to_ore(value / 100) == round_half_away(num, den)
    assert kr(value / 100) == Decimal(round_half_away(num, den)).scaleb(-2)


def test_8_rounding_halves_and_the_average_price():
    from core.money import kr, to_ore
    from core.reports.monthly import _ratio

    assert (to_ore(D("0.005")), to_ore(D("-0.005")), to_ore(D("0.025"))) == (1, -1, 3)  # not half-even (2)
    assert kr(D("0.025")) == D("0.03") and kr(D("-0.025")) == D("-0.03")
    # 0,125 kr. per full-year equivalent: half-even would give 0,12
    assert _ratio({"expected_outturn": D("0.25"), "full_year_equivalents": D("2")}) == D("0.13")


@hsettings(max_examples=200, deadline=None)
@given(unit=st.sampled_from(["døgn", "dag", "time", "uge", "måned", "år", "engang"]),
       per=st.sampled_from(["uge", "måned"]), quantity=st.decimals("0.5", "40", places=1),
       rate=st.decimals("0.01", "99999", places=2), year=st.integers(2020, 2030))
def test_8_the_cost_per_day_has_one_rule(unit, per, quantity, rate, year):
    from core.register.costs import daily_cost
    from core.followup.forecast import unit_factor

    numerator, denominator = unit_factor(unit, quantity, per, year)
    assert daily_cost(rate, unit, quantity, per, year) == Fraction(rate) * Fraction(numerator, denominator)


def test_8_cpr_masking_is_one_rule():
    from core.cpr import mask_all
    from core.reports import mask_text

    for text in ("010180-1234", "0101801234 og 020280 2345", "x 010180-12345 y", "tlf. 12345678"):
        assert mask_text(text) == mask_all(text)
    assert mask_text("0101801234") == "010180-xxxx"


def test_8_the_audit_export_never_writes_a_formula(ndb, tmp_path):
    import csv

    from core.store import audit
    from tests.reports.xlsx_check import load

    rows = [{"at": "2026-10-31T10:00:00", "user": "=HYPERLINK(\"http://x\")", "table_name": "grants",
             "row_id": 1, "action": "+update", "old": "-2+3", "new": "@SUM(A1)", "batch_id": None}]
    audit.export(rows, tmp_path / "a.csv")
    with (tmp_path / "a.csv").open(encoding="utf-8-sig") as fh:
        cells = [c for row in list(csv.reader(fh, delimiter=";"))[1:] for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=HYPERLINK(\"http://x\")" in cells
    audit.export(rows, tmp_path / "a.xlsx")
    ws = load(tmp_path / "a.xlsx").active
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_8_expected_citizens_are_checked_by_the_grants_rules(ndb):
    from core.followup import expected
    from core.errors import ValidationError

    before = counts(ndb)
    base = {"section": "§ 104", "rate": "700", "start": "01-03-2027", "unit": "dag"}
    # a grant refuses these; so does an expected citizen
    for bad, field in (({"quantity": "8"}, "quantity"), ({"quantity": "0"}, "quantity"),
                       ({"quantity": "3", "account": "5-38-59"}, "account"),
                       ({"unit": "time", "quantity": "3", "quantity_per": "år"}, "quantity_per")):
        with pytest.raises(ValidationError) as ex:
            expected.add_expected(ndb, {**base, **bad})
        assert field in ex.value.problems, bad
    assert counts(ndb) == before
    new_id = expected.add_expected(ndb, {**base, "quantity": "3"})
    assert next(e for e in expected.list_expected(ndb) if e.id == new_id).quantity == D("3")


@hsettings(max_examples=300, deadline=None)
@given(ore=st.integers(-10**11, 10**11), style=st.sampled_from(["danish", "plain", "grouped", "kr", "dot"]))
def test_8_typed_and_imported_numbers_are_read_alike(ore, style):
    from core.importing.parsers import parse_amount
    from core.money import format_kr, parse_number

    danish = format_kr(ore)                                   # 1.234.567,89
    text = {"danish": danish, "plain": danish.replace(".", ""), "grouped": danish.split(",")[0],
            "kr": f"kr. {danish}", "dot": danish.replace(".", "").replace(",", ".")}[style]
    assert parse_number(text) == parse_amount(text)


@pytest.mark.parametrize("text", ["1,234", "-12,500", "999,999"])
def test_8_a_comma_and_three_digits_is_refused_typed_and_imported(text):
    from core.importing.parsers import ParseError, parse_amount
    from core.money import InvalidNumber, parse_number

    with pytest.raises(InvalidNumber) as typed:
        parse_number(text)
    with pytest.raises(ParseError) as imported:
        parse_amount(text)
    assert str(typed.value) == str(imported.value) and "decimalkomma" in str(typed.value)


def test_1_the_reports_say_when_the_own_municipality_is_missing(db):
    from core.reports.monthly import build_monthly
    from core.reports.quarterly import build_quarterly

    create_provider(db, "Eget Bo", "egen", places=4)
    grant(db, provider="Eget Bo", paying_municipality="Nabo Kommune")
    monthly = build_monthly(db, 2026, AS_OF)
    assert any("Egen kommune er ikke angivet" in n for n in monthly.tables[0].notes)
    assert "Egen kommune ikke angivet" in monthly.tables[0].subtitle
    occupancy_sheet = next(t for t in monthly.tables if t.title == "Belægning")
    assert any("Egen kommune er ikke angivet" in n for n in occupancy_sheet.notes)
    assert any("Egen kommune er ikke angivet" in n for n in build_quarterly(db, 2026).tables[0].notes)


def test_2_every_figure_is_the_same_on_screen_in_the_sheets_the_pdf_and_json(qtbot, qapp, ndb, db_path, tmp_path):
    """Drift i alt, the refund line and the grand total: one value, formatted many times."""
    from PySide6.QtCore import QThreadPool

    from core.money import format_number
    from core.reports.monthly import build_monthly
    from core.reports.xlsx_writer import write_report
    from gui.common.context import AppContext
    from gui.followup.followup_screen import Screen
    from gui.reports.pdf_report import write_pdf
    from tests.reports.pdf_text import pdf_text
    from tests.reports.xlsx_check import evaluate, load

    # by hand: operating 1.560.000,00; refund −58.750,00; grand total 1.501.250,00
    want = {"Drift i alt": D("1560000.00"), "Forventet refusion (§ 176)": D("-58750.00"), "I alt": D("1501250.00")}
    report = build_monthly(ndb, 2026, AS_OF, include_expected=False)
    overview = report.tables[0]
    col = overview.index("expected_outturn")
    rows = {(r.values[0] or r.values[2]): i for i, r in enumerate(overview.rows)}
    ws = load(write_report(report, tmp_path / "m.xlsx"))["Oversigt"]
    text = pdf_text(write_pdf(report, tmp_path / "m.pdf"))
    for label, value in want.items():
        assert overview.rows[rows[label]].values[col] == value, label
        assert evaluate(ws, f"{chr(65 + col)}{5 + rows[label]}") == value, label
        assert format_number(value) in text, label
    ndb.close()
    data = json.loads(run_cli("forecast", "--year", 2026, "--as-of", "2026-10-31", "--by", "account", "--no-expected",
                              "--json", db=db_path).stdout)
    assert data["total"]["expected_outturn"] == float(want["Drift i alt"])
    assert data["grand_total"]["expected_outturn"] == float(want["I alt"])
    context = AppContext(db_path)
    try:
        screen = Screen(context)
        qtbot.addWidget(screen)
        screen.year.setValue(2026)
        screen.expected_box.setChecked(False)
        screen.as_of.setDate(screen.as_of.date().fromString("2026-10-31", "yyyy-MM-dd"))
        screen._initialised = True
        screen.compute()
        qtbot.waitUntil(lambda: screen.result is not None, timeout=60000)
        shown = {screen.totals_model.columns[0].value(r): r.expected_outturn for r in screen.totals_model.rows}
        assert shown == want
    finally:
        QThreadPool.globalInstance().waitForDone(30000)
        context.close()
