"""The forecast (dispositionsregnskab): per grant, and rolled up, for a year as of a date.

For year Y as of date A every grant gets (DOMAIN.md, "Calculation rules"):

- ``computed_to_date``: the cost rule over Jan 1..A,
- ``committed_rest``: the cost rule over A+1..Dec 31,
- ``expected_outturn`` = computed_to_date + committed_rest,
- ``booked_to_date``: postings of Y dated ≤ A for the grant's citizen (CPR) and account,
- ``backlog`` = computed_to_date − booked_to_date.

**Exactness.** Each figure of a grant is computed exactly and rounded to whole øre once
(half away from zero, as ``core.money.to_ore`` does with ``core.register.costs.cost_between``);
every roll-up is a sum of those integer øre. So the grant rows add up to the citizen,
account, section, provider rows and to the total, to the øre, on screen, in the CLI and
in reports alike.

**Sign convention.** Expenses are positive. A grant at one of the municipality's own
providers (kind ``egen``) whose paying municipality is another municipality (a sold
place) is *income*: all its figures are negative. The own municipality is the setting
``municipality``; an empty paying municipality means the own one. Booked postings keep
the sign they have in the finance system (income postings are negative).

**Postings.** Booked amounts are aggregated in SQL (one ``GROUP BY cpr, account``, expense and
income postings apart: art 4.x and 7.x). A citizen's expense postings go to her expense
grants on the account and her income postings to her sold places there; several grants of
one kind share the amount in proportion to their computed_to_date (largest remainder, so
the øre add up).
Postings that match no grant count in the citizen, account and total rows (and in a
section/provider row without a key, "uden bevilling"), and are shown as
``Forecast.unmatched``.

**Budget, full-year equivalents and the deviation's causes** (account and section rows):
``budget`` is the year's budget (corrected where set, else original; a whole-year row
wins over monthly rows of the same account and section, which otherwise add up). The
budget is set per account; section budgets break it down (an account with only section
budgets has their sum; ``budget_mismatches`` lists accounts whose sections say otherwise;
an account whose grants all have one section has its budget on that section: ``budgets_by``).
A level without a budget has ``budget`` and ``deviation`` None, never 0.
``full_year_equivalents`` = days with an active expense grant / days in the year, counting
a citizen once per account (or section) on days with several grants. ``average_price`` =
expected outturn / full-year equivalents. The deviation (expected outturn − budget) is
split into

- ``volume_effect`` = (actual FYE − budgeted FYE) × budgeted average price, rounded to øre,
- ``price_effect`` = deviation − volume_effect, which equals (actual average price −
  budgeted average price) × actual FYE up to the øre rounding of the volume effect,

so the two add up exactly. The budgeted FYE is ``budgets.full_year_equivalents``; when it
is unknown (not entered, or zero) the price per FYE of the budget is unknown too, and the
whole deviation is shown as volume effect (the budget did not foresee the activity), with
``budget_full_year_equivalents`` None to say so.

**The overview's structure** (DOMAIN.md). ``Forecast.total`` is "Drift i alt": for the
account and section groupings its budget, deviation and effects are the sums of the rows'
(levels without a budget add nothing), so the effects add up there too, and its average
price comes from the exact full-year equivalents. Expected citizens (``core.followup.expected``)
and the expected high-cost refund (``core.followup.refund``, as income, with the year's refund
budget where one is set) are separate lines (``Forecast.lines``) without effects that can
be switched off; ``Forecast.grand_total`` is total + lines, its deviation the sum of the
deviations that exist (a line without a budget adds to the outturn, not to the deviation).

**Own municipality.** The setting ``municipality`` decides which places are sold; when it
is missing and grants at own providers name a paying municipality, ``Forecast.warnings``
says so (``municipality_warning``), as it names an earlier year's refund thresholds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.register.costs import days_in_year
from core.errors import DispoError
from core.money import ore_to_kr, to_ore
from core.store.storage import bulk_work, query

GROUPINGS = ("grant", "citizen", "account", "section", "provider")
# more breakdowns, built by core.budget_year.breakdowns from the same per-grant figures
BREAKDOWNS = ("caseworker", "target_group", "age_group", "provider_kind", "paying_municipality", "grouping")
GROUPING_LABELS = {"grant": "bevilling", "citizen": "borger", "account": "konto", "section": "paragraf",
                   "provider": "leverandør"}

from core.budget_year.breakdowns import build_breakdown
from core.followup.grant_forecast import checked_as_of
from core.followup.expected import list_expected
from core.followup.grant_forecast import (_add_budget, BUDGET_FIGURES,
                                 budget_mismatches, _budget_parts, budgets_by, calc_of, check_year, CostCalc,
                                 default_as_of, FIGURES, Forecast, ForecastRow, _grant_cursor, grant_figures,
                                 GrantFigures, grants_paid_elsewhere, _GRANTS_SQL, INCOME_POSTING, is_income,
                                 KEY_FIELDS, load_calcs, load_rows, municipality_warning, own_municipality,
                                 rate_ratio, rate_sums, _RATES_SQL, _RATIOS, refund_budget,
                                 split_proportionally, _union_days, unit_factor, volume_price_effects)  # noqa: F401 (re-exported)
from core.followup.refund import refund_line
from core.followup.rollup import (UNALLOCATED, UNMATCHED, add_rows, unallocated, _figures_row, _finish, _row, _sort_key, _Sum, 
                         _total_budget_figures)  # noqa: F401 (re-exported)

def forecast(db, year: int, as_of: dt.date | None = None, by: str = "grant", include_expected: bool = True,
             include_refund: bool = True) -> Forecast:
    """The forecast for ``year`` as of ``as_of`` (default: the last posting date), rolled up ``by``.

    Args:
        by: grant, citizen, account, section or provider.
        include_expected: add the expected citizens' line.
        include_refund: add the expected high-cost refund as an income line.

    Raises:
        DispoError: an unknown grouping, a date outside the year, or a year without data.
    """
    if by not in GROUPINGS + BREAKDOWNS:
        raise DispoError(f"Ukendt opdeling '{by}': vælg mellem {', '.join(GROUPINGS + BREAKDOWNS)}")
    as_of = checked_as_of(db, year, as_of)
    with bulk_work():
        figures, unmatched = grant_figures(db, year, as_of)
        if by in BREAKDOWNS:
            return build_breakdown(db, year, as_of, figures, unmatched, by, include_expected, include_refund,
                                   drift=area_total(db, year, as_of, figures, unmatched))
        return build_forecast(db, year, as_of, figures, unmatched, by, include_expected, include_refund)


def build_forecast(db, year, as_of, figures: list[GrantFigures], unmatched: dict, by: str,
                   include_expected: bool, include_refund: bool) -> Forecast:
    names = dict(db.execute("SELECT cpr, name FROM citizens").fetchall()) if by == "citizen" else {}
    labels = {}
    if by == "account":
        labels = dict(db.execute("SELECT code, text FROM accounts").fetchall())
    elif by == "section":
        labels = dict(db.execute("SELECT code, text FROM sections").fetchall())

    if by == "grant":  # one row per grant
        rows = [_figures_row(f.grant_id, f.cpr, f.name, f.section, f.account, f.provider, f.to_date, f.rest,
                             f.booked) for f in figures]
        rows.sort(key=lambda r: r.grant_id)
        return _finish(db, year, as_of, figures, unmatched, include_expected, include_refund, by, rows,
                       drift=area_total(db, year, as_of, figures, unmatched))

    attr = "cpr" if by == "citizen" else by

    def keys_of(f: GrantFigures) -> dict:
        if by == "citizen":
            return {"cpr": f.cpr, "name": f.name}
        if by == "account":
            return {"account": f.account, "name": labels.get(f.account)}
        if by == "section":
            return {"section": f.section, "name": labels.get(f.section)}
        return {"provider": f.provider}

    sums: dict[tuple, _Sum] = {}
    with_days = by in ("account", "section")  # full-year equivalents need the active days
    for f in figures:
        k = (getattr(f, attr),)
        s = sums.get(k)
        if s is None:
            s = sums[k] = _Sum(keys_of(f))
        s.to_date += f.to_date
        s.rest += f.rest
        s.booked += f.booked
        if with_days and f.first_active is not None and not f.income:
            s.intervals[f.cpr].append((f.first_active, f.last_active))
    for (cpr, account), amount in unmatched.items():
        k = {"citizen": (cpr,), "account": (account,)}.get(by, (None,))
        if k not in sums:
            sums[k] = _Sum({"citizen": {"cpr": cpr, "name": names.get(cpr)},
                            "account": {"account": account, "name": labels.get(account)}}.get(
                                by, {"name": UNMATCHED}))
        sums[k].booked += amount

    budgets = {}
    if by in ("account", "section"):
        by_account, by_section = budgets_by(db, year, figures)
        budgets = by_account if by == "account" else by_section
        for code in budgets:
            if (code,) not in sums:
                sums[(code,)] = _Sum({by: code, "name": labels.get(code)})
    days = days_in_year(year)
    rows = []
    fye_total = Fraction(0)
    for k, s in sums.items():
        extra = {}
        if by in ("account", "section") and k != (None,):
            fye = Fraction(sum(_union_days(iv) for iv in s.intervals.values()), days)
            fye_total += fye
            expected = s.to_date + s.rest
            extra["full_year_equivalents"] = ore_to_kr(to_ore(fye))
            extra["average_price"] = ore_to_kr(to_ore(Fraction(expected, 100) / fye)) if fye else None
            b = budgets.get(k[0])
            if b is not None:
                volume, price = volume_price_effects(expected, b.ore, fye, b.fye)
                extra.update(budget=ore_to_kr(b.ore), deviation=ore_to_kr(expected - b.ore),
                             volume_effect=ore_to_kr(volume), price_effect=ore_to_kr(price),
                             budget_full_year_equivalents=ore_to_kr(to_ore(b.fye)) if b.fye else None)
        rows.append(_row(s.keys, s.to_date, s.rest, s.booked, **extra))
    rows.sort(key=lambda r: _sort_key(r, by))
    drift = area_total(db, year, as_of, figures, unmatched) if by != "account" else None
    if by == "section":  # the budget kept on accounts: the section lines add up to "Drift i alt"
        rest = unallocated(drift, rows)
        if rest is not None:
            rows.append(ForecastRow(None, None, UNALLOCATED, None, None, None,
                                    **{k: rest[k] for k in FIGURES}, **{k: rest[k] for k in BUDGET_FIGURES}))
    return _finish(db, year, as_of, figures, unmatched, include_expected, include_refund, by, rows,
                   fye_total if by in ("account", "section") else None, drift)


def area_total(db, year, as_of, figures, unmatched):
    """"Drift i alt" as the account level has it: one figure at every level, with the area's
    budget columns (the budget is set per account; section budgets only break it down)."""
    return build_forecast(db, year, as_of, figures, unmatched, "account", False, False).total


# ------------------------------------------------------------------ month by month

@dataclass(frozen=True)
class MonthFigures:
    """One month of the year: booked and computed cost of the month, and cumulative lines.

    ``cumulative_expected`` is the grants only (the forecast's ``total``). The separate
    lines are cumulative too: ``cumulative_expected_citizens`` (``core.followup.expected``) and
    ``cumulative_refund`` (the § 176 refund as income, negative); each is zero when the
    line was switched off. ``cumulative_outturn`` is grants plus the lines that are on, so
    December equals the forecast's ``grand_total`` (or ``total`` with both lines off).
    """

    month: int
    booked: Decimal
    computed: Decimal
    cumulative_expected: Decimal
    cumulative_budget: Decimal | None
    cumulative_booked: Decimal
    cumulative_expected_citizens: Decimal = Decimal("0.00")
    cumulative_refund: Decimal = Decimal("0.00")
    cumulative_outturn: Decimal | None = None


def cumulative_by_month(calcs, year: int, as_of: dt.date) -> list[int]:
    """The cumulative cost in øre at the end of each month of ``year`` of ``calcs`` ((sign, CostCalc)
    pairs), as the forecast splits it: per calculator the cost to min(month end, as_of) plus the
    committed cost after as_of up to the month end, each rounded to øre. So December is exactly
    computed_to_date + committed_rest of the same calculators."""
    first = dt.date(year, 1, 1).toordinal()
    a = min(max(as_of.toordinal(), first - 1), dt.date(year, 12, 31).toordinal())
    month_ends = [(dt.date(year, m + 1, 1) if m < 12 else dt.date(year + 1, 1, 1)).toordinal() - 1
                  for m in range(1, 13)]
    cumulative = [0] * 12
    for sign, calc in calcs:
        to_date = calc.cost_ore(first, a)
        for i, end in enumerate(month_ends):
            value = calc.cost_ore(first, end) if end <= a else to_date + calc.cost_ore(a + 1, end)
            cumulative[i] += sign * value
    return cumulative


def monthly_outturn(db, year: int, as_of: dt.date | None = None, *, include_expected: bool = True,
                    include_refund: bool = True) -> list[MonthFigures]:
    """Per month: booked to ``as_of``, the computed cost, cumulative expected outturn vs budget.

    The cumulative expected outturn at the end of month m is, per grant, the cost to
    min(end of m, as_of) plus the committed cost after as_of up to the end of m, each
    rounded to øre, so December equals the forecast's total expected outturn exactly.
    The expected citizens' line is spread over the months the same way. The expected
    § 176 refund is placed at the year's end (December): it is a claim on the year as a
    whole, computed from the year's expenses and paid after the year (DOMAIN.md gives it no
    month), so the cumulative refund is zero until December. ``include_expected`` and
    ``include_refund`` switch the lines as ``forecast`` does.
    The budget is spread by its monthly rows when the year has them, otherwise evenly
    over the months (øre remainder to the first months).
    """
    as_of = checked_as_of(db, year, as_of)
    own = own_municipality(db)
    cumulative = cumulative_by_month(
        ((-1 if is_income(r["provider_kind"], r["paying_municipality"], own) else 1, calc)
         for r, calc in load_calcs(db, year)), year, as_of)
    citizens = [0] * 12
    if include_expected:
        citizens = cumulative_by_month(((1, e.calc(year)) for e in list_expected(db)), year, as_of)
    refund = 0
    if include_refund:
        line = refund_line(db, year, grant_figures(db, year, as_of, with_booked=False)[0])
        refund = to_ore(line.expected_outturn) if line is not None else 0
    booked = [0] * 12
    for month, total in db.execute(
            "SELECT CAST(substr(date, 6, 2) AS INTEGER), SUM(amount_ore) FROM postings "
            "WHERE date BETWEEN ? AND ? GROUP BY 1", [f"{year:04d}-01-01", as_of.isoformat()]):
        booked[month - 1] = total
    budget = monthly_budget(db, year)
    out, prev, cum_booked, cum_budget = [], 0, 0, 0
    for i in range(12):
        cum_booked += booked[i]
        if budget is not None:
            cum_budget += budget[i]
        cum_refund = refund if i == 11 else 0
        out.append(MonthFigures(i + 1, ore_to_kr(booked[i]), ore_to_kr(cumulative[i] - prev),
                                ore_to_kr(cumulative[i]), ore_to_kr(cum_budget) if budget is not None else None,
                                ore_to_kr(cum_booked), ore_to_kr(citizens[i]), ore_to_kr(cum_refund),
                                ore_to_kr(cumulative[i] + citizens[i] + cum_refund)))
        prev = cumulative[i]
    return out


def monthly_budget(db, year: int) -> list[int] | None:
    """The year's budget per month in øre, or None without a budget."""
    by_account, _ = budgets_by(db, year)
    if not by_account:
        return None
    months = [0] * 12
    rows = query(db, "SELECT account, section, month, original_ore, corrected_ore FROM budgets WHERE year = ?",
                 [year])
    whole = {(r["account"], r["section"]) for r in rows if r["month"] is None}
    own = {r["account"] for r in rows if r["section"] is None}
    for r in rows:
        if r["section"] is not None and r["account"] in own:
            continue  # a breakdown of the account's own budget: not counted twice
        value = r["corrected_ore"] if r["corrected_ore"] is not None else r["original_ore"]
        if r["month"] is None:
            base, extra = divmod(abs(value), 12)
            sign = -1 if value < 0 else 1
            for m in range(12):
                months[m] += sign * (base + (1 if m < extra else 0))
        elif (r["account"], r["section"]) not in whole:
            months[r["month"] - 1] += value
    return months
