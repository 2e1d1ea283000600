"""The VUM allocation report: the Thisted table per own facility and a sheet across facilities.

Per facility (one sheet each): a row per resident with an ``x`` under the support
category (A–F), the share of the year the resident is counted, hours and kroner per
week; the total row sums them (formulas), and two rows below give hours and kroner per
year (per week · 52). The sheet "Alle tilbud" has one row per facility with the weighted
count per category, hours and kroner per week and per year, the fixed budget and the
difference, and the total.

Figures come from ``core.vum.allocation.compute_allocation``. Per-resident hours are
written with full precision (shown with two decimals), so the workbook's sums equal the
allocation's exact totals to the øre.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from core.followup.forecast import own_municipality
from core.money import format_number, kr
from core.reports import EXTRA, TOTAL, Column, Report, ReportTable
from core.vum.allocation import WEEKS_PER_YEAR, compute_allocation, facilities, norms, weekly_hours
from core.vum.rule import CATEGORIES

PRECISION = Decimal("0.0000000001")


def exact(value: Fraction | Decimal | int) -> Decimal:
    """A Fraction as a Decimal with ten places: exact enough that sums match to the øre."""
    value = Fraction(value)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(PRECISION)


def facility_table(allocation, norm) -> ReportTable:
    """The Thisted table of one facility."""
    cols = [Column("cpr", "CPR-nr.", "cpr"), Column("name", "Navn", "text", 26),
            Column("weight", "Andel af året", "number", total="sum")]
    cols += [Column(f"cat_{c}", c, "mark", 5, total="count") for c in CATEGORIES]
    cols += [Column("hours_per_week", "Timer pr. uge", "number", total="sum"),
             Column("kr_per_week", "Kr. pr. uge", "amount", total="sum"),
             Column("note", "Bemærkning", "text", 24)]
    table = ReportTable(allocation.facility, tuple(cols))
    price = Fraction(allocation.hourly_price)
    for r in sorted(allocation.residents, key=lambda r: (r.name, r.cpr)):
        hours = r.weight * Fraction(weekly_hours(r, norm))
        marks = ["x" if r.category == c else None for c in CATEGORIES]  # empty cells: SUBTOTAL(3) counts marks
        note = "Kommende borger" if r.expected else ("" if r.category else "Mangler kategori")
        if r.category == "F":
            note = f"Individuelt {format_number(r.hours or 0)} timer pr. uge" + (f"; {note}" if note else "")
        table.add([r.cpr, r.name, exact(r.weight), *marks, exact(hours), exact(hours * price), note])
    counts = [sum(1 for r in allocation.residents if r.category == c) for c in CATEGORIES]
    table.add(["I alt pr. uge", "", exact(sum((r.weight for r in allocation.residents), Fraction(0))), *counts,
               kr(allocation.hours_per_week), kr(allocation.hours_per_week * price), ""], TOTAL)
    blank = [None] * len(CATEGORIES)
    table.add(["I alt pr. år", f"{WEEKS_PER_YEAR} uger", None, *blank, kr(allocation.hours_per_year),
               kr(allocation.kr_per_year), ""], EXTRA)
    table.subtitle = (f"Timepris {format_number(allocation.hourly_price)} kr. · "
                      + ", ".join(f"{c} = {format_number(norm[c][1]) if norm[c][1] is not None else 'individuelt'}"
                                  for c in CATEGORIES) + " timer pr. uge")
    return table


def summary_table(allocations) -> ReportTable:
    """Sheet "Alle tilbud": one row per facility, weighted counts per category and the money."""
    cols = [Column("facility", "Tilbud", "text", 30)]
    cols += [Column(f"count_{c}", f"Antal {c}", "number", 9, total="sum") for c in CATEGORIES]
    cols += [Column("hours_per_week", "Timer pr. uge", "number", total="sum"),
             Column("kr_per_week", "Kr. pr. uge", "amount", total="sum"),
             Column("hours_per_year", "Timer pr. år", "number", total="sum"),
             Column("kr_per_year", "Tildeling pr. år", "amount", total="sum"),
             Column("fixed_budget", "Fast budget", "amount", total="sum"),
             Column("difference", "Budget − tildeling", "amount", total="sum")]
    table = ReportTable("Alle tilbud", tuple(cols))
    totals = [Fraction(0)] * (len(CATEGORIES) + 4)
    budget_total, diff_total = Decimal(0), Decimal(0)
    for a in allocations:
        price = Fraction(a.hourly_price)
        figures = [a.categories[c].count for c in CATEGORIES] + [
            a.hours_per_week, a.hours_per_week * price, a.hours_per_year, a.kr_per_year]
        totals = [t + f for t, f in zip(totals, figures)]
        budget = None if a.fixed_budget_ore is None else Decimal(a.fixed_budget_ore) / 100
        diff = None if budget is None else budget - kr(a.kr_per_year)
        budget_total += budget or 0
        diff_total += diff or 0
        table.add([a.facility, *(exact(f) for f in figures[:len(CATEGORIES)]),
                   kr(figures[-4]), kr(figures[-3]), kr(figures[-2]), kr(figures[-1]), budget, diff])
    if allocations:
        table.add(["I alt", *(exact(t) for t in totals[:len(CATEGORIES)]),
                   *(sum((r.values[len(CATEGORIES) + 1 + i] for r in table.rows), Decimal(0)) for i in range(4)),
                   budget_total, diff_total], TOTAL)
    table.notes = ["Antal er borgere vægtet med den del af året, de forventes at bo i tilbuddet.",
                   "Tildeling pr. år = normtimer pr. uge · 52 · timepris."]
    return table


def build_vum(db, year: int, as_of: dt.date | None = None) -> Report:
    """The VUM allocation of ``year`` for every own facility with categorised residents.

    Raises:
        NotFoundError: no hourly price for the year (from the allocation).
    """
    norm = norms(db)
    allocations = [compute_allocation(db, p.id, year) for p in facilities(db, year)]
    tables = [summary_table(allocations), *(facility_table(a, norm) for a in allocations)]
    return Report("VUM-fordeling", year, as_of or dt.date(year, 12, 31), own_municipality(db), tables)

