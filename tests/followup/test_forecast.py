"""The forecast (dispositionsregnskab): hand-checked cases, roll-ups, budget effects, samples."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from core.register import budgets
from core.errors import DispoError
from core.followup.forecast import forecast, monthly_outturn, split_proportionally
from core.register.grants import change_rate, create_grant
from core.register.providers import create_provider
from tests.conftest import run_cli

D = Decimal
OWN = "Eksempel Kommune"
CPR_A = "010180-1234"
CPR_B = "020290-2345"


@pytest.fixture
def fdb(db):
    """A database with the own municipality set and two providers."""
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Eget Bosted", "egen", places=10, occupancy_target="95", invoice_lag_days=30)
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=45)
    return db


def grant(db, **fields) -> int:
    data = {"cpr": CPR_A, "section": "§ 108", "provider": "Privat ApS", "unit": "døgn", "rate": "1000",
            "start": "2026-01-01", "paying_municipality": OWN}
    data.update(fields)
    return create_grant(db, data)


def row_of(result, grant_id):
    return next(r for r in result.rows if r.grant_id == grant_id)


def figures(result, grant_id):
    r = row_of(result, grant_id)
    return r.computed_to_date, r.committed_rest, r.expected_outturn


# ------------------------------------------------------------------ hand-checked units

@pytest.mark.parametrize("fields, as_of, to_date, rest", [
    # døgn 1000/day, 10 days in March, as of the 5th: 5 days each side
    ({"unit": "døgn", "rate": "1000", "start": "2026-03-01", "end": "2026-03-10"}, "2026-03-05", "5000", "5000"),
    # dag: 700 x 3 days a week / 7 = 300 a day; Jan = 31 days, rest of 2026 = 334 days
    ({"section": "§ 104", "unit": "dag", "quantity": "3", "rate": "700"}, "2026-01-31", "9300", "100200"),
    # time per week: 500 x 7 / 7 = 500 a day
    ({"section": "§ 85", "unit": "time", "quantity": "7", "quantity_per": "uge", "rate": "500"}, "2026-01-31",
     "15500", "167000"),
    # time per month: 219 x 10 x 12 / 365 = 72 a day
    ({"section": "§ 97", "unit": "time", "quantity": "10", "quantity_per": "måned", "rate": "219"}, "2026-01-31",
     "2232", "24048"),
    # uge: 7000 / 7 = 1000 a day
    ({"unit": "uge", "rate": "7000"}, "2026-01-31", "31000", "334000"),
    # måned: 3650 x 12 / 365 = 120 a day
    ({"section": "§ 103", "unit": "måned", "rate": "3650"}, "2026-01-31", "3720", "40080"),
    # år: 365000 / 365 = 1000 a day
    ({"section": "§ 96", "unit": "år", "rate": "365000"}, "2026-01-31", "31000", "334000"),
    # engang: the whole rate on the start date
    ({"unit": "engang", "rate": "5000", "start": "2026-06-15"}, "2026-05-31", "0", "5000"),
    ({"unit": "engang", "rate": "5000", "start": "2026-06-15"}, "2026-06-15", "5000", "0"),
    # end date: 59 days (Jan + Feb) at 100
    ({"unit": "døgn", "rate": "100", "start": "2025-06-01", "end": "2026-02-28"}, "2026-01-31", "3100", "2800"),
    # rounding once per grant: 1499.97 x 31 / 7 = 6642.7242857 -> 6642.72; 1499.97 x 334 / 7 = 71569.9971 -> 71570.00
    ({"section": "§ 85", "unit": "time", "quantity": "3", "quantity_per": "uge", "rate": "499.99"}, "2026-01-31",
     "6642.72", "71570.00"),
])
def test_units_by_hand(fdb, fields, as_of, to_date, rest):
    gid = grant(fdb, **fields)
    result = forecast(fdb, 2026, dt.date.fromisoformat(as_of))
    assert figures(result, gid) == (D(to_date), D(rest), D(to_date) + D(rest))


def test_rate_change_mid_year(fdb):
    gid = grant(fdb, rate="1000")
    change_rate(fdb, gid, dt.date(2026, 7, 1), "1200")
    # Jan-Jun = 181 days at 1000, Jul-Dec = 184 days at 1200
    assert figures(forecast(fdb, 2026, dt.date(2026, 6, 30)), gid) == (D(181000), D(220800), D(401800))
    # as of Jul 10: 181000 + 10 x 1200
    assert figures(forecast(fdb, 2026, dt.date(2026, 7, 10)), gid)[:2] == (D(193000), D(208800))


def test_rate_from_before_the_year_applies(fdb):
    gid = grant(fdb, rate="900", start="2024-05-01")
    change_rate(fdb, gid, dt.date(2025, 1, 1), "1000")
    assert figures(forecast(fdb, 2026, dt.date(2026, 12, 31)), gid) == (D(365000), D(0), D(365000))


def test_leap_year(fdb):
    daily = grant(fdb, unit="døgn", rate="100", start="2027-06-01")
    monthly = grant(fdb, section="§ 103", unit="måned", rate="3660", start="2027-06-01")
    yearly = grant(fdb, section="§ 96", unit="år", rate="366000", start="2027-06-01")
    per_month_hours = grant(fdb, section="§ 97", unit="time", quantity="10", quantity_per="måned", rate="61",
                            start="2027-06-01")
    result = forecast(fdb, 2028, dt.date(2028, 2, 29))
    # Jan 1..Feb 29 2028 = 60 days; the rest = 306 days
    assert figures(result, daily) == (D(6000), D(30600), D(36600))
    # 3660 x 12 / 366 = 120 a day; a whole leap year is 12 months' rate
    assert figures(result, monthly) == (D(7200), D(36720), D(43920))
    # 366000 / 366 = 1000 a day
    assert figures(result, yearly) == (D(60000), D(306000), D(366000))
    # 61 x 10 x 12 / 366 = 20 a day
    assert figures(result, per_month_hours) == (D(1200), D(6120), D(7320))


def test_sold_place_is_income(fdb):
    gid = grant(fdb, provider="Eget Bosted", rate="2000", paying_municipality="Nabo Kommune",
                acting_municipality="Nabo Kommune")
    ext = grant(fdb, provider="Privat ApS", rate="2000", cpr=CPR_B, paying_municipality="Nabo Kommune")
    result = forecast(fdb, 2026, dt.date(2026, 1, 31))
    assert figures(result, gid) == (D(-62000), D(-668000), D(-730000))
    # another municipality paying for an external provider is not our income
    assert figures(result, ext)[0] == D(62000)
    assert result.total.expected_outturn == D(0)


# ------------------------------------------------------------------ postings and roll-ups

def posting(db, cpr, account, amount, date="2026-01-31"):
    db["postings"].insert({"date": date, "account": account, "amount_ore": int(D(amount) * 100), "cpr": cpr})


def test_booked_matched_by_citizen_and_account(fdb):
    a = grant(fdb, rate="1000")                          # 5.38.50
    b = grant(fdb, cpr=CPR_B, section="§ 85", unit="time", quantity="7", quantity_per="uge", rate="100")
    posting(fdb, CPR_A, "5.38.50", "30000")
    posting(fdb, CPR_A, "5.38.50", "1000", date="2026-02-15")   # after as-of: not booked
    posting(fdb, CPR_A, "5.38.50", "999", date="2025-12-31")    # last year: not booked
    posting(fdb, CPR_B, "5.38.50", "500")                       # no grant on that account
    posting(fdb, "030303-3333", "5.38.59", "250")               # no grant at all
    result = forecast(fdb, 2026, dt.date(2026, 1, 31))
    assert row_of(result, a).booked_to_date == D(30000)
    assert row_of(result, a).backlog == D(1000)
    assert row_of(result, b).booked_to_date == D(0)
    assert result.total.booked_to_date == D(30750)
    assert result.unmatched.booked_to_date == D(750)
    by_account = {r.account: r for r in forecast(fdb, 2026, dt.date(2026, 1, 31), by="account").rows}
    assert by_account["5.38.50"].booked_to_date == D(30500)
    assert by_account["5.38.59"].booked_to_date == D(250)
    assert by_account["5.38.59"].expected_outturn == D(0)
    by_citizen = {r.cpr: r for r in forecast(fdb, 2026, dt.date(2026, 1, 31), by="citizen").rows}
    assert by_citizen[CPR_B].booked_to_date == D(500)
    assert by_citizen["030303-3333"].booked_to_date == D(250)


def test_booked_shared_between_grants_of_one_account(fdb):
    a = grant(fdb, rate="1000")
    b = grant(fdb, rate="2000", provider="Eget Bosted")
    posting(fdb, CPR_A, "5.38.50", "9000.01")
    result = forecast(fdb, 2026, dt.date(2026, 1, 31))
    # computed 31000 : 62000 = 1 : 2; the odd øre goes to the largest remainder
    assert row_of(result, a).booked_to_date + row_of(result, b).booked_to_date == D("9000.01")
    assert row_of(result, a).booked_to_date == D("3000.00")
    assert row_of(result, b).booked_to_date == D("6000.01")


def test_split_proportionally_adds_up():
    assert split_proportionally(10, [1, 1, 1]) == [4, 3, 3]
    assert split_proportionally(-10, [1, 1, 1]) == [-4, -3, -3]
    assert split_proportionally(7, [0, 0]) == [7, 0]


def test_budget_volume_and_price(fdb):
    grant(fdb, rate="1500")                                         # one full-year person: 547,500
    budgets.set_budget(fdb, 2026, "5.38.50", "1000000", full_year_equivalents="2")
    row = {r.account: r for r in forecast(fdb, 2026, dt.date(2026, 6, 30), by="account").rows}["5.38.50"]
    assert row.budget == D(1000000)
    assert row.expected_outturn == D(547500)
    assert row.deviation == D(-452500)
    assert row.full_year_equivalents == D(1)
    assert row.average_price == D(547500)
    # volume: (1 - 2) x 500,000; price: (547,500 - 500,000) x 1
    assert row.volume_effect == D(-500000)
    assert row.price_effect == D(47500)


def test_corrected_budget_and_unknown_volume(fdb):
    grant(fdb, rate="1000", end="2026-07-01")                        # 182 days = 182,000
    budgets.set_budget(fdb, 2026, "5.38.50", "100000", corrected="150000")
    row = {r.account: r for r in forecast(fdb, 2026, dt.date(2026, 6, 30), by="account").rows}["5.38.50"]
    assert row.budget == D(150000)
    assert row.deviation == D(32000)
    assert row.full_year_equivalents == D("0.50")                    # 182 / 365 = 0.4986
    assert row.budget_full_year_equivalents is None
    assert (row.volume_effect, row.price_effect) == (D(32000), D(0))


def test_monthly_budget_rows_add_up_and_section_budget(fdb):
    grant(fdb, rate="1000")
    for month in range(1, 13):
        budgets.set_budget(fdb, 2026, "5.38.50", "30000", month=month, section="§ 108")
    acc = forecast(fdb, 2026, dt.date(2026, 6, 30), by="account").rows
    sec = forecast(fdb, 2026, dt.date(2026, 6, 30), by="section").rows
    assert {r.account: r.budget for r in acc}["5.38.50"] == D(360000)
    assert {r.section: r.budget for r in sec}["§ 108"] == D(360000)
    assert {r.section: r.deviation for r in sec}["§ 108"] == D(5000)


def test_fye_counts_a_citizen_once_per_account(fdb):
    grant(fdb, rate="1000", end="2026-06-30")                 # Jan-Jun
    grant(fdb, rate="1000", provider="Eget Bosted", start="2026-04-01")   # Apr-Dec, overlapping Apr-Jun
    grant(fdb, cpr=CPR_B, rate="1000", start="2026-07-02")    # 183 days
    row = forecast(fdb, 2026, dt.date(2026, 6, 30), by="account").rows[0]
    # citizen A: all 365 days once; citizen B: 183 days -> 548 / 365 = 1.5014
    assert row.full_year_equivalents == D("1.50")


def test_monthly_outturn_ends_at_the_expected_outturn(fdb):
    grant(fdb, section="§ 85", unit="time", quantity="3", quantity_per="uge", rate="499.99")
    grant(fdb, cpr=CPR_B, rate="1234.56", start="2026-02-10")
    budgets.set_budget(fdb, 2026, "5.38.50", "120000.12")
    posting(fdb, CPR_A, "5.32.33", "1000", date="2026-03-04")
    months = monthly_outturn(fdb, 2026, dt.date(2026, 3, 20))
    total = forecast(fdb, 2026, dt.date(2026, 3, 20)).total
    assert months[-1].cumulative_expected == total.expected_outturn
    assert sum(m.computed for m in months) == total.expected_outturn
    assert months[2].booked == D(1000) and months[-1].cumulative_booked == D(1000)
    assert months[-1].cumulative_budget == D("120000.12")
    # January: only the hourly grant (CPR_B starts Feb 10): 499.99 x 3 / 7 x 31 = 6642.72
    assert months[0].computed == D("6642.72")


# ------------------------------------------------------------------ bad input

def test_bad_input_is_refused_in_danish(fdb):
    grant(fdb)
    with pytest.raises(DispoError, match="Ukendt opdeling"):
        forecast(fdb, 2026, dt.date(2026, 1, 31), by="kommune")
    with pytest.raises(DispoError, match="ligger ikke i 2026"):
        forecast(fdb, 2026, dt.date(2027, 1, 31))
    with pytest.raises(DispoError, match="ingen bevillinger"):
        forecast(fdb, 2019)


def test_cli_forecast_json_shape_and_errors(fdb, db_path):
    grant(fdb, rate="1000")
    budgets.set_budget(fdb, 2026, "5.38.50", "300000", full_year_equivalents="1")
    posting(fdb, CPR_A, "5.38.50", "20000", date="2026-01-20")
    fdb.close()
    before = db_path.read_bytes()
    r = run_cli("forecast", "--year", "2026", "--by", "account", "--json", db=db_path)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert {"year", "as_of", "rows", "total"} <= set(data)
    assert data["as_of"] == "2026-01-31"          # the end of the newest booked month (January)
    row = data["rows"][0]
    assert {"grant_id", "cpr", "section", "account", "provider", "computed_to_date", "committed_rest",
            "expected_outturn", "booked_to_date", "backlog", "budget", "deviation", "full_year_equivalents",
            "average_price", "volume_effect", "price_effect"} <= set(row)
    # 1.000 kr. a day: 1-31 January = 31 days, 1 February - 31 December = 334 days
    assert row["computed_to_date"] == 31000.0 and row["committed_rest"] == 334000.0
    assert row["deviation"] == 65000.0 and row["volume_effect"] + row["price_effect"] == 65000.0
    r = run_cli("forecast", "--year", "2026", "--by", "kommune", "--json", db=db_path)
    assert r.returncode == 2 and "ukendt opdeling" in r.stderr
    r = run_cli("forecast", "--year", "2019", "--json", db=db_path)
    assert r.returncode == 1 and r.stderr.startswith("Fejl: Der er ingen") and "Traceback" not in r.stderr
    r = run_cli("forecast", "--year", "2026", "--as-of", "32-01-2026", db=db_path)
    assert r.returncode == 2 and "er ikke en dato" in r.stderr
    assert db_path.read_bytes() == before


# ------------------------------------------------------------------ the sample sheet, independently

def _daily(g, year):
    days = 366 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 365
    r, q, u, per = g["takst"], g.get("maengde"), g["enhed"], g.get("maengde_pr")
    return {"døgn": lambda: r, "dag": lambda: r * q / 7, "uge": lambda: r / 7, "måned": lambda: r * 12 / days,
            "år": lambda: r / days, "time": lambda: r * q / 7 if per == "uge" else r * q * 12 / days}[u]()


def _accrual(g, lo, hi):
    s = max(dt.date.fromisoformat(g["start"]), lo)
    e = min(dt.date.fromisoformat(g["slut"]) if g["slut"] else hi, hi)
    return _daily(g, lo.year) * max(0, (e - s).days + 1)


def test_sample_grants_to_the_ore(db, samples):
    facit = json.loads((samples / "facit.json").read_text(encoding="utf-8"))["dispositionsregnskab_2026.xlsx"]
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    for name in sorted({e["leverandor"] for e in facit}):
        create_provider(db, name, "privat")
    ids = {}
    for e in facit:
        gid = create_grant(db, {"cpr": e["cpr"], "name": e["navn"], "section": e["paragraf"],
                                "provider": e["leverandor"], "rate": str(e["takst"]), "unit": e["enhed"],
                                "quantity": e["maengde"], "quantity_per": e["maengde_pr"], "start": e["start"],
                                "end": e["slut"], "account": e["konto"],
                                "paying_municipality": e["betalingskommune"]})
        ids[gid] = e
    as_of = dt.date(2026, 10, 31)
    result = forecast(db, 2026, as_of)
    assert len(result.rows) == len([e for e in facit if e["start"] <= "2026-12-31"
                                    and (e["slut"] is None or e["slut"] >= "2026-01-01")])
    for row in result.rows:
        e = ids[row.grant_id]
        assert abs(float(row.computed_to_date) - _accrual(e, dt.date(2026, 1, 1), as_of)) <= 0.01
        assert abs(float(row.committed_rest) - _accrual(e, as_of + dt.timedelta(days=1), dt.date(2026, 12, 31))) \
            <= 0.01
