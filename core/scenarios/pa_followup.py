"""Time-limited grants of personal assistance in employment due for their yearly follow-up,
with hours granted vs used (DOMAIN.md, "Employment-support business case": the cap and its
yearly review). Kept apart from ``core.register.pa_cap``, the rule itself, which the grant
register uses and which must not depend on the forecast.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.followup.forecast import grant_figures
from core.money import format_number
from core.register.grants import list_grants
from core.register.pa_cap import followup_date, grant_hours_per_week, grant_warning, is_pa_employment
from core.register.pa_hours import hours_used


@dataclass(frozen=True)
class FollowUp:
    """A time-limited grant of personal assistance in employment due for its yearly follow-up.

    ``hours_granted`` and ``hours_used`` are for the year to the date. Granted: the computed
    cost divided by the hourly rate in force. Used: the imported used hours
    (``core.register.pa_hours``) where the grant has any in the year to the date, else an
    estimate, the booked payments divided by the hourly rate (``hours_used_estimated``).
    None without a rate.
    """

    grant_id: int
    cpr: str
    name: str
    provider: str
    start: dt.date
    end: dt.date
    due: dt.date
    hours_per_week: Decimal | None
    hours_granted: Decimal | None
    hours_used: Decimal | None
    warning: str | None
    hours_used_estimated: bool = True
    working_hours: Decimal | None = None  # the grant's fields of the cap (``core.register.pa_cap``)
    cap_reason: str = ""

    def as_json(self) -> dict:
        return dict(self.__dict__)


def used_text(row: FollowUp) -> str:
    """The used hours as the list shows them: ``78,50``, or ``60,00 (skøn)`` for an estimate."""
    if row.hours_used is None:
        return ""
    return format_number(row.hours_used) + (" (skøn)" if row.hours_used_estimated else "")


def followups_due(db, on: dt.date, days: int = 30) -> list[FollowUp]:
    """Time-limited grants of personal assistance in employment active on ``on`` whose yearly
    follow-up falls within ``days`` days (or is overdue), with hours granted vs used this year."""
    grants = [g for g in list_grants(db, active_on=on) if is_pa_employment(g.account) and g.end is not None]
    grants = [(g, followup_date(g.start, g.followup_date, on)) for g in grants]
    grants = [(g, due) for g, due in grants if due <= on + dt.timedelta(days=days)]
    if not grants:
        return []
    figures, _ = grant_figures(db, on.year, on, citizen_ids=sorted({g.citizen_id for g, _ in grants}))
    by_grant = {f.grant_id: f for f in figures}
    imported = hours_used(db, [g.id for g, _ in grants], dt.date(on.year, 1, 1), on)
    out = []
    for g, due in sorted(grants, key=lambda item: (item[1], item[0].cpr)):
        rate = g.rate_on(on)
        f = by_grant.get(g.id)

        def hours(ore):
            return None if not rate or f is None else (Decimal(ore) / 100 / rate).quantize(Decimal("0.01"))

        warning = grant_warning(db, {"account": g.account, "unit": g.unit, "quantity": g.quantity,
                                     "quantity_per": g.quantity_per, "working_hours": g.working_hours,
                                     "cap_reason": g.cap_reason}, on=on)
        used = imported.get(g.id)
        estimated = used is None
        if estimated:
            used = hours(f.booked) if f else None
        out.append(FollowUp(g.id, g.cpr, g.name, g.provider, g.start, g.end, due,
                            grant_hours_per_week(g.unit, g.quantity, g.quantity_per),
                            hours(f.to_date) if f else None, used, warning, estimated, g.working_hours,
                            g.cap_reason))
    return out
