"""The follow-up's drill-down (core.followup.drilldown): hand-worked figures on a real database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.errors import DispoError
from core.followup.drilldown import drill_down, follow_up, grants_under, postings_behind
from core.followup.forecast import forecast
from core.register.grants import create_grant
from core.register.providers import create_provider

D = Decimal
OWN = "Eksempel Kommune"
ANNA, BO = "010180-1234", "020290-2345"
AS_OF = dt.date(2026, 3, 31)  # 31 + 28 + 31 = 90 days to date, 275 days after


@pytest.fixture
def ddb(db):
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Privat ApS", "privat")
    create_provider(db, "Andet Bosted", "privat")
    base = {"section": "§ 108", "unit": "døgn", "paying_municipality": OWN}
    ids = {
        # Anna at Privat ApS, 1.000 kr. a day all year: 90 × 1.000 = 90.000 to date, 275 × 1.000 = 275.000 rest
        "a": create_grant(db, {**base, "cpr": ANNA, "name": "Anna", "provider": "Privat ApS", "rate": "1000",
                               "start": "2026-01-01"}),
        # Anna at Andet Bosted, 500 kr. a day in March and April: 31 × 500 = 15.500, 30 × 500 = 15.000
        "b": create_grant(db, {**base, "cpr": ANNA, "name": "Anna", "provider": "Andet Bosted", "rate": "500",
                               "start": "2026-03-01", "end": "2026-04-30"}),
        # Bo at Privat ApS, 2.000 kr. a day in February: 28 × 2.000 = 56.000, nothing after
        "c": create_grant(db, {**base, "cpr": BO, "name": "Bo", "provider": "Privat ApS", "rate": "2000",
                               "start": "2026-02-01", "end": "2026-02-28"}),
        # a § 85 grant is on another account: never under the § 108 line
        "d": create_grant(db, {"section": "§ 85", "cpr": BO, "name": "Bo", "provider": "Privat ApS", "rate": "400",
                               "quantity": "2", "quantity_per": "uge", "start": "2026-01-01",
                               "paying_municipality": OWN}),
    }
    # Anna's booking on the § 108 account: 30.000 kr. in February; Bo's in April is after the as-of date
    db["postings"].insert_all([
        {"date": "2026-02-28", "account": "5.38.50", "amount_ore": 3_000_000, "cpr": ANNA, "voucher": "B1"},
        {"date": "2026-04-30", "account": "5.38.50", "amount_ore": 100_000, "cpr": BO, "voucher": "B2"}])
    return db, ids


def figures(row):
    return (row.computed_to_date, row.committed_rest, row.expected_outturn, row.booked_to_date)


@pytest.mark.parametrize("level", ["account", "section"])
def test_the_drill_down_under_a_line_by_provider_citizen_and_grant(ddb, level):
    db, ids = ddb
    result = follow_up(db, 2026, AS_OF, level)
    line = next(r for r in result.level.rows if getattr(r, level) == ("5.38.50" if level == "account" else "§ 108"))

    by_grant = drill_down(result, line, "grant")
    assert [r.grant_id for r in by_grant] == [ids["a"], ids["b"], ids["c"]]
    # the very rows of the by-grant forecast, not copies: one figure shown the same everywhere
    assert all(any(r is g for g in result.grants.rows) for r in by_grant)

    by_provider = {r.provider: figures(r) for r in drill_down(result, line, "provider")}
    assert by_provider == {
        # a + c: 90.000 + 56.000 to date, 275.000 + 0 rest; Anna's 30.000 booked goes to her grants on the
        # account in proportion to their cost to date, 90.000 : 15.500, so 30.000 × 90.000 / 105.500 = 25.592,42
        "Privat ApS": (D("146000.00"), D("275000.00"), D("421000.00"), D("25592.42")),
        "Andet Bosted": (D("15500.00"), D("15000.00"), D("30500.00"), D("4407.58"))}

    by_citizen = {r.cpr: (r.name, r.account, figures(r)) for r in drill_down(result, line, "citizen")}
    assert by_citizen == {
        ANNA: ("Anna", "5.38.50", (D("105500.00"), D("290000.00"), D("395500.00"), D("30000.00"))),
        BO: ("Bo", "5.38.50", (D("56000.00"), D("0.00"), D("56000.00"), D("0.00")))}

    # the line is the sum of what is under it: 451.500 expected, 30.000 booked
    assert (line.expected_outturn, line.booked_to_date) == (D("451500.00"), D("30000.00"))


def test_the_figures_are_the_forecasts(ddb):
    db, _ = ddb
    result = follow_up(db, 2026, AS_OF, "section", include_expected=False)
    assert result.level == forecast(db, 2026, AS_OF, by="section", include_expected=False)
    assert result.grants == forecast(db, 2026, AS_OF, by="grant", include_expected=False, include_refund=False)
    assert result.months[-1].cumulative_outturn == result.level.grand_total.expected_outturn


def test_postings_behind_a_citizen_to_the_as_of_date_and_none_behind_a_provider(ddb):
    db, _ = ddb
    result = follow_up(db, 2026, AS_OF, "account")
    line = next(r for r in result.level.rows if r.account == "5.38.50")
    rows = {r.cpr or r.provider: r for r in drill_down(result, line, "citizen") + drill_down(result, line, "provider")}
    assert [(p["date"], p["amount"], p["voucher"]) for p in postings_behind(db, result, rows[ANNA])] == \
        [(dt.date(2026, 2, 28), D("30000.00"), "B1")]
    assert postings_behind(db, result, rows[BO]) == []  # April's booking is after the as-of date
    assert postings_behind(db, result, rows["Privat ApS"]) == []


def test_grants_under_a_line_without_grants_is_empty_and_bad_levels_are_refused(ddb):
    db, _ = ddb
    result = follow_up(db, 2026, AS_OF, "account")
    assert grants_under(result, result.level.total) == []  # "Drift i alt" names no account
    with pytest.raises(DispoError, match="Ukendt niveau"):
        follow_up(db, 2026, AS_OF, "provider")
    with pytest.raises(DispoError, match="Ukendt opdeling"):
        drill_down(result, result.level.rows[0], "caseworker")
    with pytest.raises(DispoError, match="ligger ikke i 2026"):
        follow_up(db, 2026, dt.date(2025, 12, 31))
