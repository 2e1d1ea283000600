"""The quarterly overview for the politicians (the Ringsted layout, DOMAIN.md "Reports").

Rows per section, grouped with subtotals: Botilbud (§ 107, § 108), Dagtilbud (§ 103,
§ 104), Hjælperordninger (§ 96), Personlig støtte og ledsagerordninger (§ 85, § 97,
§ 102); sections of the catalogue outside these groups come under "Øvrige" when they
have grants. Columns: for MAR, JUN, SEP and DEC the count and the cost of the quarter,
then the cost so far, the average count and the average yearly cost per person. The
last row holds the number of unique CPR numbers per month.

Decisions (shown as notes in the sheet):

- *Count* of a section in a month = the number of distinct citizens with a grant of that
  section active on the month's last day (31 March, 30 June, ...). Subtotals and the
  total add the section counts, as the Ringsted sheet does, so a citizen with two
  sections counts twice there; the last row "Unikke CPR-numre" counts each person once.
- *Cost* of a quarter = the cost rule (``core.register.costs``) over the quarter's days: each grant's
  cost from 1 January to the quarter's end rounded to øre once (the forecast's
  computed_to_date on that day) minus the same to the previous quarter's end, so the
  quarters add up to the forecast's figure.
- Only quarters that have ended by the as-of date are shown; later ones stay empty.
- Places at own facilities sold to another municipality are income, not an expense of
  the area (the forecast's rule, ``core.followup.forecast.is_income``), and are left out.
- Average yearly cost per person = cost of the shown quarters · 4 / number of shown
  quarters / average count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from core.register import catalogue
from core.register.costs import cost_between
from core.register.grants import Grant, list_grants
from core.followup.forecast import is_income, municipality_warning, own_municipality
from core.money import format_date, kr, ore_to_kr, to_ore
from core.reports import DETAIL, EXTRA, SUBTOTAL, TOTAL, Column, Report, ReportTable

GROUPS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Botilbud", (107, 108)),
    ("Dagtilbud", (103, 104)),
    ("Hjælperordninger", (96,)),
    ("Personlig støtte og ledsagerordninger", (85, 97, 102)),
)
OTHER_GROUP = "Øvrige"
MONTHS = (("MAR", 3), ("JUN", 6), ("SEP", 9), ("DEC", 12))


def quarter_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter ending with ``month`` (3, 6, 9 or 12)."""
    first = dt.date(year, month - 2, 1)
    last = (dt.date(year + 1, 1, 1) if month == 12 else dt.date(year, month + 1, 1)) - dt.timedelta(days=1)
    return first, last


def quarterly_columns(shown: int) -> tuple[Column, ...]:
    cols = [Column("section", "Paragraf", "text", 30), Column("text", "Ydelse", "text", 34)]
    for label, _ in MONTHS:
        cols.append(Column(f"count_{label}", f"Antal {label}", "integer", total="sum"))
        cols.append(Column(f"cost_{label}", f"Udgift kvt. {label}", "amount", total="sum"))
    factor = None if shown == 4 else f"4/{shown}"
    cols += [
        Column("cost_total", "Udgift i alt", "amount", total="sum"),
        Column("average_count", "Gns. antal", "number", total="sum"),
        Column("average_yearly_cost", "Gns. årlig udgift pr. person", "amount", 18, total="ratio",
               ratio=("cost_total", "average_count", factor)),
    ]
    return tuple(cols)


def _figures(counts: list[int | None], costs: list[int | None], shown: int) -> list:
    """The value cells of one row from counts and øre costs per quarter (None = not shown)."""
    values: list = []
    for count, cost in zip(counts, costs):
        values += [count, None if cost is None else ore_to_kr(cost)]
    total_ore = sum(c for c in costs if c is not None)
    shown_counts = [c for c in counts if c is not None]
    average = Fraction(sum(shown_counts), shown) if shown else Fraction(0)
    yearly = kr(Fraction(total_ore, 100) * 4 / shown / average) if shown and average else Decimal("0.00")
    values += [ore_to_kr(total_ore), Decimal(average.numerator) / Decimal(average.denominator) if shown else
               Decimal(0), yearly]
    return values


