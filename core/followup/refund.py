"""High-cost refund (refusion for særligt dyre enkeltsager, serviceloven § 176).

Per person and year: 25 % of the year's expenses between T1 and T2, 50 % between T2 and
T3 and 75 % above T3. The thresholds are the yearly values ``refund_t1/t2/t3`` (the
latest year at or before Y; ``Thresholds.year`` says which, and ``thresholds_note`` says so
when it is an earlier year). The year's expenses of a person are the expected outturn of
their expense grants (sold places, which are income, do not count) as the forecast has
them on the same as-of date: each grant's computed_to_date and committed_rest rounded to øre
once, so the refund is the same to the øre on every screen, sheet and in the CLI.

**Age rule.** A person is admitted for year Y when under 67 on January 1 of Y, or when
admitted the year before with expenses above that year's T1 (then the case continues
past 67). Temporary ids (expected citizens) are never candidates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core import cpr as cprs
from core.register.catalogue import sats_of_year
from core.errors import NotFoundError, ValidationError
from core.followup.grant_forecast import (ForecastRow, calc_of, default_as_of, grant_figures, is_income, load_rows,
                                 own_municipality, refund_budget, round_half_away)
from core.money import InvalidNumber, ore_to_kr, to_decimal, to_ore
from core.store import audit

RATES = ((1, 2, 25), (2, 3, 50), (3, None, 75))  # (from threshold, to threshold, percent)
REFUND_LINE = "Forventet refusion (§ 176)"
AGE_LIMIT = 67


@dataclass(frozen=True)
class Thresholds:
    t1: int  # øre
    t2: int
    t3: int
    year: int | None = field(default=None, compare=False)  # whose values these are (may be an earlier year)

    def as_json(self) -> dict:
        return {"t1": float(ore_to_kr(self.t1)), "t2": float(ore_to_kr(self.t2)), "t3": float(ore_to_kr(self.t3))}


@dataclass(frozen=True)
class RefundRow:
    cpr: str
    name: str
    age: int
    expenses: Decimal
    refund: Decimal
    continued: bool  # admitted past 67 because the case was in the scheme the year before

    def as_json(self) -> dict:
        return {"cpr": self.cpr, "name": self.name, "age": self.age, "expenses": float(self.expenses),
                "refund": float(self.refund), "continued": self.continued}


def thresholds(db, year: int) -> Thresholds | None:
    """The year's thresholds in øre, or None when they are not set for that year or earlier."""
    try:
        values = [sats_of_year(db, f"refund_t{i}", year) for i in (1, 2, 3)]
    except NotFoundError:
        return None
    return Thresholds(*(to_ore(v) for v, _ in values), year=min(y for _, y in values))


def thresholds_note(db, year: int) -> str | None:
    """A Danish note when ``year``'s refund is built on an earlier year's thresholds, else None."""
    t = thresholds(db, year)
    if t is None or t.year == year:
        return None
    return (f"Refusionen for {year} er beregnet med tærskelværdierne for {t.year}, "
            f"da {year}s værdier ikke er indtastet.")


def refund_ore(expenses: int, t: Thresholds) -> int:
    """The refund of one person's yearly expenses (øre), rounded to øre once."""
    bounds = {1: t.t1, 2: t.t2, 3: t.t3, None: None}
    total = 0
    for lo, hi, pct in RATES:
        top = expenses if bounds[hi] is None else min(expenses, bounds[hi])
        if top > bounds[lo]:
            total += (top - bounds[lo]) * pct
    return round_half_away(total, 100)


def expenses_by_person(figures) -> dict[str, tuple[str, int, int]]:
    """Per CPR: (name, citizen id, expected outturn of expense grants in øre)."""
    totals: dict[str, int] = {}
    first: dict[str, object] = {}
    for f in figures:  # once per grant of the year: kept to plain dict operations
        if f.income:
            continue
        cpr = f.cpr
        total = totals.get(cpr)
        if total is None:
            totals[cpr] = f.to_date + f.rest
            first[cpr] = f
        else:
            totals[cpr] = total + f.to_date + f.rest
    return {cpr: (first[cpr].name, first[cpr].citizen_id, total) for cpr, total in totals.items()}


