"""The grant register (bevillinger): reading, validating and changing grants.

A grant's rate can change during its life: each rate is a period valid from a date
(``grant_rates``). Every change goes through this module, in one transaction with its
audit row. Edits can be undone by writing back the state captured before them
(``grant_state`` / ``restore_grant_state``), which the GUI's undo stack uses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, fields
from operator import itemgetter
from decimal import Decimal
from functools import lru_cache

from core.store import audit
from core import cpr as cprs
from core.register.catalogue import section as get_section
from core.register.citizens import ensure_citizen
from core.register.costs import QUANTITY_PER, QUANTITY_UNITS, UNITS, CostBasis, RatePeriod, rate_in_force
from core.errors import DispoError, NotFoundError, ValidationError
from core.money import InvalidNumber, parse_date, to_decimal
from core.register.providers import find_by_name, get_provider
from core.register.pa_cap import grant_warning
from core.store.storage import bulk_work, query

STATUSES = ("aktiv", "afsluttet")
VUM_CATEGORIES = ("A", "B", "C", "D", "E", "F")
ACCOUNT_PATTERN = re.compile(r"^\d\.\d{2}\.\d{2}$")


@dataclass(frozen=True)
class Grant:
    id: int
    citizen_id: int
    cpr: str
    name: str
    section: str
    provider_id: int
    provider: str
    provider_kind: str
    account: str
    grouping: str
    unit: str
    quantity: Decimal | None
    quantity_per: str | None
    start: dt.date
    end: dt.date | None
    status: str
    paying_municipality: str
    acting_municipality: str
    payment_only: bool
    caseworker: str
    granted_on: dt.date | None
    followup_date: dt.date | None
    vum_category: str | None
    vum_hours: Decimal | None
    rate_from_catalogue: bool
    note: str
    batch_id: int | None
    working_hours: Decimal | None  # personal assistance in employment: the citizen's hours a week in her job
    cap_reason: str                # ... and why the hours may exceed the cap (``core.register.pa_cap``)
    rates: tuple[RatePeriod, ...]

    @property
    def basis(self) -> CostBasis:
        return CostBasis(self.unit, self.quantity, self.quantity_per, self.start, self.end, self.rates)

    def rate_on(self, day: dt.date) -> Decimal:
        return rate_in_force(self.rates, day)

    @property
    def rate(self) -> Decimal:
        """The rate in force today (the first rate for a grant not yet started)."""
        return self.rate_on(dt.date.today())

    def is_active_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@lru_cache(maxsize=65536)
def _iso_date(value: str) -> dt.date:
    """A stored ISO date; cached, as a register's dates repeat (starts, month ends)."""
    return dt.date.fromisoformat(value)


def _date(value) -> dt.date | None:
    return _iso_date(value) if value else None


_ROW_FIELDS = tuple(f.name for f in fields(Grant) if f.name != "rates")  # Grant's fields, in order
_GRANT_SQL = """
    SELECT g.*, c.cpr, c.name, p.name AS provider, p.kind AS provider_kind
    FROM grants g JOIN citizens c ON c.id = g.citizen_id JOIN providers p ON p.id = g.provider_id
"""


def _rates_by_grant(db, grant_ids: list[int] | None) -> dict[int, list[RatePeriod]]:
    if grant_ids is None:
        cur = db.execute("SELECT grant_id, valid_from, rate FROM grant_rates ORDER BY grant_id, valid_from")
    else:
        out: dict[int, list[RatePeriod]] = {}
        for i in range(0, len(grant_ids), 500):
            chunk = grant_ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            cur = db.execute(f"SELECT grant_id, valid_from, rate FROM grant_rates WHERE grant_id IN ({marks}) "
                             "ORDER BY grant_id, valid_from", chunk)
            for gid, vf, rate in cur:
                out.setdefault(gid, []).append(RatePeriod(dt.date.fromisoformat(vf), Decimal(rate)))
        return out
    out = {}
    for gid, vf, rate in cur:
        period = RatePeriod(_iso_date(vf), Decimal(rate))
        periods = out.get(gid)
        if periods is None:
            out[gid] = [period]
        else:
            periods.append(period)
    return out


