"""Reconciliation, refund, occupancy, validation, approval, expected citizens and budgets."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest

from core.followup import approval, expected, validation
from core.register import budgets
from core.errors import DispoError, ValidationError
from core.followup.forecast import forecast
from core.register.grants import create_grant
from core.followup.occupancy import occupancy
from core.register.providers import add_provider_rate, create_provider
from core.followup.reconcile import reconcile
from core.followup.refund import Thresholds, refund_ore, refund_rows
from tests.conftest import run_cli

D = Decimal
OWN = "Eksempel Kommune"


@pytest.fixture
def fdb(db):
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Eget Bosted", "egen", places=2, occupancy_target="95", invoice_lag_days=30)
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=45)
    return db


def grant(db, **fields) -> int:
    data = {"cpr": "010180-1234", "section": "§ 108", "provider": "Privat ApS", "unit": "døgn", "rate": "1000",
            "start": "2026-01-01", "paying_municipality": OWN}
    data.update(fields)
    return create_grant(db, data)


def posting(db, cpr, account, amount, date):
    return db["postings"].insert({"date": date, "account": account, "amount_ore": int(D(amount) * 100),
                                  "cpr": cpr, "voucher": f"B{date}"}).last_pk


def counts(db) -> dict:
    return {t: db.execute(f"SELECT COUNT(*) FROM [{t}]").fetchone()[0]
            for t in ("grants", "postings", "budgets", "approvals", "approval_rows", "expected_citizens", "audit")}


# ------------------------------------------------------------------ reconciliation

def test_reconciliation_flags(fdb):
    grant(fdb, cpr="010180-1234")                                   # invoiced monthly, on time
    grant(fdb, cpr="020290-2345", start="2026-02-01")               # never invoiced
    grant(fdb, cpr="030370-3456", section="§ 104", unit="dag", quantity="5", rate="700")  # 500 a day, 5.38.59
    for month in range(1, 10):                                      # Jan..Sep, each invoice at the month's end
        last = (dt.date(2026, month + 1, 1) - dt.timedelta(days=1))
        posting(fdb, "010180-1234", "5.38.50", last.day * 1000, last.isoformat())
    posting(fdb, "010180-1234", "5.38.50", "31000", "2026-03-15")   # March paid twice
    posting(fdb, "030370-3456", "5.38.50", "15000", "2026-09-30")   # wrong account
    posting(fdb, "040460-4567", "5.38.52", "2000", "2026-09-30")    # no grant at all
    rows = {(r.cpr, r.account): r for r in reconcile(fdb, 2026, dt.date(2026, 10, 31))}
    paid_twice = rows[("010180-1234", "5.38.50")]
    assert paid_twice.flags.count("double_payment") == 1 and "no_postings" not in paid_twice.flags
    # named by the finance system's vouchers (the test's posting() numbers them B<date>), not Dispo's row ids
    assert "2 posteringer à 31.000,00 kr. i 03-2026 (bilag B2026-03-15 og B2026-03-31)" in paid_twice.messages
    # booked Jan-Sep 273,000 + 31,000 twice; due with a 45-day lag on Oct 31: invoices through
    # August (Aug 31 + 45 = Oct 15; Sep 30 + 45 = Nov 14 is not due yet): 243 days
    assert paid_twice.booked == (273000 + 31000) * 100
    assert paid_twice.due == 243000 * 100
    # booked 304.000 lies between due (243.000) and computed to date (304 days = 304.000): the
    # amounts alone look as expected; the double payment is what gives it away
    assert paid_twice.computed == 304000 * 100 and "difference" not in paid_twice.flags
    assert rows[("020290-2345", "5.38.50")].flags[0] == "no_postings"
    assert rows[("030370-3456", "5.38.50")].flags == ["wrong_account"]
    assert "no_postings" in rows[("030370-3456", "5.38.59")].flags
    assert rows[("040460-4567", "5.38.52")].flags == ["no_grant"]


def test_a_difference_is_booked_outside_due_to_computed(fdb):
    # 1.000 kr. a day from 1 January; as of 31 March with a 45-day lag, January is due
    # (31.000 kr.) and 90 days are computed (90.000 kr.); the threshold is 1.000 kr.
    for cpr in ("010180-1234", "020290-2345", "030370-3456", "040460-4567"):
        grant(fdb, cpr=cpr)
    for cpr, amount in (("010180-1234", "31000"),    # January only: as expected
                        ("020290-2345", "90000"),    # all three months already: as expected
                        ("030370-3456", "29500"),    # 1.500 kr. short of what is due: flagged
                        ("040460-4567", "91500")):   # 1.500 kr. more than computed: flagged
        posting(fdb, cpr, "5.38.50", amount, "2026-01-31")
    rows = {r.cpr: r for r in reconcile(fdb, 2026, dt.date(2026, 3, 31))}
    assert rows["010180-1234"].due == 31000 * 100 and rows["010180-1234"].computed == 90000 * 100
    assert "difference" not in rows["010180-1234"].flags and "difference" not in rows["020290-2345"].flags
    assert "difference" in rows["030370-3456"].flags
    assert "1.500,00 kr. under det forventede" in rows["030370-3456"].messages[-1]
    assert "difference" in rows["040460-4567"].flags and "1.500,00" in rows["040460-4567"].messages[-1]


@pytest.mark.parametrize("as_of, lag, through", [
    ("2026-10-31", 30, "2026-09-30"), ("2026-10-30", 30, "2026-09-30"), ("2026-10-29", 30, "2026-08-31"),
    ("2026-10-31", 45, "2026-08-31"), ("2026-03-01", 0, "2026-02-28"), ("2026-03-31", 0, "2026-03-31"),
])
def test_invoiced_through(as_of, lag, through):
    from core.followup.reconcile import invoiced_through

    assert invoiced_through(dt.date.fromisoformat(as_of), lag) == dt.date.fromisoformat(through)


def test_reconciliation_quiet_when_all_is_well(fdb):
    grant(fdb, cpr="010180-1234", end="2026-06-30")
    for month in range(1, 7):
        last = (dt.date(2026, month + 1, 1) - dt.timedelta(days=1))
        posting(fdb, "010180-1234", "5.38.50", last.day * 1000, last.isoformat())
    (row,) = reconcile(fdb, 2026, dt.date(2026, 10, 31))
    assert row.flags == [] and row.booked == row.computed == 181000 * 100


# ------------------------------------------------------------------ refund

T2022 = Thresholds(86_000_000, 168_000_000, 212_000_000)


@pytest.mark.parametrize("expenses, refund", [
    (860_000, 0), (860_000.01, 0), (860_004, 1),              # 25 % of 4 kr. = 1 kr.; of 1 øre = 0,25 øre -> 0
    (1_680_000, 205_000),                                     # 25 % of 820,000
    (2_120_000, 425_000),                                     # + 50 % of 440,000
    (2_500_000, 710_000),                                     # + 75 % of 380,000
])
def test_refund_at_the_thresholds(expenses, refund):
    assert refund_ore(round(D(str(expenses)) * 100), T2022) == refund * 100


def test_refund_age_rule(fdb):
    # 1,000 a day all year = 365,000; 3,000 a day = 1,095,000 > T1
    grant(fdb, cpr="020159-1234", rate="3000")                         # 66 on Jan 1 2026: admitted
    grant(fdb, cpr="010159-1234", rate="3000")                         # 67 on Jan 1 2026, new: not admitted
    grant(fdb, cpr="010159-2345", rate="3000", start="2025-01-01")     # 67 now, in the scheme in 2025
    grant(fdb, cpr="030180-1234", rate="1000")                         # below T1
    grant(fdb, cpr="040180-1234", rate="2000", end="2026-06-30")       # 362,000: below T1
    thresholds, rows = refund_rows(fdb, 2026)
    assert thresholds == T2022
    by_cpr = {r.cpr: r for r in rows}
    assert set(by_cpr) == {"020159-1234", "010159-2345"}
    assert by_cpr["020159-1234"].expenses == D(1095000)
    assert by_cpr["020159-1234"].refund == D("58750.00")               # 25 % of 235,000
    assert by_cpr["010159-2345"].continued
    result = forecast(fdb, 2026, dt.date(2026, 6, 30))
    (line,) = [r for r in result.lines if "refusion" in r.name]
    assert line.expected_outturn == D(-117500)
    assert result.grand_total.expected_outturn == result.total.expected_outturn - D(117500)
    assert not forecast(fdb, 2026, dt.date(2026, 6, 30), include_refund=False).lines


def test_cli_refund_json(fdb, db_path):
    grant(fdb, cpr="020159-1234", section="§ 96", unit="år", rate="2500000")
    fdb.close()
    r = run_cli("refund", "--year", "2026", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["year"] == 2026 and data["thresholds"] == {"t1": 860000.0, "t2": 1680000.0, "t3": 2120000.0}
    assert [(x["cpr"], x["expenses"], x["refund"]) for x in data["rows"]] == [("020159-1234", 2500000.0, 710000.0)]


# ------------------------------------------------------------------ occupancy

def test_occupancy_with_sold_places(fdb):
    grant(fdb, provider="Eget Bosted", cpr="010180-1234", end="2026-01-31")
    grant(fdb, provider="Eget Bosted", cpr="020290-2345", rate="2000", end="2026-01-15",
          paying_municipality="Nabo Kommune")
    jan, feb = [m for m in occupancy(fdb, 2026) if m.month in (1, 2)]
    assert (jan.capacity, jan.occupied, jan.sold) == (62, 46, 15)
    assert jan.occupancy == D("74.2")                                  # 46 / 62
    assert jan.sold_income == D(30000) and jan.below_target
    assert (feb.occupied, feb.occupancy, feb.sold_income) == (0, D("0.0"), D(0))


# ------------------------------------------------------------------ validation

def test_validation_findings(fdb):
    eget = fdb.execute("SELECT id FROM providers WHERE name = 'Eget Bosted'").fetchone()[0]
    add_provider_rate(fdb, eget, "døgn", dt.date(2026, 1, 1), "1500", section="§ 108")
    manual = grant(fdb, provider="Eget Bosted", rate="1400")
    dup = grant(fdb, provider="Eget Bosted", rate="1500", rate_from_catalogue=True)
    overdue = grant(fdb, cpr="020290-2345", followup_date="2026-05-01")
    ended = grant(fdb, cpr="030370-3456", end="2026-03-31", status="aktiv")
    soon = grant(fdb, cpr="040460-4567", end="2026-07-15")
    pay = grant(fdb, cpr="050550-5678", acting_municipality="Nabo Kommune")
    fdb.execute("UPDATE grant_rates SET rate = '0' WHERE grant_id = ?", [soon])
    nabo = create_provider(fdb, "Nabo Tilbud", "kommune")
    found = {(f.rule, f.record_id) for f in validation.validate(fdb, dt.date(2026, 6, 30))}
    assert ("manual_rate", manual) in found and ("manual_rate", dup) not in found
    assert ("duplicate", dup) in found
    assert ("followup", overdue) in found
    assert ("ended", ended) in found
    assert ("ending_soon", soon) in found and ("rate", soon) in found
    assert ("payment_only", pay) in found
    assert ("ownership", nabo) in found
    assert all(f.message and f.table in ("grants", "providers", "expected_citizens", "satser", "budgets")
               for f in validation.validate(fdb, dt.date(2026, 6, 30)))


def _yearly(findings) -> dict[str, str]:
    """The missing yearly values: code (as the message names it in brackets) -> severity."""
    return {re.search(r"\(([a-z0-9_]+)\) (?:mangler|er ikke)", f.message)[1]: f.severity
            for f in findings if f.rule == "sats_missing"}


def test_missing_yearly_values_on_a_new_database(fdb):
    from core.register.catalogue import set_sats
    from core.scenarios import businesscase, store

    on = dt.date(2026, 11, 30)
    # A new database carries the shipped 2022 values only. The refund thresholds (3) and the
    # personal-assistance hourly rate are regulated each year: unknown for 2026, but nothing of
    # 2026 is built on them yet, so they are warnings. The 8 values that hold until the law or the
    # agreement changes (staircase, cap, weeks per month, occupancy target ...) are not missing.
    assert _yearly(validation.validate(fdb, on)) == {"refund_t1": "advarsel", "refund_t2": "advarsel",
                                                   "refund_t3": "advarsel", "pa_hourly_rate": "advarsel"}
    # a grant in 2026: the year's refund is computed with the 2022 thresholds, an error now
    grant(fdb)
    # a business case saved for 2026 takes the hourly rate of 2026 (2022's): an error too
    store.save_case(fdb, "Job med PA", businesscase.parse_case(
        {"year": 2026, "before": [], "after": [{"kind": "pa", "hours_per_week": 7}]}))
    assert _yearly(validation.validate(fdb, on)) == {"refund_t1": "fejl", "refund_t2": "fejl",
                                                   "refund_t3": "fejl", "pa_hourly_rate": "fejl"}
    message = next(f.message for f in validation.validate(fdb, on) if "refund_t1" in f.message)
    assert "refusion" in message and "2022" in message
    for kind, value in (("refund_t1", 900000), ("refund_t2", 1700000), ("refund_t3", 2200000),
                        ("pa_hourly_rate", 135)):
        set_sats(fdb, kind, 2026, value)
    assert _yearly(validation.validate(fdb, on)) == {}
    # the grant is open-ended, so 2027's refund needs 2027's thresholds: errors again
    assert _yearly(validation.validate(fdb, dt.date(2027, 1, 31)))["refund_t1"] == "fejl"


# ------------------------------------------------------------------ approval

def test_approve_month_and_snapshot(fdb):
    grant(fdb, rate="1000")
    budgets.set_budget(fdb, 2026, "5.38.50", "400000", full_year_equivalents="1")
    approval_id = approval.approve_month(fdb, 2026, 3, reason="Ingen bogføringer endnu")
    snap = approval.snapshot(fdb, approval_id)
    assert snap.as_of == dt.date(2026, 3, 31)
    account = next(r for r in snap.rows if r["level"] == "account")
    assert (account["key"], account["computed_ore"], account["expected_ore"]) == ("5.38.50", 9000000, 36500000)
    assert snap.total["budget_ore"] == 40000000 and snap.total["deviation_ore"] == -3500000
    before = counts(fdb)
    with pytest.raises(DispoError, match="allerede godkendt"):
        approval.approve_month(fdb, 2026, 3)
    with pytest.raises(DispoError, match="1–12"):
        approval.approve_month(fdb, 2026, 13)
    with pytest.raises(DispoError, match="ingen bevillinger"):
        approval.approve_month(fdb, 2019, 5)
    assert counts(fdb) == before
    grant(fdb, cpr="020290-2345", rate="500")
    new_id = approval.approve_month(fdb, 2026, 3, replace=True, reason="Ny bevilling")
    assert [s.id for s in approval.snapshots(fdb, 2026)] == [new_id]
    assert approval.snapshot(fdb, new_id).total["expected_ore"] == 36500000 + 18250000
    replaced = fdb.execute("SELECT old FROM audit WHERE table_name = 'approvals' AND action = 'replace'").fetchone()
    assert json.loads(replaced[0])["id"] == approval_id


@pytest.mark.parametrize("year, month, bank_day", [
    (2026, 5, dt.date(2026, 5, 29)),    # 31 May 2026 is a Sunday, 30 a Saturday: Friday the 29th
    (2026, 3, dt.date(2026, 3, 31)),    # a Tuesday: the month's own last day
    (2024, 3, dt.date(2024, 3, 27)),    # Easter 2024: Good Friday 29, Saturday, Easter Sunday 31; Maundy Thursday 28
    (2026, 12, dt.date(2026, 12, 30)),  # 31 December the banks are closed (a Thursday in 2026)
    (2026, 1, dt.date(2026, 1, 30)),    # 31 January 2026 is a Saturday
    (2027, 5, dt.date(2027, 5, 31)),    # a Monday; Whit Monday 2027 is 17 May
])
def test_last_bank_day(year, month, bank_day):
    assert approval.last_bank_day(year, month) == bank_day


def test_bookings_through_the_last_bank_day_need_no_reason(fdb):
    from core.register.catalogue import set_sats

    grant(fdb, rate="1000")
    for kind, value in (("refund_t1", 900000), ("refund_t2", 1700000), ("refund_t3", 2200000)):
        set_sats(fdb, kind, 2026, value)  # the year's refund needs them: no validation error left
    today = dt.date(2026, 6, 15)

    def kinds():
        return {c.kind for c in approval.checks(fdb, 2026, 5, today)}

    assert "bookings_end" in kinds()
    message = next(c.message for c in approval.checks(fdb, 2026, 5, today) if c.kind == "bookings_end")
    assert message == ("Der er ingen bogføringer i 2026, ikke til månedens sidste bankdag 29-05-2026 "
                       "(den sidste bankdag før 31-05-2026)")
    posting(fdb, "010180-1234", "5.38.50", "31000", "2026-05-28")   # Thursday: a bank day is missing
    assert "bookings_end" in kinds()
    posting(fdb, "010180-1234", "5.38.50", "31000", "2026-05-29")   # Friday before the weekend month-end
    assert kinds() == set()  # bookings in May on the grant's account, to the last bank day
    before = counts(fdb)
    approval_id = approval.approve_month(fdb, 2026, 5, today=today)   # no reason needed
    assert approval.snapshot(fdb, approval_id).reason == "" and counts(fdb)["approvals"] == before["approvals"] + 1


def test_bookings_after_the_month_cover_it(fdb):
    grant(fdb, rate="1000")
    posting(fdb, "010180-1234", "5.38.50", "31000", "2026-03-15")
    posting(fdb, "010180-1234", "5.38.50", "30000", "2026-04-02")  # the export was drawn in April
    assert "bookings_end" not in {c.kind for c in approval.checks(fdb, 2026, 3, dt.date(2026, 4, 5))}


def test_cli_approve_and_snapshots(fdb, db_path):
    grant(fdb)
    fdb.close()
    assert run_cli("approve", "--year", "2026", "--month", "2", "--reason", "Prøve", db=db_path).returncode == 0
    r = run_cli("approve", "--year", "2026", "--month", "2", "--reason", "Prøve", db=db_path)
    assert r.returncode == 1 and "allerede godkendt" in r.stderr
    r = run_cli("approve", "--year", "2026", "--month", "13", db=db_path)
    assert r.returncode == 2 and "Måned skal være 1–12" in r.stderr
    data = json.loads(run_cli("snapshots", "--json", db=db_path).stdout)
    assert [(s["year"], s["month"]) for s in data] == [(2026, 2)]
    assert data[0]["rows"][-1]["level"] == "total" and data[0]["rows"][-1]["computed_to_date"] == 59000.0
    listed = run_cli("snapshots", db=db_path).stdout
    assert "februar 2026" in listed and "02 februar" not in listed


# ------------------------------------------------------------------ expected citizens

def test_expected_citizens_line(fdb):
    first = expected.add_expected(fdb, {"section": "§ 108", "rate": "1000", "start": "2026-07-01"})
    second = expected.add_expected(fdb, {"ident": "020290-2345", "section": "§ 85", "rate": "500",
                                         "quantity": "7", "start": "01-12-2026"})
    items = {e.id: e for e in expected.list_expected(fdb)}
    assert items[first].ident == "T-0001" and items[first].temporary
    assert items[second].ident == "020290-2345" and not items[second].temporary
    assert items[second].quantity_per == "uge"
    grant(fdb)
    result = forecast(fdb, 2026, dt.date(2026, 6, 30))
    (line,) = result.lines
    # 184 days at 1,000 + 31 days at 500
    assert line.name == "Kommende borgere" and line.expected_outturn == D(184000 + 15500)
    assert line.computed_to_date == 0
    assert result.grand_total.expected_outturn == result.total.expected_outturn + line.expected_outturn
    assert forecast(fdb, 2026, dt.date(2026, 6, 30), include_expected=False).lines == ()


def test_expected_bad_input_changes_nothing(fdb):
    before = counts(fdb)
    with pytest.raises(ValidationError) as err:
        expected.add_expected(fdb, {"ident": "123", "section": "§ 999", "rate": "-1", "start": "31-02-2026"})
    assert set(err.value.problems) == {"ident", "section", "rate", "start"}
    assert counts(fdb) == before


def test_import_young_people(fdb, tmp_path):
    path = tmp_path / "unge.csv"
    path.write_text("CPR;Navn;Paragraf;Takst\n150808-4321;Ung Et;§ 108;2500,00\n290208-4322;Ung To;§ 107;700\n",
                    encoding="utf-8")
    ids = expected.import_young_people(fdb, path)
    items = {e.id: e for e in expected.list_expected(fdb)}
    assert [items[i].start for i in ids] == [dt.date(2026, 8, 15), dt.date(2026, 3, 1)]  # 18th birthdays
    assert all(items[i].source == "ung18" for i in ids)
    bad = tmp_path / "bad.csv"
    bad.write_text("CPR;Navn;Paragraf;Takst\n010109-4321;A;§ 108;100\n010109-4322;B;§ 108;nul\n", encoding="utf-8")
    before = counts(fdb)
    with pytest.raises(DispoError, match="Række 3"):
        expected.import_young_people(fdb, bad)
    assert counts(fdb) == before


def test_cli_expected_and_budget(fdb, db_path):
    fdb.close()
    r = run_cli("expected", "add", "--section", "§ 108", "--rate", "2000", "--start", "01-09-2026", "--json",
                db=db_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ident"] == "T-0001"
    assert [e["ident"] for e in json.loads(run_cli("expected", "list", "--json", db=db_path).stdout)] == ["T-0001"]
    assert run_cli("budget", "set", "--year", "2026", "--account", "5.38.50", "--amount", "1.234.567,89",
                   "--fye", "3,5", db=db_path).returncode == 0
    data = json.loads(run_cli("budget", "list", "--year", "2026", "--json", db=db_path).stdout)
    assert [(b["account"], b["original"], b["full_year_equivalents"]) for b in data] == [("5.38.50", 1234567.89, 3.5)]
    r = run_cli("budget", "set", "--year", "2026", "--account", "538", "--amount", "1", db=db_path)
    assert r.returncode == 1 and "Konto skal skrives som 5.38.50" in r.stderr
    r = run_cli("budget", "set", "--year", "2026", "--account", "5.38.50", "--amount", "1", "--month", "13",
                db=db_path)
    assert r.returncode == 2
    assert len(json.loads(run_cli("budget", "list", "--json", db=db_path).stdout)) == 1


def test_cli_reconcile_occupancy_validate_json(fdb, db_path):
    grant(fdb, provider="Eget Bosted")
    posting(fdb, "040460-4567", "5.38.52", "2000", "2026-09-30")
    fdb.close()
    rec = json.loads(run_cli("reconcile", "--year", "2026", "--as-of", "2026-10-31", "--json", db=db_path).stdout)
    assert {r["cpr"] for r in rec["rows"]} >= {"040460-4567"}
    occ = json.loads(run_cli("occupancy", "--year", "2026", "--json", db=db_path).stdout)
    assert len(occ["rows"]) == 12 and occ["rows"][0]["occupancy"] == 50.0
    val = json.loads(run_cli("validate", "--as-of", "2026-10-31", "--json", db=db_path).stdout)
    assert all({"rule", "message", "table", "record_id"} <= set(f) for f in val)