def continued_cases(db, year: int, older: dict[str, int]) -> set[str]:
    """Those of ``older`` (CPR -> citizen id, all 67 or over on Jan 1 of ``year``) admitted by
    continuation: going back year by year, each year's expenses above that year's T1, until a
    year in which the person was under 67 on Jan 1. Only their own grants are read, once."""
    earliest = year - 60
    rows, rates = load_rows(db, f"{earliest:04d}-01-01", f"{year - 1:04d}-12-31", list(older.values()))
    own = own_municipality(db)
    by_cpr: dict[str, list[dict]] = {}
    for r in rows:
        if not is_income(r["provider_kind"], r["paying_municipality"], own):
            by_cpr.setdefault(r["cpr"], []).append(r)
    admitted: set[str] = set()
    year_thresholds: dict[int, Thresholds | None] = {}
    for cpr in older:
        grants = by_cpr.get(cpr)
        if not grants:  # no expenses in earlier years: not in the scheme the year before
            continue
        y = year - 1
        while y >= earliest:
            t = year_thresholds[y] if y in year_thresholds else year_thresholds.setdefault(y, thresholds(db, y))
            if t is None:
                break
            first, last = dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()
            spent = sum(calc_of(r, rates, y).cost_ore(first, last) for r in grants
                        if r["start_ordinal"] <= last and (r["end_ordinal"] is None or r["end_ordinal"] >= first))
            if spent <= t.t1:
                break
            if cprs.age_on(cpr, dt.date(y, 1, 1)) < AGE_LIMIT:
                admitted.add(cpr)
                break
            y -= 1
    return admitted


def admitted(db, year: int, figures=None) -> tuple[Thresholds | None, list[tuple[str, str, int, int, bool]]]:
    """The year's thresholds and everyone the age rule admits whose expenses exceed T1, as
    (cpr, name, age on Jan 1, expenses in øre, continued past 67).

    Args:
        figures: the year's grant figures when the caller has them (``core.followup.forecast.grant_figures``).
    """
    t = thresholds(db, year)
    if t is None:
        return None, []
    if figures is None:
        figures = grant_figures(db, year, default_as_of(db, year), with_booked=False)[0]
    jan1 = dt.date(year, 1, 1)
    ages: dict[str, int] = {}
    candidates = {}
    for cpr, v in expenses_by_person(figures).items():
        if v[2] > t.t1:
            try:
                ages[cpr] = cprs.age_on(cpr, jan1)
            except cprs.InvalidCPR:  # a temporary id: never a candidate
                continue
            candidates[cpr] = v
    older = {cpr: v[1] for cpr, v in candidates.items() if ages[cpr] >= AGE_LIMIT}
    continued = continued_cases(db, year, older) if older else set()
    return t, [(cpr, name, ages[cpr], expenses, cpr in continued)
               for cpr, (name, _, expenses) in candidates.items() if cpr not in older or cpr in continued]


def refund_rows(db, year: int, figures=None, as_of: dt.date | None = None
                ) -> tuple[Thresholds | None, list[RefundRow]]:
    """Every person the age rule admits whose expenses in ``year`` exceed T1, by refund (largest first).

    Args:
        figures: the year's grant figures when the caller has them (``core.followup.forecast.grant_figures``).
        as_of: the forecast's as-of date the expenses are taken on (default: the forecast's).
    """
    if figures is None and as_of is not None:
        figures = grant_figures(db, year, as_of, with_booked=False)[0]
    t, people = admitted(db, year, figures)
    rows = [RefundRow(cpr, name, age, ore_to_kr(expenses), ore_to_kr(refund_ore(expenses, t)), continued)
            for cpr, name, age, expenses, continued in people]
    rows.sort(key=lambda r: (-r.refund, r.cpr))
    return t, rows


def refund_line(db, year: int, figures):
    """The expected refund as an income line of the forecast (all in the committed rest:
    the claim is paid after the year), or None when there is none."""
    t, people = admitted(db, year, figures)
    total = sum(refund_ore(expenses, t) for _, _, _, expenses, _ in people)
    budget = refund_budget(db, year)
    if not total and budget is None:
        return None
    zero = ore_to_kr(0)
    extra = {}
    if budget is not None:  # income: the budget is negative like the line
        extra = {"budget": ore_to_kr(-budget), "deviation": ore_to_kr(-total + budget)}
    return ForecastRow(grant_id=None, cpr=None, name=REFUND_LINE, section=None, account=None, provider=None,
                       computed_to_date=zero, committed_rest=ore_to_kr(-total), expected_outturn=ore_to_kr(-total),
                       booked_to_date=zero, backlog=zero, **extra)


def set_refund_budget(db, year, amount) -> None:
    """Set the year's budgeted § 176 refund (kroner, the income expected; audited).

    Raises:
        ValidationError: a bad year or amount.
    """
    try:
        year = int(year)
        if not 1900 <= year <= 2200:
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError({"year": f"Året '{year}' er ikke gyldigt"}) from None
    try:
        ore = abs(to_ore(to_decimal(amount)))
    except (InvalidNumber, ArithmeticError):
        raise ValidationError({"refund": f"Refusionsbudget: '{amount}' er ikke et tal"}) from None
    with db.atomic():
        old = refund_budget(db, year)
        db["refund_budgets"].upsert({"year": year, "amount_ore": ore}, pk="year")
        audit.record(db, "refund_budgets", year, "update" if old is not None else "insert",
                     {"year": year, "amount_ore": old} if old is not None else None, {"year": year, "amount_ore": ore})
