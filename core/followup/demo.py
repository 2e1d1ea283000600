"""The budget follow-up's part of the demo municipality.

Adds, deterministically: a few mid-year rate changes; monthly invoices booked from January
to the demo's as-of date with each provider's invoice lag; a few errors for the
reconciliation to find (a posting on the wrong account, a posting for a citizen without a
grant, a grant that is never invoiced, a double payment); budgets per account with budgeted
full-year equivalents; expected citizens (one turning 18); a § 96 BPA case above the
refund's third threshold; and approved months January–September.
"""

from __future__ import annotations

import calendar
import math
import datetime as dt
from decimal import Decimal

from core.followup import approval, expected
from core.register import budgets
from core.store import settings
from core.register.demo import AS_OF, DEMO_YEAR, MUNICIPALITY
from core.followup.forecast import forecast, is_income, load_calcs
from core.followup.occupancy import occupancy

ART = {"egen": "4.0", "privat": "4.0", "kommune": "4.8", "region": "4.7"}
HIGH_COST_CPR = "120478-2468"
NO_GRANT_CPR = "240385-1357"


def extend_demo(db, rng) -> dict:
    _fit_places(db)
    _rate_changes(db, rng)
    _high_cost_case(db)
    postings = _postings(db, rng)
    budget_rows = _budgets(db, rng)
    n_expected = _expected(db)
    settings.set_value(db, "reconcile_threshold", "5000")
    months = 0
    for month in range(1, AS_OF.month):
        # the demo's deliberate errors (for the reconciliation and validation screens) need a reason
        approval.approve_month(db, DEMO_YEAR, month, reason="Eksempeldata med kendte fejl",
                               today=AS_OF + dt.timedelta(days=1))  # the demo's own "today"
        months += 1
    return {"postings": postings, "budgets": budget_rows, "expected_citizens": n_expected, "approved_months": months}


def _fit_places(db) -> None:
    """Give each own facility a capacity just above its busiest month, so occupancy is real."""
    busiest: dict[int, Decimal] = {}
    for m in occupancy(db, DEMO_YEAR):
        days = m.capacity // m.places
        busiest[m.provider_id] = max(busiest.get(m.provider_id, Decimal(0)), Decimal(m.occupied) / days)
    for provider_id, peak in busiest.items():
        db["providers"].update(provider_id, {"places": max(1, math.ceil(peak * Decimal("1.03")))})


