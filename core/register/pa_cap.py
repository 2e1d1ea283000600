"""The cap on personal assistance in employment (LKB): hours per week ≤ cap · working hours / full time.

With the 2022 satser the cap is 20 hours a week for a full-time job of 37 hours, scaled by
the citizen's working hours: 30 working hours allow ``20 · 30 / 37 = 16,22`` hours. More
needs a recorded reason. The cap and the full-time hours are yearly values (satser
``pa_cap_hours``, ``full_time_hours``; the newest earlier year's where the year has none).

Grants of personal assistance in employment are those on account 5.68.91 (DOMAIN.md: LKB
on 5.68.91, groupings 007/008) with hours per week (unit ``time``, per ``uge``); hours
per month are counted as hours per month / weeks per month. A grant records the citizen's
working hours a week (``working_hours``) and the reason for hours above the cap
(``cap_reason``) in fields of its own; without working hours the full-time cap applies.
The grant register warns at entry and on import (``grants.grant_warnings``), validation
lists such grants (``core.followup.validation``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.errors import DispoError
from core.money import InvalidNumber, format_number, parse_date, to_decimal

PA_EMPLOYMENT_ACCOUNT = "5.68.91"


@dataclass(frozen=True)
class CapCheck:
    """The outcome of the check: the cap, whether the hours exceed it, and the warning (or None)."""

    hours_per_week: Decimal
    working_hours: Decimal
    cap: Fraction
    over: bool
    reason: str
    warning: str | None


def _hours(value) -> str:
    """Hours the Danish way without needless decimals: ``20``, ``16,22``, ``22,5``."""
    text = format_number(value)
    return text[:-3] if text.endswith(",00") else text.removesuffix("0")


def hours_cap(working_hours, cap_hours=Decimal(20), full_time_hours=Decimal(37)) -> Fraction:
    """The most hours of personal assistance a week for the working hours (exact, not rounded)."""
    if Fraction(full_time_hours) <= 0:
        raise DispoError("Fuld tid skal være flere end 0 timer om ugen")
    working = min(Fraction(working_hours), Fraction(full_time_hours))  # never above the full-time cap
    return Fraction(cap_hours) * working / Fraction(full_time_hours)


def check_hours(hours_per_week, working_hours, reason: str = "", *, cap_hours=Decimal(20),
                full_time_hours=Decimal(37)) -> CapCheck:
    """Check granted hours against the cap; a recorded ``reason`` turns the warning into a note.

    Returns:
        ``warning`` is a Danish sentence when the hours exceed the cap and no reason is recorded.
    """
    hours = Decimal(hours_per_week)
    working = Decimal(working_hours)
    cap = hours_cap(working, cap_hours, full_time_hours)
    over = Fraction(hours) > cap
    reason = (reason or "").strip()
    warning = None
    if over and not reason:
        warning = (f"Personlig assistance på {_hours(hours)} timer om ugen er over loftet på "
                   f"{_hours(cap)} timer ({_hours(cap_hours)} · {_hours(working)} / {_hours(full_time_hours)} "
                   "arbejdstimer). Flere timer kræver en begrundelse.")
    return CapCheck(hours, working, cap, over, reason, warning)


def cap_satser(db, year: int) -> tuple[Decimal, Decimal]:
    """(cap hours, full-time hours) of ``year`` from the satser (newest earlier year), else 20 and 37."""
    values = []
    for kind, default in (("pa_cap_hours", Decimal(20)), ("full_time_hours", Decimal(37))):
        row = db.execute("SELECT value FROM satser WHERE kind = ? AND year <= ? ORDER BY year DESC LIMIT 1",
                         [kind, year]).fetchone()
        values.append(Decimal(row[0]) if row else default)
    return values[0], values[1]


def is_pa_employment(account: str) -> bool:
    return (account or "").strip() == PA_EMPLOYMENT_ACCOUNT


def grant_hours_per_week(unit: str, quantity, quantity_per: str | None, weeks_per_month=Decimal("4.33")):
    """A grant's hours per week, or None when it is not counted in hours (or the quantity is no number)."""
    if unit != "time" or quantity in (None, ""):
        return None
    try:
        quantity = to_decimal(quantity)
    except InvalidNumber:
        return None
    return quantity if quantity_per != "måned" else quantity / Decimal(weeks_per_month)


def grant_warning(db, data: dict, on: dt.date | None = None) -> str | None:
    """The cap warning for a grant (fields as the grant form or the register has them), or None.

    ``working_hours`` (the citizen's working hours a week) and ``cap_reason`` are the grant's
    fields; without working hours the full-time cap applies (the most a grant can have without
    a reason). The year's satser are those of ``on``, else of the grant's start, else of today.
    """
    check = grant_check(db, data, on)
    if check is None or check.warning is None:
        return None
    if data.get("working_hours") in (None, ""):
        return check.warning + " Arbejdstimerne er ikke udfyldt, så loftet for fuld tid er brugt."
    return check.warning


def grant_check(db, data: dict, on: dt.date | None = None) -> CapCheck | None:
    """The cap check of a grant of personal assistance in employment (None for other grants, and
    for one whose hours or working hours are not numbers: validation says so)."""
    if not is_pa_employment(str(data.get("account") or "")):
        return None
    hours = grant_hours_per_week(data.get("unit") or "", data.get("quantity"), data.get("quantity_per"))
    if hours is None:
        return None
    working_hours = data.get("working_hours")
    if on is None:
        start = data.get("start")
        try:
            on = start if isinstance(start, dt.date) else parse_date(str(start)) if start else None
        except InvalidNumber:
            on = None
    year = (on or dt.date.today()).year
    cap_hours, full_time = cap_satser(db, year)
    try:
        working = to_decimal(working_hours) if working_hours not in (None, "") else full_time
    except InvalidNumber:
        return None
    if working <= 0:
        return None
    return check_hours(hours, working, str(data.get("cap_reason") or ""), cap_hours=cap_hours,
                       full_time_hours=full_time)


def _anniversary(start: dt.date, year: int) -> dt.date:
    try:
        return start.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, 2, 28)


def followup_date(start: dt.date, followup: dt.date | None, on: dt.date) -> dt.date:
    """The grant's follow-up date if set, else the first anniversary of its start on or after ``on``."""
    if followup is not None:
        return followup
    due = _anniversary(start, max(on.year, start.year + 1))
    return due if due >= on else _anniversary(start, due.year + 1)