def build_quarterly(db, year: int, as_of: dt.date | None = None) -> Report:
    """The quarterly overview of ``year`` with the quarters ended by ``as_of`` (default 31 Dec)."""
    as_of = as_of or dt.date(year, 12, 31)
    municipality = own_municipality(db)
    shown_months = [(label, m) for label, m in MONTHS if quarter_bounds(year, m)[1] <= as_of]
    shown = len(shown_months)
    grants = [g for g in list_grants(db, active_between=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
              if not is_income(g.provider_kind, g.paying_municipality, municipality)]
    sections = {s.number: s for s in catalogue.sections(db)}
    by_section: dict[int, list[Grant]] = {}
    for g in grants:
        number = next((n for n, s in sections.items() if s.code == g.section), None)
        by_section.setdefault(number, []).append(g)

    groups = [(name, [n for n in numbers if n in sections]) for name, numbers in GROUPS]
    grouped = {n for _, numbers in groups for n in numbers}
    others = sorted(n for n in by_section if n not in grouped and n is not None)
    if others:
        groups.append((OTHER_GROUP, others))

    table = ReportTable("Kvartalsoversigt", quarterly_columns(max(shown, 1)))
    shown_labels = {label for label, _ in shown_months}
    for name, numbers in groups:
        group_counts = [0] * 4
        group_costs = [0] * 4
        for number in numbers:
            section = sections[number]
            counts: list[int | None] = []
            costs: list[int | None] = []
            for label, month in MONTHS:
                if label not in shown_labels:
                    counts.append(None)
                    costs.append(None)
                    continue
                first, last = quarter_bounds(year, month)
                items = by_section.get(number, [])
                counts.append(len({g.citizen_id for g in items if g.is_active_on(last)}))
                # each grant's cost to the quarter's end rounded once, as the forecast's
                # computed_to_date on that day: a quarter is the difference of two such figures
                jan1, before = dt.date(year, 1, 1), first - dt.timedelta(days=1)
                costs.append(sum(to_ore(cost_between(g.basis, jan1, last)) - to_ore(cost_between(g.basis, jan1, before))
                                 for g in items))
            for i in range(4):
                group_counts[i] += counts[i] or 0
                group_costs[i] += costs[i] or 0
            table.add([section.code, section.text, *_figures(counts, costs, shown)], DETAIL)
        table.add([f"{name} i alt", "", *_figures(_mask(group_counts, shown_labels),
                                                    _mask(group_costs, shown_labels), shown)], SUBTOTAL)

    total_counts, total_costs = [0] * 4, [0] * 4
    for row in table.rows_of(SUBTOTAL):
        for i, (label, _) in enumerate(MONTHS):
            total_counts[i] += row.values[2 + 2 * i] or 0
            total_costs[i] += to_ore(row.values[3 + 2 * i] or 0)
    table.add(["I alt", "", *_figures(_mask(total_counts, shown_labels), _mask(total_costs, shown_labels), shown)],
              TOTAL)

    unique = []
    for label, month in MONTHS:
        if label in shown_labels:
            last = quarter_bounds(year, month)[1]
            unique += [len({g.citizen_id for g in grants if g.is_active_on(last)}), None]
        else:
            unique += [None, None]
    table.add(["Unikke CPR-numre", "personer i måneden", *unique, None, None, None], EXTRA)

    table.notes = [
        "Antal: borgere med en aktiv bevilling efter paragraffen på månedens sidste dag. "
        "Delsummer lægger paragrafferne sammen; unikke personer står i sidste række.",
        "Udgift: beregnet efter bevillingernes takster for kvartalets dage.",
        "Gns. årlig udgift pr. person: udgift i alt omregnet til et helt år delt med gennemsnitligt antal.",
        "Pladser solgt til andre kommuner er ikke medregnet.",
    ]
    if shown < 4:
        table.notes.append(f"Kun kvartaler afsluttet pr. {format_date(as_of)} er vist.")
    warning = municipality_warning(db)
    if warning:
        table.notes.append(warning)
    table.subtitle = f"{municipality} · kvartaler til og med {format_date(as_of)}"
    return Report("Kvartalsoversigt", year, as_of, municipality, [table])


def _mask(values: list[int], shown_labels: set[str]) -> list[int | None]:
    return [v if label in shown_labels else None for v, (label, _) in zip(values, MONTHS)]
