"""Rates reach the grants (DOMAIN.md, "Rates and next year").

A grant follows its provider's catalogue rate for its section and unit unless it has an
individual rate (``grants.rate_from_catalogue`` is 0). A provider's new rate from a date
becomes a new rate period on each following grant; grants with an individual rate are
listed and left alone. The change is previewed (``plan_rate_change``) and then written as
one batch (``apply_rate_change``): the provider's rate row and every grant's new period, so
``core.importing.batches.undo`` takes the whole change back.

The yearly price and wage index (sats ``price_index``, percent per year) projects a rate
that has no known value for a year: ``projected_periods``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from core.register.catalogue import set_sats
from core.register.grants import normalize_section
from core.store import audit
from core.errors import ValidationError
from core.followup.forecast import CostCalc, is_income, load_rows, own_municipality
from core.importing.importers import grant_snapshot, record_change
from core.money import InvalidNumber, format_date, format_number, kr, ore_to_kr, parse_date, to_decimal
from core.register.providers import find_by_name, provider_units
from core.store.storage import current_user, query

BATCH_KIND = "takstændring"
PRICE_INDEX = "price_index"


@dataclass(frozen=True)
class GrantEffect:
    """One grant touched by a rate change and what it does to the grant's year."""

    grant_id: int
    cpr: str
    name: str
    section: str
    unit: str
    old_rate: Decimal
    new_rate: Decimal
    effect_ore: int  # change of the grant's expected outturn in the change's year (income negative)

    def as_json(self) -> dict:
        return {"grant_id": self.grant_id, "cpr": self.cpr, "name": self.name, "section": self.section,
                "unit": self.unit, "old_rate": float(self.old_rate), "new_rate": float(self.new_rate),
                "effect_year": float(ore_to_kr(self.effect_ore))}


@dataclass(frozen=True)
class RateChange:
    """A provider's new rate from a date, with the grants it reaches (a preview until applied)."""

    provider_id: int
    provider: str
    valid_from: dt.date
    rate: Decimal
    unit: str
    sections: tuple[str | None, ...]  # the provider rate rows written (None: the provider's rate for any section)
    changed: list[GrantEffect] = field(default_factory=list)
    individual: list[GrantEffect] = field(default_factory=list)
    batch_id: int | None = None

    @property
    def effect_ore(self) -> int:
        return sum(g.effect_ore for g in self.changed)

    def as_json(self) -> dict:
        return {"provider": self.provider, "from": self.valid_from.isoformat(), "rate": float(self.rate),
                "unit": self.unit, "sections": [s for s in self.sections],
                "grants_changed": [g.grant_id for g in self.changed],
                "grants_individual": [g.grant_id for g in self.individual],
                "effect_year": float(ore_to_kr(self.effect_ore)), "year": self.valid_from.year,
                "batch_id": self.batch_id, "details": [g.as_json() for g in self.changed],
                "individual_details": [g.as_json() for g in self.individual]}


def _with_period(periods: list[tuple[dt.date, Decimal]], day: dt.date, rate: Decimal) -> list[tuple[dt.date, Decimal]]:
    """``periods`` (sorted) with ``rate`` in force from ``day`` (replacing a period starting that day)."""
    out = [p for p in periods if p[0] != day] + [(day, rate)]
    return sorted(out)


def _year_cost(g: dict, periods: list[tuple[dt.date, Decimal]], year: int) -> int:
    """The grant's cost in øre over the whole of ``year`` with the given rate periods."""
    calc = CostCalc(g["unit"], g["quantity"], g["quantity_per"], dt.date.fromisoformat(g["start"]).toordinal(),
                    dt.date.fromisoformat(g["end"]).toordinal() if g["end"] else None,
                    [(d.toordinal(), r) for d, r in periods], year)
    return calc.cost_ore(dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal())


def _rate_in_force(periods, day: dt.date) -> Decimal:
    current = periods[0][1]
    for d, r in periods:
        if d <= day:
            current = r
    return current


