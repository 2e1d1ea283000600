"""Breakdowns of the forecast beyond account, section and provider.

``forecast --by caseworker | target_group | age_group | provider_kind | paying_municipality``
rolls the same per-grant figures up by a property of the grant or its citizen, so the rows
add up to the same total to the øre:

- caseworker: the grant's caseworker ("(ingen)" when empty);
- target_group: the citizen's target group (``citizens.target_group``, from the list
  ``target_groups`` she maintains);
- age_group: the citizen's age on 1 January of the year (as the § 176 refund takes it), in
  the bands of ``AGE_GROUPS``; temporary ids have no age ("ukendt");
- provider_kind: own (egen) or external (kommune, region, privat) provider;
- paying_municipality: the paying municipality (empty = the own one);
- grouping: the grant's account and grouping (``5.32.33.004``) with the grouping's text
  from the catalogue (a section split in groupings, e.g. KORA's § 85 in two).

Each row also has the full-year equivalents and the average price, as the account rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from core.store import audit
from core.register import catalogue
from core import cpr as cprs
from core.register.costs import days_in_year
from core.errors import NotFoundError, ValidationError
from core.followup.grant_forecast import Forecast, ForecastRow, _union_days, own_municipality
from core.followup.rollup import _figures_row, _finish
from core.money import ore_to_kr, to_ore
from core.register.providers import KIND_LABELS

LABELS = {"caseworker": "sagsbehandler", "target_group": "målgruppe", "age_group": "aldersgruppe",
          "provider_kind": "ejerform", "paying_municipality": "betalingskommune", "grouping": "gruppering"}
AGE_GROUPS = ((0, 17, "under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 49, "35-49"), (50, 64, "50-64"),
              (65, 200, "65+"))
NONE = "(ingen)"
UNMATCHED = "(uden bevilling)"


def age_group(cpr: str, year: int) -> str:
    """The age band of a citizen on 1 January of ``year`` ("ukendt" for a temporary id)."""
    try:
        age = cprs.age_on(cpr, dt.date(year, 1, 1))
    except (cprs.InvalidCPR, ValueError):
        return "ukendt"
    for lo, hi, label in AGE_GROUPS:
        if lo <= age <= hi:
            return label
    return "ukendt"


@dataclass(slots=True)
class BreakdownRow(ForecastRow):
    """A forecast row keyed by one of the breakdowns: ``group`` names it, ``key`` is its value."""

    group: str | None = None
    key: str | None = None

    def as_json(self) -> dict:
        out = ForecastRow.as_json(self)
        out[self.group] = self.key
        out["key"] = self.key
        return out


def grant_keys(db, by: str, year: int) -> dict[int, str]:
    """Each grant's value of the breakdown ``by``."""
    own = own_municipality(db)
    if by == "caseworker":
        return {gid: (v or NONE) for gid, v in db.execute("SELECT id, caseworker FROM grants")}
    if by == "target_group":
        return {gid: (v or NONE) for gid, v in db.execute(
            "SELECT g.id, c.target_group FROM grants g JOIN citizens c ON c.id = g.citizen_id")}
    if by == "age_group":
        return {gid: age_group(cpr, year) for gid, cpr in db.execute(
            "SELECT g.id, c.cpr FROM grants g JOIN citizens c ON c.id = g.citizen_id")}
    if by == "provider_kind":
        return {gid: KIND_LABELS.get(kind, kind) for gid, kind in db.execute(
            "SELECT g.id, p.kind FROM grants g JOIN providers p ON p.id = g.provider_id")}
    if by == "paying_municipality":
        return {gid: (" ".join((v or "").split()) or own or NONE)
                for gid, v in db.execute("SELECT id, paying_municipality FROM grants")}
    if by == "grouping":
        texts = {(g["account"], g["grouping"]): g["text"] for g in catalogue.groupings(db)}
        return {gid: f"{account}.{grouping}" + (f" {texts[(account, grouping)]}" if (account, grouping) in texts
                                                 else "") if grouping else account
                for gid, account, grouping in db.execute("SELECT id, account, grouping FROM grants")}
    raise ValueError(f"unknown breakdown {by!r}")


