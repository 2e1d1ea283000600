"""The month-by-month outturn with the separate lines: expected citizens and the § 176 refund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from core.followup import expected
from core.followup.forecast import forecast, monthly_outturn
from core.register.grants import change_rate, create_grant
from core.register.providers import create_provider

D = Decimal
OWN = "Eksempel Kommune"
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture
def mdb(db):
    """By hand: one high-cost citizen (66 on Jan 1 2026) at 3,000 a day all year = 1,095,000 kr.
    (refund 25 % of 1,095,000 − 860,000 = 58,750 kr.), one sold place at the own facility
    (income, 500 a day), and one expected citizen from July 1 at 1,000 a day (184 days)."""
    db["settings"].upsert({"key": "municipality", "value": OWN}, pk="key")
    create_provider(db, "Eget Bosted", "egen", places=2, occupancy_target="95", invoice_lag_days=30)
    create_provider(db, "Privat ApS", "privat", invoice_lag_days=45)
    base = {"section": "§ 108", "unit": "døgn", "start": "2026-01-01"}
    create_grant(db, {**base, "cpr": "020159-1234", "provider": "Privat ApS", "rate": "3000",
                      "paying_municipality": OWN})
    create_grant(db, {**base, "cpr": "010180-1234", "provider": "Eget Bosted", "rate": "500",
                      "paying_municipality": "Nabo Kommune"})
    expected.add_expected(db, {"section": "§ 108", "rate": "1000", "start": "2026-07-01"})
    return db


def test_lines_by_month_by_hand(mdb):
    months = monthly_outturn(mdb, 2026, AS_OF)
    # expected citizen: nothing before July, then 1,000 a day for 31, 31, 30, 31, 30, 31 days
    assert [m.cumulative_expected_citizens for m in months] == [
        D(0)] * 6 + [D(31000), D(62000), D(92000), D(123000), D(153000), D(184000)]
    # the refund is income at the year's end only
    assert [m.cumulative_refund for m in months] == [D(0)] * 11 + [D(-58750)]
    # grants: 3,000 − 500 (sold place) = 2,500 a day; January 31 days
    assert months[0].cumulative_expected == D(77500)
    assert months[0].cumulative_outturn == D(77500)
    assert months[6].cumulative_outturn == D(2500 * 212 + 31000)
    assert months[-1].cumulative_outturn == D(2500 * 365 + 184000 - 58750)


@pytest.mark.parametrize("include_expected, include_refund", [(True, True), (False, False), (True, False),
                                                               (False, True)])
def test_december_equals_the_forecast(mdb, include_expected, include_refund):
    result = forecast(mdb, 2026, AS_OF, include_expected=include_expected, include_refund=include_refund)
    months = monthly_outturn(mdb, 2026, AS_OF, include_expected=include_expected, include_refund=include_refund)
    december = months[-1]
    assert december.cumulative_expected == result.total.expected_outturn
    assert december.cumulative_outturn == result.grand_total.expected_outturn
    if not include_expected and not include_refund:
        assert december.cumulative_outturn == result.total.expected_outturn
    assert (december.cumulative_expected_citizens != 0) == include_expected
    assert (december.cumulative_refund != 0) == include_refund


def test_december_equals_the_forecast_with_odd_rates(mdb):
    # øre rounding per calculator: 499.99 × 3 / 7 a day and a rate change mid-year
    expected.add_expected(mdb, {"section": "§ 85", "unit": "time", "quantity": "3", "rate": "499.99",
                                "start": "2026-02-10", "end": "2026-11-17"})
    gid = create_grant(mdb, {"cpr": "030380-1234", "section": "§ 85", "provider": "Privat ApS",
                             "unit": "time", "quantity": "3", "quantity_per": "uge", "rate": "333.33",
                             "start": "2026-03-03",
                             "paying_municipality": OWN})
    change_rate(mdb, gid, dt.date(2026, 8, 13), "345.67")
    for as_of in (dt.date(2026, 1, 1), dt.date(2026, 5, 17), dt.date(2026, 12, 31)):
        result = forecast(mdb, 2026, as_of)
        months = monthly_outturn(mdb, 2026, as_of)
        assert months[-1].cumulative_outturn == result.grand_total.expected_outturn
        (line,) = [r for r in result.lines if r.name == "Kommende borgere"]
        assert months[-1].cumulative_expected_citizens == line.expected_outturn
        assert all(a.cumulative_expected_citizens <= b.cumulative_expected_citizens
                   for a, b in zip(months, months[1:]))


@pytest.mark.parametrize("include_lines", [True, False])
def test_december_equals_the_forecast_on_the_demo(demo_db, include_lines):
    as_of = dt.date(2026, 10, 31)
    result = forecast(demo_db, 2026, as_of, by="account", include_expected=include_lines,
                      include_refund=include_lines)
    months = monthly_outturn(demo_db, 2026, as_of, include_expected=include_lines, include_refund=include_lines)
    assert months[-1].cumulative_outturn == result.grand_total.expected_outturn
    assert months[-1].cumulative_expected == result.total.expected_outturn
    if include_lines:
        # the demo has both lines, so the test shows they are really in the months
        names = {r.name: r.expected_outturn for r in result.lines}
        assert months[-1].cumulative_expected_citizens == names["Kommende borgere"] != 0
        refund = next(v for k, v in names.items() if "refusion" in k)
        assert months[-1].cumulative_refund == refund < 0
    else:
        assert months[-1].cumulative_outturn == result.total.expected_outturn