def plan_rate_change(db, provider: str, valid_from, rate, unit: str | None = None,
                     section: str | None = None) -> RateChange:
    """Preview a provider's new rate: which grants follow it, which have an individual rate.

    Args:
        provider: the provider's name (case-insensitive).
        valid_from: the date the new rate applies from.
        rate: the new rate in kroner per unit.
        unit: the unit the rate is for; may be left out when the provider uses one unit only.
        section: only the grants (and the rate row) of this section; default every section the
            provider has grants or rates for in the unit.

    Raises:
        ValidationError: an unknown provider, a bad rate, date or unit (nothing is changed).
    """
    problems: dict[str, str] = {}
    prov = find_by_name(db, str(provider or ""))
    if prov is None:
        problems["provider"] = f"Leverandøren '{provider}' findes ikke"
    try:
        value = to_decimal(rate)
        if not value.is_finite() or value <= 0:
            problems["rate"] = "Taksten skal være et tal større end 0"
    except (InvalidNumber, ArithmeticError):
        problems["rate"] = f"Takst: '{rate}' er ikke et tal"
        value = None
    if not isinstance(valid_from, dt.date):
        try:
            valid_from = parse_date(str(valid_from))
        except InvalidNumber:
            problems["valid_from"] = f"Gyldig fra: '{valid_from}' er ikke en dato (skriv DD-MM-ÅÅÅÅ)"
    code = None
    if section:
        code = normalize_section(section)
        if not code or not db.execute("SELECT 1 FROM sections WHERE code = ?", [code]).fetchone():
            problems["section"] = f"Paragraffen '{section}' findes ikke"
    if problems:
        raise ValidationError(problems)
    used_units = set(provider_units(db, prov.id))
    if unit is None:
        if len(used_units) != 1:
            raise ValidationError({"unit": f"Angiv enheden: {prov.name} har takster eller bevillinger i "
                                           f"{', '.join(sorted(used_units)) or 'ingen enheder'}"})
        unit = used_units.pop()
    elif not db.execute("SELECT 1 FROM units WHERE code = ?", [unit]).fetchone():
        raise ValidationError({"unit": f"Ukendt enhed '{unit}'"})

    day = valid_from.isoformat()
    grants = query(db, """SELECT g.id, g.section, g.unit, g.quantity, g.quantity_per, g.start, g."end",
                                 g.rate_from_catalogue, g.paying_municipality, c.cpr, c.name
                          FROM grants g JOIN citizens c ON c.id = g.citizen_id
                          WHERE g.provider_id = ? AND g.unit = ? AND (g."end" IS NULL OR g."end" >= ?)
                          ORDER BY g.id""", [prov.id, unit, day])
    if code:
        grants = [g for g in grants if g["section"] == code]
    rate_rows = {r[0] for r in db.execute("SELECT section FROM provider_rates WHERE provider_id = ? AND unit = ?",
                                          [prov.id, unit])}
    if code:
        targets = {code}
    else:
        targets = {s for s in rate_rows if s is not None}
        for g in grants:
            targets.add(g["section"] if g["section"] in rate_rows or None not in rate_rows else None)
        if not targets:
            targets = {None}
    periods = _periods(db, [g["id"] for g in grants])
    own = own_municipality(db)
    changed, individual = [], []
    for g in grants:
        old = periods.get(g["id"], [])
        if not old:
            continue
        when = max(valid_from, dt.date.fromisoformat(g["start"]))
        new = _with_period(old, when, value)
        sign = -1 if is_income(prov.kind, g["paying_municipality"], own) else 1
        effect = sign * (_year_cost(g, new, valid_from.year) - _year_cost(g, old, valid_from.year))
        item = GrantEffect(g["id"], g["cpr"], g["name"], g["section"], g["unit"], _rate_in_force(old, when), value,
                           effect)
        if not g["rate_from_catalogue"]:
            individual.append(GrantEffect(**{**item.__dict__, "effect_ore": 0}))
        elif new != old:
            changed.append(item)
    return RateChange(prov.id, prov.name, valid_from, value, unit,
                      tuple(sorted(targets, key=lambda s: (s is not None, s or ""))), changed, individual)


def _periods(db, grant_ids: list[int]) -> dict[int, list[tuple[dt.date, Decimal]]]:
    out: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for i in range(0, len(grant_ids), 500):
        chunk = grant_ids[i:i + 500]
        for gid, vf, rate in db.execute(
                f"SELECT grant_id, valid_from, rate FROM grant_rates WHERE grant_id IN ({','.join('?' * len(chunk))}) "
                "ORDER BY grant_id, valid_from", chunk):
            out.setdefault(gid, []).append((dt.date.fromisoformat(vf), Decimal(rate)))
    return out