def build_breakdown(db, year: int, as_of: dt.date, figures, unmatched: dict, by: str, include_expected: bool,
                    include_refund: bool, drift=None) -> Forecast:
    """The forecast rolled up by ``by`` (one of ``LABELS``); see the module's docstring."""
    keys = grant_keys(db, by, year)
    sums: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    intervals: dict[str, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for f in figures:
        k = keys.get(f.grant_id, NONE)
        s = sums[k]
        s[0] += f.to_date
        s[1] += f.rest
        s[2] += f.booked
        if f.first_active is not None and not f.income:
            intervals[k][f.cpr].append((f.first_active, f.last_active))
    unmatched_total = sum(unmatched.values())
    if unmatched_total:  # postings that match no grant: their own row, as in the section and provider rows
        sums[UNMATCHED][2] += unmatched_total
    days = days_in_year(year)
    rows = []
    for k in sorted(sums, key=lambda v: (v in (NONE, "ukendt", UNMATCHED), v == UNMATCHED, _age_order(v) if by == "age_group" else 0, v)):
        to_date, rest, booked = sums[k]
        fye = Fraction(sum(_union_days(iv) for iv in intervals[k].values()), days)
        row = _figures_row(None, None, k, None, None, None, to_date, rest, booked,
                           full_year_equivalents=ore_to_kr(to_ore(fye)),
                           average_price=ore_to_kr(to_ore(Fraction(to_date + rest, 100) / fye)) if fye else None)
        rows.append(BreakdownRow(**{name: getattr(row, name) for name in ForecastRow.__dataclass_fields__},
                                 group=by, key=k))
    return _finish(db, year, as_of, figures, unmatched, include_expected, include_refund, by, rows, drift=drift)


def _age_order(label: str) -> int:
    for i, (_, _, text) in enumerate(AGE_GROUPS):
        if text == label:
            return i
    return len(AGE_GROUPS)


# ------------------------------------------------------------------ target groups (a list she maintains)

def target_groups(db, *, include_retired: bool = False) -> list[str]:
    sql = "SELECT name FROM target_groups" + ("" if include_retired else " WHERE retired = 0") + " ORDER BY name"
    return [r[0] for r in db.execute(sql)]


def add_target_group(db, name: str) -> str:
    """Add a target group to the list (e.g. "Sindslidende", "Udviklingshæmmede")."""
    name = " ".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": "Målgruppen skal have et navn"})
    if db.execute("SELECT 1 FROM target_groups WHERE name = ?", [name]).fetchone():
        raise ValidationError({"name": f"Målgruppen '{name}' findes allerede"})
    with db.atomic():
        db["target_groups"].insert({"name": name})
        audit.record(db, "target_groups", None, "insert", None, {"name": name})
    return name


def target_group_of(db, citizen_id: int) -> str:
    """A citizen's target group ("" when she has none, or there is no such citizen)."""
    row = db.execute("SELECT target_group FROM citizens WHERE id = ?", [citizen_id]).fetchone()
    return (row[0] or "") if row else ""


def set_target_group(db, citizen_id: int, name: str | None) -> None:
    """Give a citizen a target group from the list (empty: none).

    Raises:
        NotFoundError: no such citizen.
        ValidationError: a target group that is not on the list.
    """
    row = db.execute("SELECT target_group FROM citizens WHERE id = ?", [citizen_id]).fetchone()
    if row is None:
        raise NotFoundError(f"Borger {citizen_id} findes ikke")
    value = " ".join(str(name or "").split())
    if value:
        found = db.execute("SELECT name FROM target_groups WHERE name = ? AND retired = 0", [value]).fetchone()
        if found is None:
            raise ValidationError({"target_group": f"Målgruppen '{value}' er ikke på listen; tilføj den først"})
        value = found[0]
    with db.atomic():
        db["citizens"].update(citizen_id, {"target_group": value})
        audit.record(db, "citizens", citizen_id, "update", {"target_group": row[0]}, {"target_group": value})
