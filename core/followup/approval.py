"""Monthly approval: freeze a month's forecast as a snapshot.

Approving year Y, month M computes the forecast as of the month's last day, by account
and by section and in total (without the separate lines for expected citizens and refund),
and stores the figures in whole øre. The snapshots through the year show how the
forecast developed.

A month is approved once: approving it again is refused unless ``replace`` is given; then
the old snapshot is replaced and the audit log keeps the old figures (so nothing approved
is ever silently lost).

Before approving, ``checks`` lists what speaks against it: open validation errors,
accounts with grants in the month but no bookings dated in it, and bookings that end
before the month's last bank day (a month ending on a weekend or a holiday is booked
through the working day before it). A month that has not ended cannot be approved; approving despite a
check needs a reason, which is kept with the snapshot (``approvals.note``) and in the audit
log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.followup import validation
from core.store import audit
from core.errors import DispoError
from core.followup.forecast import forecast, load_calcs
from core.formatting import MONTH_NAMES
from core.money import format_date, month_end, ore_to_kr, to_ore
from core.store.storage import current_user, query

MONTHS = MONTH_NAMES


@dataclass(frozen=True)
class Snapshot:
    id: int
    year: int
    month: int
    as_of: dt.date
    approved_at: str
    user: str
    rows: list[dict]        # level, key and figures in øre
    reason: str = ""        # why it was approved despite the checks, if it was

    @property
    def total(self) -> dict:
        return next(r for r in self.rows if r["level"] == "total")

    def as_json(self) -> dict:
        def kr(v):
            return None if v is None else float(ore_to_kr(v))

        return {"id": self.id, "year": self.year, "month": self.month, "as_of": self.as_of.isoformat(),
                "approved_at": self.approved_at, "user": self.user, "reason": self.reason,
                "rows": [{"level": r["level"], "key": r["key"], "budget": kr(r["budget_ore"]),
                          "booked_to_date": kr(r["booked_ore"]), "computed_to_date": kr(r["computed_ore"]),
                          "committed_rest": kr(r["committed_ore"]), "expected_outturn": kr(r["expected_ore"]),
                          "deviation": kr(r["deviation_ore"]),
                          "full_year_equivalents": float(r["full_year_equivalents"])
                          if r["full_year_equivalents"] else None} for r in self.rows]}


def _check(year, month) -> tuple[int, int]:
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise DispoError(f"År og måned skal være tal, ikke '{year}' og '{month}'") from None
    if not 1 <= month <= 12:
        raise DispoError(f"Måned skal være 1–12, ikke {month}")
    if not 1900 <= year <= 2200:
        raise DispoError(f"Året {year} er ikke gyldigt")
    return year, month


@dataclass(frozen=True)
class Check:
    """One thing that speaks against approving a month."""

    kind: str       # "validation", "no_bookings", "bookings_end", "not_ended"
    message: str    # Danish

    def as_json(self) -> dict:
        return {"kind": self.kind, "message": self.message}


def _easter(year: int) -> dt.date:
    """Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def bank_holidays(year: int) -> set[dt.date]:
    """The days Danish banks are closed besides weekends: the public holidays, the Friday
    after Ascension Day, Constitution Day (5 June), 24 and 31 December."""
    easter = _easter(year)
    after_easter = [-3, -2, 1, 39, 40, 50] + ([26] if year <= 2023 else [])  # store bededag until 2023
    return ({easter + dt.timedelta(days=n) for n in after_easter}
            | {dt.date(year, m, d) for m, d in ((1, 1), (6, 5), (12, 24), (12, 25), (12, 26), (12, 31))})


def last_bank_day(year: int, month: int) -> dt.date:
    """The month's last day on which the finance system books payments."""
    closed = bank_holidays(year)
    day = month_end(year, month)
    while day.weekday() >= 5 or day in closed:
        day -= dt.timedelta(days=1)
    return day


def checks(db, year, month, today: dt.date | None = None) -> list[Check]:
    """What speaks against approving ``year``/``month`` (empty: nothing), to show before approving.

    A month that has not ended on ``today`` (default: today) is the first check; it blocks
    the approval. The others need a reason to approve anyway.
    """
    year, month = _check(year, month)
    today = today or dt.date.today()
    first, last = dt.date(year, month, 1), month_end(year, month)
    out = []
    if today <= last:
        out.append(Check("not_ended", f"{MONTHS[month - 1].capitalize()} {year} er ikke slut før "
                                      f"{format_date(last)} og kan ikke godkendes endnu"))
    errors = [f for f in validation.validate(db, today) if f.severity == "fejl"]  # the register as it is now
    if errors:
        # the count and the rules only: a finding's message names a citizen's CPR number
        rules = sorted({f.label for f in errors})
        out.append(Check("validation", f"Datavalideringen har {len(errors)} fejl ({', '.join(rules)}); "
                                       "se Datavalidering"))
    booked = {r[0] for r in db.execute("SELECT DISTINCT account FROM postings WHERE date BETWEEN ? AND ?",
                                       [first.isoformat(), last.isoformat()])}
    active = set()
    lo, hi = first.toordinal(), last.toordinal()
    for r, calc in load_calcs(db, year):
        if calc.start <= hi and (calc.end is None or calc.end >= lo) and calc.unit != "engang":
            active.add(r["account"])
    missing = sorted(active - booked)
    if missing:
        out.append(Check("no_bookings", f"Ingen bogføringer i måneden på {len(missing)} konti med bevillinger: "
                                        + ", ".join(missing)))
    # the bookings are complete through the month when they reach its last bank day (or later:
    # an export drawn after the month's end has all of it)
    row = db.execute("SELECT MAX(date) FROM postings WHERE date >= ?", [f"{year:04d}-01-01"]).fetchone()
    latest = dt.date.fromisoformat(row[0]) if row and row[0] else None
    bank_day = last_bank_day(year, month)
    if latest is None or latest < bank_day:
        last_text = "" if bank_day == last else f" (den sidste bankdag før {format_date(last)})"
        out.append(Check("bookings_end", (f"Bogføringerne når kun til {format_date(latest)}" if latest else
                                          f"Der er ingen bogføringer i {year}")
                         + f", ikke til månedens sidste bankdag {format_date(bank_day)}{last_text}"))
    return out