def _grant(values: tuple, rates) -> Grant:
    """A grant from its row's ``_ROW_FIELDS`` values and its rate periods (positional: the
    register reads tens of thousands of them)."""
    (gid, citizen_id, cpr, name, section, provider_id, provider, provider_kind, account, grouping, unit, quantity,
     quantity_per, start, end, status, paying, acting, payment_only, caseworker, granted_on, followup_date,
     vum_category, vum_hours, rate_from_catalogue, note, batch_id, working_hours, cap_reason) = values
    return Grant(gid, citizen_id, cpr, name, section, provider_id, provider, provider_kind, account, grouping, unit,
                 Decimal(quantity) if quantity is not None else None, quantity_per, _iso_date(start), _date(end),
                 status, paying, acting, bool(payment_only), caseworker, _date(granted_on), _date(followup_date),
                 vum_category, Decimal(vum_hours) if vum_hours is not None else None, bool(rate_from_catalogue),
                 note, batch_id, Decimal(working_hours) if working_hours is not None else None, cap_reason,
                 tuple(rates))


def list_grants(db, *, active_on: dt.date | None = None, citizen_id: int | None = None,
                active_between: tuple[dt.date, dt.date] | None = None) -> list[Grant]:
    """Grants ordered by section number, citizen name and start.

    Args:
        active_on: only grants active on that day.
        citizen_id: only that citizen's grants.
        active_between: only grants active on at least one day of ``(first, last)``.
    """
    where, params = [], []
    if active_on:
        where.append("g.start <= ? AND (g.end IS NULL OR g.end >= ?)")
        params += [active_on.isoformat()] * 2
    if active_between:
        where.append("g.start <= ? AND (g.end IS NULL OR g.end >= ?)")
        params += [active_between[1].isoformat(), active_between[0].isoformat()]
    if citizen_id is not None:
        where.append("g.citizen_id = ?")
        params.append(citizen_id)
    sql = _GRANT_SQL + " LEFT JOIN sections s ON s.code = g.section"
    sql += (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY s.number, c.name, g.start, g.id"
    with bulk_work():
        cur = db.execute(sql, params)
        values = itemgetter(*_positions(cur, _ROW_FIELDS))
        rows = [values(row) for row in cur]
        rates = _rates_by_grant(db, None if not where else [r[0] for r in rows])
        return [_grant(r, rates.get(r[0], ())) for r in rows]


def _positions(cursor, names: tuple[str, ...]) -> list[int]:
    """The positions of the columns ``names`` in a cursor's rows."""
    index = {d[0]: i for i, d in enumerate(cursor.description)}  # the last of equal names, as ``query``
    return [index[n] for n in names]


def count_grants(db) -> int:
    """How many grants the register holds (cheap; lets the GUI decide to load in the background)."""
    return db.execute("SELECT count(*) FROM grants").fetchone()[0]


def get_grant(db, grant_id: int) -> Grant:
    rows = query(db, _GRANT_SQL + " WHERE g.id = ?", [grant_id])
    if not rows:
        raise NotFoundError(f"Bevilling {grant_id} findes ikke")
    return _grant(itemgetter(*_ROW_FIELDS)(rows[0]), _rates_by_grant(db, [grant_id]).get(grant_id, ()))


def grant_json(g: Grant) -> dict:
    """The CLI's JSON form of a grant (a fixed set of keys, the acceptance check's contract; a personal-assistance
    grant's working hours and cap reason are in ``pa-followup --json``)."""
    return {
        "id": g.id, "cpr": g.cpr, "name": g.name, "section": g.section, "provider": g.provider,
        "rate": float(g.rate) if g.rates else None, "unit": g.unit,
        "quantity": float(g.quantity) if g.quantity is not None else None, "quantity_per": g.quantity_per,
        "start": g.start.isoformat(), "end": g.end.isoformat() if g.end else None, "account": g.account,
        "vum_category": g.vum_category, "paying_municipality": g.paying_municipality, "status": g.status,
    }


# ------------------------------------------------------------------ validation

EDITABLE = ("cpr", "name", "section", "provider", "provider_id", "account", "grouping", "unit", "quantity",
            "quantity_per", "start", "end", "rate", "status", "paying_municipality", "acting_municipality",
            "payment_only", "caseworker", "granted_on", "followup_date", "vum_category", "vum_hours",
            "rate_from_catalogue", "note", "working_hours", "cap_reason")
HOURS_IN_A_WEEK = 168


def _as_date(value, label: str, problems: dict, key: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return parse_date(str(value))
    except InvalidNumber:
        problems[key] = f"{label}: '{value}' er ikke en dato (skriv DD-MM-ÅÅÅÅ)"
        return None


def _as_decimal(value, label: str, problems: dict, key: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = to_decimal(value)
    except (InvalidNumber, ArithmeticError, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        problems[key] = f"{label}: '{value}' er ikke et tal"
        return None
    return number


def validate_grant(db, data: dict, *, partial: bool = False) -> dict:
    """Check and normalise a grant's fields; returns the cleaned values.

    With ``partial`` only the given fields are checked (the others are taken as valid),
    which is what an update of some fields needs after merging with the current state.

    Raises:
        ValidationError: every problem found, each with a Danish message.
    """
    problems: dict[str, str] = {}
    out: dict = {}
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown grant fields: {sorted(unknown)}")

    if "cpr" in data or not partial:
        try:
            out["cpr"] = cprs.normalize(data.get("cpr"))
        except cprs.InvalidCPR as ex:
            problems["cpr"] = str(ex)
    if "name" in data:
        out["name"] = " ".join(str(data["name"] or "").split())

    sec = None
    if "section" in data or not partial:
        code = normalize_section(data.get("section"))
        try:
            sec = get_section(db, code) if code else None
        except NotFoundError:
            sec = None
        if sec is None:
            problems["section"] = f"Paragraf mangler eller er ukendt: '{data.get('section') or ''}'"
        else:
            out["section"] = sec.code

    if "provider_id" in data or "provider" in data or not partial:
        prov = None
        if data.get("provider_id"):
            try:
                prov = get_provider(db, int(data["provider_id"]))
            except NotFoundError:
                prov = None
        elif data.get("provider"):
            prov = find_by_name(db, str(data["provider"]))
            if prov is None:
                problems["provider"] = f"Leverandøren '{data['provider']}' findes ikke; opret den først"
        if prov is None and "provider" not in problems:
            problems["provider"] = "Leverandør skal udfyldes"
        elif prov is not None:
            out["provider_id"] = prov.id

    if "account" in data or not partial:
        account = str(data.get("account") or (sec.account if sec else "")).strip()
        if not ACCOUNT_PATTERN.match(account):
            problems["account"] = f"Konto skal skrives som 5.38.50, ikke '{account}'"
        else:
            out["account"] = account
    if "grouping" in data:
        out["grouping"] = str(data["grouping"] or "").strip()
    elif not partial:
        out["grouping"] = sec.grouping if sec and out.get("account") == sec.account else ""

    unit = data.get("unit") if ("unit" in data or not partial) else None
    if "unit" in data or not partial:
        unit = unit or (sec.unit if sec else None)
        if unit not in UNITS:
            problems["unit"] = f"Enhed skal være en af {', '.join(UNITS)}"
        else:
            out["unit"] = unit

    if "quantity" in data or "quantity_per" in data or "unit" in data or not partial:
        qty = _as_decimal(data.get("quantity"), "Mængde", problems, "quantity")
        per = data.get("quantity_per") or None
        if unit in QUANTITY_UNITS:
            if qty is None and "quantity" not in problems:
                problems["quantity"] = "Mængde skal udfyldes for timer og dage (fx 7 timer pr. uge)"
            elif qty is not None and qty <= 0:
                problems["quantity"] = "Mængde skal være større end 0"
            if unit == "dag":
                per = per or "uge"
                if per != "uge":
                    problems["quantity_per"] = "Dage angives pr. uge"
                elif qty is not None and qty > 7:
                    problems["quantity"] = "Der er højst 7 dage pr. uge"
            elif per not in QUANTITY_PER:
                problems["quantity_per"] = "Timer angives pr. uge eller pr. måned"
            out["quantity"] = qty
            out["quantity_per"] = per
        elif unit is not None:
            out["quantity"] = None
            out["quantity_per"] = None

    dates = {}
    for key, label in (("start", "Startdato"), ("end", "Slutdato"), ("granted_on", "Bevilget dato"),
                       ("followup_date", "Opfølgningsdato")):
        if key in data or (not partial and key in ("start", "end")):
            dates[key] = _as_date(data.get(key), label, problems, key)
            out[key] = dates[key]
    if (not partial or "start" in data) and dates.get("start") is None and "start" not in problems:
        problems["start"] = "Startdato skal udfyldes"
    if dates.get("start") and dates.get("end") and dates["end"] < dates["start"]:
        problems["end"] = "Slutdato ligger før startdato"
    if sec is not None and dates.get("start") and "section" not in problems:  # the catalogue grows (issue #16)
        start = dates["start"].isoformat()
        if sec.valid_from and start < sec.valid_from:
            problems["section"] = f"{sec.code} gælder først fra {parse_date(sec.valid_from):%d-%m-%Y}"
        elif sec.retired_from and start >= sec.retired_from:
            problems["section"] = f"{sec.code} er udgået fra {parse_date(sec.retired_from):%d-%m-%Y}"

    if "rate" in data or not partial:
        rate = _as_decimal(data.get("rate"), "Takst", problems, "rate")
        if rate is None and "rate" not in problems:
            problems["rate"] = "Takst skal udfyldes"
        elif rate is not None and rate <= 0:
            problems["rate"] = "Taksten skal være større end 0"
        else:
            out["rate"] = rate

    if "status" in data:
        if data["status"] not in STATUSES:
            problems["status"] = f"Status skal være en af {', '.join(STATUSES)}"
        out["status"] = data["status"]
    if "vum_category" in data:
        cat = str(data["vum_category"] or "").strip().upper() or None
        if cat is not None and cat not in VUM_CATEGORIES:
            problems["vum_category"] = "VUM-kategori skal være A, B, C, D, E eller F"
        out["vum_category"] = cat
    if "vum_hours" in data:
        out["vum_hours"] = _as_decimal(data["vum_hours"], "Individuelle timer", problems, "vum_hours")
    if "working_hours" in data:
        working = _as_decimal(data["working_hours"], "Arbejdstimer", problems, "working_hours")
        if working is not None and not 0 < working <= HOURS_IN_A_WEEK:
            problems["working_hours"] = f"Arbejdstimer skal være flere end 0 og højst {HOURS_IN_A_WEEK} om ugen"
        out["working_hours"] = working
    if "cap_reason" in data:
        out["cap_reason"] = " ".join(str(data["cap_reason"] or "").split())
    for key in ("paying_municipality", "acting_municipality", "caseworker", "note"):
        if key in data:
            out[key] = " ".join(str(data[key] or "").split()) if key != "note" else str(data[key] or "")
    for key in ("payment_only", "rate_from_catalogue"):
        if key in data:
            out[key] = bool(data[key])
    if problems:
        raise ValidationError(problems)
    return out


def grant_warnings(db, data: dict) -> list[str]:
    """Warnings about a valid grant that deserves a second look; shown at entry, never blocking.

    Today: personal assistance in employment above the hours cap (``core.register.pa_cap``).
    """
    warning = grant_warning(db, data)
    return [warning] if warning else []


def normalize_section(value) -> str | None:
    """``§ 108`` from ``SEL § 108``, ``§108``, ``108`` or ``108.0``; ``None`` when there is no number."""
    if value in (None, ""):
        return None
    m = re.search(r"(\d{2,3})(?:\.0+)?\b", str(value))
    return f"§ {int(m.group(1))}" if m else None


def _row(clean: dict) -> dict:
    row = {}
    for key, value in clean.items():
        if key in ("cpr", "name", "rate"):
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, bool):
            value = int(value)
        row[key] = value
    return row


def derived_status(end: dt.date | None, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return "afsluttet" if end is not None and end < today else "aktiv"


# ------------------------------------------------------------------ changes

def create_grant(db, data: dict, *, batch_id: int | None = None) -> int:
    """Create a grant (and its citizen, when the CPR is new) with its first rate period.

    Raises:
        ValidationError: with every problem of the input.
    """
    clean = validate_grant(db, data)
    with db.atomic():
        citizen_id = ensure_citizen(db, clean["cpr"], clean.get("name", ""), batch_id=batch_id)
        row = _row(clean)
        row.setdefault("status", derived_status(clean.get("end")))
        row.update(citizen_id=citizen_id, batch_id=batch_id)
        grant_id = db["grants"].insert(row).last_pk
        db["grant_rates"].insert({"grant_id": grant_id, "valid_from": clean["start"].isoformat(),
                                  "rate": str(clean["rate"])})
        if batch_id is None:
            audit.record(db, "grants", grant_id, "insert", None, grant_state(db, grant_id))
    return grant_id


def update_grant(db, grant_id: int, data: dict) -> None:
    """Change some fields of a grant. A changed ``rate`` replaces the rate of the period in force
    on the grant's start (use ``change_rate`` for a rate from a date)."""
    before = grant_state(db, grant_id)
    current = get_grant(db, grant_id)
    merged = {"cpr": current.cpr, "section": current.section, "provider_id": current.provider_id,
              "unit": current.unit, "quantity": current.quantity, "quantity_per": current.quantity_per,
              "start": current.start, "end": current.end, "rate": current.rates[0].rate if current.rates else None,
              "account": current.account}
    if "provider" in data:
        merged.pop("provider_id")
    merged.update(data)
    keys = set(data) | ({"quantity", "quantity_per"} if "unit" in data else set()) | (
        {"end"} if "start" in data else set()) | ({"start"} if "end" in data else set())
    # the unit is always checked, and with it the quantity it may require
    keys |= {"unit", "quantity", "quantity_per"}
    clean = validate_grant(db, {k: merged[k] for k in keys if k in merged}, partial=True)
    with db.atomic():
        if "cpr" in clean and clean["cpr"] != current.cpr:
            clean_cit = ensure_citizen(db, clean["cpr"], clean.get("name", ""))
            db["grants"].update(grant_id, {"citizen_id": clean_cit})
        elif "name" in clean and clean["name"]:
            db["citizens"].update(current.citizen_id, {"name": clean["name"]})
        row = _row(clean)
        if "end" in clean and "status" not in data:
            row["status"] = derived_status(clean["end"])
        if row:
            db["grants"].update(grant_id, row)
        if "rate" in data:
            first = db.execute("SELECT id FROM grant_rates WHERE grant_id = ? ORDER BY valid_from LIMIT 1",
                               [grant_id]).fetchone()
            db["grant_rates"].update(first[0], {"rate": str(clean["rate"])})
        if "start" in clean:
            # the first rate period always starts with the grant
            first = db.execute("SELECT id FROM grant_rates WHERE grant_id = ? ORDER BY valid_from LIMIT 1",
                               [grant_id]).fetchone()
            db.execute("DELETE FROM grant_rates WHERE grant_id = ? AND valid_from <= ? AND id != ?",
                       [grant_id, clean["start"].isoformat(), first[0]])
            db["grant_rates"].update(first[0], {"valid_from": clean["start"].isoformat()})
        audit.record(db, "grants", grant_id, "update", before, grant_state(db, grant_id))


def change_rate(db, grant_id: int, valid_from: dt.date, rate) -> None:
    """A new rate for the grant from ``valid_from`` (price regulation, new agreement).

    Raises:
        ValidationError: a rate not above zero, or a date outside the grant's period.
    """
    grant = get_grant(db, grant_id)
    problems: dict[str, str] = {}
    value = _as_decimal(rate, "Takst", problems, "rate")
    if value is not None and value <= 0:
        problems["rate"] = "Taksten skal være større end 0"
    if value is None and "rate" not in problems:
        problems["rate"] = "Takst skal udfyldes"
    if not isinstance(valid_from, dt.date):
        valid_from = _as_date(valid_from, "Gyldig fra", problems, "valid_from")
    if valid_from is None and "valid_from" not in problems:
        problems["valid_from"] = "Gyldig fra skal udfyldes"
    if valid_from is not None and (valid_from < grant.start or (grant.end and valid_from > grant.end)):
        problems["valid_from"] = "Den nye takst skal gælde fra en dato inden for bevillingens periode"
    if problems:
        raise ValidationError(problems)
    before = grant_state(db, grant_id)
    with db.atomic():
        db.execute(
            "INSERT INTO grant_rates (grant_id, valid_from, rate) VALUES (?, ?, ?) "
            "ON CONFLICT (grant_id, valid_from) DO UPDATE SET rate = excluded.rate",
            [grant_id, valid_from.isoformat(), str(value)])
        audit.record(db, "grants", grant_id, "rate", before, grant_state(db, grant_id))


def end_grant(db, grant_id: int, end: dt.date) -> None:
    """End a grant on ``end`` (inclusive)."""
    update_grant(db, grant_id, {"end": end})


def delete_grant(db, grant_id: int) -> None:
    """Delete a grant (its rate periods go with it).

    Raises:
        DispoError: used hours are imported on the grant (undo that import first).
    """
    refuse_when_hours_are_imported(db, grant_id)
    before = grant_state(db, grant_id)
    with db.atomic():
        db.execute("DELETE FROM grants WHERE id = ?", [grant_id])
        audit.record(db, "grants", grant_id, "delete", before, None)


@dataclass(frozen=True)
class RatePeriodRow:
    """One rate period of one grant as it applied: the rate from ``first`` to ``last`` (``None``: open)."""

    grant: Grant
    first: dt.date
    last: dt.date | None
    rate: Decimal


def rate_period_rows(grants: list[Grant]) -> list[RatePeriodRow]:
    """Every grant's rate periods as they applied, each ending the day before the next begins
    (the last with the grant); a period starting after the grant ended never applied."""
    rows = []
    for g in grants:
        for i, period in enumerate(g.rates):
            nxt = g.rates[i + 1].valid_from - dt.timedelta(days=1) if i + 1 < len(g.rates) else g.end
            if g.end is not None and period.valid_from > g.end:
                continue  # a price regulation after the grant ended never applied
            rows.append(RatePeriodRow(g, period.valid_from, nxt, period.rate))
    return rows


def grant_state(db, grant_id: int) -> dict | None:
    """Everything stored about one grant (row and rate periods), for undo and the audit log."""
    rows = query(db, "SELECT * FROM grants WHERE id = ?", [grant_id])
    if not rows:
        return None
    state = rows[0]
    state["rates"] = [[vf, rate] for vf, rate in db.execute(
        "SELECT valid_from, rate FROM grant_rates WHERE grant_id = ? ORDER BY valid_from", [grant_id])]
    return state


def refuse_when_hours_are_imported(db, grant_id: int) -> None:
    """A grant with imported used hours (``pa_hours_used``) cannot go: the hours would lose their grant.

    Raises:
        DispoError: naming the imports that hold its hours.
    """
    batches = [b for (b,) in db.execute("SELECT DISTINCT batch_id FROM pa_hours_used WHERE grant_id = ? "
                                        "ORDER BY batch_id", [grant_id])]
    if batches:
        raise DispoError(f"Bevilling {grant_id} har importerede forbrugte timer (import "
                         f"{', '.join(str(b) for b in batches)}); fortryd importen først")


_UNCHECKED = object()


def restore_grant_state(db, grant_id: int, state: dict | None, *, expected=_UNCHECKED) -> None:
    """Make grant ``grant_id`` exactly ``state`` (from ``grant_state``); ``None`` deletes it.

    This is how an edit is undone or redone. ``expected``: the state the grant must be in
    now (what the edit left), so that an undo never silently reverts a later change.

    Raises:
        DispoError: when the grant is not in the ``expected`` state.
    """
    before = grant_state(db, grant_id)
    if expected is not _UNCHECKED and before != expected:
        raise DispoError("Bevillingen er ændret siden (fx af en import eller i et andet vindue), "
                         "så ændringen kan ikke længere fortrydes eller gentages")
    if state is None:
        refuse_when_hours_are_imported(db, grant_id)
    with db.atomic():
        if state is None:
            db.execute("DELETE FROM grants WHERE id = ?", [grant_id])
        else:
            row = {k: v for k, v in state.items() if k != "rates"}
            db["grants"].upsert(row, pk="id")
            db.execute("DELETE FROM grant_rates WHERE grant_id = ?", [grant_id])
            db["grant_rates"].insert_all({"grant_id": grant_id, "valid_from": vf, "rate": rate}
                                         for vf, rate in state["rates"])
        audit.record(db, "grants", grant_id, "restore", before, state)
