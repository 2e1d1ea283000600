"""The cost rule of DOMAIN.md for every unit, checked by hand and by properties."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from core.register.costs import CostBasis, RatePeriod, cost_between, daily_cost, days_in_year
from core.money import to_ore

D = dt.date


def basis(unit, rate, start=D(2026, 1, 1), end=None, quantity=None, per=None, more_rates=()):
    return CostBasis(unit, None if quantity is None else Decimal(quantity), per, start, end,
                     (RatePeriod(start, Decimal(rate)), *more_rates))


@pytest.mark.parametrize("unit, q, per, year, want", [
    ("døgn", None, None, 2026, Fraction(1000)),
    ("dag", 4, "uge", 2026, Fraction(1000 * 4, 7)),
    ("time", 7, "uge", 2026, Fraction(1000)),
    ("time", 15, "måned", 2026, Fraction(1000 * 15 * 12, 365)),
    ("time", 15, "måned", 2028, Fraction(1000 * 15 * 12, 366)),
    ("uge", None, None, 2026, Fraction(1000, 7)),
    ("måned", None, None, 2026, Fraction(12000, 365)),
    ("år", None, None, 2024, Fraction(1000, 366)),
    ("engang", None, None, 2026, Fraction(0)),
])
def test_daily_cost_of_every_unit(unit, q, per, year, want):
    assert daily_cost(Decimal(1000), unit, None if q is None else Decimal(q), per, year) == want


def test_a_full_year_of_a_yearly_grant_costs_its_rate_in_a_leap_year_too():
    for year in (2026, 2028):
        b = basis("år", "876860", start=D(2010, 5, 1))
        assert cost_between(b, D(year, 1, 1), D(year, 12, 31)) == 876860


def test_monthly_grant_costs_twelve_rates_a_year():
    b = basis("måned", "10054.19", start=D(2020, 1, 1))
    assert cost_between(b, D(2026, 1, 1), D(2026, 12, 31)) == Fraction(Decimal("10054.19")) * 12


def test_start_and_end_dates_are_both_inclusive():
    b = basis("døgn", "100", start=D(2026, 3, 1), end=D(2026, 3, 31))
    assert cost_between(b, D(2026, 1, 1), D(2026, 12, 31)) == 3100
    assert cost_between(b, D(2026, 3, 31), D(2026, 3, 31)) == 100
    assert cost_between(b, D(2026, 4, 1), D(2026, 12, 31)) == 0


def test_engang_costs_the_whole_rate_on_the_start_date_only():
    b = basis("engang", "25000", start=D(2026, 6, 15), end=D(2026, 6, 15))
    assert cost_between(b, D(2026, 1, 1), D(2026, 6, 14)) == 0
    assert cost_between(b, D(2026, 6, 15), D(2026, 6, 15)) == 25000
    assert cost_between(b, D(2026, 1, 1), D(2026, 12, 31)) == 25000


def test_a_rate_change_mid_year_applies_from_its_date():
    b = basis("døgn", "1000", start=D(2025, 1, 1), more_rates=(RatePeriod(D(2026, 7, 1), Decimal("1100")),))
    # 181 days at 1000 (Jan-Jun 2026), 184 days at 1100
    assert cost_between(b, D(2026, 1, 1), D(2026, 12, 31)) == 181 * 1000 + 184 * 1100


def test_a_period_over_new_year_uses_each_years_day_count():
    b = basis("år", "36500", start=D(2027, 12, 31))
    assert cost_between(b, D(2027, 12, 31), D(2028, 1, 1)) == Fraction(36500, 365) + Fraction(36500, 366)


def test_sample_grant_to_the_ore():
    # Ørni Schultz in the sample: 502.04 kr/hour, 7 hours/week, whole of Jan 1 - Oct 31 2026
    b = basis("time", "502.04", start=D(2014, 10, 6), quantity=7, per="uge")
    assert to_ore(cost_between(b, D(2026, 1, 1), D(2026, 10, 31))) == 15262016


units = st.sampled_from(["døgn", "dag", "time", "uge", "måned", "år", "engang"])
dates = st.dates(min_value=D(2023, 1, 1), max_value=D(2029, 12, 31))


@st.composite
def grants(draw):
    unit = draw(units)
    start = draw(dates)
    end = draw(st.none() | st.dates(min_value=start, max_value=D(2030, 12, 31)))
    quantity = draw(st.integers(1, 40)) if unit in ("dag", "time") else None
    per = draw(st.sampled_from(["uge", "måned"])) if unit == "time" else ("uge" if unit == "dag" else None)
    rate = Decimal(draw(st.integers(1, 10_000_000))) / 100
    changes = draw(st.lists(st.tuples(st.dates(min_value=start, max_value=D(2030, 12, 31)),
                                      st.integers(1, 10_000_000)), max_size=3, unique_by=lambda t: t[0]))
    more = tuple(sorted((RatePeriod(d, Decimal(r) / 100) for d, r in changes if d > start),
                        key=lambda p: p.valid_from))
    return CostBasis(unit, None if quantity is None else Decimal(quantity), per, start, end,
                     (RatePeriod(start, rate), *more))


@given(grants(), dates, dates, dates)
def test_cost_of_a_period_equals_the_sum_of_its_parts(b, a, m, z):
    lo, mid, hi = sorted([a, m, z])
    assert cost_between(b, lo, hi) == cost_between(b, lo, mid) + cost_between(b, mid + dt.timedelta(days=1), hi)


@given(grants(), dates, dates)
def test_cost_is_never_negative_and_zero_outside_the_grant(b, a, z):
    lo, hi = sorted([a, z])
    cost = cost_between(b, lo, hi)
    assert cost >= 0
    if hi < b.start or (b.end and lo > b.end):
        assert cost == 0


@given(st.integers(2023, 2030), st.integers(1, 10_000_000))
def test_a_whole_year_of_an_aar_grant_costs_its_rate(year, ore):
    rate = Decimal(ore) / 100
    b = basis("år", rate, start=D(2020, 1, 1))
    assert cost_between(b, D(year, 1, 1), D(year, 12, 31)) == Fraction(rate)
    assert days_in_year(year) in (365, 366)