def apply_rate_change(db, change: RateChange) -> RateChange:
    """Write a previewed rate change as one batch; returns it with its ``batch_id``.

    The provider's rate row (one per section in ``change.sections``) is added, or updated
    when one starts on the same day; each following grant gets the rate from the date (or
    from its start, when it starts later). ``undo BATCH`` takes all of it back.
    """
    day = change.valid_from.isoformat()
    text = f"{change.provider}: {format_number(change.rate)} kr. pr. {change.unit} fra {format_date(change.valid_from)}"
    with db.atomic():
        batch_id = db["batches"].insert({
            "kind": BATCH_KIND, "file": text, "sheet": "", "created_at": audit.now(), "user": current_user(),
            "rows_read": len(change.changed) + len(change.individual), "imported": 0,
            "updated": len(change.changed), "unchanged": len(change.individual)}).last_pk
        audit.record(db, "batches", batch_id, "import", None, {"kind": BATCH_KIND, "text": text}, batch_id)
        inserted = 0
        for section in change.sections:
            row = {"provider_id": change.provider_id, "section": section, "unit": change.unit,
                   "text": f"{section or ''} {change.unit}".strip(), "valid_from": day, "rate": str(change.rate)}
            old = query(db, "SELECT * FROM provider_rates WHERE provider_id = ? AND unit = ? AND section IS ? "
                            "AND valid_from = ?", [change.provider_id, change.unit, section, day])
            if old:
                record_change(db, batch_id, "provider_rates", old[0]["id"], old[0])
                db["provider_rates"].update(old[0]["id"], {"rate": str(change.rate)})
                audit.record(db, "provider_rates", old[0]["id"], "update", old[0], row, batch_id)
            else:
                new_id = db["provider_rates"].insert({**row, "batch_id": batch_id}).last_pk
                audit.record(db, "provider_rates", new_id, "insert", None, row, batch_id)
                inserted += 1
        for g in change.changed:
            before = grant_snapshot(db, g.grant_id)
            record_change(db, batch_id, "grants", g.grant_id, before)
            start = before["row"]["start"]
            db.execute("INSERT INTO grant_rates (grant_id, valid_from, rate) VALUES (?, ?, ?) "
                       "ON CONFLICT (grant_id, valid_from) DO UPDATE SET rate = excluded.rate",
                       [g.grant_id, max(day, start), str(change.rate)])
            audit.record(db, "grants", g.grant_id, "rate", {"rates": [[r["valid_from"], r["rate"]]
                                                                      for r in before["rates"]]},
                         {"rates": [list(r) for r in db.execute(
                             "SELECT valid_from, rate FROM grant_rates WHERE grant_id = ? ORDER BY valid_from",
                             [g.grant_id])]}, batch_id)
        db["batches"].update(batch_id, {"imported": inserted})
    return RateChange(**{**change.__dict__, "batch_id": batch_id})


def rates_apply(db, provider: str, valid_from, rate, unit: str | None = None, section: str | None = None,
                *, dry_run: bool = False) -> RateChange:
    """Plan a provider's rate change and, unless ``dry_run``, apply it as one batch."""
    change = plan_rate_change(db, provider, valid_from, rate, unit, section)
    return change if dry_run else apply_rate_change(db, change)


# ------------------------------------------------------------------ price and wage index

def price_index(db, year: int) -> tuple[Decimal, int] | None:
    """The price and wage index (percent) for ``year`` and the year its value is from, or None."""
    row = db.execute("SELECT value, year FROM satser WHERE kind = ? AND year <= ? ORDER BY year DESC LIMIT 1",
                     [PRICE_INDEX, year]).fetchone()
    return (Decimal(row[0]), row[1]) if row else None


def projected_rate(rate: Decimal, index: Decimal) -> Decimal:
    """``rate`` projected by ``index`` percent, rounded to øre half away from zero (Dispo's one
    rounding rule; Decimal's quantize would round half to even)."""
    return kr(Decimal(rate) * (1 + Decimal(index) / 100))


def projected_periods(periods: list[tuple[dt.date, Decimal]], year: int, index: Decimal | None,
                      known: tuple[dt.date, Decimal] | None = None) -> tuple[list[tuple[dt.date, Decimal]], bool]:
    """A grant's rate periods for ``year``. When no period starts in the year or later, the year's
    value is the provider's catalogue rate ``known`` (a following grant whose provider has a rate
    from a day in the year), or else the rate in force at the year's start projected by
    ``index`` percent from 1 January.

    Returns the periods and whether a projection with the index was made.
    """
    jan1 = dt.date(year, 1, 1)
    if not periods or any(d >= jan1 for d, _ in periods):
        return periods, False
    if known is not None:
        return [*periods, known], False
    if index is None:
        return periods, False
    current = _rate_in_force(periods, jan1)
    projected = projected_rate(current, index)
    return [*periods, (jan1, projected)], True


def known_rates(db, year: int):
    """A function giving a grant's known value for ``year`` from its provider's catalogue:
    ``(valid_from, rate)`` of the provider's first rate from a day in the year for the grant's
    unit and section (or for any section), when the grant follows the provider's rate; else None.
    """
    following = {gid for (gid,) in db.execute("SELECT id FROM grants WHERE rate_from_catalogue = 1")}
    first: dict[tuple[int, str, str | None], tuple[dt.date, Decimal]] = {}
    for pid, unit, section, vf, rate in db.execute(
            "SELECT provider_id, unit, section, valid_from, rate FROM provider_rates WHERE valid_from BETWEEN ? AND ? "
            "ORDER BY valid_from DESC", [f"{year:04d}-01-01", f"{year:04d}-12-31"]):
        first[(pid, unit, section)] = (dt.date.fromisoformat(vf), Decimal(rate))  # the earliest wins

    def known(grant_id: int, provider_id: int, unit: str, section: str):
        if grant_id not in following:
            return None
        return first.get((provider_id, unit, section)) or first.get((provider_id, unit, None))

    return known


