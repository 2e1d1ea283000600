"""Occupancy (belægning) of the municipality's own facilities, month by month.

Occupancy = occupied place-days / (places · days in the month). Every grant at the
facility occupies a place on each day it is active; places sold to other municipalities
(paying municipality ≠ own) count as occupied and their cost is income. Compared with the
facility's occupancy target (the framework agreement's, e.g. 95 %).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.errors import DispoError
from core.forecast import is_income, load_calcs, own_municipality
from core.money import ore_to_kr
from core.storage import query

PERCENT = Decimal("0.1")


@dataclass(frozen=True)
class OccupancyMonth:
    provider_id: int
    provider: str
    month: int
    places: int
    capacity: int            # place-days
    occupied: int            # place-days, sold included
    sold: int                # place-days sold to other municipalities
    occupancy: Decimal       # percent, one decimal
    target: Decimal | None   # percent
    sold_income: Decimal     # kroner, the sold places' cost in the month

    @property
    def below_target(self) -> bool:
        return self.target is not None and self.occupancy < self.target

    def as_json(self) -> dict:
        return {"provider_id": self.provider_id, "provider": self.provider, "month": self.month,
                "places": self.places, "capacity": self.capacity, "occupied": self.occupied, "sold": self.sold,
                "occupancy": float(self.occupancy), "target": float(self.target) if self.target is not None else None,
                "below_target": self.below_target, "sold_income": float(self.sold_income)}


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
    occupied = {(f["id"], m): 0 for f in facilities for m in range(1, 13)}
    sold = dict(occupied)
    income = dict(occupied)
    months = [(m, dt.date(year, m, 1).toordinal(), dt.date(year, m, calendar.monthrange(year, m)[1]).toordinal())
              for m in range(1, 13)]
    for r, calc in load_calcs(db, year):
        if r["provider_id"] not in by_id or calc.unit == "engang":
            continue
        is_sold = is_income(r["provider_kind"], r["paying_municipality"], own)
        for m, lo, hi in months:
            a = max(lo, calc.start)
            b = min(hi, calc.end) if calc.end is not None else hi
            if a > b:
                continue
            key = (r["provider_id"], m)
            occupied[key] += b - a + 1
            if is_sold:
                sold[key] += b - a + 1
                income[key] += calc.cost_ore(a, b)
    out = []
    for f in facilities:
        target = Decimal(f["occupancy_target"]) if f["occupancy_target"] is not None else None
        for m, lo, hi in months:
            capacity = f["places"] * (hi - lo + 1)
            key = (f["id"], m)
            pct = (Decimal(occupied[key] * 100) / capacity).quantize(PERCENT)
            out.append(OccupancyMonth(f["id"], f["name"], m, f["places"], capacity, occupied[key], sold[key], pct,
                                      target, ore_to_kr(income[key])))
    return out
