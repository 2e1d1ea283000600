"""Used hours of personal assistance in employment (Forbrugte timer), imported per grant and period.

A row of a file names a citizen (CPR), a period (a month or from–to) and the hours used,
optionally the provider or the grant's number; ``match_grant`` finds the citizen's grant of
personal assistance in employment (account 5.68.91, ``core.register.pa_cap``) the hours
belong to, and says in Danish why when it cannot. The rows are kept in ``pa_hours_used``
(one import is one batch, undone as a whole by ``core.importing.batches.undo``).

``hours_used`` gives the hours used within a window: a period that lies partly in it counts
in proportion to its days in the window (hours are spread evenly over a period's days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.errors import DispoError
from core.money import format_date, kr
from core.register.citizens import find_by_cpr
from core.register.grants import Grant, list_grants
from core.register.pa_cap import is_pa_employment


class NoGrantForHours(DispoError):
    """Used hours that cannot be placed on exactly one grant of personal assistance in employment."""


@dataclass(frozen=True)
class UsedHours:
    """Hours used on a grant in a period (both days inclusive)."""

    id: int
    grant_id: int
    start: dt.date
    end: dt.date
    hours: Decimal
    provider: str
    batch_id: int | None


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def _period_text(start: dt.date, end: dt.date) -> str:
    return f"{format_date(start)}–{format_date(end)}"


def match_grant(db, cpr: str, start: dt.date, end: dt.date, provider: str | None = None,
                grant_id: int | None = None) -> tuple[Grant, list[str]]:
    """The citizen's grant of personal assistance in employment that hours used in a period belong to.

    Args:
        provider: the provider the file names (only that provider's grants), optional.
        grant_id: the grant's number the file names, optional (it must be the citizen's).

    Returns:
        the grant and warnings (the period lies partly outside the grant).

    Raises:
        NoGrantForHours: no such grant in the period, or several (then the provider or the
            grant's number decides).
    """
    citizen = find_by_cpr(db, cpr)
    if citizen is None:
        raise NoGrantForHours(f"Borgeren {cpr} findes ikke i registret")
    grants = [g for g in list_grants(db, citizen_id=citizen.id) if is_pa_employment(g.account)]
    if grant_id is not None:
        grants = [g for g in grants if g.id == grant_id]
        if not grants:
            raise NoGrantForHours(f"Bevilling {grant_id} er ikke borgerens bevilling af personlig assistance i job")
    if provider:
        grants = [g for g in grants if _same_name(g.provider, provider)]
        if not grants:
            raise NoGrantForHours(f"Borgeren har ingen bevilling af personlig assistance i job hos {provider}")
    found = [g for g in grants if g.start <= end and (g.end is None or g.end >= start)]
    if not found:
        raise NoGrantForHours(f"Borgeren har ingen bevilling af personlig assistance i job (konto 5.68.91) i "
                              f"perioden {_period_text(start, end)}")
    if len(found) > 1:
        raise NoGrantForHours(f"Borgeren har {len(found)} bevillinger af personlig assistance i job i perioden "
                              f"(nr. {', '.join(str(g.id) for g in found)}); angiv leverandøren eller bevillingens nr.")
    grant = found[0]
    warnings = []
    if start < grant.start or (grant.end is not None and end > grant.end):
        warnings.append(f"Perioden {_period_text(start, end)} ligger delvis uden for bevilling {grant.id} "
                        f"({format_date(grant.start)}–{format_date(grant.end) or 'løbende'})")
    return grant, warnings


def used_rows(db, grant_ids: list[int] | None = None) -> list[UsedHours]:
    """The imported used hours (of the grants named, else all), by grant and period."""
    sql = "SELECT id, grant_id, period_start, period_end, hours, provider, batch_id FROM pa_hours_used"
    params: list = []
    if grant_ids is not None:
        sql += f" WHERE grant_id IN ({','.join('?' * len(grant_ids))})"
        params = list(grant_ids)
    rows = db.execute(sql + " ORDER BY grant_id, period_start, id", params).fetchall()
    return [UsedHours(i, g, dt.date.fromisoformat(s), dt.date.fromisoformat(e), Decimal(h), p, b)
            for i, g, s, e, h, p, b in rows]


def hours_used(db, grant_ids: list[int], first: dt.date, last: dt.date) -> dict[int, Decimal]:
    """Hours used per grant within ``first``..``last`` (to two decimals), for the grants that have
    imported hours in the window (a grant without is not in the result)."""
    out: dict[int, Fraction] = {}
    for row in used_rows(db, grant_ids):
        overlap = (min(row.end, last) - max(row.start, first)).days + 1
        if overlap <= 0:
            continue
        days = (row.end - row.start).days + 1
        out[row.grant_id] = out.get(row.grant_id, Fraction(0)) + Fraction(row.hours) * overlap / days
    return {gid: kr(h) for gid, h in out.items()}  # two decimals, half away from zero (Dispo's one rule)
