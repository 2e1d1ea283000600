"""In-house vs bought: a citizen (or a group) in bought places against an own place.

The current external cost is what the citizens' grants at external providers (kind other
than ``egen``) cost a year at the rates in force on a date (daily cost · days in the year,
rounded to øre once per grant). The own place costs the own facility's rate for the
section and unit a year, or a VUM allocation (norm hours · 52 · the year's VUM hourly
price); an investment (refurbishing, equipment) is paid in the first month of year one.

Over one to four years, per year: the external cost, the own cost (with the investment in
year one), the saving and the cumulative saving. The break-even month is the first month
whose cumulative own cost (investment + months · own/12) is at most the cumulative
external cost (months · external/12): ``ceil(12 · investment / (external − own))``, at
least month 1; none when an own place costs as much or more a year.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.register import catalogue
from core.register.costs import days_in_year, daily_cost
from core.errors import DispoError, NotFoundError
from core.money import kr
from core.register.grants import list_grants
from core.register.providers import catalogue_rate


class InhouseError(DispoError):
    """The comparison cannot be made (no years, negative amounts, no rate for the own place)."""


@dataclass(frozen=True)
class YearRow:
    year_no: int  # 1..years
    external: Decimal
    own: Decimal
    saving: Decimal
    cumulative_saving: Decimal


@dataclass(frozen=True)
class InhouseResult:
    external_per_year: Decimal
    own_per_year: Decimal
    investment: Decimal
    years: tuple[YearRow, ...]
    break_even_month: int | None  # 1-based month counted from the start; None: never
    within_horizon: bool

    @property
    def total_saving(self) -> Decimal:
        return self.years[-1].cumulative_saving if self.years else Decimal("0.00")

    def cumulative_costs(self) -> list[tuple[int, Decimal, Decimal]]:
        """(month, bought place's cost so far, own place's cost so far incl. the investment) for
        month 0 to the last month of the horizon, each to the øre: the lines cross at break-even."""
        return [(m, kr(self.external_per_year * m / 12), kr(self.investment + self.own_per_year * m / 12))
                for m in range(12 * len(self.years) + 1)]


def compare(external_per_year, own_per_year, investment=Decimal(0), years: int = 4) -> InhouseResult:
    """The comparison over ``years`` (1–4) years; amounts in kroner per year.

    Raises:
        InhouseError: years outside 1–4 or a negative amount.
    """
    if not 1 <= int(years) <= 4:
        raise InhouseError(f"Sammenligningen kan gå over 1–4 år, ikke {years}")
    external, own, invest = kr(Decimal(external_per_year)), kr(Decimal(own_per_year)), kr(Decimal(investment))
    for name, value in (("den eksterne udgift", external), ("egen plads", own), ("investeringen", invest)):
        if value < 0:
            raise InhouseError(f"Beløbet for {name} kan ikke være negativt")
    rows = []
    cumulative = Decimal("0.00")
    for n in range(1, int(years) + 1):
        own_year = own + (invest if n == 1 else 0)
        saving = external - own_year
        cumulative += saving
        rows.append(YearRow(n, external, own_year, saving, cumulative))
    break_even = None
    if external > own:
        break_even = max(1, math.ceil(Fraction(12) * Fraction(invest) / Fraction(external - own)))
    return InhouseResult(external, own, invest, tuple(rows), break_even,
                         break_even is not None and break_even <= 12 * int(years))


def external_cost_per_year(db, citizen_ids: list[int], on: dt.date) -> tuple[Decimal, list[dict]]:
    """What the citizens' bought places cost a year at the rates in force on ``on``.

    Returns:
        (the total, one row per grant: grant id, cpr, provider, section, per year).
    """
    rows = []
    for citizen_id in citizen_ids:
        for g in list_grants(db, active_on=on, citizen_id=citizen_id):
            if g.provider_kind == "egen" or g.unit == "engang":
                continue
            per_year = kr(daily_cost(g.rate_on(on), g.unit, g.quantity, g.quantity_per, on.year)
                          * days_in_year(on.year))
            rows.append({"grant_id": g.id, "cpr": g.cpr, "name": g.name, "provider": g.provider,
                         "section": g.section, "unit": g.unit, "quantity": g.quantity,
                         "quantity_per": g.quantity_per, "per_year": per_year})
    return sum((r["per_year"] for r in rows), Decimal("0.00")), rows


def own_rate_per_year(db, provider_id: int, section: str, unit: str, on: dt.date, quantity=None,
                      quantity_per: str | None = None, places: int = 1) -> Decimal:
    """An own facility's place a year at its catalogue rate for the section and unit, for ``places`` citizens.

    Raises:
        NotFoundError: the facility has no rate for that unit on the date.
    """
    rate = catalogue_rate(db, provider_id, unit, on, section)
    if rate is None:
        raise NotFoundError(f"Tilbuddet har ingen takst pr. {unit} for {section} pr. {on:%d-%m-%Y}")
    quantity = Decimal(quantity) if quantity not in (None, "") else None
    return kr(daily_cost(rate, unit, quantity, quantity_per, on.year) * days_in_year(on.year) * places)


def vum_place_per_year(db, category: str, year: int, hours=None) -> Decimal:
    """A place by VUM allocation: norm hours a week (or ``hours`` for category F) · 52 · the year's hourly price.

    Raises:
        NotFoundError: an unknown category, or no hourly price for the year or before.
    """
    row = db.execute("SELECT norm_hours FROM vum_categories WHERE code = ?", [category]).fetchone()
    if row is None:
        raise NotFoundError(f"VUM-kategori '{category}' findes ikke")
    norm = Decimal(hours) if hours not in (None, "") else (Decimal(row[0]) if row[0] is not None else None)
    if norm is None:
        raise InhouseError(f"Kategori {category} har ingen normtimer; angiv timerne pr. uge")
    return kr(norm * 52 * catalogue.sats(db, "vum_hourly_price", year))


def vum_places_per_year(db, category: str, year: int, bought: list[dict]) -> tuple[Decimal, int]:
    """Own places by VUM allocation for the citizens of the bought places (rows as
    ``external_cost_per_year`` gives them): one place a citizen, however many grants she has,
    and one place when none is given.

    Returns:
        (kr. a year for them all, the number of places).

    Raises:
        NotFoundError, InhouseError: as ``vum_place_per_year``.
    """
    places = max(1, len({r["cpr"] for r in bought}))
    return vum_place_per_year(db, category, year) * places, places


def own_cost_for(db, provider_id: int, bought: list[dict], on: dt.date) -> Decimal:
    """What the bought places would cost a year at an own facility's rates: each bought grant's
    section, unit and quantity at the facility's rate (rows as ``external_cost_per_year`` gives them).

    Raises:
        NotFoundError: the facility has no rate for one of the sections and units.
    """
    return sum((own_rate_per_year(db, provider_id, r["section"], r["unit"], on, r["quantity"], r["quantity_per"])
                for r in bought), Decimal("0.00"))
