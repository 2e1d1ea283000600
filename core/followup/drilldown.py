"""The follow-up with drill-down, as the screen "Budgetopfølgning" shows it: the forecast per
account or section, the grants under a chosen line grouped by provider, citizen or grant, and
the postings behind one of those.

Both forecasts are built from one computation of the grants' figures (``grant_figures``), so
a grant's figures are the same objects in the drill-down as in the by-grant forecast, and a
line's drill-down adds up to the line (apart from postings that match no grant, which the
line counts as booked and no grant has).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core.errors import DispoError
from core.followup.forecast import (Forecast, ForecastRow, MonthFigures, add_rows, build_forecast, grant_figures,
                                    monthly_outturn)
from core.followup.grant_forecast import checked_as_of
from core.followup.reconcile import postings_of
from core.store.storage import bulk_work

LEVELS = ("account", "section")
DETAIL_LEVELS = ("provider", "citizen", "grant")


@dataclass(frozen=True)
class FollowUp:
    """The forecast ``by`` a level, the same figures by grant, and the year month by month."""

    level: Forecast
    grants: Forecast
    months: list[MonthFigures]


def follow_up(db, year: int, as_of: dt.date | None = None, by: str = "account", *, include_expected: bool = True,
              include_refund: bool = True) -> FollowUp:
    """The forecast for ``year`` as of ``as_of`` (default: the last posting date) by account or
    section, with the same figures by grant for the drill-down and the monthly lines.

    Raises:
        DispoError: an unknown level, a date outside the year, or a year without data.
    """
    if by not in LEVELS:
        raise DispoError(f"Ukendt niveau '{by}': vælg mellem {', '.join(LEVELS)}")
    as_of = checked_as_of(db, year, as_of)
    with bulk_work():
        figures, unmatched = grant_figures(db, year, as_of)
        level = build_forecast(db, year, as_of, figures, unmatched, by, include_expected, include_refund)
        grants = build_forecast(db, year, as_of, figures, unmatched, "grant", False, False)
    months = monthly_outturn(db, year, as_of, include_expected=include_expected, include_refund=include_refund)
    return FollowUp(level, grants, months)


def grants_under(result: FollowUp, row: ForecastRow) -> list[ForecastRow]:
    """The by-grant rows (the very objects) under ``row``, a line of ``result.level``."""
    by = result.level.by
    return [g for g in result.grants.rows if getattr(g, by) == getattr(row, by)]


def drill_down(result: FollowUp, row: ForecastRow, detail: str) -> list[ForecastRow]:
    """The grants under ``row`` (a line of ``result.level``), one row per grant or summed per
    provider or citizen (in the order first met; each group's account is its first grant's).

    Raises:
        DispoError: an unknown detail level.
    """
    if detail not in DETAIL_LEVELS:
        raise DispoError(f"Ukendt opdeling '{detail}': vælg mellem {', '.join(DETAIL_LEVELS)}")
    grants = grants_under(result, row)
    if detail == "grant":
        return grants
    field = "provider" if detail == "provider" else "cpr"
    groups: dict = {}
    for g in grants:
        groups.setdefault(getattr(g, field), []).append(g)
    return [add_rows(*items, **{field: key, "name": items[0].name if detail == "citizen" else None,
                                "account": items[0].account})
            for key, items in groups.items()]


def postings_behind(db, result: FollowUp, row: ForecastRow) -> list[dict]:
    """The postings behind a drill-down row's booked amount: its citizen's on its account, to the
    as-of date; none for a row without one citizen (a provider's)."""
    if row.cpr is None or row.account is None:
        return []
    return postings_of(db, row.cpr, row.account, result.level.year, result.level.as_of)