@dataclass(frozen=True)
class Projection:
    """Rate periods for a year given to the grants that have no known value for it."""

    year: int
    index: tuple[Decimal, int] | None
    grants: list[GrantEffect]
    days: dict[int, dt.date]  # grant id -> the day its new rate period starts
    batch_id: int | None = None

    @property
    def effect_ore(self) -> int:
        return sum(g.effect_ore for g in self.grants)

    def as_json(self) -> dict:
        return {"year": self.year, "percent": float(self.index[0]) if self.index else None,
                "percent_from_year": self.index[1] if self.index else None,
                "grants_changed": [g.grant_id for g in self.grants], "effect_year": float(ore_to_kr(self.effect_ore)),
                "batch_id": self.batch_id, "details": [g.as_json() for g in self.grants]}


def plan_projection(db, year: int) -> Projection:
    """Which grants running in ``year`` have no rate for it, and the rate each would get: the
    provider's catalogue rate for the year where the grant follows it, else the rate projected
    with the year's price and wage index.

    Raises:
        ValidationError: no price and wage index for the year or earlier.
    """
    index = price_index(db, year)
    rows, _ = load_rows(db, f"{year:04d}-01-01", f"{year:04d}-12-31")
    periods = _periods(db, [r["id"] for r in rows])
    known = known_rates(db, year)
    own = own_municipality(db)
    jan1 = dt.date(year, 1, 1)
    out, days = [], {}
    missing_index = False
    for r in rows:
        old = periods.get(r["id"], [])
        new, _ = projected_periods(old, year, index[0] if index else None,
                                   known(r["id"], r["provider_id"], r["unit"], r["section"]))
        if new == old:
            missing_index = missing_index or bool(old and not any(d >= jan1 for d, _ in old))
            continue
        g = {"unit": r["unit"], "quantity": r["quantity"], "quantity_per": r["quantity_per"],
             "start": dt.date.fromordinal(r["start_ordinal"]).isoformat(),
             "end": dt.date.fromordinal(r["end_ordinal"]).isoformat() if r["end_ordinal"] else None}
        sign = -1 if is_income(r["provider_kind"], r["paying_municipality"], own) else 1
        out.append(GrantEffect(r["id"], r["cpr"], r["name"], r["section"], r["unit"], _rate_in_force(old, jan1),
                               new[-1][1], sign * (_year_cost(g, new, year) - _year_cost(g, old, year))))
        days[r["id"]] = new[-1][0]
    if missing_index:
        raise ValidationError({"price_index": f"Der er ingen pris- og lønfremskrivning for {year} eller tidligere; "
                                              "sæt den først (rates index --year ÅR --percent PCT)"})
    return Projection(year, index, out, days)


def apply_projection(db, plan: Projection) -> Projection:
    """Write a projection as one batch (``undo BATCH`` takes it back)."""
    text = f"Takster {plan.year}" + (f": fremskrevet {format_number(plan.index[0])} %" if plan.index else "")
    with db.atomic():
        batch_id = db["batches"].insert({
            "kind": "fremskrivning", "file": text, "sheet": "", "created_at": audit.now(), "user": current_user(),
            "rows_read": len(plan.grants), "updated": len(plan.grants)}).last_pk
        audit.record(db, "batches", batch_id, "import", None, {"kind": "fremskrivning", "text": text}, batch_id)
        # every period is new (the grants have none from the year on): the rows carry the batch, so undo
        # removes exactly them; written in bulk, as a register has tens of thousands of grants
        rows = [(g.grant_id, plan.days[g.grant_id].isoformat(), str(g.new_rate), batch_id) for g in plan.grants]
        db.conn.executemany("INSERT INTO grant_rates (grant_id, valid_from, rate, batch_id) VALUES (?, ?, ?, ?)", rows)
        for gid, valid_from, rate, _ in rows:
            audit.record(db, "grants", gid, "rate", None, {"valid_from": valid_from, "rate": rate}, batch_id)
    return Projection(plan.year, plan.index, plan.grants, plan.days, batch_id)


def set_price_index(db, year: int, percent) -> None:
    """Set the price and wage index (pris- og lønfremskrivning) of a year, in percent."""
    set_sats(db, PRICE_INDEX, year, percent)
