"""Occupancy (belægning) of the municipality's own facilities, month by month.

Occupancy = occupied place-days / (places · days in the month) (DOMAIN.md, "Occupancy").
A citizen occupies one place on each day she has an active grant at the facility, once
however many grants she has there. For a day offer (unit ``dag``, q days per week) she
occupies q/5 of a place on the facility's opening days (Monday–Friday); a facility whose
grants are all day offers has its capacity on its opening days only. Places sold to other
municipalities (paying municipality ≠ own) count as occupied and their cost is income.
Compared with the facility's occupancy target: its own where one is set on the provider,
else the framework agreement's yearly value (sats ``occupancy_target``, e.g. 95 %; the
newest earlier year's when the year has none, named by ``target_year``).
Place-days are exact fractions, shown with two decimals.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.errors import DispoError, NotFoundError
from core.followup.forecast import is_income, load_calcs, own_municipality
from core.money import format_number, ore_to_kr, to_ore
from core.register.catalogue import sats_of_year
from core.store.storage import query



@dataclass(frozen=True)
class OccupancyMonth:
    provider_id: int
    provider: str
    month: int
    places: int
    capacity: int            # place-days (on opening days for a day offer)
    occupied: Decimal        # place-days, sold included (two decimals: day offers occupy q/5)
    sold: Decimal            # place-days sold to other municipalities
    occupancy: Decimal       # percent, one decimal
    target: Decimal | None   # percent
    sold_income: Decimal     # kroner, the sold places' cost in the month
    target_year: int | None = None  # the year of the framework agreement's sats used as target (None: own)

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.occupancy < self.target

    def as_json(self) -> dict:
        return {"provider_id": self.provider_id, "provider": self.provider, "month": self.month,
                "places": self.places, "capacity": self.capacity, "occupied": float(self.occupied),
                "sold": float(self.sold),
                "occupancy": float(self.occupancy), "target": float(self.target) if self.target is not None else None,
                "below_target": self.below_target, "sold_income": float(self.sold_income),
                "target_year": self.target_year}


def occupancy(db, year: int) -> list[OccupancyMonth]:
    """Per own facility with places, per month of ``year``.

    Raises:
        DispoError: a year outside 1900–2200.
    """
    if not 1900 <= year <= 2200:
        raise DispoError(f"Året {year} er ikke gyldigt")
    facilities = query(db, "SELECT id, name, places, occupancy_target FROM providers "
                           "WHERE kind = 'egen' AND places > 0 ORDER BY name")
    if not facilities:
        return []
    by_id = {f["id"]: f for f in facilities}
    own = own_municipality(db)
    income = {(f["id"], m): 0 for f in facilities for m in range(1, 13)}
    months = [(m, dt.date(year, m, 1).toordinal(), dt.date(year, m, calendar.monthrange(year, m)[1]).toordinal())
              for m in range(1, 13)]
    first, last = months[0][1], months[-1][2]
    # per facility and day: each citizen's share of a place (once a day: the largest) and whether sold
    present: dict[tuple[int, int], dict[str, list]] = {}
    day_offer_only = {f["id"]: True for f in facilities}
    for r, calc in load_calcs(db, year):
        pid = r["provider_id"]
        if pid not in by_id or calc.unit == "engang":
            continue
        is_sold = is_income(r["provider_kind"], r["paying_municipality"], own)
        day_offer = calc.unit == "dag"
        day_offer_only[pid] = day_offer_only[pid] and day_offer
        share = min(Fraction(Decimal(r["quantity"] or 0)) / 5, Fraction(1)) if day_offer else Fraction(1)
        lo = max(first, calc.start)
        hi = min(last, calc.end) if calc.end is not None else last
        for day in range(lo, hi + 1):
            if day_offer and not opening_day(day):
                continue
            citizens = present.setdefault((pid, day), {})
            seen = citizens.get(r["cpr"])
            if seen is None:
                citizens[r["cpr"]] = [share, is_sold]
            else:
                seen[0], seen[1] = max(seen[0], share), seen[1] or is_sold
        if is_sold:  # a month's income: the grant's cost to its end less to the month before, each
            # rounded once as the forecast's computed_to_date, so the months add up to the forecast's
            for m, m_lo, m_hi in months:
                a, b = max(m_lo, calc.start), min(m_hi, calc.end) if calc.end is not None else m_hi
                if a <= b:
                    income[(pid, m)] += calc.cost_ore(first, m_hi) - calc.cost_ore(first, m_lo - 1)
    agreed, agreed_year = framework_target(db, year)
    out = []
    for f in facilities:
        own_target = f["occupancy_target"] is not None
        target = Decimal(f["occupancy_target"]) if own_target else agreed
        target_year = None if own_target else agreed_year
        for m, lo, hi in months:
            days = [d for d in range(lo, hi + 1) if opening_day(d)] if day_offer_only[f["id"]] else range(lo, hi + 1)
            capacity = f["places"] * len(days)
            occupied = sold = Fraction(0)
            for day in range(lo, hi + 1):
                for share, is_sold in present.get((f["id"], day), {}).values():
                    occupied += share
                    if is_sold:
                        sold += share
            # percent with one decimal, rounded once (half away from zero)
            pct = Decimal(to_ore(occupied * 10 / capacity)).scaleb(-1) if capacity else Decimal("0.0")
            out.append(OccupancyMonth(f["id"], f["name"], m, f["places"], capacity, ore_to_kr(to_ore(occupied)),
                                      ore_to_kr(to_ore(sold)), pct, target, ore_to_kr(income[(f["id"], m)]),
                                      target_year))
    return out


def framework_target(db, year: int) -> tuple[Decimal | None, int | None]:
    """The framework agreement's occupancy target in percent for ``year`` (the yearly value
    ``occupancy_target``, the newest earlier year's when the year has none) and the year it
    was set for; (None, None) when none is set."""
    try:
        return sats_of_year(db, "occupancy_target", year)
    except NotFoundError:
        return None, None


def target_note(months: list[OccupancyMonth]) -> str | None:
    """Which yearly value a facility without its own target is compared with (DOMAIN.md,
    "Yearly values": a figure built on a year's value says which year's)."""
    used = {(m.target, m.target_year) for m in months if m.target_year is not None}
    if not used:
        return None
    target, year = used.pop()
    return (f"Mål: rammeaftalens belægningsmål {format_number(target, 1)} % (sats for {year}) for tilbud "
            "uden eget belægningsmål.")


def opening_day(ordinal: int) -> bool:
    """A day offer's opening days: Monday to Friday."""
    return dt.date.fromordinal(ordinal).weekday() < 5