def approve_month(db, year, month, *, replace: bool = False, reason: str | None = None,
                  today: dt.date | None = None) -> int:
    """Approve a month: store the snapshot of its forecast. Returns the snapshot's id.

    Args:
        reason: why the month is approved despite ``checks``; required when there are any.
        today: the date the approval is made (default today): a month not ended by then is refused.

    Raises:
        DispoError: a bad month or year, a month that has not ended, a check without a reason,
            a year without data, or a month already approved (without ``replace``). The
            database is then unchanged.
    """
    year, month = _check(year, month)
    as_of = month_end(year, month)
    reason = (reason or "").strip()
    old = query(db, "SELECT * FROM approvals WHERE year = ? AND month = ?", [year, month])
    if old and not replace:
        raise DispoError(f"{MONTHS[month - 1].capitalize()} {year} er allerede godkendt "
                         f"({old[0]['approved_at'][:10]} af {old[0]['user']}); vælg 'erstat' for at godkende igen")
    rows = []
    for level in ("account", "section"):
        result = forecast(db, year, as_of, by=level, include_expected=False, include_refund=False)
        # a line without a key (postings without a grant, "Ikke fordelt på paragraf") is kept by its name
        rows += [_snapshot_row(level, getattr(r, level) or r.name, r) for r in result.rows]
        if level == "account":  # "Drift i alt": budget and deviation only where budgets exist
            total = _snapshot_row("total", None, result.total)
    rows.append(total)
    found = checks(db, year, month, today)
    blocking = [c for c in found if c.kind == "not_ended"]
    if blocking:
        raise DispoError(blocking[0].message)
    if found and not reason:
        raise DispoError("Måneden kan ikke godkendes uden en begrundelse: "
                         + "; ".join(c.message for c in found)
                         + ". Angiv en begrundelse for at godkende alligevel (--reason).")
    with db.atomic():
        if old:
            previous = snapshot(db, old[0]["id"])
            db.execute("DELETE FROM approval_rows WHERE approval_id = ?", [old[0]["id"]])
            db.execute("DELETE FROM approvals WHERE id = ?", [old[0]["id"]])
            audit.record(db, "approvals", old[0]["id"], "replace", previous.as_json(), None)
        approval_id = db["approvals"].insert({"year": year, "month": month, "as_of": as_of.isoformat(),
                                              "approved_at": audit.now(), "user": current_user(),
                                              "note": reason}).last_pk
        db["approval_rows"].insert_all({**r, "approval_id": approval_id} for r in rows)
        new = {"year": year, "month": month, "expected_ore": total["expected_ore"]}
        if found:
            new |= {"reason": reason, "checks": [c.message for c in found]}
        audit.record(db, "approvals", approval_id, "approve", None, new)
    return approval_id


def _snapshot_row(level: str, key, row) -> dict:
    return {"level": level, "key": key,
            "budget_ore": to_ore(row.budget) if row.budget is not None else None,
            "booked_ore": to_ore(row.booked_to_date), "computed_ore": to_ore(row.computed_to_date),
            "committed_ore": to_ore(row.committed_rest), "expected_ore": to_ore(row.expected_outturn),
            "deviation_ore": to_ore(row.deviation) if row.deviation is not None else None,
            "full_year_equivalents": str(row.full_year_equivalents) if row.full_year_equivalents is not None else None}


def snapshot(db, approval_id: int) -> Snapshot:
    head = query(db, "SELECT * FROM approvals WHERE id = ?", [approval_id])
    if not head:
        raise DispoError(f"Godkendelse {approval_id} findes ikke")
    h = head[0]
    rows = query(db, "SELECT level, key, budget_ore, booked_ore, computed_ore, committed_ore, expected_ore, "
                     "deviation_ore, full_year_equivalents FROM approval_rows WHERE approval_id = ? ORDER BY id",
                 [approval_id])
    return Snapshot(h["id"], h["year"], h["month"], dt.date.fromisoformat(h["as_of"]), h["approved_at"], h["user"],
                    rows, h.get("note") or "")


def snapshots(db, year: int | None = None) -> list[Snapshot]:
    """Approved months, oldest first."""
    sql = "SELECT id FROM approvals" + (" WHERE year = ?" if year is not None else "") + " ORDER BY year, month"
    return [snapshot(db, r[0]) for r in db.execute(sql, [year] if year is not None else [])]
