"""Reconciliation (afstemning): booked postings against computed grants, per citizen and account.

Flags (DOMAIN.md, "Reconciliation"):

- ``no_grant``: postings for a citizen who has no grant in the year;
- ``wrong_account``: postings for a citizen on an account where the citizen has no grant,
  while the citizen does have a grant on another account;
- ``no_postings``: a grant active since before as-of − the provider's invoice lag with no
  posting for its citizen and account in the last month before that point;
- ``difference``: booked lies outside what is expected by now by more than the threshold
  (setting ``reconcile_threshold`` in kroner, default 1.000 kr.). Providers invoice monthly,
  so at least the cost up to the end of the last month whose invoice should have arrived
  (month end + the provider's invoice lag ≤ as-of) is due, and at most the full computed
  to-date cost can have been invoiced: booked between the two is as expected (comparing with
  either end alone would flag every grant whose provider invoices faster or slower than
  its lag);
- ``double_payment``: the same amount booked in one month for the same citizen and account
  more often than the citizen has grants on the account (monthly invoices).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from core.followup.forecast import check_year, default_as_of, is_income, load_calcs, own_municipality
from core.formatting import and_list
from core.money import format_date, format_kr, ore_to_kr, to_decimal, to_ore
from core.store import settings
from core.store.storage import query

FLAG_LABELS = {"no_grant": "Postering uden bevilling", "wrong_account": "Postering på anden konto end bevillingens",
               "no_postings": "Bevilling uden posteringer", "difference": "Difference over tærsklen",
               "double_payment": "Mulig dobbeltbetaling"}


@dataclass
class ReconRow:
    """One citizen and account: booked and computed, with the flags raised."""

    cpr: str | None
    name: str
    account: str
    grant_ids: list[int]
    providers: list[str]
    booked: int = 0           # øre, year to as-of
    computed: int = 0         # øre, computed to as-of
    due: int = 0              # øre, computed to as-of minus the invoice lag
    last_posting: dt.date | None = None
    flags: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    posting_ids: list[int] = field(default_factory=list)

    @property
    def difference(self) -> int:
        return self.booked - self.computed

    def as_json(self) -> dict:
        return {"cpr": self.cpr, "name": self.name, "account": self.account, "grant_ids": self.grant_ids,
                "providers": self.providers, "booked": float(ore_to_kr(self.booked)),
                "computed": float(ore_to_kr(self.computed)), "due": float(ore_to_kr(self.due)),
                "difference": float(ore_to_kr(self.difference)),
                "last_posting": self.last_posting.isoformat() if self.last_posting else None,
                "flags": self.flags, "messages": self.messages, "posting_ids": self.posting_ids}


def threshold(db) -> Decimal:
    """The smallest difference that is flagged (the setting ``reconcile_threshold``, in kroner)."""
    return settings.get(db, "reconcile_threshold")


def invoiced_through(as_of: dt.date, lag: int) -> dt.date:
    """The last day of the latest month whose monthly invoice is due by ``as_of``."""
    day = as_of - dt.timedelta(days=lag)
    month_end = dt.date(day.year, day.month, 1) - dt.timedelta(days=1)
    if day == dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]):
        month_end = day
    return month_end


def reconcile(db, year: int, as_of: dt.date | None = None, limit_ore: int | None = None) -> list[ReconRow]:
    """Every citizen-and-account pair with a grant or postings in ``year``; flagged rows first."""
    if as_of is None:
        check_year(db, year)
        as_of = default_as_of(db, year)
    check_year(db, year, as_of)
    limit = to_ore(threshold(db)) if limit_ore is None else limit_ore
    first = dt.date(year, 1, 1)
    a = as_of.toordinal()
    own = own_municipality(db)
    lags = dict(db.execute("SELECT name, invoice_lag_days FROM providers").fetchall())
    rows: dict[tuple[str, str], ReconRow] = {}
    grant_lag: dict[int, tuple[int, int, bool]] = {}
    accounts_of: dict[str, set[str]] = defaultdict(set)
    for r, calc in load_calcs(db, year):
        key = (r["cpr"], r["account"])
        row = rows.get(key) or rows.setdefault(key, ReconRow(r["cpr"], r["name"], r["account"], [], []))
        row.grant_ids.append(r["id"])
        if r["provider"] not in row.providers:
            row.providers.append(r["provider"])
        sign = -1 if is_income(r["provider_kind"], r["paying_municipality"], own) else 1
        lag = lags.get(r["provider"], 45)
        row.computed += sign * calc.cost_ore(first.toordinal(), a)
        row.due += sign * calc.cost_ore(first.toordinal(), invoiced_through(as_of, lag).toordinal())
        accounts_of[r["cpr"]].add(r["account"])
        active_from = max(calc.start, first.toordinal())
        grant_lag[r["id"]] = (lag, active_from, calc.end, sign < 0 or calc.unit == "engang")
    names = dict(db.execute("SELECT cpr, name FROM citizens").fetchall())
    for cpr, account, total, last, ids in db.execute(
            "SELECT cpr, account, SUM(amount_ore), MAX(date), GROUP_CONCAT(id) FROM postings "
            "WHERE +date BETWEEN ? AND ? GROUP BY cpr, account", [first.isoformat(), as_of.isoformat()]):
        key = (cpr, account)
        row = rows.get(key) or rows.setdefault(key, ReconRow(cpr, names.get(cpr, ""), account, [], []))
        row.booked = total
        row.last_posting = dt.date.fromisoformat(last)
        row.posting_ids = [int(i) for i in ids.split(",")]
    for row in rows.values():
        _flag(row, accounts_of, grant_lag, as_of, limit)
    for cpr, account, amount, month, count, vouchers in db.execute(
            "SELECT cpr, account, amount_ore, substr(date, 1, 7), COUNT(*), "
            "GROUP_CONCAT(coalesce(nullif(trim(voucher), ''), 'uden nr.'), char(31)) FROM postings "
            "WHERE +date BETWEEN ? AND ? AND amount_ore > 0 GROUP BY cpr, account, amount_ore, substr(date, 1, 7) "
            "HAVING COUNT(*) > 1", [first.isoformat(), as_of.isoformat()]):
        row = rows[(cpr, account)]
        if count <= len(row.grant_ids):  # one invoice per grant: several grants, several equal invoices
            continue
        row.flags.append("double_payment")
        # the vouchers as the finance system numbers them (the database's own ids mean nothing to her)
        row.messages.append(f"{count} posteringer à {format_kr(amount)} kr. i {month[5:]}-{month[:4]} "
                            f"(bilag {and_list(sorted(vouchers.split(chr(31))))})")
    return sorted(rows.values(), key=lambda r: (not r.flags, r.cpr or "", r.account))


def _flag(row: ReconRow, accounts_of, grant_lag, as_of: dt.date, limit: int) -> None:
    if row.booked and not row.grant_ids:
        if accounts_of.get(row.cpr):
            row.flags.append("wrong_account")
            row.messages.append(f"Bogført {format_kr(row.booked)} kr. på {row.account}, men borgerens bevillinger "
                                f"er på {', '.join(sorted(accounts_of[row.cpr]))}")
        else:
            row.flags.append("no_grant")
            row.messages.append(f"Bogført {format_kr(row.booked)} kr. uden en bevilling i året")
        return
    for gid in row.grant_ids:
        lag, active_from, end, exempt = grant_lag[gid]
        due_by = as_of.toordinal() - lag
        silent_since = max(active_from, due_by - 31)
        if exempt or active_from > due_by or (end is not None and end < silent_since):
            continue
        if row.last_posting is None or row.last_posting.toordinal() < silent_since:
            row.flags.append("no_postings")
            since = format_date(row.last_posting) if row.last_posting else "årets start"
            row.messages.append(f"Bevilling {gid}: ingen posteringer siden {since} "
                                f"(leverandørens fakturaforsinkelse er {lag} dage)")
            break
    # between what must have been invoiced by now and the whole computed cost to date, booked is
    # as expected: the last month's invoice may or may not have arrived within the lag
    low, high = sorted((row.due, row.computed))
    if row.grant_ids and not low - limit <= row.booked <= high + limit:
        row.flags.append("difference")
        expected = low if row.booked < low else high
        row.messages.append(f"Bogført {format_kr(row.booked)} kr., forventet faktureret "
                            + (f"{format_kr(low)} kr." if low == high else
                               f"mellem {format_kr(low)} og {format_kr(high)} kr.")
                            # not called a difference: the row's difference is booked − computed
                            + f": {format_kr(abs(row.booked - expected))} kr. "
                            + ("under" if row.booked < expected else "over") + " det forventede")


def postings_of(db, cpr: str, account: str, year: int, as_of: dt.date) -> list[dict]:
    """The postings behind a citizen's booked amount on an account (year to ``as_of``), by date."""
    rows = query(db, "SELECT id, date, account, art, amount_ore, text, voucher FROM postings "
                     "WHERE cpr = ? AND account = ? AND date BETWEEN ? AND ? ORDER BY date, id",
                 [cpr, account, f"{year:04d}-01-01", as_of.isoformat()])
    for r in rows:
        r["date"] = dt.date.fromisoformat(r["date"])
        r["amount"] = ore_to_kr(r.pop("amount_ore"))
    return rows
