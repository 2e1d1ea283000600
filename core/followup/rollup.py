"""Rolling the grants' figures up into rows, "Drift i alt", the separate lines (expected
citizens, the § 176 refund) and the grand total (DOMAIN.md, "The monthly overview's
structure"); shared by ``core.followup.forecast`` and the budget year's breakdowns.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from decimal import Decimal
from fractions import Fraction

from core.followup.expected import expected_line
from core.followup.grant_forecast import (BUDGET_FIGURES, FIGURES, KEY_FIELDS, Forecast, ForecastRow,
                                 municipality_warning)
from core.money import ore_to_kr, to_ore
from core.followup.refund import refund_line, thresholds_note

UNMATCHED = "Posteringer uden bevilling"
UNALLOCATED = "Ikke fordelt på paragraf"
# the columns whose bottom line is the sum of the lines above it
_SUMMED = ("computed_to_date", "committed_rest", "expected_outturn", "booked_to_date", "backlog",
           "full_year_equivalents")


def _row(keys: dict, to_date: int, rest: int, booked: int, **extra) -> ForecastRow:
    get = keys.get
    return _figures_row(get("grant_id"), get("cpr"), get("name"), get("section"), get("account"), get("provider"),
                        to_date, rest, booked, **extra)


def _figures_row(grant_id, cpr, name, section, account, provider, to_date: int, rest: int, booked: int,
                 _kr=Decimal, **extra) -> ForecastRow:
    """A row from its key fields and øre figures (``ore_to_kr`` inlined: this runs once per grant)."""
    return ForecastRow(grant_id, cpr, name, section, account, provider, _kr(to_date).scaleb(-2),
                       _kr(rest).scaleb(-2), _kr(to_date + rest).scaleb(-2), _kr(booked).scaleb(-2),
                       _kr(to_date - booked).scaleb(-2), **extra)


class _Sum:
    __slots__ = ("to_date", "rest", "booked", "keys", "intervals")

    def __init__(self, keys):
        self.to_date = self.rest = self.booked = 0
        self.keys = keys
        self.intervals: dict[str | None, list[tuple[int, int]]] = defaultdict(list)


def _total_budget_figures(rows: list[ForecastRow], expected: int, fye_exact: Fraction) -> dict:
    """The budget columns of "Drift i alt": sums of the rows' (a level without a budget adds
    nothing), so the effects add up to the deviation as they do on every row; the average
    price from the exact full-year equivalents."""
    def total(name):
        values = [getattr(r, name) for r in rows if getattr(r, name) is not None]
        return sum(values, Decimal("0.00")) if values else None

    out = {"full_year_equivalents": total("full_year_equivalents") or Decimal("0.00"),
           "average_price": ore_to_kr(to_ore(Fraction(expected, 100) / fye_exact)) if fye_exact else None}
    if any(r.budget is not None for r in rows):
        # a line without a budget has no budgeted volume: its whole cost is volume (as
        # ``volume_price_effects`` has it), so deviation = expected − budget here as on every row
        unbudgeted = sum((r.expected_outturn for r in rows if r.budget is None), Decimal("0.00"))
        budget = total("budget")
        out.update(budget=budget, deviation=ore_to_kr(expected) - budget,
                   volume_effect=total("volume_effect") + unbudgeted, price_effect=total("price_effect"))
        budgeted = [r for r in rows if r.budget is not None]
        if all(r.budget_full_year_equivalents is not None for r in budgeted):
            out["budget_full_year_equivalents"] = total("budget_full_year_equivalents")
    return out


def _finish(db, year, as_of, figures, unmatched, include_expected, include_refund, by, rows,
            fye_exact: Fraction | None = None, drift: ForecastRow | None = None) -> Forecast:
    """The forecast of ``rows``: the total ("Drift i alt"), the unmatched postings, the separate
    lines and the grand total.

    ``drift``: the account level's "Drift i alt", whose budget columns every level shows (the
    budget is set per account; section budgets only break it down)."""
    unmatched_total = sum(unmatched.values())
    to_date, rest = sum(f.to_date for f in figures), sum(f.rest for f in figures)
    extra = _total_budget_figures(rows, to_date + rest, fye_exact) if fye_exact is not None else {}
    if drift is not None:
        extra = {name: getattr(drift, name) for name in (*BUDGET_FIGURES, "budget_full_year_equivalents")}
    total = _row({}, to_date, rest, sum(f.booked for f in figures) + unmatched_total, **extra)
    lines = []
    if include_expected:
        line = expected_line(db, year, as_of)
        if line is not None:
            lines.append(line)
    refund = refund_line(db, year, figures) if include_refund else None
    if refund is not None:
        lines.append(refund)
    grand = add_rows(total, *lines)
    # the grand total has a budget only when every part of it that can have one has it (the
    # expected citizens are spent from the operating budget); its deviation is then
    # expected − budget like every other row's, so the row adds up (DOMAIN.md)
    if total.budget is not None and (refund is None or refund.budget is not None):
        grand.budget = total.budget + (refund.budget if refund is not None else 0)
        grand.deviation = grand.expected_outturn - grand.budget
    warnings = [w for w in (municipality_warning(db),) if w]
    if include_refund:
        note = thresholds_note(db, year)
        if note:
            warnings.append(note)
    return Forecast(year=year, as_of=as_of, rows=rows, total=total, by=by,
                    unmatched=_row({"name": UNMATCHED}, 0, 0, unmatched_total),
                    lines=tuple(lines), grand_total=grand, warnings=tuple(warnings))


def unallocated(whole, parts) -> dict[str, Decimal | None] | None:
    """What a total (an account, or "Drift i alt") holds beyond its section lines ``parts``: the
    line "Ikke fordelt på paragraf" (DOMAIN.md: the budget is set per account, section budgets
    only break it down), so the lines add up to the total in every column; None when nothing.

    ``whole`` and ``parts`` are rows or dicts with the forecast's figure names. The summed
    columns (booked, computed, committed, expected, backlog, full-year equivalents) are the
    total's minus the lines'. The budget is the part of the total's budget the sections' budgets
    do not cover (none when they cover it all: never a budget of 0). The deviation is the line's
    own expected outturn − budget, as on every line, so a budget kept on the account shows as
    not spent here (its spending is on the section lines), never as an overspend against an
    expected 0. The price effect is the total's minus the lines' (the price effect of a total is
    the sum of its lines'), the volume effect the rest of the deviation, so the two effects add
    up to the deviation on this line and, as "difference" totals, on the total.
    """
    def get(row, name):
        value = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
        return None if value is None else Decimal(value)

    def rest(name):
        return (get(whole, name) or 0) - sum((get(p, name) or 0 for p in parts), Decimal("0.00"))

    out: dict[str, Decimal | None] = {name: rest(name) for name in _SUMMED}
    budget = rest("budget") if get(whole, "budget") is not None else None
    out["budget"] = budget if budget else None
    out["deviation"] = out["expected_outturn"] - out["budget"] if out["budget"] is not None else None
    price = rest("price_effect") if get(whole, "price_effect") is not None else None
    out["price_effect"] = price if price or out["deviation"] is not None else None
    out["volume_effect"] = (None if out["deviation"] is None and out["price_effect"] is None
                            else (out["deviation"] or 0) - (out["price_effect"] or 0))
    out["average_price"] = None
    return out if any(out.values()) else None


def _sort_key(row: ForecastRow, by: str):
    value = getattr(row, {"citizen": "cpr"}.get(by, by))
    if by == "section" and value:
        return (0, int("".join(ch for ch in value if ch.isdigit()) or 0), value)
    return (value is None, value or "")


def add_rows(first: ForecastRow, *others: ForecastRow, **keys) -> ForecastRow:
    """The sum of rows' figures (budget columns left empty)."""
    ore = {name: sum(to_ore(getattr(r, name)) for r in (first, *others)) for name in FIGURES}
    return ForecastRow(**{k: keys.get(k) for k in KEY_FIELDS}, **{n: ore_to_kr(v) for n, v in ore.items()})


def amounts_ore(row: ForecastRow) -> dict[str, int | None]:
    """A row's money figures as øre (None kept), for exact comparison and storage."""
    out = {}
    for f in fields(row):
        value = getattr(row, f.name)
        if f.name in FIGURES or f.name in BUDGET_FIGURES:
            out[f.name] = None if value is None else to_ore(value) if f.name != "full_year_equivalents" else value
    return out
