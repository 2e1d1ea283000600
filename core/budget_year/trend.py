"""Trends: years side by side per account, section, provider or age group.

For each year and key, from the grants (the cost rule over the whole year, sold places as
income, as the forecast) and the postings:

- ``expenses``: the year's cost of the grants (the forecast's expected outturn as of its
  default date, in øre summed per grant: the follow-up's figure to the øre);
- ``booked``: the year's postings (only ``by="account"``: postings have no section or provider);
- ``full_year_equivalents``: days with an active expense grant / days in the year, a
  citizen counted once per key and day (as the forecast);
- ``unit_cost``: expenses / full-year equivalents;
- ``users_year``: unique citizens with an active expense grant on some day of the year;
- ``users_dec31``: unique citizens with one active on 31 December.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from core.budget_year.breakdowns import age_group
from core.register.costs import days_in_year
from core.errors import DispoError
from core.followup.forecast import _union_days, default_as_of, grant_figures
from core.money import month_end, ore_to_kr, to_ore
from core.reports import Column, ReportTable

KEYS = ("account", "section", "provider", "age_group")
LABELS = {"account": "konto", "section": "paragraf", "provider": "leverandør", "age_group": "aldersgruppe"}
MAX_YEARS = 30


@dataclass(frozen=True)
class TrendRow:
    key: str
    year: int
    expenses_ore: int
    booked_ore: int | None
    fye: Fraction
    users_year: int
    users_dec31: int

    @property
    def unit_cost_ore(self) -> int | None:
        return to_ore(Fraction(self.expenses_ore, 100) / self.fye) if self.fye else None

    def as_json(self) -> dict:
        return {"key": self.key, "year": self.year, "expenses": float(ore_to_kr(self.expenses_ore)),
                "booked": float(ore_to_kr(self.booked_ore)) if self.booked_ore is not None else None,
                "full_year_equivalents": float(ore_to_kr(to_ore(self.fye))),
                "unit_cost": float(ore_to_kr(self.unit_cost_ore)) if self.unit_cost_ore is not None else None,
                "users_year": self.users_year, "users_dec31": self.users_dec31}


def trend(db, first_year: int, last_year: int, by: str = "account", *, progress=None) -> list[TrendRow]:
    """The rows for every year of ``first_year..last_year`` and every key with activity.

    Args:
        progress: called with (years done, years) after each year.

    Raises:
        DispoError: an unknown ``by`` or a bad range of years.
    """
    if by not in KEYS:
        raise DispoError(f"Ukendt opdeling '{by}': vælg mellem {', '.join(KEYS)}")
    if not 1900 <= first_year <= last_year <= 2200:
        raise DispoError(f"Årene {first_year}–{last_year} er ikke et gyldigt interval")
    if last_year - first_year >= MAX_YEARS:
        raise DispoError(f"Højst {MAX_YEARS} år ad gangen")
    out: list[TrendRow] = []
    years = list(range(first_year, last_year + 1))
    for n, year in enumerate(years, 1):
        dec31 = dt.date(year, 12, 31)
        # as of the one default date, so a year's expenses are the forecast's expected outturn to
        # the øre (each grant's to date and rest rounded once: another as-of date can differ by øre)
        figures, _ = grant_figures(db, year, default_as_of(db, year), with_booked=False)
        expenses: dict[str, int] = defaultdict(int)
        intervals: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
        for f in figures:
            k = age_group(f.cpr, year) if by == "age_group" else getattr(f, by)
            expenses[k] += f.expected
            if f.first_active is not None and not f.income:
                intervals[k][f.cpr].append((f.first_active, f.last_active))
        booked: dict[str, int] = {}
        if by == "account":
            booked = dict(db.execute("SELECT account, SUM(amount_ore) FROM postings WHERE date BETWEEN ? AND ? "
                                     "GROUP BY account", [f"{year:04d}-01-01", dec31.isoformat()]).fetchall())
        days = days_in_year(year)
        last = dec31.toordinal()
        for k in sorted(set(expenses) | set(booked), key=_order):
            iv = intervals.get(k, {})
            out.append(TrendRow(k, year, expenses.get(k, 0), booked.get(k, 0) if by == "account" else None,
                                Fraction(sum(_union_days(v) for v in iv.values()), days), len(iv),
                                sum(1 for v in iv.values() if any(hi == last for _, hi in v))))
        if progress:
            progress(n, len(years))
    return out


def _order(key: str):
    digits = "".join(ch for ch in key if ch.isdigit()) if key.startswith("§") else ""
    return (int(digits) if digits else 0, key)


def trend_table(rows: list[TrendRow], by: str):
    """The trend as a report sheet: one row per key and year."""
    table = ReportTable("Udvikling", (
        Column("key", LABELS[by].capitalize(), "text", 28), Column("year", "År", "integer", 8),
        Column("expenses", "Udgift", "amount"), Column("booked", "Bogført", "amount"),
        Column("full_year_equivalents", "Helårspersoner", "number"), Column("unit_cost", "Enhedspris", "amount"),
        Column("users_year", "Borgere i året", "integer"), Column("users_dec31", "Borgere 31.12.", "integer")))
    for r in sorted(rows, key=lambda r: (_order(r.key), r.year)):
        table.add([r.key, r.year, ore_to_kr(r.expenses_ore),
                   ore_to_kr(r.booked_ore) if r.booked_ore is not None else None, ore_to_kr(to_ore(r.fye)),
                   ore_to_kr(r.unit_cost_ore) if r.unit_cost_ore is not None else None, r.users_year,
                   r.users_dec31])
    table.notes.append("Udgift og helårspersoner er beregnet ud fra bevillingerne for hele året; bogført er "
                       "årets posteringer (kun pr. konto).")
    return table


@dataclass(frozen=True)
class ActivityRow:
    key: str
    month: int
    users: int  # unique citizens with an active expense grant on some day of the month
    days: int  # citizen-days with an active expense grant (a citizen once per day)

    def as_json(self) -> dict:
        return {"key": self.key, "month": self.month, "users": self.users, "days": self.days}


def activity_by_month(db, year: int, by: str = "age_group") -> list[ActivityRow]:
    """Activity over the year: per key and month, unique users and citizen-days.

    Raises:
        DispoError: an unknown ``by``.
    """
    if by not in KEYS:
        raise DispoError(f"Ukendt opdeling '{by}': vælg mellem {', '.join(KEYS)}")
    figures, _ = grant_figures(db, year, dt.date(year, 12, 31), with_booked=False)
    intervals: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for f in figures:
        if f.first_active is not None and not f.income:
            k = age_group(f.cpr, year) if by == "age_group" else getattr(f, by)
            intervals[k][f.cpr].append((f.first_active, f.last_active))
    out = []
    for k in sorted(intervals, key=_order):
        for month in range(1, 13):
            lo = dt.date(year, month, 1).toordinal()
            hi = month_end(year, month).toordinal()
            users = days = 0
            for spans in intervals[k].values():
                clipped = [(max(a, lo), min(b, hi)) for a, b in spans if a <= hi and b >= lo]
                if clipped:
                    users += 1
                    days += _union_days(clipped)
            out.append(ActivityRow(k, month, users, days))
    return out