def _rate_changes(db, rng) -> None:
    """About one in ten grants running on July 1 gets a new agreement (+2–6 %) from then."""
    july = dt.date(DEMO_YEAR, 7, 1).isoformat()
    ids = [r[0] for r in db.execute(
        "SELECT id FROM grants WHERE unit != 'engang' AND start < ? AND (end IS NULL OR end >= ?) ORDER BY id",
        [july, july])]
    for gid in rng.sample(ids, max(1, len(ids) // 10)):
        rate = Decimal(db.execute("SELECT rate FROM grant_rates WHERE grant_id = ? AND valid_from <= ? "
                                  "ORDER BY valid_from DESC LIMIT 1", [gid, july]).fetchone()[0])
        new = (rate * (1 + Decimal(rng.randrange(2, 7)) / 100)).quantize(Decimal("0.01"))
        db.execute("INSERT OR REPLACE INTO grant_rates (grant_id, valid_from, rate) VALUES (?, ?, ?)",
                   [gid, july, str(new)])


def _high_cost_case(db) -> None:
    """Borgerstyret personlig assistance (§ 96) for a 48-year-old: above T3 for refund."""
    provider = db.execute("SELECT id FROM providers WHERE name = 'Hjælperordning Nord ApS'").fetchone()[0]
    cid = db["citizens"].insert({"cpr": HIGH_COST_CPR, "name": "Birthe Hjælpsen"}).last_pk
    gid = db["grants"].insert({
        "citizen_id": cid, "section": "§ 96", "provider_id": provider, "account": "5.32.32", "grouping": "003",
        "unit": "år", "start": "2019-03-01", "status": "aktiv", "paying_municipality": MUNICIPALITY,
        "acting_municipality": MUNICIPALITY, "caseworker": "Lise Holm", "granted_on": "2019-02-01",
        "followup_date": "2027-03-01", "note": "BPA, døgndækning"}).last_pk
    db["grant_rates"].insert_all([{"grant_id": gid, "valid_from": "2019-03-01", "rate": "2650000"},
                                  {"grant_id": gid, "valid_from": "2027-01-01", "rate": "2716250"}])


def _postings(db, rng) -> int:
    """Monthly invoices per grant, booked up to a few days before month end + the provider's lag."""
    providers = {r[0]: (r[1], r[2]) for r in db.execute("SELECT name, kind, invoice_lag_days FROM providers")}
    year_start = dt.date(DEMO_YEAR, 1, 1).toordinal()
    calcs = [(r, c) for r, c in load_calcs(db, DEMO_YEAR)]
    never = [r["id"] for r, c in calcs if providers[r["provider"]][0] == "privat" and c.end is None
             and c.start < year_start and r["cpr"] != HIGH_COST_CPR][:1]
    rows = []
    voucher = 100000
    for r, calc in calcs:
        if r["id"] in never:
            continue
        kind, lag = providers[r["provider"]]
        income = is_income(r["provider_kind"], r["paying_municipality"], MUNICIPALITY)
        for month in range(1, 13):
            lo = dt.date(DEMO_YEAR, month, 1)
            hi = dt.date(DEMO_YEAR, month, calendar.monthrange(DEMO_YEAR, month)[1])
            booked_on = hi + dt.timedelta(days=lag - rng.randrange(0, 6))  # the lag is the usual maximum
            if booked_on > AS_OF or booked_on.year != DEMO_YEAR:
                break
            amount = calc.cost_ore(lo.toordinal(), hi.toordinal())
            if not amount:
                continue
            voucher += 1
            rows.append({"date": booked_on.isoformat(), "account": r["account"], "grouping": "",
                         "art": "7.8" if income else ART[kind], "amount_ore": -amount if income else amount,
                         "cpr": r["cpr"], "citizen_id": r["citizen_id"],
                         "text": f"{r['provider']} {lo:%m-%Y}", "voucher": str(voucher)})
    # errors for the reconciliation to find
    expense_rows = [p for p in rows if p["amount_ore"] > 0 and p["account"] == "5.38.50"]
    wrong = rng.choice(expense_rows)
    wrong["account"] = "5.38.59"
    wrong["text"] += " (fejlkonteret)"
    double = dict(rng.choice([p for p in expense_rows if p is not wrong]))
    voucher += 1
    double["voucher"] = str(voucher)  # the same invoice paid twice
    rows.append(double)
    voucher += 1
    rows.append({"date": dt.date(DEMO_YEAR, 9, 12).isoformat(), "account": "5.38.52", "grouping": "", "art": "4.0",
                 "amount_ore": 8_615_000, "cpr": NO_GRANT_CPR, "citizen_id": None,
                 "text": "Åhuset, midlertidigt botilbud 08-2026", "voucher": str(voucher)})
    db["postings"].insert_all(rows)
    return len(rows)


def _budgets(db, rng) -> int:
    """A budget per account near the expected outturn, with budgeted full-year equivalents."""
    result = forecast(db, DEMO_YEAR, AS_OF, by="account", include_expected=False, include_refund=False)
    n = 0
    for row in result.rows:
        if row.account is None or not row.expected_outturn:
            continue
        factor = Decimal(rng.randrange(92, 106)) / 100
        amount = (row.expected_outturn * factor).quantize(Decimal("1000"))
        fye = None
        if row.full_year_equivalents:
            fye = (row.full_year_equivalents * Decimal(rng.randrange(94, 104)) / 100).quantize(Decimal("0.1"))
        corrected = (amount * Decimal("1.03")).quantize(Decimal("1000")) if row.account == "5.38.50" else None
        budgets.set_budget(db, DEMO_YEAR, row.account, amount, corrected=corrected, full_year_equivalents=fye)
        n += 1
    return n


def _expected(db) -> int:
    items = [
        {"name": "Planlagt botilbud", "section": "§ 108", "rate": "3850", "start": "2026-12-01",
         "provider": "Botilbuddet Skovbrynet", "note": "Afventer visitationsudvalget"},
        {"name": "Planlagt bostøtte", "section": "§ 85", "rate": "520", "quantity": "6", "quantity_per": "uge",
         "start": "2026-11-15", "provider": "Bostøtteteamet"},
        {"ident": "080808-4123", "name": "Tilflytter fra Nabo Kommune", "section": "§ 104", "rate": "640",
         "quantity": "4", "start": "2027-01-01", "provider": "Aktivitetscentret Kilden"},
        # from the children's area: turns 18 on 14 December 2026
        {"ident": "141208-4567", "name": "Ung fra børneområdet", "section": "§ 107", "rate": "3300",
         "start": "2026-12-14", "source": "ung18", "provider": "Åhuset, midlertidigt botilbud"},
    ]
    for item in items:
        expected.add_expected(db, item)
    return len(items)
