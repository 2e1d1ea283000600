"""The cost rule: what a grant costs per calendar day and over a period.

Costs are exact ``Fraction`` values in kroner; callers round to øre once, with
``core.money.to_ore``, after summing the days of one grant. See DOMAIN.md, "Calculation
rules".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

UNITS = ("døgn", "dag", "time", "uge", "måned", "år", "engang")
QUANTITY_UNITS = ("dag", "time")
QUANTITY_PER = ("uge", "måned")


def days_in_year(year: int) -> int:
    return 366 if calendar.isleap(year) else 365


@dataclass(frozen=True)
class RatePeriod:
    """A rate in force from ``valid_from`` until the next period of the same grant starts."""

    valid_from: dt.date
    rate: Decimal


@dataclass(frozen=True)
class CostBasis:
    """What the cost rule needs of a grant."""

    unit: str
    quantity: Decimal | None
    quantity_per: str | None
    start: dt.date
    end: dt.date | None
    rates: tuple[RatePeriod, ...]

    def rate_on(self, day: dt.date) -> Decimal:
        """The rate in force on ``day`` (the first period's rate before it starts)."""
        return rate_in_force(self.rates, day)


def rate_in_force(rates: tuple[RatePeriod, ...], day: dt.date) -> Decimal:
    """The rate of ``rates`` (sorted by date) in force on ``day``; the first one's before it starts."""
    current = rates[0].rate
    for period in rates:
        if period.valid_from <= day:
            current = period.rate
        else:
            break
    return current


def day_factor(unit: str, quantity: Decimal | None, quantity_per: str | None, year: int) -> tuple[int, int]:
    """The cost of one calendar day per kroner of rate, as an exact (numerator, denominator):
    the cost rule of DOMAIN.md, in one place (``engang`` costs nothing per day).

    døgn 1; dag q/7; time q/7 per week or q·12/D per month; uge 1/7; måned 12/D; år 1/D."""
    qn, qd = Decimal(quantity).as_integer_ratio() if quantity is not None else (0, 1)
    d = days_in_year(year)
    if unit == "døgn":
        return 1, 1
    if unit == "dag":
        return qn, 7 * qd
    if unit == "time":
        return (12 * qn, d * qd) if quantity_per == "måned" else (qn, 7 * qd)
    if unit == "uge":
        return 1, 7
    if unit == "måned":
        return 12, d
    if unit == "år":
        return 1, d
    if unit == "engang":
        return 0, 1
    raise ValueError(f"unknown unit {unit!r}")


def daily_cost(rate: Decimal, unit: str, quantity: Decimal | None, quantity_per: str | None,
               year: int) -> Fraction:
    """Cost of one calendar day in ``year`` (``engang`` costs nothing per day)."""
    return Fraction(rate) * Fraction(*day_factor(unit, quantity, quantity_per, year))


def active_span(basis: CostBasis, lo: dt.date, hi: dt.date) -> tuple[dt.date, dt.date] | None:
    """The part of ``lo..hi`` (inclusive) in which the grant is active, or ``None``."""
    first = max(basis.start, lo)
    last = min(basis.end, hi) if basis.end else hi
    return (first, last) if first <= last else None


def active_days(basis: CostBasis, lo: dt.date, hi: dt.date) -> int:
    """Number of days in ``lo..hi`` (inclusive) on which the grant is active."""
    span = active_span(basis, lo, hi)
    return (span[1] - span[0]).days + 1 if span else 0


def _segments(basis: CostBasis, first: dt.date, last: dt.date):
    """Split ``first..last`` at year ends and rate changes: (from, to, rate)."""
    cuts = sorted({p.valid_from for p in basis.rates if first < p.valid_from <= last}
                  | {dt.date(y, 1, 1) for y in range(first.year + 1, last.year + 1)})
    starts = [first, *cuts]
    ends = [c - dt.timedelta(days=1) for c in cuts] + [last]
    for a, b in zip(starts, ends):
        yield a, b, basis.rate_on(a)


def cost_between(basis: CostBasis, lo: dt.date, hi: dt.date) -> Fraction:
    """Exact cost of the grant on the days ``lo..hi`` (inclusive).

    ``engang`` grants cost their whole rate on the start date, if that lies in the period.
    """
    if basis.unit == "engang":
        if lo <= basis.start <= hi and (basis.end is None or basis.start <= basis.end):
            return Fraction(basis.rate_on(basis.start))
        return Fraction(0)
    span = active_span(basis, lo, hi)
    if span is None:
        return Fraction(0)
    total = Fraction(0)
    for a, b, rate in _segments(basis, *span):
        total += daily_cost(rate, basis.unit, basis.quantity, basis.quantity_per, a.year) * ((b - a).days + 1)
    return total
