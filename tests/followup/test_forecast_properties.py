"""Property tests: the fast cost rule equals the reference, and the parts add up exactly."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings, strategies as st

from core.register import budgets
from core.register.costs import CostBasis, RatePeriod, cost_between
from core.followup.forecast import FIGURES, GROUPINGS, CostCalc, forecast, rate_sums, unit_factor
from core.money import round_half_away
from core.register.grants import change_rate, create_grant, get_grant
from core.money import to_ore
from core.register.providers import create_provider
from core.store.storage import open_db

UNIT_SPECS = [("døgn", None, None, "§ 108"), ("dag", "uge", "dag", "§ 104"), ("time", "uge", "time", "§ 85"),
              ("time", "måned", "time", "§ 97"), ("uge", None, None, "§ 107"), ("måned", None, None, "§ 103"),
              ("år", None, None, "§ 96"), ("engang", None, None, "§ 95")]

rates = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)
quantities = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("7"), places=1)
days = st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2029, 12, 31))


def _grant(spec, quantity, start, length, open_ended, rate_list):
    """A drawn grant as (unit, quantity, quantity_per, end, rate periods, reference CostBasis)."""
    unit, per, qunit, _ = spec
    q = quantity if qunit else None
    end = None if open_ended else start + dt.timedelta(days=length)
    periods = sorted({start + dt.timedelta(days=offset): rate for offset, rate in rate_list}.items())
    periods[0] = (start, periods[0][1])
    return unit, q, per, end, periods, CostBasis(unit, q, per, start, end, tuple(RatePeriod(d, r) for d, r in periods))


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(UNIT_SPECS), quantity=quantities, start=days, length=st.integers(0, 900),
       open_ended=st.booleans(), rate_list=st.lists(st.tuples(st.integers(0, 800), rates), min_size=1, max_size=4),
       year=st.integers(2024, 2029), a=st.integers(0, 365), b=st.integers(0, 365))
def test_fast_cost_equals_reference(spec, quantity, start, length, open_ended, rate_list, year, a, b):
    unit, q, per, end, periods, basis = _grant(spec, quantity, start, length, open_ended, rate_list)
    first = dt.date(year, 1, 1)
    last = dt.date(year, 12, 31)
    lo = min(first + dt.timedelta(days=min(a, b)), last)
    hi = min(first + dt.timedelta(days=max(a, b)), last)
    calc = CostCalc(unit, q, per, start.toordinal(), end.toordinal() if end else None,
                    [(d.toordinal(), r) for d, r in periods], year)
    assert calc.cost_ore(lo.toordinal(), hi.toordinal()) == to_ore(cost_between(basis, lo, hi))


CPRS = ["010180-1234", "020290-2345", "030370-3456", "040460-4567", "050550-5678"]
PROVIDERS = [("Eget Bo", "egen"), ("Privat ApS", "privat"), ("Nabo Tilbud", "kommune")]

grant_strategy = st.fixed_dictionaries({
    "cpr": st.sampled_from(CPRS), "spec": st.sampled_from(UNIT_SPECS), "quantity": quantities, "rate": rates,
    "provider": st.sampled_from([p for p, _ in PROVIDERS]), "start": days,
    "length": st.one_of(st.none(), st.integers(0, 700)), "sold": st.booleans(),
    "change": st.one_of(st.none(), st.tuples(st.integers(1, 300), rates)),
})
posting_strategy = st.tuples(st.sampled_from(CPRS + [None]), st.sampled_from(["5.38.50", "5.32.33", "5.38.59"]),
                             st.integers(-500_000, 5_000_000), st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))


@settings(max_examples=25, deadline=None)
@given(grants=st.lists(grant_strategy, min_size=1, max_size=12), postings=st.lists(posting_strategy, max_size=15),
       as_of=st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
       budget=st.tuples(st.integers(0, 10**10), st.one_of(st.none(), st.decimals(0, 20, places=2))))
def test_parts_add_up(grants, postings, as_of, budget):
    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "p.sqlite")
        try:
            db["settings"].upsert({"key": "municipality", "value": "Eksempel Kommune"}, pk="key")
            for name, kind in PROVIDERS:
                create_provider(db, name, kind)
            created = []
            for g in grants:
                unit, per, qunit, section = g["spec"]
                end = g["start"] + dt.timedelta(days=g["length"]) if g["length"] is not None else None
                gid = create_grant(db, {
                    "cpr": g["cpr"], "section": section, "provider": g["provider"], "unit": unit,
                    "quantity": g["quantity"] if qunit else None, "quantity_per": per, "rate": g["rate"],
                    "start": g["start"], "end": end,
                    "paying_municipality": "Nabo Kommune" if g["sold"] else "Eksempel Kommune"})
                created.append((gid, g))
                if g["change"] and unit != "engang":
                    when = g["start"] + dt.timedelta(days=g["change"][0])
                    if end is None or when <= end:
                        change_rate(db, gid, when, g["change"][1])
            for cpr, account, amount, date in postings:
                db["postings"].insert({"date": date.isoformat(), "account": account, "amount_ore": amount,
                                       "cpr": cpr})
            budgets.set_budget(db, 2026, "5.38.50", Decimal(budget[0]) / 100, full_year_equivalents=budget[1])
            budgets.set_budget(db, 2026, "5.32.33", "100000", section="§ 85", full_year_equivalents="1.5")
            results = {by: forecast(db, 2026, as_of, by=by, include_expected=False, include_refund=False)
                       for by in GROUPINGS}
            # every grant's figures equal the reference cost rule, rounded once, negative for a sold place
            jan1, dec31 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
            reference = {}
            for gid, g in created:
                basis = get_grant(db, gid).basis
                sign = -1 if g["sold"] and g["provider"] == "Eget Bo" else 1
                reference[gid] = (sign * to_ore(cost_between(basis, jan1, as_of)),
                                  sign * to_ore(cost_between(basis, as_of + dt.timedelta(days=1), dec31)))
        finally:
            db.close()
    fast = {r.grant_id: (to_ore(r.computed_to_date), to_ore(r.committed_rest)) for r in results["grant"].rows}
    assert fast == {gid: ore for gid, ore in reference.items() if gid in fast}
    assert all(ore == (0, 0) for gid, ore in reference.items() if gid not in fast)
    total = results["grant"].total
    for by, result in results.items():
        # the same figures in every grouping (account and section totals add their budget columns)
        assert all(getattr(result.total, name) == getattr(total, name) for name in FIGURES)
        for name in ("computed_to_date", "committed_rest", "expected_outturn", "backlog", "booked_to_date"):
            parts = sum((getattr(r, name) for r in result.rows), Decimal(0))
            if by == "grant":  # postings without a grant are outside the grant rows
                parts += getattr(result.unmatched, name) if name == "booked_to_date" else 0
                if name == "backlog":
                    parts -= result.unmatched.booked_to_date
            assert parts == getattr(total, name), (by, name)
        for r in result.rows:
            assert r.expected_outturn == r.computed_to_date + r.committed_rest
            assert r.backlog == r.computed_to_date - r.booked_to_date
            if r.deviation is not None:
                assert r.deviation == r.expected_outturn - r.budget
                assert r.volume_effect + r.price_effect == r.deviation
        if result.total.deviation is not None:  # "Drift i alt": the effects add up there too
            assert result.total.volume_effect + result.total.price_effect == result.total.deviation


@settings(max_examples=300, deadline=None)
@given(spec=st.sampled_from(UNIT_SPECS[:-1]), quantity=quantities, start=days, length=st.integers(0, 900),
       open_ended=st.booleans(), rate_list=st.lists(st.tuples(st.integers(0, 800), rates), min_size=1, max_size=4),
       year=st.integers(2024, 2029), as_of=st.integers(-1, 365))
def test_a_grants_two_halves_of_the_year_equal_the_reference(spec, quantity, start, length, open_ended, rate_list,
                                                               year, as_of):
    """The forecast's one-pass split of a year at the as-of date (computed to date, committed
    rest) equals the reference cost rule over each half."""
    unit, q, per, end, periods, basis = _grant(spec, quantity, start, length, open_ended, rate_list)
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    cut = min(first + dt.timedelta(days=as_of), last)  # as_of -1: the day before the year
    lo, hi = max(start, first), min(end or last, last)
    if lo > hi:
        return
    ratios = [(d.toordinal(), *r.as_integer_ratio()) for d, r in periods]
    before, after, den = rate_sums(ratios, lo.toordinal(), cut.toordinal(), hi.toordinal())
    fn, fd = unit_factor(unit, q, per, year)
    expect_before = to_ore(cost_between(basis, first, cut)) if cut >= first else 0
    expect_after = to_ore(cost_between(basis, cut + dt.timedelta(days=1), last)) if cut < last else 0
    assert round_half_away(before * fn * 100, den * fd) == expect_before
    assert round_half_away(after * fn * 100, den * fd) == expect_after
